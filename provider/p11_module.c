/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * p11_module.c - the PKCS#11 module's life, its slots, fork and login: the
 * one file that calls libp11 (p11.h gives the rules); also the provider's
 * own session pools on the same module instance.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libp11.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "p11.h"

/* One module instance per path per process: two instances of libp11 on one
 * module would finalise it under each other's feet. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static lithsm_module *registry;

/* ------------------------------------------------------------------------
 * Module lifecycle (libp11), then the same module's function list
 */

static void module_unload(lithsm_module *mod)
{
    unsigned int i;
    size_t j;

    if (mod->fl != NULL && mod->ss != NULL)
        for (i = 0; i < mod->nslots; i++) {
            for (j = 0; j < mod->ss[i].npool; j++)
                mod->fl->C_CloseSession(mod->ss[i].pool[j]);
            if (mod->ss[i].has_login_session)
                mod->fl->C_CloseSession(mod->ss[i].login_session);
        }
    ERR_set_mark();
    if (mod->slots != NULL)
        PKCS11_release_all_slots(mod->p11, mod->slots, mod->nslots);
    /* libp11's unload calls C_Finalize; ours only balances our own
     * C_Initialize when it was the one that initialised (p11-kit's proxy
     * counts references). */
    PKCS11_CTX_unload(mod->p11);
    PKCS11_CTX_free(mod->p11);
    if (mod->own_init && mod->fl != NULL)
        (void)mod->fl->C_Finalize(NULL);
    ERR_pop_to_mark();
    if (mod->dl != NULL)
        dlclose(mod->dl);
    pthread_mutex_destroy(&mod->lock);
    free(mod->ss);
    free(mod->path);
    free(mod);
}

static lithsm_module *module_load(lithsm_provctx *pc, const char *path,
                                  int *transient)
{
    CK_C_INITIALIZE_ARGS args;
    CK_C_GetFunctionList get_list;
    lithsm_module *mod;
    unsigned int i;
    CK_RV rv;

    mod = calloc(1, sizeof(*mod));
    if (mod == NULL || (mod->path = strdup(path)) == NULL) {
        free(mod);
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        return NULL;
    }
    /* Say why a module cannot be loaded, before libp11 prints to stderr. */
    if (access(path, R_OK) != 0) {
        LITHSM_RAISE(pc, LITHSM_R_MODULE, "cannot load PKCS#11 module %s: %s",
                     path, strerror(errno));
        free(mod->path);
        free(mod);
        return NULL;
    }
    pthread_mutex_init(&mod->lock, NULL);
    /* SoftHSM's C_Initialize leaves unrelated errors on the queue. */
    ERR_set_mark();
    mod->p11 = PKCS11_CTX_new();
    if (mod->p11 == NULL || PKCS11_CTX_load(mod->p11, path) < 0) {
        ERR_pop_to_mark();
        /* PKCS11_CTX_unload after a failed load crashes in 0.4.12. */
        if (mod->p11 != NULL)
            PKCS11_CTX_free(mod->p11);
        pthread_mutex_destroy(&mod->lock);
        free(mod->path);
        free(mod);
        LITHSM_RAISE(pc, LITHSM_R_MODULE, "cannot load PKCS#11 module %s",
                     path);
        return NULL;
    }
    if (PKCS11_enumerate_slots(mod->p11, &mod->slots, &mod->nslots) < 0) {
        ERR_pop_to_mark();
        mod->slots = NULL;
        *transient = 1;
        LITHSM_RAISE(pc, LITHSM_R_MODULE,
                     "PKCS#11 module %s: cannot list its slots", path);
        goto fail;
    }
    ERR_pop_to_mark();

    /* The same module instance libp11 loaded, for its function list. */
    mod->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    if (mod->dl == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_MODULE,
                     "PKCS#11 module %s: not loaded by libp11", path);
        goto fail;
    }
    *(void **)(&get_list) = dlsym(mod->dl, "C_GetFunctionList");
    if (get_list == NULL || get_list(&mod->fl) != CKR_OK || mod->fl == NULL) {
        mod->fl = NULL;
        LITHSM_RAISE(pc, LITHSM_R_MODULE,
                     "PKCS#11 module %s: no C_GetFunctionList", path);
        goto fail;
    }
    /* Threads sign concurrently: SoftHSM2 needs CKF_OS_LOCKING_OK. */
    memset(&args, 0, sizeof(args));
    args.flags = CKF_OS_LOCKING_OK;
    rv = mod->fl->C_Initialize(&args);
    if (rv == CKR_OK) {
        mod->own_init = 1;
    } else if (rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        LITHSM_RAISE(pc, LITHSM_R_MODULE,
                     "PKCS#11 module %s: C_Initialize: %s (0x%lx)", path,
                     lithsm_ckr_name(rv), (unsigned long)rv);
        goto fail;
    }
    mod->ss = calloc(mod->nslots ? mod->nslots : 1, sizeof(*mod->ss));
    if (mod->ss == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        goto fail;
    }
    for (i = 0; i < mod->nslots; i++) {
        mod->ss[i].p11slot = &mod->slots[i];
        mod->ss[i].id = PKCS11_get_slotid_from_slot(&mod->slots[i]);
    }
    mod->pid = getpid();
    return mod;

