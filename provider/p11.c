/*
 * p11.c - the PKCS#11 side of the lithsm provider, in one file so that the
 * ownership rules live beside the code (reference/libp11-0.4.12.md):
 *
 * - libp11 owns the module's lifecycle, the slot list and login.  Its calls
 *   are serialised by the module lock (its README: not fully thread safe).
 * - The provider owns its own sessions, object handles and every key
 *   operation, through the module's function list.  libp11 0.4.12 cannot
 *   list keys on a token that also holds an Ed25519 key, and has no EC key
 *   generation, so its key calls, PKCS11_open_session, PKCS11_logout and
 *   PKCS11_update_slots are never used.
 * - Login is per token (PKCS#11 v2.40 §5.6): once libp11 has logged in, the
 *   provider's sessions on the same module instance are logged in too.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libp11.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>

#include "lithsm_prov.h"

#define POOL_MAX 16   /* idle sessions kept per slot */
#define PIN_MAX 256   /* longest PIN read from a pin-source */
#define FIND_BATCH 16 /* handles per C_FindObjects call */

typedef struct slot_state {
    CK_SLOT_ID id;
    PKCS11_SLOT *p11slot; /* libp11's view of the same slot */
    CK_SESSION_HANDLE pool[POOL_MAX];
    size_t npool;
} slot_state;

struct lithsm_module {
    lithsm_module *next;
    int refs; /* under registry_lock */
    char *path;
    PKCS11_CTX *p11;
    PKCS11_SLOT *slots;
    unsigned int nslots;
    slot_state *ss;
    void *dl;
    CK_FUNCTION_LIST *fl;
    int own_init;            /* our C_Initialize returned CKR_OK */
    pthread_mutex_t lock;    /* libp11 calls, login, session pools */
    pid_t pid;               /* the process that initialised it */
    unsigned int generation; /* bumped at each re-initialisation */
};

/* One module instance per path per process: two instances of libp11 on one
 * module would finalise it under each other's feet. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static lithsm_module *registry;

/* DER namedCurve OIDs as SoftHSM2 stores them in CKA_EC_PARAMS. */
static const unsigned char oid_secp256k1[] = { 0x06, 0x05, 0x2b, 0x81,
                                               0x04, 0x00, 0x0a };
static const unsigned char oid_p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
                                          0xce, 0x3d, 0x03, 0x01, 0x07 };

const char *lithsm_curve_name(int curve)
{
    return curve == LITHSM_CURVE_P256 ? "prime256v1" : "secp256k1";
}

static int curve_nid(int curve)
{
    return curve == LITHSM_CURVE_P256 ? NID_X9_62_prime256v1 : NID_secp256k1;
}

static const char *ckr_name(CK_RV rv)
{
    switch (rv) {
    case CKR_OK:
        return "CKR_OK";
    case CKR_HOST_MEMORY:
        return "CKR_HOST_MEMORY";
    case CKR_GENERAL_ERROR:
        return "CKR_GENERAL_ERROR";
    case CKR_FUNCTION_FAILED:
        return "CKR_FUNCTION_FAILED";
    case CKR_DEVICE_ERROR:
        return "CKR_DEVICE_ERROR";
    case CKR_DEVICE_REMOVED:
        return "CKR_DEVICE_REMOVED";
    case CKR_KEY_HANDLE_INVALID:
        return "CKR_KEY_HANDLE_INVALID";
    case CKR_KEY_TYPE_INCONSISTENT:
        return "CKR_KEY_TYPE_INCONSISTENT";
    case CKR_KEY_FUNCTION_NOT_PERMITTED:
        return "CKR_KEY_FUNCTION_NOT_PERMITTED";
    case CKR_MECHANISM_INVALID:
        return "CKR_MECHANISM_INVALID";
    case CKR_OBJECT_HANDLE_INVALID:
        return "CKR_OBJECT_HANDLE_INVALID";
    case CKR_PIN_INCORRECT:
        return "CKR_PIN_INCORRECT";
    case CKR_USER_PIN_NOT_INITIALIZED:
        return "CKR_USER_PIN_NOT_INITIALIZED";
    case CKR_PIN_LOCKED:
        return "CKR_PIN_LOCKED";
    case CKR_SESSION_CLOSED:
        return "CKR_SESSION_CLOSED";
    case CKR_SESSION_COUNT:
        return "CKR_SESSION_COUNT";
    case CKR_SESSION_HANDLE_INVALID:
        return "CKR_SESSION_HANDLE_INVALID";
    case CKR_TOKEN_NOT_PRESENT:
        return "CKR_TOKEN_NOT_PRESENT";
    case CKR_USER_NOT_LOGGED_IN:
        return "CKR_USER_NOT_LOGGED_IN";
    case CKR_CRYPTOKI_NOT_INITIALIZED:
        return "CKR_CRYPTOKI_NOT_INITIALIZED";
    default:
        return "CKR_?";
    }
}

/* Copies a blank-padded PKCS#11 string into a C string for messages. */
static void padded_str(char *out, size_t size, const CK_UTF8CHAR *in,
                       size_t in_len)
{
    size_t n = in_len;

    while (n > 0 && in[n - 1] == ' ')
        n--;
    if (n >= size)
        n = size - 1;
    memcpy(out, in, n);
    out[n] = '\0';
}

/* ------------------------------------------------------------------------
 * Module lifecycle (libp11), then the same module's function list
 */

static void module_unload(lithsm_module *mod)
{
    unsigned int i;
    size_t j;

    if (mod->fl != NULL && mod->ss != NULL)
        for (i = 0; i < mod->nslots; i++)
            for (j = 0; j < mod->ss[i].npool; j++)
                mod->fl->C_CloseSession(mod->ss[i].pool[j]);
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
                     ckr_name(rv), (unsigned long)rv);
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

static int module_check_fork(lithsm_provctx *pc, lithsm_module *mod)
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
                         mod->path, ckr_name(rv), (unsigned long)rv);
            ok = 0;
        }
    }
    pthread_mutex_unlock(&mod->lock);
    return ok;
}

