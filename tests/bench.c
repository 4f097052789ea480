/*
 * bench.c - `make bench`: lithsm's rates for the work the JS SDK anchor
 * (../shared/bench-js, reference/performance.md) times, on one core.
 *
 * For 3, 30 and 100 node URLs: whole session-sigs calls per second (wallet
 * AuthSig with a software key + one signature per node), node signatures per
 * second, and verifications of one session sig as a node checks it.  Raw
 * OpenSSL Ed25519 signing of a message of the same size is timed in the same
 * run, so the per-node cost reads as a ratio to the primitive.  Peak memory
 * is the process's maximum resident set size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <openssl/evp.h>

#include "internal.h"

#define NONCE "0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac172d71505d36b62691"
#define MIN_SECONDS 1.0

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, lithsm_err err)
{
    fprintf(stderr, "bench: %s: %s (%s)\n", what, lithsm_strerror(err),
            lithsm_last_error());
    exit(1);
}

typedef struct {
    lithsm_signer *wallet, *owner;
    lithsm_session_key *key;
    lithsm_requests *reqs;
    char *delegation;
    char pub[65];
    const char **urls;
    size_t n_nodes;
} fixture;

/* One getSessionSigs: the wallet signs the session SIWE, then every node's
 * message is signed by the session key. */
static char *session_sigs(fixture *f)
{
    lithsm_session_siwe_params wp;
    lithsm_sessionsigs_params sp;
    const char *caps[2];
    char *wallet_sig = NULL, *out = NULL;
    lithsm_err err;

    memset(&wp, 0, sizeof(wp));
    wp.session_pubkey_hex = f->pub;
    wp.requests = f->reqs;
    wp.nonce = NONCE;
    wp.issued_at = "2024-06-01T12:00:00.000Z";
    wp.expiration = "2024-06-02T12:00:00.000Z";
    err = lithsm_wallet_authsig(&wallet_sig, f->wallet, &wp);
    if (err != LITHSM_OK)
        die("wallet AuthSig", err);
    caps[0] = f->delegation;
    caps[1] = wallet_sig;
    memset(&sp, 0, sizeof(sp));
    sp.node_urls = f->urls;
    sp.n_nodes = f->n_nodes;
    sp.requests = f->reqs;
    sp.capabilities = caps;
    sp.n_capabilities = 2;
    sp.issued_at = "2024-06-01T12:00:03.250Z";
    sp.expiration = wp.expiration;
    err = lithsm_sessionsigs(&out, f->key, &sp);
    if (err != LITHSM_OK)
        die("SessionSigs", err);
    lithsm_free(wallet_sig);
    return out;
}

static void fixture_init(fixture *f, size_t n_nodes)
{
    uint8_t secret[32], seed[32];
    lithsm_delegation_params dp;
    const char *delegatee = "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1";
    size_t i;
    lithsm_err err;

    memset(f, 0, sizeof(*f));
    /* Public test keys (0x01..01, 0x02..02), the golden vectors' own. */
    memset(secret, 1, 32);
    err = lithsm_signer_from_secret(&f->wallet, secret);
    memset(secret, 2, 32);
    if (err == LITHSM_OK)
        err = lithsm_signer_from_secret(&f->owner, secret);
    memset(seed, 0x11, 32);
    if (err == LITHSM_OK)
        err = lithsm_session_key_from_seed(&f->key, seed);
    if (err == LITHSM_OK)
        err = lithsm_requests_new(&f->reqs);
    if (err == LITHSM_OK)
        err = lithsm_requests_add(f->reqs, "lit-accesscontrolcondition://*",
                                  "access-control-condition-decryption", NULL);
    if (err == LITHSM_OK)
        err = lithsm_requests_add(f->reqs, "lit-pkp://*", "pkp-signing", NULL);
    if (err == LITHSM_OK)
        err = lithsm_requests_add(f->reqs, "lit-litaction://*",
                                  "lit-action-execution", NULL);
    if (err != LITHSM_OK)
        die("fixture", err);
    memset(&dp, 0, sizeof(dp));
    dp.capacity_token_id = "1234";
    dp.delegatees = &delegatee;
    dp.n_delegatees = 1;
    dp.delegatees_given = 1;
    dp.uses = "10";
    dp.nonce = NONCE;
    dp.issued_at = "2024-06-01T11:50:00.000Z";
    dp.expiration = "2024-06-08T00:00:00.000Z";
    err = lithsm_delegation_authsig(&f->delegation, NULL, f->owner, &dp);
    if (err != LITHSM_OK)
        die("delegation", err);
    lithsm_session_key_public_hex(f->pub, f->key);
    f->n_nodes = n_nodes;
    f->urls = calloc(n_nodes, sizeof(*f->urls));
    for (i = 0; i < n_nodes; i++) {
        char *u = malloc(40);

        snprintf(u, 40, "https://10.0.%zu.%zu:7470", i / 250, i % 250 + 1);
        f->urls[i] = u;
    }
}