fail:
    module_unload(mod);
    return NULL;
}

/* SoftHSM2's file store reads its tokens at C_Initialize, and a token that
 * another process is writing at that moment fails to list or is missing
 * until the next initialisation.  Such loads are tried again, briefly. */
#define LOAD_TRIES 4
#define LOAD_BACKOFF_US 25000

static void backoff(int attempt)
{
    usleep((useconds_t)LOAD_BACKOFF_US << attempt);
}

lithsm_module *lithsm_module_get(lithsm_provctx *pc, const char *path)
{
    lithsm_module *mod;
    int attempt, transient;

    pthread_mutex_lock(&registry_lock);
    for (mod = registry; mod != NULL; mod = mod->next)
        if (strcmp(mod->path, path) == 0)
            break;
    if (mod != NULL) {
        mod->refs++;
        pthread_mutex_unlock(&registry_lock);
        return mod;
    }
    for (attempt = 0; attempt < LOAD_TRIES; attempt++) {
        transient = 0;
        ERR_set_mark();
        mod = module_load(pc, path, &transient);
        if (mod != NULL || !transient || attempt + 1 == LOAD_TRIES) {
            ERR_clear_last_mark();
            break;
        }
        ERR_pop_to_mark();
        backoff(attempt);
    }
    if (mod != NULL) {
        mod->refs = 1;
        mod->next = registry;
        registry = mod;
    }
    pthread_mutex_unlock(&registry_lock);
    return mod;
}

int lithsm_module_can_reload(lithsm_module *mod, int attempt)
{
    int alone;

    pthread_mutex_lock(&registry_lock);
    alone = mod->refs == 1;
    pthread_mutex_unlock(&registry_lock);
    return alone && attempt + 1 < LOAD_TRIES;
}

lithsm_module *lithsm_module_reload(lithsm_provctx *pc, lithsm_module *mod,
                                    int attempt)
{
    char *path = strdup(mod->path);

    lithsm_module_put(mod); /* the last reference: unloads it */
    if (path == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        return NULL;
    }
    backoff(attempt);
    mod = lithsm_module_get(pc, path);
    free(path);
    return mod;
}

lithsm_module *lithsm_module_ref(lithsm_module *mod)
{
    pthread_mutex_lock(&registry_lock);
    mod->refs++;
    pthread_mutex_unlock(&registry_lock);
    return mod;
}

void lithsm_module_put(lithsm_module *mod)
{
    lithsm_module **p;

    if (mod == NULL)
        return;
    pthread_mutex_lock(&registry_lock);
    if (--mod->refs > 0) {
        pthread_mutex_unlock(&registry_lock);
        return;
    }
    for (p = &registry; *p != NULL; p = &(*p)->next)
        if (*p == mod) {
            *p = mod->next;
            break;
        }
    pthread_mutex_unlock(&registry_lock);
    module_unload(mod);
}

