/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_prov.h - internals of the lithsm OpenSSL 3 provider.
 *
 * provider.c   entry point, algorithm tables, configuration, errors
 * p11_*.c      the PKCS#11 module: libp11 for load, slots and login; the
 *              module's own function list for sessions, keys and signing
 *              (p11.h, which these files share)
 * store.c      OSSL_STORE loader for pkcs11: URIs (RFC 7512, p11-kit parser)
 * keymgmt.c    EC key management for token keys
 * signature.c  ECDSA over CKM_ECDSA
 * aes_gcm.c    AES-256 secret keys: their key management and the
 *              LITHSM-AES-GCM asymmetric cipher over CKM_AES_GCM
 * config.c     the openssl.cnf section, checked at load
 * encoder.c    text encoder (the key's pkcs11: URI), and the clear refusal
 *              to write a token private key as PEM or DER
 *
 * What clients share with the provider (its name, parameter names and
 * error reason codes) is in the public lithsm_provider.h.
 */
#ifndef LITHSM_PROV_H
#define LITHSM_PROV_H

#include <stddef.h>

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

#include "lithsm_provider.h"

typedef struct lithsm_provctx {
    const OSSL_CORE_HANDLE *handle;
    OSSL_LIB_CTX *libctx; /* child of the application's library context */
    OSSL_FUNC_core_new_error_fn *new_error;
    OSSL_FUNC_core_set_error_debug_fn *set_error_debug;
    OSSL_FUNC_core_vset_error_fn *vset_error;
    char *module_path; /* config "module-path", or NULL */
    char *pin_source;  /* config "pin-source", or NULL */
    /* Why the openssl.cnf section is refused ("" when it is fine): the
     * provider then finds and makes no key (config.c). */
    char config_error[320];
} lithsm_provctx;

/* Puts a lithsm error with a formatted detail on the caller's error queue. */
void lithsm_prov_raise(const lithsm_provctx *pc, const char *file, int line,
                       const char *func, int reason, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* The configured PKCS#11 module, or the default one. */
const char *lithsm_prov_module_path(const lithsm_provctx *pc);

/* config.c: reads and checks the provider's openssl.cnf section (0 only
 * when the core cannot be asked, or out of memory); a bad section is kept
 * in pc->config_error, said once on stderr, and the provider still loads.
 * config_ok: 1 when the section is fine, else 0 with LITHSM_R_CONFIG
 * raised; every search and key generation asks it first. */
int lithsm_prov_config_load(lithsm_provctx *pc,
                            OSSL_FUNC_core_get_params_fn *get_params);
int lithsm_prov_config_ok(const lithsm_provctx *pc);

/* Parses a pkcs11: URI with p11-kit under lithsm's rules (no empty path
 * attribute, no pin-value).  NULL when it is usable, else why not: a
 * static message, to follow "pkcs11 URI: ", that never echoes the URI (it
 * may hold a PIN). */
const char *lithsm_prov_parse_uri(const char *text, P11KitUri *uri);

#define LITHSM_RAISE(pc, reason, ...) \
    lithsm_prov_raise((pc), __FILE__, __LINE__, __func__, (reason), __VA_ARGS__)

/* ---------------------------------------------------------------- p11_*.c */

/* Curves the keys may be on. */
enum { LITHSM_CURVE_SECP256K1 = 1, LITHSM_CURVE_P256 };

typedef struct lithsm_module lithsm_module;

/* Where a PIN comes from: the pin-source (URI, else configuration), else
 * the application's passphrase callback (a prompt), else nowhere. */
typedef struct lithsm_pin {
    const char *source; /* "file:PATH", "env:NAME" or NULL */
    OSSL_PASSPHRASE_CALLBACK *cb;
    void *cbarg;
} lithsm_pin;

/* A key found on a token: one reference-counted object shared by the store,
 * the key manager and signature contexts. */
typedef struct lithsm_key {
    unsigned int magic;
    int refs;
    lithsm_provctx *pc;
    lithsm_module *mod; /* holds a reference */
    CK_SLOT_ID slot_id;
    /* CKO_PRIVATE_KEY or CKO_PUBLIC_KEY (EC keys), or CKO_SECRET_KEY (an
     * AES-256 key: curve, pub and params unused) */
    CK_OBJECT_CLASS class;
    CK_OBJECT_HANDLE handle; /* the object itself */
    int curve;
    unsigned char pub[65]; /* 04 || X || Y, from the public CKA_EC_POINT */
    char label[64];        /* for messages only */
    /* To find the object again after a fork (handles do not survive the
     * module's re-initialisation). */
    unsigned char id[128];
    size_t id_len;
    unsigned char params[16];
    size_t params_len;
    unsigned int generation; /* the module generation `handle` belongs to */
    /* CKA_ALWAYS_AUTHENTICATE: each signature needs a context-specific
     * login.  Policy: the login PIN is kept for it (secure heap, wiped at
     * free), NULL on a PIN pad (protected authentication path). */
    int always_auth;
    char *auth_pin;
    /* Where the PIN came from (file:PATH or env:NAME; never the PIN), to
     * log in again when the token says it logged out; NULL: nowhere. */
    char *pin_source;
} lithsm_key;

#define LITHSM_KEY_MAGIC 0x6c6b6579u

/* Loads (or reuses) the module at `path`; the caller releases it. */
lithsm_module *lithsm_module_get(lithsm_provctx *pc, const char *path);
void lithsm_module_put(lithsm_module *mod);
/* A search that found no token (LITHSM_R_TOKEN_NOT_FOUND), or a token that
 * could not be read (LITHSM_R_TOKEN_BUSY), may be SoftHSM2 meeting a token
 * that another process was writing when this one initialised; SoftHSM2
 * keeps that view until it is initialised again.  can_reload: the module
 * has no other user and attempts are left.  reload: drops that last
 * reference (unloading it), waits a little longer on each attempt and
 * loads the module afresh (NULL on failure, with the error raised). */
int lithsm_module_can_reload(lithsm_module *mod, int attempt);
lithsm_module *lithsm_module_reload(lithsm_provctx *pc, lithsm_module *mod,
                                    int attempt);

/* Finds keys matching `uri` on the matching tokens of `mod`.  `want_private`
 * and `want_public` say which classes to look for; logging in happens only
 * when private keys are wanted, and only to the token where the key is
 * visible without login (or the only token matching): several such tokens
 * when a private key alone is wanted, or several matching tokens none of
 * which shows it, are LITHSM_R_AMBIGUOUS, and so are several private keys
 * when a private key alone is wanted.  On success *keys is an array of
 * *nkeys references (maybe none), freed with lithsm_keys_free. */
int lithsm_find_keys(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                     const lithsm_pin *pin, int want_private, int want_public,
                     lithsm_key ***keys, size_t *nkeys);
void lithsm_keys_free(lithsm_key **keys, size_t nkeys);

/* An X.509 certificate found on a token: its DER (CKA_VALUE). */
typedef struct lithsm_cert {
    unsigned char *der;
    size_t der_len;
} lithsm_cert;

/* Finds the X.509 certificates matching `uri` (object=, id=; type= other
 * than cert matches none).  Certificates are looked for without logging
 * in; a PIN source, when given, is used to look once more for private
 * ones.  On success *certs is an array of *ncerts (maybe none), freed with
 * lithsm_certs_free. */
int lithsm_find_certs(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                      const lithsm_pin *pin, lithsm_cert **certs,
                      size_t *ncerts);
void lithsm_certs_free(lithsm_cert *certs, size_t ncerts);

lithsm_key *lithsm_key_ref(lithsm_key *key);
void lithsm_key_unref(lithsm_key *key);

/* Generates a key pair with the wallet template on the one token `uri`
 * names; object= gives the label (which must be new), id= the CKA_ID
 * (random when absent).  *out is the private key. */
int lithsm_generate_key(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                        const lithsm_pin *pin, int curve, lithsm_key **out);

/* Finds the AES-256 secret keys matching `uri` (type=secret-key, object=,
 * id=) on the one token the URI matches (several: LITHSM_R_AMBIGUOUS, so
 * the PIN goes to one token only), logged in first.  Several keys are
 * LITHSM_R_AMBIGUOUS too.  On success *keys is an array of *nkeys
 * references (none or one), freed with lithsm_keys_free. */
int lithsm_find_secret_keys(lithsm_provctx *pc, lithsm_module *mod,
                            P11KitUri *uri, const lithsm_pin *pin,
                            lithsm_key ***keys, size_t *nkeys);

/* AES-256-GCM with a secret key (lithsm_provider.h, LITHSM_AES_GCM_NAME):
 * out gets IV || ciphertext || tag, *outlen = inlen + 28 (out must have
 * room for that); decrypt takes that form and gives the plaintext (out
 * needs inlen bytes; *outlen = inlen - 28).  A tag that does not verify is
 * LITHSM_R_DECRYPT. */
int lithsm_secret_encrypt(lithsm_key *key, const unsigned char *aad,
                          size_t aad_len, const unsigned char *in, size_t inlen,
                          unsigned char *out, size_t *outlen);
int lithsm_secret_decrypt(lithsm_key *key, const unsigned char *aad,
                          size_t aad_len, const unsigned char *in, size_t inlen,
                          unsigned char *out, size_t *outlen);

/* Signs exactly 32 bytes with CKM_ECDSA; rs gets the raw r || s (64 bytes).
 * When the token says a session, the key's handle or the login is gone
 * (CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED, CKR_DEVICE_REMOVED,
 * CKR_TOKEN_NOT_PRESENT, CKR_DEVICE_ERROR, CKR_OBJECT_HANDLE_INVALID,
 * CKR_KEY_HANDLE_INVALID, CKR_USER_NOT_LOGGED_IN), the slot's idle
 * sessions are closed, the key is found again, the token logged in to
 * again when it said so (lithsm_slot_relogin), and the signature tried
 * once more; a second such failure is LITHSM_R_TOKEN_NOT_FOUND. */
int lithsm_key_sign_raw(lithsm_key *key, const unsigned char *tbs,
                        size_t tbslen, unsigned char rs[64]);

/* Is the key's token there, logged in (for a private key, where it asks
 * for a login) and the key on it?  C_GetTokenInfo on its slot, then
 * C_GetSessionInfo and CKA_CLASS of its object on a pooled session: no
 * signature.  A token that lost its sessions or its login is recovered as
 * lithsm_key_sign_raw does (logged in again) and looked at once more.  0
 * with LITHSM_R_TOKEN_NOT_FOUND raised when it is not there (or the login
 * error). */
int lithsm_key_probe(lithsm_key *key);

const char *lithsm_curve_name(int curve);

/* The key's pkcs11: URI (RFC 7512): its token's model, manufacturer,
 * serial and label, then id=, object= and type=; freed with free().  NULL
 * with the error raised when the token cannot be read. */
char *lithsm_key_uri(lithsm_key *key);

/* ------------------------------------------------ algorithm dispatch tables */

extern const OSSL_DISPATCH lithsm_store_functions[];
extern const OSSL_DISPATCH lithsm_ec_keymgmt_functions[];
extern const OSSL_DISPATCH lithsm_ecdsa_functions[];
extern const OSSL_DISPATCH lithsm_aes_keymgmt_functions[];
extern const OSSL_DISPATCH lithsm_aes_gcm_functions[];
extern const OSSL_ALGORITHM lithsm_encoder_algs[];

#endif
