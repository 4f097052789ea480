/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_signer_pkcs11.c - liblithsm's PKCS#11 signer on a SoftHSM2 token,
 * run by tests/integration/signer.sh, which makes the token and passes:
 *
 *   LITHSM_TEST_URI      the wallet key (secp256k1), with pin-source
 *   LITHSM_TEST_PUBPEM   its public key as exported by openssl pkey -pubout
 *   LITHSM_TEST_P256_URI a P-256 key on the same token
 *   LITHSM_TEST_BADPIN_URI the wallet key with a wrong PIN file
 *   LITHSM_TEST_COUNT    how many signatures to check (default 1000)
 *   LITHSM_TEST_TOKENDIR the token directory, emptied by the last test
 *   LITHSM_TEST_MODULE   the PKCS#11 module, which the test reaches too to
 *                        log the token out under the signer
 *
 * Every token signature must be low-s, recover to the key's address, and
 * verify independently with libsecp256k1 and with OpenSSL's default
 * provider.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <p11-kit/pkcs11.h>
#include <secp256k1.h>

#include "lithsm.h"
#include "tap.h"

#define THREADS 4
#define PER_THREAD 25

/* n / 2 for secp256k1, big-endian. */
static const uint8_t half_n[32] = { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57,
                                    0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46,
                                    0x68, 0x1b, 0x20, 0xa0 };

static secp256k1_context *secp;
static EVP_PKEY *pem_key;
static secp256k1_pubkey secp_key;
static lithsm_eth_address want_addr;

static const char *env(const char *name)
{
    const char *v = getenv(name);

    if (v == NULL || *v == '\0') {
        printf("not ok 1 - cannot run: %s not set (run signer.sh)\n1..1\n",
               name);
        exit(1);
    }
    return v;
}

/* Checks one 65-byte signature three independent ways; 1 if all agree. */
static int check_sig(const lithsm_eth_sig *sig, const uint8_t hash[32])
{
    secp256k1_ecdsa_signature ss;
    lithsm_eth_address addr;
    ECDSA_SIG *es = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    unsigned char der[80], *p = der;
    int der_len, ok = 0;

    if (memcmp(sig->bytes + 32, half_n, 32) > 0)
        return 0; /* high s */
    if (sig->bytes[64] != 27 && sig->bytes[64] != 28)
        return 0;
    if (lithsm_eth_recover(&addr, hash, sig->bytes, 65) != LITHSM_OK ||
        memcmp(&addr, &want_addr, sizeof(addr)) != 0)
        return 0;
    if (!secp256k1_ecdsa_signature_parse_compact(secp, &ss, sig->bytes) ||
        !secp256k1_ecdsa_verify(secp, &ss, hash, &secp_key))
        return 0;
    es = ECDSA_SIG_new();
    if (es == NULL || !ECDSA_SIG_set0(es, BN_bin2bn(sig->bytes, 32, NULL),
                                      BN_bin2bn(sig->bytes + 32, 32, NULL)))
        goto done;
    der_len = i2d_ECDSA_SIG(es, &p);
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pem_key, "provider=default");
    if (der_len > 0 && ctx != NULL && EVP_PKEY_verify_init(ctx) == 1 &&
        EVP_PKEY_verify(ctx, der, (size_t)der_len, hash, 32) == 1)
        ok = 1;

done:
    EVP_PKEY_CTX_free(ctx);
    ECDSA_SIG_free(es);
    return ok;
}

typedef struct job {
    lithsm_signer *signer;
    int n, bad;
} job;

static void *sign_many(void *arg)
{
    job *j = arg;
    lithsm_eth_sig sig;
    uint8_t hash[32];
    int i;

    for (i = 0; i < j->n; i++) {
        if (RAND_bytes(hash, sizeof(hash)) != 1 ||
            lithsm_signer_sign_digest(&sig, j->signer, hash) != LITHSM_OK ||
            !check_sig(&sig, hash))
            j->bad++;
    }
    return NULL;
}

static int contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