/* ------------------------------------------------------------------------
 * Sessions: the provider's own, pooled per slot
 */

static slot_state *slot_find(lithsm_module *mod, CK_SLOT_ID id)
{
    unsigned int i;

    for (i = 0; i < mod->nslots; i++)
        if (mod->ss[i].id == id)
            return &mod->ss[i];
    return NULL;
}

static CK_RV session_get(lithsm_module *mod, CK_SLOT_ID id,
                         CK_SESSION_HANDLE *out)
{
    slot_state *ss;

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
static void session_put(lithsm_module *mod, CK_SLOT_ID id, CK_SESSION_HANDLE h,
                        CK_RV last)
{
    slot_state *ss;

    if (last == CKR_OK) {
        pthread_mutex_lock(&mod->lock);
        ss = slot_find(mod, id);
        if (ss != NULL && ss->npool < POOL_MAX) {
            ss->pool[ss->npool++] = h;
            pthread_mutex_unlock(&mod->lock);
            return;
        }
        pthread_mutex_unlock(&mod->lock);
    }
    (void)mod->fl->C_CloseSession(h);
}

/* ------------------------------------------------------------------------
 * PIN and login
 */

/* Asks the application's passphrase callback (a prompt) for the PIN. */
static int prompt_pin(lithsm_provctx *pc, const lithsm_pin *src,
                      const char *token, char *pin, size_t size)
{
    OSSL_PARAM params[2];
    char info[80];
    size_t len = 0;

    snprintf(info, sizeof(info), "PIN of PKCS#11 token \"%s\"", token);
    params[0] =
        OSSL_PARAM_construct_utf8_string(OSSL_PASSPHRASE_PARAM_INFO, info, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!src->cb(pin, size - 1, &len, params, src->cbarg) || len == 0 ||
        len >= size) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "token \"%s\" needs a PIN: give pin-source=file:PATH "
                     "or env:NAME in the URI or the provider configuration",
                     token);
        return 0;
    }
    pin[len] = '\0';
    pin[strcspn(pin, "\r\n")] = '\0';
    return 1;
}

/* pin-source=env:NAME: the variable the user named (never a default one,
 * since the environment is visible to other processes of the user).  The
 * value is copied into the caller's buffer, wiped after login; it is never
 * put in a message. */
static int read_pin_env(lithsm_provctx *pc, const char *name, char *pin,
                        size_t size)
{
    const char *value;
    size_t len;

    if (name[0] == '\0' || strlen(name) > 64 || strchr(name, '=') != NULL) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "pin-source env:NAME: bad variable name");
        return 0;
    }
    value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN variable %s is not set or empty", name);
        return 0;
    }
    len = strcspn(value, "\r\n");
    if (len == 0 || len >= size - 1) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN variable %s: empty or longer than %u bytes", name,
                     (unsigned)(size - 2));
        return 0;
    }
    memcpy(pin, value, len);
    pin[len] = '\0';
    return 1;
}

/* Reads the PIN: the first line of a pin-source=file:PATH file, the
 * variable of pin-source=env:NAME, else the application's callback.  pin
 * is wiped by the caller.  The file must be owner-only: a PIN readable by
 * others is a leaked PIN. */
static int read_pin(lithsm_provctx *pc, const lithsm_pin *pin_src,
                    const char *token, char *pin, size_t size)
{
    const char *src = pin_src != NULL ? pin_src->source : NULL;
    const char *path;
    struct stat st;
    size_t len = 0;
    ssize_t n;
    int fd, ok = 0;

    if (src == NULL && pin_src != NULL && pin_src->cb != NULL)
        return prompt_pin(pc, pin_src, token, pin, size);
    if (src == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "token \"%s\" needs a PIN: give pin-source=file:PATH "
                     "or env:NAME in the URI or the provider configuration",
                     token);
        return 0;
    }
    if (strncmp(src, "env:", 4) == 0)
        return read_pin_env(pc, src + 4, pin, size);
    if (strncmp(src, "file:", 5) != 0 || src[5] == '\0' || src[5] == '|') {
        /* The value is not echoed: it may be a PIN put there by mistake. */
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "pin-source must be file:PATH or env:NAME (other forms "
                     "are refused)");
        return 0;
    }
    path = src + 5;
    if (strncmp(path, "//", 2) == 0 && path[2] == '/')
        path += 2; /* file:///abs/path */
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE, "PIN file %s: %s", path,
                     strerror(errno));
        return 0;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE, "PIN file %s: not a regular file",
                     path);
        goto done;
    }
    if ((st.st_mode & 077) != 0) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN file %s: readable by group or others "
                     "(chmod 600 it)",
                     path);
        goto done;
    }
    /* Read straight into the caller's buffer: no stdio copy to wipe. */
    while (len < size - 1) {
        n = read(fd, pin + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE, "PIN file %s: %s", path,
                         strerror(errno));
            goto done;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    pin[len] = '\0';
    pin[strcspn(pin, "\r\n")] = '\0';
    if (strlen(pin) == len && len == size - 1) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN file %s: first line longer than %u bytes", path,
                     (unsigned)(size - 2));
        goto done;
    }
    if (pin[0] == '\0') {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE, "PIN file %s: empty PIN", path);
        goto done;
    }
    ok = 1;

done:
    close(fd);
    return ok;
}

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

    padded_str(serial, sizeof(serial), ti->serialNumber,
               sizeof(ti->serialNumber));
    padded_str(label, sizeof(label), ti->label, sizeof(ti->label));
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

/* Logs in to the token in `ss` once, through libp11.  Called with the
 * module lock held.  A token on its final PIN try, locked, or whose PIN
 * must be changed is never tried, and a failed PIN is never retried. */