static void fixture_free(fixture *f)
{
    size_t i;

    for (i = 0; i < f->n_nodes; i++)
        free((void *)f->urls[i]);
    free(f->urls);
    lithsm_free(f->delegation);
    lithsm_requests_free(f->reqs);
    lithsm_session_key_free(f->key);
    lithsm_signer_free(f->owner);
    lithsm_signer_free(f->wallet);
}

/* The first node's entry of a SessionSigs map, as JSON text. */
static char *first_entry(const char *sigs_json, const char *url)
{
    json_object *map = NULL, *entry;
    lithsm_buf b;
    char *out = NULL;

    if (lithsm_json_parse(&map, sigs_json, strlen(sigs_json), "bench") != 0 ||
        !json_object_object_get_ex(map, url, &entry))
        die("parse SessionSigs", LITHSM_ERR_PARSE);
    lithsm_buf_init(&b);
    lithsm_buf_json_value(&b, entry);
    json_object_put(map);
    if (lithsm_buf_finish(&b, &out, NULL) != LITHSM_OK)
        die("entry", LITHSM_ERR_NOMEM);
    return out;
}

static double raw_ed25519_rate(size_t msg_len)
{
    uint8_t seed[32], sig[64];
    unsigned char *msg = malloc(msg_len);
    EVP_PKEY *pkey;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    double t0, t;
    long n = 0;
    size_t sig_len;

    memset(seed, 0x11, 32);
    memset(msg, 'a', msg_len);
    pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    t0 = now_s();
    do {
        sig_len = sizeof(sig);
        if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey) != 1 ||
            EVP_DigestSign(ctx, sig, &sig_len, msg, msg_len) != 1)
            die("raw Ed25519", LITHSM_ERR_CRYPTO);
        n++;
        t = now_s() - t0;
    } while (t < MIN_SECONDS);
    EVP_PKEY_free(pkey);
    EVP_MD_CTX_free(ctx);
    free(msg);
    return (double)n / t;
}

int main(void)
{
    static const size_t sizes[] = {3, 30, 100};
    /* The JS SDK 7.4.0 on this kind of machine (reference/performance.md);
     * quote ratios from ../shared/bench-js run in the same session. */
    static const double js_ms_per_node = 24.9, js_verify_per_s = 29;
    size_t k;
    struct rusage ru;

    printf("lithsm bench (one core; rates are medians of nothing: one timed "
           "loop of >= %.0f s each)\n",
           MIN_SECONDS);
    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        fixture f;
        char *sigs, *entry;
        double t0, t, calls_per_s, verify_per_s, raw;
        long n = 0;
        size_t msg_len;
        json_object *map = NULL, *e;

        fixture_init(&f, sizes[k]);
        t0 = now_s();
        do {
            lithsm_free(session_sigs(&f));
            n++;
            t = now_s() - t0;
        } while (t < MIN_SECONDS);
        calls_per_s = (double)n / t;

        sigs = session_sigs(&f);
        entry = first_entry(sigs, f.urls[0]);
        if (lithsm_json_parse(&map, sigs, strlen(sigs), "bench") != 0 ||
            !json_object_object_get_ex(map, f.urls[0], &e))
            die("parse", LITHSM_ERR_PARSE);
        msg_len = strlen(lithsm_json_get_str(e, "signedMessage"));
        json_object_put(map);

        n = 0;
        t0 = now_s();
        do {
            lithsm_verify_result r;

            if (lithsm_verify_session_sig(&r, entry, strlen(entry), f.urls[0],
                                          1717243500000LL, 60000) != 0 ||
                r.reason != LITHSM_VERIFY_OK)
                die("verify", LITHSM_ERR_SIGNATURE);
            n++;
            t = now_s() - t0;
        } while (t < MIN_SECONDS);
        verify_per_s = (double)n / t;
        raw = raw_ed25519_rate(msg_len);

        printf("%3zu nodes: %8.1f session-sigs calls/s  %8.0f node sigs/s "
               "(%.2fx of raw Ed25519 %0.f/s on %zu-byte messages; %.0fx the "
               "JS SDK per node)  %7.0f verifications/s (%.0fx JS)\n",
               sizes[k], calls_per_s, calls_per_s * (double)sizes[k],
               calls_per_s * (double)sizes[k] / raw, raw, msg_len,
               calls_per_s * (double)sizes[k] * js_ms_per_node / 1000.0,
               verify_per_s, verify_per_s / js_verify_per_s);
        lithsm_free(entry);
        lithsm_free(sigs);
        fixture_free(&f);
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("peak memory (max RSS): %ld KiB\n", ru.ru_maxrss);
    return 0;
}
