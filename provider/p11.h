/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * p11.h - what the PKCS#11 files of the provider share; the rest of the
 * provider sees lithsm_prov.h only.
 *
 * p11_module.c  the module's life, its slots, fork and login: every libp11
 *               call is there, serialised by the module lock (libp11's
 *               README: not fully thread safe); also the session pools
 * p11_pin.c     the PIN, read from its source or asked of the application
 * p11_names.c   CKR_* names, curves and their OIDs, PKCS#11 strings
 * p11_key.c     key objects made from token objects
 * p11_find.c    key and certificate searches
 * p11_sign.c    CKM_ECDSA signing
 * p11_secret.c  AES-256 secret key objects and CKM_AES_GCM
 * p11_keygen.c  key pair generation with the wallet template
 *
 * The ownership rules (reference/libp11-0.4.12.md):
 *
 * - libp11 owns the module's lifecycle, the slot list and login.
 * - The provider owns its own sessions, object handles and every key
 *   operation, through the module's function list (CK_FUNCTION_LIST).
 *   libp11 0.4.12 cannot list keys on a token that also holds an Ed25519
 *   key, and has no EC key generation, so its key calls,
 *   PKCS11_open_session, PKCS11_logout and PKCS11_update_slots are never
 *   used.
 * - Login is per token (PKCS#11 v2.40 §5.6): once libp11 has logged in, the
 *   provider's sessions on the same module instance are logged in too.
 *
 * libp11's types stay opaque here, so that no other file can call it.
 */
#ifndef LITHSM_P11_H
#define LITHSM_P11_H

#include <pthread.h>
#include <sys/types.h>

#include "lithsm_prov.h"

#define LITHSM_POOL_MAX 16   /* idle sessions kept per slot */
#define LITHSM_PIN_MAX 256   /* longest PIN read from a pin-source */
#define LITHSM_FIND_BATCH 16 /* handles per C_FindObjects call */

struct PKCS11_ctx_st;  /* libp11's PKCS11_CTX */
struct PKCS11_slot_st; /* libp11's PKCS11_SLOT */

typedef struct lithsm_slot {
    CK_SLOT_ID id;
    struct PKCS11_slot_st *p11slot; /* libp11's view of the same slot */
    CK_SESSION_HANDLE pool[LITHSM_POOL_MAX];
    size_t npool;
    /* A session of ours kept open while logged in: a module whose function
     * lists are separate connections (p11-kit-client) logs each in on its
     * own, and logs out when its last session closes. */
    CK_SESSION_HANDLE login_session;
    int has_login_session;
} lithsm_slot;

/* One module instance per path per process (p11_module.c).  Outside
 * p11_module.c only fl, path, nslots, ss[i].id and generation are read. */
struct lithsm_module {
    lithsm_module *next;
    int refs; /* under the registry's lock */
    char *path;
    struct PKCS11_ctx_st *p11;
    struct PKCS11_slot_st *slots;
    unsigned int nslots;
    lithsm_slot *ss;
    void *dl;
    CK_FUNCTION_LIST *fl;
    int own_init;            /* our C_Initialize returned CKR_OK */
    pthread_mutex_t lock;    /* libp11 calls, login, session pools */
    pid_t pid;               /* the process that initialised it */
    unsigned int generation; /* bumped at each re-initialisation */
};

/* ----------------------------------------------------------- p11_module.c */

/* One more reference to a module already held (a key keeps its module). */
lithsm_module *lithsm_module_ref(lithsm_module *mod);

/* A child must not use its parent's sessions or handles: on first use in a
 * new process the module is initialised again and `generation` bumped. */
int lithsm_module_check_fork(lithsm_provctx *pc, lithsm_module *mod);

/* A session on slot `id`, from the pool or new; put back after use, or
 * closed when `last` (its last call's result) is not CKR_OK. */
CK_RV lithsm_session_get(lithsm_module *mod, CK_SLOT_ID id,
                         CK_SESSION_HANDLE *out);
void lithsm_session_put(lithsm_module *mod, CK_SLOT_ID id, CK_SESSION_HANDLE h,
                        CK_RV last);

/* Closes the idle sessions of slot `id` (the token said a session or its
 * login is gone). */
void lithsm_session_drop_pool(lithsm_module *mod, CK_SLOT_ID id);

/* The token of slot `id` says it is logged out (CKR_USER_NOT_LOGGED_IN):
 * logs in again once, with the PIN read again from `source` (file:PATH or
 * env:NAME; the provider keeps no copy of the PIN), on a session kept in
 * the pool.  The rules of lithsm_slot_login hold: a PIN that failed is
 * never tried again, a locked token is not tried. */
int lithsm_slot_relogin(lithsm_provctx *pc, lithsm_module *mod, CK_SLOT_ID id,
                        const char *source);

/* Logs in to the token in `slot` (whose info is `ti`) once, through libp11,
 * under the module lock.  A token on its final PIN try, locked, or whose
 * PIN must be changed is never tried, and a failed PIN is never retried. */
int lithsm_slot_login(lithsm_provctx *pc, lithsm_module *mod, lithsm_slot *slot,
                      const CK_TOKEN_INFO *ti, const lithsm_pin *pin);

/* -------------------------------------------------------------- p11_pin.c */

/* Reads the PIN for token `token` (its label, for messages) into pin[size]:
 * from the pin-source, else from the application's callback.  pin is wiped
 * by the caller. */
int lithsm_read_pin(lithsm_provctx *pc, const lithsm_pin *src,
                    const char *token, char *pin, size_t size);

/* ------------------------------------------------------------ p11_names.c */

const char *lithsm_ckr_name(CK_RV rv);
/* Copies a blank-padded PKCS#11 string into a C string for messages. */
void lithsm_padded_str(char *out, size_t size, const CK_UTF8CHAR *in,
                       size_t in_len);
/* The curve whose DER namedCurve OID is p (CKA_EC_PARAMS), else 0. */
int lithsm_curve_from_params(const unsigned char *p, size_t len);
/* The DER namedCurve OID of a curve, for CKA_EC_PARAMS. */
const unsigned char *lithsm_curve_params(int curve, size_t *len);
int lithsm_curve_nid(int curve);

/* -------------------------------------------------------------- p11_key.c */

typedef struct lithsm_key_list {
    lithsm_key **keys;
    size_t n, cap;
    int skipped; /* objects that matched but cannot be used */
} lithsm_key_list;

/* Adds a key object for handle h of class cls (on slot `slot`, seen through
 * session s) to l, or skips it (returns 1 with nothing added) when it is
 * not a usable EC key on a known curve. */
int lithsm_key_list_add(lithsm_provctx *pc, lithsm_module *mod,
                        CK_SESSION_HANDLE s, CK_SLOT_ID slot,
                        CK_OBJECT_HANDLE h, CK_OBJECT_CLASS cls,
                        lithsm_key_list *l);

/* A private key found on the token of info `ti`: keeps the name of the
 * PIN source of `src` (to log in again, lithsm_slot_relogin); with
 * CKA_ALWAYS_AUTHENTICATE also the PIN itself, for its context-specific
 * logins (none on a PIN pad). */
int lithsm_key_keep_auth_pin(lithsm_provctx *pc, lithsm_key *key,
                             const lithsm_pin *src, const CK_TOKEN_INFO *ti);

/* ----------------------------------------------------------- p11_secret.c */

/* Adds the AES secret key of handle h (slot `slot`, session s) to l, or
 * skips it (returns 1, nothing added) unless it is 32 bytes long and may
 * both encrypt and decrypt. */
int lithsm_secret_list_add(lithsm_provctx *pc, lithsm_module *mod,
                           CK_SESSION_HANDLE s, CK_SLOT_ID slot,
                           CK_OBJECT_HANDLE h, lithsm_key_list *l);

/* Reads one attribute into buf; *len gets its length.  Fails when the
 * attribute is absent, sensitive or larger than the buffer. */
int lithsm_get_attr(lithsm_module *mod, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                    CK_ATTRIBUTE_TYPE type, void *buf, size_t size,
                    size_t *len);

/* 1 when a CK_BBOOL attribute is present and CK_TRUE (absent: 0). */
int lithsm_attr_true(lithsm_module *mod, CK_SESSION_HANDLE s,
                     CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type);

/* A new key object for handle h of class cls (slot `slot`, session s):
 * its label read, one reference, holding one on the module; the caller
 * fills in what its kind needs.  NULL (raised) when out of memory. */
lithsm_key *lithsm_key_new(lithsm_provctx *pc, lithsm_module *mod,
                           CK_SESSION_HANDLE s, CK_SLOT_ID slot,
                           CK_OBJECT_HANDLE h, CK_OBJECT_CLASS cls);

/* Finds the key's object again (by class, key type, CKA_ID and, for EC
 * keys, the curve; an AES key without CKA_ID by its label) after a
 * re-initialisation, or always when `force` (the token said the handle is
 * gone; not found then is LITHSM_R_TOKEN_NOT_FOUND).  Exactly one must
 * match.  0 (raised) on failure. */
int lithsm_key_refresh(lithsm_key *key, CK_SESSION_HANDLE s, int force);

/* A session on the key's slot in which key->handle is valid: the module
 * initialised again after a fork and the object found again if need be.
 * Put back with lithsm_session_put.  0 (raised) on failure. */
int lithsm_key_session(lithsm_key *key, CK_SESSION_HANDLE *s);

/* Adds key to l (its reference moves to l). */
int lithsm_key_list_push(lithsm_provctx *pc, lithsm_key_list *l,
                         lithsm_key *key);

/* ------------------------------------------------------------- p11_find.c */

/* Is the slot's token present, initialised and matching the URI?  ti gets
 * its info. */
int lithsm_slot_matches(lithsm_module *mod, const lithsm_slot *slot,
                        P11KitUri *uri, CK_TOKEN_INFO *ti);

#endif /* LITHSM_P11_H */