static int slot_login(lithsm_provctx *pc, lithsm_module *mod, slot_state *ss,
                      const CK_TOKEN_INFO *ti, const lithsm_pin *pin_src)
{
    char token[33], key[512];
    char pin[PIN_MAX + 2];
    int logged = 0, rc, wrong;
    CK_RV why;

    padded_str(token, sizeof(token), ti->label, sizeof(ti->label));
    if (!(ti->flags & CKF_LOGIN_REQUIRED))
        return 1;
    ERR_set_mark();
    rc = PKCS11_is_logged_in(ss->p11slot, 0, &logged);
    ERR_pop_to_mark();
    if (rc == 0 && logged)
        return 1;
    failure_key(key, sizeof(key), mod, ti, pin_src);
    if (login_failed(key, 0)) {
        LITHSM_RAISE(pc, LITHSM_R_LOGIN,
                     "token \"%s\": an earlier login with this PIN source "
                     "failed; not trying it again",
                     token);
        return 0;
    }
    if (ti->flags & CKF_USER_PIN_LOCKED) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_LOCKED, "token \"%s\": user PIN locked",
                     token);
        return 0;
    }
    if (ti->flags & CKF_USER_PIN_FINAL_TRY) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_LOCKED,
                     "token \"%s\": user PIN on its final try; refusing to "
                     "log in",
                     token);
        return 0;
    }
    if (ti->flags & CKF_USER_PIN_TO_BE_CHANGED) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_LOCKED,
                     "token \"%s\": user PIN must be changed first", token);
        return 0;
    }
    ERR_set_mark();
    if (ti->flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
        rc = PKCS11_login(ss->p11slot, 0, NULL);
    } else {
        if (!read_pin(pc, pin_src, token, pin, sizeof(pin))) {
            OPENSSL_cleanse(pin, sizeof(pin));
            ERR_clear_last_mark();
            return 0;
        }
        rc = PKCS11_login(ss->p11slot, 0, pin);
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
                     token, ckr_name(why));
        return 0;
    }
    if (rc == 0)
        return 1;
    (void)login_failed(key, 1);
    if (wrong)
        LITHSM_RAISE(pc, LITHSM_R_PIN_INCORRECT,
                     "token \"%s\": PIN incorrect (not retried)", token);
    else
        LITHSM_RAISE(pc, LITHSM_R_LOGIN,
                     "token \"%s\": login failed: %s (0x%lx)", token,
                     ckr_name(why), (unsigned long)why);
    return 0;
}

/* ------------------------------------------------------------------------
 * Keys
 */

lithsm_key *lithsm_key_ref(lithsm_key *key)
{
    __atomic_add_fetch(&key->refs, 1, __ATOMIC_RELAXED);
    return key;
}