/* ------------------------------------------------------------------------
 * Fork: a child must not use its parent's sessions or handles (a real HSM,
 * or SoftHSM2 with library.reset_on_fork, refuses them).  On first use in
 * a new process the module is initialised again: libp11 re-initialises and
 * logs in again when asked for a slot id, our own C_Initialize follows, the
 * inherited sessions are forgotten (never closed: they may be the
 * parent's) and keys look their handles up again (generation).
 */

int lithsm_module_check_fork(lithsm_provctx *pc, lithsm_module *mod)
{
    CK_C_INITIALIZE_ARGS args;
    pid_t pid = getpid();
    unsigned int i;
    CK_RV rv;
    int ok = 1;

    if (__atomic_load_n(&mod->pid, __ATOMIC_ACQUIRE) == pid)
        return 1;
    pthread_mutex_lock(&mod->lock);
    if (mod->pid != pid) {
        ERR_set_mark();
        for (i = 0; i < mod->nslots; i++) {
            mod->ss[i].npool = 0;
            mod->ss[i].has_login_session = 0;
            mod->ss[i].id = PKCS11_get_slotid_from_slot(mod->ss[i].p11slot);
        }
        ERR_pop_to_mark();
        memset(&args, 0, sizeof(args));
        args.flags = CKF_OS_LOCKING_OK;
        rv = mod->fl->C_Initialize(&args);
        if (rv == CKR_OK)
            mod->own_init = 1;
        if (rv == CKR_OK || rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
            __atomic_add_fetch(&mod->generation, 1, __ATOMIC_RELEASE);
            __atomic_store_n(&mod->pid, pid, __ATOMIC_RELEASE);
        } else {
            LITHSM_RAISE(pc, LITHSM_R_MODULE,
                         "PKCS#11 module %s: C_Initialize after fork: %s "
                         "(0x%lx)",
                         mod->path, lithsm_ckr_name(rv), (unsigned long)rv);
            ok = 0;
        }
    }
    pthread_mutex_unlock(&mod->lock);
    return ok;
}

/* ------------------------------------------------------------------------
 * Sessions: the provider's own, pooled per slot
 */

static lithsm_slot *slot_find(lithsm_module *mod, CK_SLOT_ID id)
{
    unsigned int i;

    for (i = 0; i < mod->nslots; i++)
        if (mod->ss[i].id == id)
            return &mod->ss[i];
    return NULL;
}

CK_RV lithsm_session_get(lithsm_module *mod, CK_SLOT_ID id,
                         CK_SESSION_HANDLE *out)
{
    lithsm_slot *ss;

    pthread_mutex_lock(&mod->lock);
    ss = slot_find(mod, id);
    if (ss != NULL && ss->npool > 0) {
        *out = ss->pool[--ss->npool];
        pthread_mutex_unlock(&mod->lock);
        return CKR_OK;
    }
    pthread_mutex_unlock(&mod->lock);
    return mod->fl->C_OpenSession(id, CKF_SERIAL_SESSION, NULL, NULL, out);
}

/* Returns a session to the pool; a session that failed is closed. */
void lithsm_session_put(lithsm_module *mod, CK_SLOT_ID id, CK_SESSION_HANDLE h,
                        CK_RV last)
{
    lithsm_slot *ss;

    if (last == CKR_OK) {
        pthread_mutex_lock(&mod->lock);
        ss = slot_find(mod, id);
        if (ss != NULL && ss->npool < LITHSM_POOL_MAX) {
            ss->pool[ss->npool++] = h;
            pthread_mutex_unlock(&mod->lock);
            return;
        }
        pthread_mutex_unlock(&mod->lock);
    }
    (void)mod->fl->C_CloseSession(h);
}

/* Closes the slot's idle sessions: after the token said a session or its
 * login is gone, none of them is trusted again. */