/* The key the token should hold, from its exported public key: sets
 * pem_key, secp_key and want_addr, and pub. */
static int load_expected(const char *pem_path, uint8_t pub[65])
{
    size_t pub_len = 0;
    FILE *fp;

    secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    fp = fopen(pem_path, "r");
    pem_key = fp != NULL ? PEM_read_PUBKEY(fp, NULL, NULL, NULL) : NULL;
    if (fp != NULL)
        fclose(fp);
    return secp != NULL && pem_key != NULL &&
           EVP_PKEY_get_octet_string_param(pem_key,
                                           OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                           pub, 65, &pub_len) &&
           pub_len == 65 &&
           secp256k1_ec_pubkey_parse(secp, &secp_key, pub, 65) &&
           lithsm_eth_address_from_pubkey(&want_addr, pub, 65) == LITHSM_OK;
}

/* Many signatures, from one thread, then several, then a forked child. */
static void test_signing(lithsm_signer *signer, const char *count)
{
    pthread_t th[THREADS];
    job jobs[THREADS];
    job one;
    pid_t pid;
    int i, bad, status = 0;

    one.signer = signer;
    one.n = count != NULL ? (int)strtol(count, NULL, 10) : 0;
    if (one.n <= 0 || one.n > 100000)
        one.n = 1000;
    one.bad = 0;
    sign_many(&one);
    printf("# %d token signatures checked\n", one.n);
    ok_int_eq(one.bad, 0,
              "every token signature is low-s, recovers to the address "
              "and verifies (libsecp256k1, OpenSSL default provider)");

    for (i = 0; i < THREADS; i++) {
        jobs[i].signer = signer;
        jobs[i].n = PER_THREAD;
        jobs[i].bad = 0;
        pthread_create(&th[i], NULL, sign_many, &jobs[i]);
    }
    bad = 0;
    for (i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        bad += jobs[i].bad;
    }
    ok_int_eq(bad, 0, "4 threads sign at once on one signer, all valid");

    /* SoftHSM2 runs with library.reset_on_fork = true: the child must
     * initialise the module again and log in before it signs. */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        one.n = 10;
        one.bad = 0;
        sign_many(&one);
        _exit(one.bad == 0 ? 0 : 1);
    }
    ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0,
       "a forked child signs with the parent's signer (re-initialised)");
    one.n = 10;
    one.bad = 0;
    sign_many(&one);
    ok_int_eq(one.bad, 0, "the parent still signs after the fork");
}

/* Keys that must not open, and what the errors say. */
static void test_refusals(const char *p256, const char *badpin)
{
    lithsm_signer *other = NULL;

    ok_int_eq(lithsm_signer_open(&other, p256), LITHSM_ERR_KEY,
              "a P-256 key is refused as a wallet");
    ok(contains(lithsm_last_error(), "not secp256k1"),
       "... and the error names the curve");
    printf("# %s\n", lithsm_last_error());

    ok_int_eq(lithsm_signer_open(&other, "pkcs11:token=nosuchtoken;"
                                         "object=eth0"),
              LITHSM_ERR_KEY, "missing token is an error");
    ok(contains(lithsm_last_error(), "no token"),
       "... and the error says no token matches");
    printf("# %s\n", lithsm_last_error());

    ok(lithsm_signer_open(&other, "pkcs11:object=eth0;type=private;"
                                  "frobnicate=1") != LITHSM_OK,
       "unknown URI attribute matches nothing");
    ok(lithsm_signer_open(&other, "pkcs11:object=%zz") != LITHSM_OK,
       "URI with a syntax error is an error");
    ok(contains(lithsm_last_error(), "URI"), "... and the error says URI");
    printf("# %s\n", lithsm_last_error());

    ok(lithsm_signer_open(&other, badpin) != LITHSM_OK,
       "wrong PIN is an error");
    ok(contains(lithsm_last_error(), "PIN incorrect"),
       "... and the error says PIN incorrect");
    printf("# %s\n", lithsm_last_error());
    ok(other == NULL, "no signer is returned on failure");
    ok(lithsm_signer_open(&other, badpin) != LITHSM_OK,
       "the same wrong PIN again is an error");
    ok(contains(lithsm_last_error(), "not trying it again"),
       "... and it is not sent to the token again");
    printf("# %s\n", lithsm_last_error());
}