void lithsm_key_unref(lithsm_key *key)
{
    if (key == NULL || key->magic != LITHSM_KEY_MAGIC)
        return;
    if (__atomic_sub_fetch(&key->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    lithsm_module_put(key->mod);
    OPENSSL_clear_free(key, sizeof(*key));
}

void lithsm_keys_free(lithsm_key **keys, size_t nkeys)
{
    size_t i;

    for (i = 0; i < nkeys; i++)
        lithsm_key_unref(keys[i]);
    free(keys);
}

/* Reads one attribute into buf; *len gets its length.  Fails when the
 * attribute is absent, sensitive or larger than the buffer. */
static int get_attr(lithsm_module *mod, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                    CK_ATTRIBUTE_TYPE type, void *buf, size_t size, size_t *len)
{
    CK_ATTRIBUTE a;

    a.type = type;
    a.pValue = buf;
    a.ulValueLen = size;
    if (mod->fl->C_GetAttributeValue(s, h, &a, 1) != CKR_OK ||
        a.ulValueLen == (CK_ULONG)-1 || a.ulValueLen > size)
        return 0;
    *len = a.ulValueLen;
    return 1;
}

static int curve_from_params(const unsigned char *p, size_t len)
{
    if (len == sizeof(oid_secp256k1) &&
        memcmp(p, oid_secp256k1, sizeof(oid_secp256k1)) == 0)
        return LITHSM_CURVE_SECP256K1;
    if (len == sizeof(oid_p256) && memcmp(p, oid_p256, sizeof(oid_p256)) == 0)
        return LITHSM_CURVE_P256;
    return 0;
}

/* CKA_EC_POINT: a DER OCTET STRING around 04||X||Y (PKCS#11 v2.40), or the
 * raw point some modules give; then the point must be on the curve. */
static int parse_point(unsigned char out[65], const unsigned char *p,
                       size_t len, int curve)
{
    EC_GROUP *group = NULL;
    EC_POINT *pt = NULL;
    int ok = 0;

    if (len == 67 && p[0] == 0x04 && p[1] == 0x41)
        p += 2, len -= 2;
    if (len != 65 || p[0] != 0x04)
        return 0;
    group = EC_GROUP_new_by_curve_name(curve_nid(curve));
    pt = group != NULL ? EC_POINT_new(group) : NULL;
    if (pt != NULL && EC_POINT_oct2point(group, pt, p, len, NULL) == 1) {
        memcpy(out, p, 65);
        ok = 1;
    }
    EC_POINT_free(pt);
    EC_GROUP_free(group);
    ERR_clear_error(); /* a bad point is reported by the caller */
    return ok;
}

/* The public key object beside a private key: same CKA_ID, same curve. */
static int find_public_point(lithsm_module *mod, CK_SESSION_HANDLE s,
                             const unsigned char *id, size_t id_len,
                             const unsigned char *params, size_t params_len,
                             int curve, unsigned char out[65])
{
    CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
    CK_KEY_TYPE kt = CKK_EC;
    CK_ATTRIBUTE tmpl[4];
    CK_OBJECT_HANDLE h[FIND_BATCH];
    CK_ULONG n = 0, i;
    unsigned char point[160];
    size_t point_len;
    int ok = 0;

    tmpl[0].type = CKA_CLASS, tmpl[0].pValue = &cls;
    tmpl[0].ulValueLen = sizeof(cls);
    tmpl[1].type = CKA_KEY_TYPE, tmpl[1].pValue = &kt;
    tmpl[1].ulValueLen = sizeof(kt);
    tmpl[2].type = CKA_ID, tmpl[2].pValue = (void *)id;
    tmpl[2].ulValueLen = id_len;
    tmpl[3].type = CKA_EC_PARAMS, tmpl[3].pValue = (void *)params;
    tmpl[3].ulValueLen = params_len;
    if (mod->fl->C_FindObjectsInit(s, tmpl, 4) != CKR_OK)
        return 0;
    if (mod->fl->C_FindObjects(s, h, FIND_BATCH, &n) != CKR_OK)
        n = 0;
    (void)mod->fl->C_FindObjectsFinal(s);
    for (i = 0; i < n && !ok; i++)
        if (get_attr(mod, s, h[i], CKA_EC_POINT, point, sizeof(point),
                     &point_len))
            ok = parse_point(out, point, point_len, curve);
    return ok;
}

typedef struct key_list {
    lithsm_key **keys;
    size_t n, cap;
    int skipped; /* objects that matched but cannot be used */
} key_list;

static int list_add(lithsm_provctx *pc, key_list *l, lithsm_key *key)
{
    lithsm_key **k;

    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4;

        k = realloc(l->keys, cap * sizeof(*k));
        if (k == NULL) {
            LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
            return 0;
        }
        l->keys = k;
        l->cap = cap;
    }
    l->keys[l->n++] = key;
    return 1;
}

/* Makes a key object for handle h of class cls, or skips it (returns 1
 * with nothing added) when it is not a usable EC key on a known curve. */
static int add_key(lithsm_provctx *pc, lithsm_module *mod, CK_SESSION_HANDLE s,
                   CK_SLOT_ID slot, CK_OBJECT_HANDLE h, CK_OBJECT_CLASS cls,
                   key_list *l)
{
    unsigned char params[128], id[256], point[160];
    size_t params_len, id_len = 0, point_len, label_len = 0;
    lithsm_key *key;
    int curve, ok;

    if (!get_attr(mod, s, h, CKA_EC_PARAMS, params, sizeof(params),
                  &params_len) ||
        (curve = curve_from_params(params, params_len)) == 0) {
        l->skipped++;
        return 1;
    }
    key = calloc(1, sizeof(*key));
    if (key == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        return 0;
    }
    if (get_attr(mod, s, h, CKA_LABEL, key->label, sizeof(key->label) - 1,
                 &label_len))
        key->label[label_len] = '\0';
    if (!get_attr(mod, s, h, CKA_ID, id, sizeof(id), &id_len))
        id_len = 0;
    if (cls == CKO_PUBLIC_KEY)
        ok = get_attr(mod, s, h, CKA_EC_POINT, point, sizeof(point),
                      &point_len) &&
             parse_point(key->pub, point, point_len, curve);
    else
        ok = id_len > 0 && find_public_point(mod, s, id, id_len, params,
                                             params_len, curve, key->pub);
    if (!ok) {
        free(key);
        l->skipped++;
        return 1;
    }
    key->magic = LITHSM_KEY_MAGIC;
    key->refs = 1;
    key->pc = pc;
    key->slot_id = slot;
    key->class = cls;
    key->handle = h;
    key->curve = curve;
    key->generation = mod->generation;
    /* An ID too long to keep only means no lookup again after a fork. */
    if (id_len <= sizeof(key->id)) {
        memcpy(key->id, id, id_len);
        key->id_len = id_len;
    }
    memcpy(key->params, params, params_len);
    key->params_len = params_len;
    /* The key keeps the module loaded. */
    pthread_mutex_lock(&registry_lock);
    mod->refs++;
    pthread_mutex_unlock(&registry_lock);
    key->mod = mod;
    if (!list_add(pc, l, key)) {
        lithsm_key_unref(key);
        return 0;
    }
    return 1;
}

/* Collects every handle matching tmpl first: no attribute reads while a
 * search is active.  *found is freed by the caller. */
static int find_handles(lithsm_provctx *pc, lithsm_module *mod,
                        CK_SESSION_HANDLE s, CK_ATTRIBUTE *tmpl, CK_ULONG nt,
                        CK_OBJECT_HANDLE **found, CK_ULONG *nfound)
{
    CK_OBJECT_HANDLE h[FIND_BATCH];
    CK_OBJECT_HANDLE *grown;
    CK_ULONG n;
    CK_RV rv;

    *found = NULL;
    *nfound = 0;
    rv = mod->fl->C_FindObjectsInit(s, tmpl, nt);
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11, "C_FindObjectsInit: %s (0x%lx)",
                     ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    for (;;) {
        rv = mod->fl->C_FindObjects(s, h, FIND_BATCH, &n);
        if (rv != CKR_OK || n == 0)
            break;
        grown = realloc(*found, (*nfound + n) * sizeof(*grown));
        if (grown == NULL) {
            rv = CKR_HOST_MEMORY;
            break;
        }
        *found = grown;
        memcpy(*found + *nfound, h, n * sizeof(*h));
        *nfound += n;
    }
    (void)mod->fl->C_FindObjectsFinal(s);
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11, "C_FindObjects: %s (0x%lx)",
                     ckr_name(rv), (unsigned long)rv);
        free(*found);
        *found = NULL;
        *nfound = 0;
        return 0;
    }
    return 1;
}

/* The handles of class `cls` whose `kind_attr` (CKA_KEY_TYPE,
 * CKA_CERTIFICATE_TYPE) is `kind`, matching the URI's label and id. */
static int find_objects(lithsm_provctx *pc, lithsm_module *mod,
                        CK_SESSION_HANDLE s, P11KitUri *uri,
                        CK_OBJECT_CLASS cls, CK_ATTRIBUTE_TYPE kind_attr,
                        CK_ULONG kind, CK_OBJECT_HANDLE **found,
                        CK_ULONG *nfound)
{
    CK_ATTRIBUTE tmpl[4], *a;
    int nt = 0;

    tmpl[nt].type = CKA_CLASS, tmpl[nt].pValue = &cls;
    tmpl[nt++].ulValueLen = sizeof(cls);
    tmpl[nt].type = kind_attr, tmpl[nt].pValue = &kind;
    tmpl[nt++].ulValueLen = sizeof(kind);
    if ((a = p11_kit_uri_get_attribute(uri, CKA_LABEL)) != NULL)
        tmpl[nt++] = *a;
    if ((a = p11_kit_uri_get_attribute(uri, CKA_ID)) != NULL)
        tmpl[nt++] = *a;
    return find_handles(pc, mod, s, tmpl, (CK_ULONG)nt, found, nfound);
}