void lithsm_session_drop_pool(lithsm_module *mod, CK_SLOT_ID id)
{
    CK_SESSION_HANDLE idle[LITHSM_POOL_MAX];
    lithsm_slot *ss;
    size_t i, n = 0;

    pthread_mutex_lock(&mod->lock);
    ss = slot_find(mod, id);
    if (ss != NULL) {
        n = ss->npool;
        memcpy(idle, ss->pool, n * sizeof(idle[0]));
        ss->npool = 0;
    }
    pthread_mutex_unlock(&mod->lock);
    for (i = 0; i < n; i++)
        (void)mod->fl->C_CloseSession(idle[i]);
}

/* ------------------------------------------------------------------------
 * Login, through libp11
 */

/* Did libp11's failed login leave this CKR as its last error?  Only the
 * last error is looked at: older ones belong to the caller. */
static int login_error_is(CK_RV rv)
{
    unsigned long e = ERR_peek_last_error();

    return e != 0 && (CK_RV)ERR_GET_REASON(e) == rv;
}

/* Each (module, token, PIN source) whose login failed, for the life of the
 * process: a failed PIN is never tried again, even after the module was
 * unloaded and loaded again (a token locks after a few tries).  A changed
 * PIN file needs a new process. */
#define FAILED_MAX 32
static pthread_mutex_t failed_lock = PTHREAD_MUTEX_INITIALIZER;
static char failed[FAILED_MAX][512];
static size_t nfailed;

static void failure_key(char *out, size_t size, const lithsm_module *mod,
                        const CK_TOKEN_INFO *ti, const lithsm_pin *pin)
{
    char serial[17], label[33];

    lithsm_padded_str(serial, sizeof(serial), ti->serialNumber,
                      sizeof(ti->serialNumber));
    lithsm_padded_str(label, sizeof(label), ti->label, sizeof(ti->label));
    snprintf(out, size, "%s\n%s\n%s\n%s", mod->path, serial, label,
             (ti->flags & CKF_PROTECTED_AUTHENTICATION_PATH) ? "(pin pad)"
             : pin != NULL && pin->source != NULL            ? pin->source
                                                             : "(application)");
}

/* Records (record = 1) or looks up (record = 0) a failed login. */
static int login_failed(const char *key, int record)
{
    size_t i;
    int found = 0;

    pthread_mutex_lock(&failed_lock);
    for (i = 0; i < nfailed && !found; i++)
        found = strcmp(failed[i], key) == 0;
    if (record && !found) {
        /* When full, the oldest record makes room. */
        if (nfailed == FAILED_MAX) {
            memmove(failed[0], failed[1], sizeof(failed[0]) * (FAILED_MAX - 1));
            nfailed--;
        }
        snprintf(failed[nfailed++], sizeof(failed[0]), "%s", key);
    }
    pthread_mutex_unlock(&failed_lock);
    return found;
}

/* The token's PIN states that refuse a login, in the order checked. */
static const struct {
    CK_FLAGS flag;
    const char *why; /* after "user PIN " */
} pin_states[] = {
    { CKF_USER_PIN_LOCKED, "locked" },
    { CKF_USER_PIN_FINAL_TRY, "on its final try; refusing to log in" },
    { CKF_USER_PIN_TO_BE_CHANGED, "must be changed first" },
};

/* Raises why the token must not be logged in to now, if it must not: a
 * PIN source that failed before, or a PIN locked, on its final try or to
 * be changed. */
static int login_refused(lithsm_provctx *pc, const CK_TOKEN_INFO *ti,
                         const char *token, const char *key)
{
    size_t i;

    if (login_failed(key, 0)) {
        LITHSM_RAISE(pc, LITHSM_R_LOGIN,
                     "token \"%s\": an earlier login with this PIN source "
                     "failed; not trying it again",
                     token);
        return 1;
    }
    for (i = 0; i < sizeof(pin_states) / sizeof(pin_states[0]); i++) {
        if (ti->flags & pin_states[i].flag) {
            LITHSM_RAISE(pc, LITHSM_R_PIN_LOCKED, "token \"%s\": user PIN %s",
                         token, pin_states[i].why);
            return 1;
        }
    }
    return 0;
}

