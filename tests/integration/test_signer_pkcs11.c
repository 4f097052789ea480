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
 *
 * Every token signature must be low-s, recover to the key's address, and
 * verify independently with libsecp256k1 and with OpenSSL's default
 * provider.
 */
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

int main(void)
{
    const char *uri = env("LITHSM_TEST_URI");
    const char *pem_path = env("LITHSM_TEST_PUBPEM");
    const char *p256 = env("LITHSM_TEST_P256_URI");
    const char *badpin = env("LITHSM_TEST_BADPIN_URI");
    const char *count = getenv("LITHSM_TEST_COUNT");
    const char *tokendir = getenv("LITHSM_TEST_TOKENDIR");
    lithsm_signer *signer = NULL, *other = NULL;
    lithsm_eth_address addr;
    uint8_t pub[65], signer_pub[65];
    size_t pub_len = 0;
    pthread_t th[THREADS];
    job jobs[THREADS];
    job one;
    FILE *fp;
    pid_t pid;
    int i, bad, status = 0;

    secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    fp = fopen(pem_path, "r");
    pem_key = fp != NULL ? PEM_read_PUBKEY(fp, NULL, NULL, NULL) : NULL;
    if (fp != NULL)
        fclose(fp);
    if (secp == NULL || pem_key == NULL ||
        !EVP_PKEY_get_octet_string_param(pem_key,
                                         OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                         pub, sizeof(pub), &pub_len) ||
        pub_len != 65 || !secp256k1_ec_pubkey_parse(secp, &secp_key, pub, 65) ||
        lithsm_eth_address_from_pubkey(&want_addr, pub, 65) != LITHSM_OK) {
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
    lithsm_signer_free(signer);

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

    /* Last: the token disappears under an open signer (its directory is
     * emptied).  Signing must fail with an error, not crash. */
    if (tokendir != NULL) {
        char cmd[512];
        lithsm_eth_sig sig;
        uint8_t hash[32] = { 1 };

        ok_int_eq(lithsm_signer_open(&signer, uri), LITHSM_OK,
                  "open the key again");
        if (signer != NULL) {
            ok_int_eq(lithsm_signer_sign_digest(&sig, signer, hash), LITHSM_OK,
                      "sign before the token disappears");
            snprintf(cmd, sizeof(cmd), "rm -rf '%s'/*", tokendir);
            ok(system(cmd) == 0, "token directory emptied");
            ok(lithsm_signer_sign_digest(&sig, signer, hash) != LITHSM_OK,
               "signing after the token disappeared fails cleanly");
            printf("# %s\n", lithsm_last_error());
            lithsm_signer_free(signer);
        }
    }

    EVP_PKEY_free(pem_key);
    secp256k1_context_destroy(secp);
    return tap_done();
}