/* Finds the EC keys of class cls matching the URI's object attributes. */
static int find_class(lithsm_provctx *pc, lithsm_module *mod,
                      CK_SESSION_HANDLE s, CK_SLOT_ID slot, P11KitUri *uri,
                      CK_OBJECT_CLASS cls, key_list *l)
{
    CK_OBJECT_HANDLE *found;
    CK_ULONG nfound, i;
    int ok = 1;

    if (!find_objects(pc, mod, s, uri, cls, CKA_KEY_TYPE, CKK_EC, &found,
                      &nfound))
        return 0;
    for (i = 0; i < nfound && ok; i++)
        ok = add_key(pc, mod, s, slot, found[i], cls, l);
    free(found);
    return ok;
}

static int slot_matches(lithsm_module *mod, const slot_state *ss,
                        P11KitUri *uri, CK_TOKEN_INFO *ti)
{
    CK_SLOT_INFO si;
    CK_SLOT_ID want = p11_kit_uri_get_slot_id(uri);

    if (want != (CK_SLOT_ID)-1 && want != ss->id)
        return 0;
    if (mod->fl->C_GetSlotInfo(ss->id, &si) != CKR_OK ||
        !(si.flags & CKF_TOKEN_PRESENT) ||
        !p11_kit_uri_match_slot_info(uri, &si))
        return 0;
    /* An uninitialised token holds no keys, and libp11 0.4.12 waits
     * forever for a session on one (SoftHSM2's free slot). */
    return mod->fl->C_GetTokenInfo(ss->id, ti) == CKR_OK &&
           (ti->flags & CKF_TOKEN_INITIALIZED) &&
           p11_kit_uri_match_token_info(uri, ti);
}

enum { URI_ERROR, URI_NO_MATCH, URI_SEARCH };
#define URI_ANY_CLASS ((CK_OBJECT_CLASS)~0UL) /* the URI has no type= */

/* The checks before any object search: the module after a fork, unknown
 * attributes (RFC 7512: they match nothing) and the module's own info.
 * *cls is the URI's type= class, or URI_ANY_CLASS when it names none. */
static int uri_search_start(lithsm_provctx *pc, lithsm_module *mod,
                            P11KitUri *uri, CK_OBJECT_CLASS *cls)
{
    CK_INFO info;
    CK_ATTRIBUTE *a;

    *cls = URI_ANY_CLASS;
    if (!module_check_fork(pc, mod))
        return URI_ERROR;
    if (p11_kit_uri_any_unrecognized(uri))
        return URI_NO_MATCH;
    if (mod->fl->C_GetInfo(&info) == CKR_OK &&
        !p11_kit_uri_match_module_info(uri, &info))
        return URI_NO_MATCH;
    a = p11_kit_uri_get_attribute(uri, CKA_CLASS);
    if (a != NULL && a->ulValueLen == sizeof(*cls))
        memcpy(cls, a->pValue, sizeof(*cls));
    return URI_SEARCH;
}

/* One search on one token's session; adds what it finds to its list. */
typedef int (*token_search_fn)(lithsm_provctx *pc, lithsm_module *mod,
                               CK_SESSION_HANDLE s, CK_SLOT_ID slot,
                               P11KitUri *uri, void *arg);

/* Runs `search` on every initialised token the URI matches, logged in
 * first when `login_first`.  Objects may be CKA_PRIVATE (hidden until
 * login): when `login_on_miss` and a search adds nothing to *count while a
 * PIN source is at hand, it logs in and searches once more (never with a
 * PIN that failed: slot_login refuses).  No matching token is an error. */
static int search_tokens(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                         const lithsm_pin *pin, int login_first,
                         int login_on_miss, token_search_fn search, void *arg,
                         const size_t *count)
{
    CK_TOKEN_INFO ti;
    CK_SESSION_HANDLE s;
    CK_RV rv;
    unsigned int i;
    size_t before;
    int ntokens = 0, ok = 1;

    for (i = 0; i < mod->nslots && ok; i++) {
        slot_state *ss = &mod->ss[i];

        if (!slot_matches(mod, ss, uri, &ti))
            continue;
        ntokens++;
        if (login_first) {
            pthread_mutex_lock(&mod->lock);
            ok = slot_login(pc, mod, ss, &ti, pin);
            pthread_mutex_unlock(&mod->lock);
            if (!ok)
                break;
        }
        rv = session_get(mod, ss->id, &s);
        if (rv != CKR_OK) {
            LITHSM_RAISE(pc, LITHSM_R_PKCS11, "C_OpenSession: %s (0x%lx)",
                         ckr_name(rv), (unsigned long)rv);
            ok = 0;
            break;
        }
        before = *count;
        ok = search(pc, mod, s, ss->id, uri, arg);
        if (ok && login_on_miss && *count == before && pin != NULL &&
            pin->source != NULL) {
            pthread_mutex_lock(&mod->lock);
            ok = slot_login(pc, mod, ss, &ti, pin);
            pthread_mutex_unlock(&mod->lock);
            if (ok)
                ok = search(pc, mod, s, ss->id, uri, arg);
        }
        session_put(mod, ss->id, s, ok ? CKR_OK : CKR_GENERAL_ERROR);
    }
    if (ok && ntokens == 0) {
        LITHSM_RAISE(pc, LITHSM_R_TOKEN_NOT_FOUND,
                     "no token in module %s matches the URI", mod->path);
        ok = 0;
    }
    return ok;
}

typedef struct key_search {
    key_list l;
    int want_private, want_public;
} key_search;