/* libp11 logged in through the function list it loaded.  A module that
 * gives each C_GetFunctionList caller its own connection (p11-kit-client:
 * a new, logged-out one) needs the same login on the provider's list too,
 * on a session kept open; a module instance shared with libp11 (SoftHSM2,
 * p11-kit's proxy) is logged in already and is not sent the PIN again. */
static CK_RV own_login(lithsm_module *mod, lithsm_slot *ss, const char *pin)
{
    CK_SESSION_INFO info;
    CK_SESSION_HANDLE h;
    CK_RV rv;

    if (ss->has_login_session)
        return CKR_OK;
    rv = mod->fl->C_OpenSession(ss->id, CKF_SERIAL_SESSION, NULL, NULL, &h);
    if (rv != CKR_OK)
        return rv;
    rv = mod->fl->C_GetSessionInfo(h, &info);
    if (rv == CKR_OK && (info.state == CKS_RO_USER_FUNCTIONS ||
                         info.state == CKS_RW_USER_FUNCTIONS)) {
        (void)mod->fl->C_CloseSession(h);
        return CKR_OK;
    }
    rv = mod->fl->C_Login(h, CKU_USER, (CK_UTF8CHAR_PTR)pin,
                          pin != NULL ? (CK_ULONG)strlen(pin) : 0);
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
        (void)mod->fl->C_CloseSession(h);
        return rv;
    }
    ss->login_session = h;
    ss->has_login_session = 1;
    return CKR_OK;
}

/* Raises own_login's failure; 1 when it succeeded. */
static int own_login_done(lithsm_provctx *pc, const char *token, CK_RV rv)
{
    if (rv == CKR_OK)
        return 1;
    LITHSM_RAISE(pc, LITHSM_R_LOGIN,
                 "token \"%s\": login on the provider's session failed: %s "
                 "(0x%lx)",
                 token, lithsm_ckr_name(rv), (unsigned long)rv);
    return 0;
}

/* lithsm_slot_login (p11.h), with the module lock held. */
static int slot_login(lithsm_provctx *pc, lithsm_module *mod, lithsm_slot *ss,
                      const CK_TOKEN_INFO *ti, const lithsm_pin *pin_src)
{
    char token[33], key[512];
    char pin[LITHSM_PIN_MAX + 2];
    int logged = 0, rc, wrong;
    CK_RV why, own;

    lithsm_padded_str(token, sizeof(token), ti->label, sizeof(ti->label));
    if (!(ti->flags & CKF_LOGIN_REQUIRED))
        return 1;
    ERR_set_mark();
    rc = PKCS11_is_logged_in(ss->p11slot, 0, &logged);
    ERR_pop_to_mark();
    if (rc == 0 && logged)
        return 1;
    failure_key(key, sizeof(key), mod, ti, pin_src);
    if (login_refused(pc, ti, token, key))
        return 0;
    ERR_set_mark();
    if (ti->flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
        rc = PKCS11_login(ss->p11slot, 0, NULL);
        own = rc == 0 ? own_login(mod, ss, NULL) : CKR_OK;
    } else {
        if (!lithsm_read_pin(pc, pin_src, token, pin, sizeof(pin))) {
            OPENSSL_cleanse(pin, sizeof(pin));
            ERR_clear_last_mark();
            return 0;
        }
        rc = PKCS11_login(ss->p11slot, 0, pin);
        own = rc == 0 ? own_login(mod, ss, pin) : CKR_OK;
        OPENSSL_cleanse(pin, sizeof(pin));
    }
    wrong = rc != 0 && login_error_is(CKR_PIN_INCORRECT);
    why = rc != 0 ? (CK_RV)ERR_GET_REASON(ERR_peek_last_error()) : CKR_OK;
    ERR_pop_to_mark();
    /* SoftHSM2 answers so when it read the token while another process
     * was writing it: no verdict on the PIN (a wrong one is
     * CKR_PIN_INCORRECT), so not recorded as a failed login; the store
     * loads the module again (lithsm_module_reload). */
    if (rc != 0 &&
        (why == CKR_GENERAL_ERROR || why == CKR_USER_PIN_NOT_INITIALIZED)) {
        LITHSM_RAISE(pc, LITHSM_R_TOKEN_BUSY,
                     "token \"%s\": could not be read (%s); another process "
                     "may be writing it",
                     token, lithsm_ckr_name(why));
        return 0;
    }
    if (rc == 0)
        return own_login_done(pc, token, own);
    (void)login_failed(key, 1);
    if (wrong)
        LITHSM_RAISE(pc, LITHSM_R_PIN_INCORRECT,
                     "token \"%s\": PIN incorrect (not retried)", token);
    else
        LITHSM_RAISE(pc, LITHSM_R_LOGIN,
                     "token \"%s\": login failed: %s (0x%lx)", token,
                     lithsm_ckr_name(why), (unsigned long)why);
    return 0;
}