/* Does /proc/self/environ still hold "name=value"? */
static int environ_holds(const char *name, const char *value)
{
    char buf[65536], want[256];
    size_t len, i;
    FILE *f = fopen("/proc/self/environ", "rb");

    if (f == NULL)
        return 0;
    len = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[len] = '\0';
    snprintf(want, sizeof(want), "%s=%s", name, value);
    for (i = 0; i < len; i += strlen(buf + i) + 1)
        if (strcmp(buf + i, want) == 0)
            return 1;
    return 0;
}

/* A URI's own ?pin-source=env:NAME is wiped and unset once the key is
 * open, as --pin-source is (issue 8, item 3). */
static void test_uri_pin_forget(const char *uri)
{
    lithsm_signer *signer = NULL;
    char pin[128];

    snprintf(pin, sizeof(pin), "%s", env("LITHSM_TEST_URI_PIN"));
    ok(environ_holds("LITHSM_TEST_URI_PIN", pin),
       "the PIN is in /proc/self/environ before");
    ok_int_eq(lithsm_signer_open_token(&signer, uri, NULL), LITHSM_OK,
              "open the key with ?pin-source=env:NAME");
    lithsm_uri_pin_source_forget(uri);
    ok(getenv("LITHSM_TEST_URI_PIN") == NULL,
       "lithsm_uri_pin_source_forget: the variable is unset");
    /* valgrind shows its own copy of the environment there. */
    ok(getenv("LITHSM_TEST_VALGRIND") != NULL ||
           !environ_holds("LITHSM_TEST_URI_PIN", pin),
       "... and the PIN is gone from /proc/self/environ");
    lithsm_signer_free(signer);
    setenv("LITHSM_X_PIN", "x", 1);
    lithsm_uri_pin_source_forget(
        "pkcs11:object=a;pin-source=env%3ALITHSM_X_PIN");
    ok(getenv("LITHSM_X_PIN") == NULL,
       "... a path attribute, percent-encoded, too");
    setenv("LITHSM_X_PIN", "x", 1);
    lithsm_uri_pin_source_forget(
        "pkcs11:object=a?pin-source=file:/x&b=env:LITHSM_X_PIN");
    ok(getenv("LITHSM_X_PIN") != NULL, "... a file: source changes nothing");
}

/* Through the module instance the provider loaded (RTLD_NOLOAD), logs
 * the token out: login is per token, so every session of the process is
 * logged out, the provider's too.  1 when a C_Logout succeeded. */
static int logout_token(const char *module)
{
    void *dl = dlopen(module, RTLD_NOW | RTLD_NOLOAD);
    CK_C_GetFunctionList get = NULL;
    CK_FUNCTION_LIST *fl = NULL;
    CK_SLOT_ID slots[8];
    CK_ULONG n = 8, i;
    CK_SESSION_HANDLE s;
    int done = 0;

    if (dl == NULL)
        return 0;
    *(void **)(&get) = dlsym(dl, "C_GetFunctionList");
    if (get != NULL && get(&fl) == CKR_OK &&
        fl->C_GetSlotList(CK_TRUE, slots, &n) == CKR_OK)
        for (i = 0; i < n && i < 8; i++) {
            if (fl->C_OpenSession(slots[i], CKF_SERIAL_SESSION, NULL, NULL,
                                  &s) != CKR_OK)
                continue;
            done |= fl->C_Logout(s) == CKR_OK;
            (void)fl->C_CloseSession(s);
        }
    dlclose(dl);
    return done;
}

/* The token logs out under an open signer (a real HSM does on a timeout
 * or a reset): the next signature and the probe log in again, with the PIN
 * read again from the URI's pin-source. */