static int search_keys(lithsm_provctx *pc, lithsm_module *mod,
                       CK_SESSION_HANDLE s, CK_SLOT_ID slot, P11KitUri *uri,
                       void *arg)
{
    key_search *ks = arg;
    int ok = 1;

    if (ks->want_private)
        ok = find_class(pc, mod, s, slot, uri, CKO_PRIVATE_KEY, &ks->l);
    if (ok && ks->want_public)
        ok = find_class(pc, mod, s, slot, uri, CKO_PUBLIC_KEY, &ks->l);
    return ok;
}

int lithsm_find_keys(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                     const lithsm_pin *pin, int want_private, int want_public,
                     lithsm_key ***keys, size_t *nkeys)
{
    key_search ks = { { NULL, 0, 0, 0 }, want_private, want_public };
    CK_OBJECT_CLASS cls;

    *keys = NULL;
    *nkeys = 0;
    switch (uri_search_start(pc, mod, uri, &cls)) {
    case URI_ERROR:
        return 0;
    case URI_NO_MATCH:
        return 1;
    default:
        break;
    }
    if (cls != URI_ANY_CLASS) {
        ks.want_private = want_private && cls == CKO_PRIVATE_KEY;
        ks.want_public = want_public && cls == CKO_PUBLIC_KEY;
    }
    if (!search_tokens(pc, mod, uri, pin, ks.want_private,
                       !ks.want_private && ks.want_public, search_keys, &ks,
                       &ks.l.n)) {
        lithsm_keys_free(ks.l.keys, ks.l.n);
        return 0;
    }
    *keys = ks.l.keys;
    *nkeys = ks.l.n;
    return 1;
}

/* ------------------------------------------------------------------------
 * Certificates: CKO_CERTIFICATE objects of type X.509, read as DER.  They
 * are usually public objects, found without logging in.
 */

#define CERT_MAX (64 * 1024) /* a larger CKA_VALUE is skipped */

typedef struct cert_list {
    lithsm_cert *certs;
    size_t n, cap;
} cert_list;

void lithsm_certs_free(lithsm_cert *certs, size_t ncerts)
{
    size_t i;

    for (i = 0; i < ncerts; i++)
        free(certs[i].der);
    free(certs);
}

/* Reads the certificate's CKA_VALUE into the list; an object without a
 * readable value is skipped (returns 1 with nothing added). */
static int add_cert(lithsm_provctx *pc, lithsm_module *mod, CK_SESSION_HANDLE s,
                    CK_OBJECT_HANDLE h, cert_list *l)
{
    CK_ATTRIBUTE a = { CKA_VALUE, NULL, 0 };
    lithsm_cert *grown;
    unsigned char *der;

    if (mod->fl->C_GetAttributeValue(s, h, &a, 1) != CKR_OK ||
        a.ulValueLen == 0 || a.ulValueLen == (CK_ULONG)-1 ||
        a.ulValueLen > CERT_MAX)
        return 1;
    if ((der = malloc(a.ulValueLen)) == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        return 0;
    }
    a.pValue = der;
    if (mod->fl->C_GetAttributeValue(s, h, &a, 1) != CKR_OK ||
        a.ulValueLen == (CK_ULONG)-1) {
        free(der);
        return 1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4;

        grown = realloc(l->certs, cap * sizeof(*grown));
        if (grown == NULL) {
            free(der);
            LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
            return 0;
        }
        l->certs = grown;
        l->cap = cap;
    }
    l->certs[l->n].der = der;
    l->certs[l->n].der_len = a.ulValueLen;
    l->n++;
    return 1;
}

/* The X.509 certificates on one token matching the URI's object and id. */
static int find_certs_on(lithsm_provctx *pc, lithsm_module *mod,
                         CK_SESSION_HANDLE s, P11KitUri *uri, cert_list *l)
{
    CK_OBJECT_HANDLE *found;
    CK_ULONG nfound, i;
    int ok = 1;

    if (!find_objects(pc, mod, s, uri, CKO_CERTIFICATE, CKA_CERTIFICATE_TYPE,
                      CKC_X_509, &found, &nfound))
        return 0;
    for (i = 0; i < nfound && ok; i++)
        ok = add_cert(pc, mod, s, found[i], l);
    free(found);
    return ok;
}

/* search_tokens' form of find_certs_on. */
static int search_certs(lithsm_provctx *pc, lithsm_module *mod,
                        CK_SESSION_HANDLE s, CK_SLOT_ID slot, P11KitUri *uri,
                        void *arg)
{
    (void)slot;
    return find_certs_on(pc, mod, s, uri, arg);
}

int lithsm_find_certs(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                      const lithsm_pin *pin, lithsm_cert **certs,
                      size_t *ncerts)
{
    cert_list l = { NULL, 0, 0 };
    CK_OBJECT_CLASS cls;

    *certs = NULL;
    *ncerts = 0;
    switch (uri_search_start(pc, mod, uri, &cls)) {
    case URI_ERROR:
        return 0;
    case URI_NO_MATCH:
        return 1;
    default:
        break;
    }
    if (cls != URI_ANY_CLASS && cls != CKO_CERTIFICATE)
        return 1;
    /* Certificates are usually public objects: no login unless a search
     * finds nothing and a PIN source is at hand. */
    if (!search_tokens(pc, mod, uri, pin, 0, 1, search_certs, &l, &l.n)) {
        lithsm_certs_free(l.certs, l.n);
        return 0;
    }
    *certs = l.certs;
    *ncerts = l.n;
    return 1;
}

/* ------------------------------------------------------------------------
 * Signing
 */

/* After a re-initialisation, finds the key's object again by class, key
 * type, CKA_ID and curve; exactly one must match. */