int lithsm_slot_login(lithsm_provctx *pc, lithsm_module *mod, lithsm_slot *slot,
                      const CK_TOKEN_INFO *ti, const lithsm_pin *pin)
{
    int ok;

    pthread_mutex_lock(&mod->lock);
    ok = slot_login(pc, mod, slot, ti, pin);
    pthread_mutex_unlock(&mod->lock);
    return ok;
}

/* lithsm_slot_relogin's C_Login on a new session, which stays in the pool
 * (a token logs out when its last session closes).  Module lock held. */
static CK_RV relogin_session(lithsm_module *mod, CK_SLOT_ID id, const char *pin)
{
    CK_SESSION_HANDLE h;
    lithsm_slot *ss = slot_find(mod, id);
    CK_RV rv;

    rv = mod->fl->C_OpenSession(id, CKF_SERIAL_SESSION, NULL, NULL, &h);
    if (rv != CKR_OK)
        return rv;
    rv = mod->fl->C_Login(h, CKU_USER, (CK_UTF8CHAR_PTR)pin,
                          (CK_ULONG)strlen(pin));
    if (rv == CKR_USER_ALREADY_LOGGED_IN)
        rv = CKR_OK;
    if (rv == CKR_OK && ss != NULL && ss->npool < LITHSM_POOL_MAX)
        ss->pool[ss->npool++] = h;
    else
        (void)mod->fl->C_CloseSession(h);
    return rv;
}

int lithsm_slot_relogin(lithsm_provctx *pc, lithsm_module *mod, CK_SLOT_ID id,
                        const char *source)
{
    lithsm_pin src = { source, NULL, NULL };
    CK_TOKEN_INFO ti;
    char token[33], key[512], pin[LITHSM_PIN_MAX + 2];
    CK_RV rv;
    int ok = 0;

    rv = mod->fl->C_GetTokenInfo(id, &ti);
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_TOKEN_NOT_FOUND,
                     "the token is not available: C_GetTokenInfo: %s (0x%lx)",
                     lithsm_ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    lithsm_padded_str(token, sizeof(token), ti.label, sizeof(ti.label));
    if (source == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_LOGIN,
                     "token \"%s\" logged out, and no PIN source to log in "
                     "again",
                     token);
        return 0;
    }
    pthread_mutex_lock(&mod->lock);
    failure_key(key, sizeof(key), mod, &ti, &src);
    if (!login_refused(pc, &ti, token, key) &&
        lithsm_read_pin(pc, &src, token, pin, sizeof(pin))) {
        rv = relogin_session(mod, id, pin);
        ok = rv == CKR_OK;
        if (rv == CKR_PIN_INCORRECT) {
            (void)login_failed(key, 1);
            LITHSM_RAISE(pc, LITHSM_R_PIN_INCORRECT,
                         "token \"%s\": PIN incorrect (not retried)", token);
        } else if (!ok) {
            LITHSM_RAISE(pc, LITHSM_R_LOGIN,
                         "token \"%s\": login again failed: %s (0x%lx)", token,
                         lithsm_ckr_name(rv), (unsigned long)rv);
        }
    }
    OPENSSL_cleanse(pin, sizeof(pin));
    pthread_mutex_unlock(&mod->lock);
    return ok;
}