static void test_relogin(const char *uri, const char *module)
{
    lithsm_signer *signer = NULL;
    lithsm_eth_sig sig;
    uint8_t hash[32] = { 7 };

    ok_int_eq(lithsm_signer_open(&signer, uri), LITHSM_OK,
              "open the key for the logout tests");
    if (signer == NULL)
        return;
    ok_int_eq(lithsm_signer_check(signer), LITHSM_OK,
              "the probe: token there, logged in, key on it");
    ok(logout_token(module), "the token is logged out under the signer");
    ok_int_eq(lithsm_signer_sign_digest(&sig, signer, hash), LITHSM_OK,
              "signing after the logout logs in again and signs");
    ok(check_sig(&sig, hash), "... a signature of the key");
    ok(logout_token(module), "the token is logged out again");
    ok_int_eq(lithsm_signer_check(signer), LITHSM_OK,
              "the probe after the logout logs in again");
    ok_int_eq(lithsm_signer_sign_digest(&sig, signer, hash), LITHSM_OK,
              "... and the key signs");
    lithsm_signer_free(signer);
}

/* Last: the token disappears under an open signer (its directory is
 * emptied).  Signing must fail with an error, not crash. */
static void test_token_gone(const char *uri, const char *tokendir)
{
    lithsm_signer *signer = NULL;
    lithsm_eth_sig sig;
    uint8_t hash[32] = { 1 };
    char cmd[512];

    ok_int_eq(lithsm_signer_open(&signer, uri), LITHSM_OK,
              "open the key again");
    if (signer == NULL)
        return;
    ok_int_eq(lithsm_signer_sign_digest(&sig, signer, hash), LITHSM_OK,
              "sign before the token disappears");
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'/*", tokendir);
    ok(system(cmd) == 0, "token directory emptied");
    ok(lithsm_signer_sign_digest(&sig, signer, hash) != LITHSM_OK,
       "signing after the token disappeared fails cleanly");
    printf("# %s\n", lithsm_last_error());
    ok(lithsm_last_error_token_unavailable(),
       "... as 'token not available' (may pass later)");
    ok(lithsm_signer_check(signer) != LITHSM_OK &&
           lithsm_last_error_token_unavailable(),
       "the probe says the token is not available");
    printf("# %s\n", lithsm_last_error());
    lithsm_signer_free(signer);
}

int main(void)
{
    const char *uri = env("LITHSM_TEST_URI");
    const char *pem_path = env("LITHSM_TEST_PUBPEM");
    const char *p256 = env("LITHSM_TEST_P256_URI");
    const char *badpin = env("LITHSM_TEST_BADPIN_URI");
    const char *count = getenv("LITHSM_TEST_COUNT");
    const char *tokendir = getenv("LITHSM_TEST_TOKENDIR");
    lithsm_signer *signer = NULL;
    lithsm_eth_address addr;
    uint8_t pub[65], signer_pub[65];

    if (!load_expected(pem_path, pub)) {
        printf("not ok 1 - cannot run: cannot read %s\n1..1\n", pem_path);
        return 1;
    }

    ok_int_eq(lithsm_signer_open(&signer, uri), LITHSM_OK,
              "open the token key by pkcs11: URI");
    if (signer == NULL) {
        printf("# %s\n", lithsm_last_error());
        return tap_done();
    }
    lithsm_signer_address(&addr, signer);
    ok_mem_eq(&addr, &want_addr, sizeof(addr),
              "address equals the one from the exported public key");
    lithsm_signer_pubkey(signer_pub, signer);
    ok_mem_eq(signer_pub, pub, 65, "public key equals the exported one");

    test_signing(signer, count);
    lithsm_signer_free(signer);
    test_refusals(p256, badpin);
    test_uri_pin_forget(env("LITHSM_TEST_ENV_URI"));
    if (getenv("LITHSM_TEST_MODULE") != NULL)
        test_relogin(uri, getenv("LITHSM_TEST_MODULE"));
    if (tokendir != NULL)
        test_token_gone(uri, tokendir);

    EVP_PKEY_free(pem_key);
    secp256k1_context_destroy(secp);
    return tap_done();
}