static int key_refresh(lithsm_key *key, CK_SESSION_HANDLE s)
{
    lithsm_module *mod = key->mod;
    CK_KEY_TYPE kt = CKK_EC;
    CK_ATTRIBUTE tmpl[4];
    CK_OBJECT_HANDLE h[2];
    CK_ULONG n = 0;
    unsigned int gen = __atomic_load_n(&mod->generation, __ATOMIC_ACQUIRE);
    CK_RV rv;

    if (__atomic_load_n(&key->generation, __ATOMIC_ACQUIRE) == gen)
        return 1;
    if (key->id_len == 0) {
        LITHSM_RAISE(key->pc, LITHSM_R_OBJECT_NOT_FOUND,
                     "key \"%s\": no CKA_ID to find it again after fork",
                     key->label);
        return 0;
    }
    tmpl[0].type = CKA_CLASS, tmpl[0].pValue = &key->class;
    tmpl[0].ulValueLen = sizeof(key->class);
    tmpl[1].type = CKA_KEY_TYPE, tmpl[1].pValue = &kt;
    tmpl[1].ulValueLen = sizeof(kt);
    tmpl[2].type = CKA_ID, tmpl[2].pValue = key->id;
    tmpl[2].ulValueLen = key->id_len;
    tmpl[3].type = CKA_EC_PARAMS, tmpl[3].pValue = key->params;
    tmpl[3].ulValueLen = key->params_len;
    rv = mod->fl->C_FindObjectsInit(s, tmpl, 4);
    if (rv == CKR_OK) {
        rv = mod->fl->C_FindObjects(s, h, 2, &n);
        (void)mod->fl->C_FindObjectsFinal(s);
    }
    if (rv != CKR_OK || n != 1) {
        LITHSM_RAISE(key->pc, LITHSM_R_OBJECT_NOT_FOUND,
                     "key \"%s\": not found again after fork (%s, %lu "
                     "matches)",
                     key->label, ckr_name(rv), (unsigned long)n);
        return 0;
    }
    /* Racing threads store the same handle: a plain store is enough. */
    __atomic_store_n(&key->handle, h[0], __ATOMIC_RELAXED);
    __atomic_store_n(&key->generation, gen, __ATOMIC_RELEASE);
    return 1;
}

int lithsm_key_sign_raw(lithsm_key *key, const unsigned char *tbs,
                        size_t tbslen, unsigned char rs[64])
{
    lithsm_module *mod = key->mod;
    CK_MECHANISM mech = { CKM_ECDSA, NULL, 0 };
    CK_SESSION_HANDLE s;
    CK_ULONG len = 64;
    const char *call;
    CK_RV rv;

    /* SoftHSM2 signs any length, even 0: only a whole digest goes in. */
    if (tbslen != 32) {
        LITHSM_RAISE(key->pc, LITHSM_R_DIGEST_LENGTH,
                     "ECDSA input must be a 32-byte digest, got %zu bytes",
                     tbslen);
        return 0;
    }
    if (key->class != CKO_PRIVATE_KEY) {
        LITHSM_RAISE(key->pc, LITHSM_R_NOT_PRIVATE,
                     "key \"%s\" is a public key: it cannot sign", key->label);
        return 0;
    }
    if (!module_check_fork(key->pc, mod))
        return 0;
    rv = session_get(mod, key->slot_id, &s);
    if (rv != CKR_OK) {
        LITHSM_RAISE(key->pc, LITHSM_R_PKCS11, "C_OpenSession: %s (0x%lx)",
                     ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    if (!key_refresh(key, s)) {
        session_put(mod, key->slot_id, s, CKR_OK);
        return 0;
    }
    call = "C_SignInit(CKM_ECDSA)";
    rv = mod->fl->C_SignInit(s, &mech, key->handle);
    if (rv == CKR_OK) {
        call = "C_Sign";
        rv = mod->fl->C_Sign(s, (CK_BYTE_PTR)tbs, 32, rs, &len);
    }
    session_put(mod, key->slot_id, s, rv);
    if (rv != CKR_OK) {
        LITHSM_RAISE(key->pc,
                     rv == CKR_USER_NOT_LOGGED_IN ? LITHSM_R_LOGIN
                                                  : LITHSM_R_PKCS11,
                     "key \"%s\": %s: %s (0x%lx)", key->label, call,
                     ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    if (len != 64) {
        LITHSM_RAISE(key->pc, LITHSM_R_PKCS11,
                     "key \"%s\": C_Sign gave %lu bytes, not r||s of 64",
                     key->label, (unsigned long)len);
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------
 * Key generation: libp11 0.4.12 has none for EC keys
 */

/* The one token the URI names: 0 or several is an error. */
static slot_state *single_slot(lithsm_provctx *pc, lithsm_module *mod,
                               P11KitUri *uri, CK_TOKEN_INFO *ti)
{
    CK_TOKEN_INFO tmp;
    slot_state *found = NULL;
    unsigned int i, n = 0;

    for (i = 0; i < mod->nslots; i++)
        if (slot_matches(mod, &mod->ss[i], uri, &tmp)) {
            if (n++ == 0) {
                found = &mod->ss[i];
                *ti = tmp;
            }
        }
    if (n == 0)
        LITHSM_RAISE(pc, LITHSM_R_TOKEN_NOT_FOUND,
                     "no token in module %s matches the URI", mod->path);
    else if (n > 1)
        LITHSM_RAISE(pc, LITHSM_R_BAD_ARGUMENT,
                     "the URI matches %u tokens: name one with token=", n);
    return n == 1 ? found : NULL;
}

/* Is there already a private key with this label?  1 yes, 0 no, -1 error. */
static int label_taken(lithsm_module *mod, CK_SESSION_HANDLE s,
                       const CK_ATTRIBUTE *label)
{
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[2];
    CK_OBJECT_HANDLE h;
    CK_ULONG n = 0;

    tmpl[0].type = CKA_CLASS, tmpl[0].pValue = &cls;
    tmpl[0].ulValueLen = sizeof(cls);
    tmpl[1] = *label;
    if (mod->fl->C_FindObjectsInit(s, tmpl, 2) != CKR_OK)
        return -1;
    if (mod->fl->C_FindObjects(s, &h, 1, &n) != CKR_OK)
        n = (CK_ULONG)-1;
    (void)mod->fl->C_FindObjectsFinal(s);
    return n == (CK_ULONG)-1 ? -1 : n > 0;
}

#define ATTR(t, v)                   \
    {                                \
        (t), (void *)&(v), sizeof(v) \
    }

int lithsm_generate_key(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                        const lithsm_pin *pin, int curve, lithsm_key **out)
{
    static const CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_MECHANISM mech = { CKM_EC_KEY_PAIR_GEN, NULL, 0 };
    CK_ATTRIBUTE *label, *id_attr;
    CK_TOKEN_INFO ti;
    CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE hpub = CK_INVALID_HANDLE, hpriv = CK_INVALID_HANDLE;
    unsigned char id[16];
    const unsigned char *oid;
    CK_ULONG oid_len, id_len;
    key_list l = { NULL, 0, 0, 0 };
    slot_state *ss;
    CK_RV rv;
    int taken, ok = 0;

    *out = NULL;
    if (!module_check_fork(pc, mod))
        return 0;
    label = p11_kit_uri_get_attribute(uri, CKA_LABEL);
    if (label == NULL || label->ulValueLen == 0 || label->ulValueLen > 63) {
        LITHSM_RAISE(pc, LITHSM_R_BAD_ARGUMENT,
                     "key generation: the URI must name the key with "
                     "object=LABEL (1 to 63 bytes)");
        return 0;
    }
    if (p11_kit_uri_any_unrecognized(uri)) {
        LITHSM_RAISE(pc, LITHSM_R_URI,
                     "key generation: the URI has an unknown attribute");
        return 0;
    }
    if ((ss = single_slot(pc, mod, uri, &ti)) == NULL)
        return 0;
    pthread_mutex_lock(&mod->lock);
    ok = slot_login(pc, mod, ss, &ti, pin);
    pthread_mutex_unlock(&mod->lock);
    if (!ok)
        return 0;
    ok = 0;
    /* A session of our own, read-write, closed afterwards. */
    rv = mod->fl->C_OpenSession(ss->id, CKF_SERIAL_SESSION | CKF_RW_SESSION,
                                NULL, NULL, &s);
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11,
                     "C_OpenSession (read-write): %s "
                     "(0x%lx)",
                     ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    /* Labels name wallet keys: two keys with one label would be ambiguous. */
    taken = label_taken(mod, s, label);
    if (taken != 0) {
        LITHSM_RAISE(pc, LITHSM_R_BAD_ARGUMENT,
                     taken > 0 ? "key generation: a private key labelled "
                                 "\"%.*s\" already exists"
                               : "key generation: cannot search for "
                                 "\"%.*s\"",
                     (int)label->ulValueLen, (const char *)label->pValue);
        goto done;
    }
    id_attr = p11_kit_uri_get_attribute(uri, CKA_ID);
    if (id_attr == NULL) {
        rv = mod->fl->C_GenerateRandom(s, id, sizeof(id));
        if (rv != CKR_OK) {
            LITHSM_RAISE(pc, LITHSM_R_PKCS11, "C_GenerateRandom: %s (0x%lx)",
                         ckr_name(rv), (unsigned long)rv);
            goto done;
        }
        id_len = sizeof(id);
    } else if (id_attr->ulValueLen == 0 || id_attr->ulValueLen > 64) {
        LITHSM_RAISE(pc, LITHSM_R_BAD_ARGUMENT,
                     "key generation: id= must be 1 to 64 bytes");
        goto done;
    } else {
        id_len = id_attr->ulValueLen;
    }
    if (curve == LITHSM_CURVE_P256)
        oid = oid_p256, oid_len = sizeof(oid_p256);
    else
        oid = oid_secp256k1, oid_len = sizeof(oid_secp256k1);
    {
        /* The wallet template (reference/pkcs11-and-provider.md §6): the
         * private key signs and does nothing else, and never leaves. */
        CK_ATTRIBUTE pub_tmpl[] = {
            ATTR(CKA_TOKEN, yes),
            ATTR(CKA_PRIVATE, no),
            ATTR(CKA_VERIFY, yes),
            ATTR(CKA_ENCRYPT, no),
            ATTR(CKA_WRAP, no),
            ATTR(CKA_DERIVE, no),
            { CKA_EC_PARAMS, (void *)oid, oid_len },
            { CKA_LABEL, label->pValue, label->ulValueLen },
            { CKA_ID, id_attr ? id_attr->pValue : id, id_len }
        };
        CK_ATTRIBUTE priv_tmpl[] = {
            ATTR(CKA_TOKEN, yes),
            ATTR(CKA_PRIVATE, yes),
            ATTR(CKA_SENSITIVE, yes),
            ATTR(CKA_EXTRACTABLE, no),
            ATTR(CKA_SIGN, yes),
            ATTR(CKA_DECRYPT, no),
            ATTR(CKA_UNWRAP, no),
            ATTR(CKA_DERIVE, no),
            ATTR(CKA_MODIFIABLE, no),
            ATTR(CKA_COPYABLE, no),
            { CKA_LABEL, label->pValue, label->ulValueLen },
            { CKA_ID, id_attr ? id_attr->pValue : id, id_len }
        };

        rv = mod->fl->C_GenerateKeyPair(
            s, &mech, pub_tmpl, sizeof(pub_tmpl) / sizeof(pub_tmpl[0]),
            priv_tmpl, sizeof(priv_tmpl) / sizeof(priv_tmpl[0]), &hpub, &hpriv);
    }
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11,
                     "C_GenerateKeyPair(CKM_EC_KEY_PAIR_GEN, %s): %s (0x%lx)",
                     lithsm_curve_name(curve), ckr_name(rv), (unsigned long)rv);
        goto done;
    }
    if (!add_key(pc, mod, s, ss->id, hpriv, CKO_PRIVATE_KEY, &l) || l.n != 1) {
        LITHSM_RAISE(pc, LITHSM_R_KEY,
                     "key generation: the new key cannot be read back");
        /* Leave no half-made key behind. */
        (void)mod->fl->C_DestroyObject(s, hpriv);
        (void)mod->fl->C_DestroyObject(s, hpub);
        lithsm_keys_free(l.keys, l.n);
        goto done;
    }
    *out = l.keys[0];
    free(l.keys);
    ok = 1;

done:
    (void)mod->fl->C_CloseSession(s);
    return ok;
}
