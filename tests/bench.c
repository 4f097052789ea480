/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * bench.c - `make bench`: lithsm's rates for the work the JS SDK anchor
 * (../shared/bench-js, reference/performance.md) times, in one thread,
 * except that lithsm_sessionsigs signs a map of 32 nodes or more on up to
 * one thread per core (session_sign.c).
 *
 * For 3, 30 and 100 node URLs: whole session-sigs calls per second (wallet
 * AuthSig with a software key + one signature per node), node signatures per
 * second, verifications of one session sig as a node checks it, and
 * whole-map verification (every entry for its own node, the shared
 * capabilities once per map) in session sigs per second, each next to the
 * JS SDK's per-session-sig validation rate.  Raw OpenSSL Ed25519 signing of
 * a message of the same size is timed in the same run, so the per-node cost
 * reads as a ratio to the primitive.  Peak memory is the process's maximum
 * resident set size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <openssl/evp.h>

#include <json-c/json.h>

#include "bench-util.h"
#include "util/util.h"

#define NONCE \
    "0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac172d71505d36b62691"

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

/* Raw OpenSSL Ed25519 signing of one message, the per-node primitive. */
typedef struct {
    EVP_PKEY *pkey;
    EVP_MD_CTX *ctx;
    unsigned char *msg;
    size_t msg_len;
} raw_signer;

static void raw_sign_once(raw_signer *r)
{
    uint8_t sig[64];
    size_t sig_len = sizeof(sig);

    if (EVP_DigestSignInit(r->ctx, NULL, NULL, NULL, r->pkey) != 1 ||
        EVP_DigestSign(r->ctx, sig, &sig_len, r->msg, r->msg_len) != 1)
        die("raw Ed25519", LITHSM_ERR_CRYPTO);
}

static fixture *work_fixture;
static char *work_entry, *work_map;

#define VERIFY_NOW_MS 1717243500000LL

static void work_session_sigs(void *arg)
{
    lithsm_free(session_sigs(arg));
}

static void work_raw(void *arg)
{
    raw_sign_once(arg);
}

static void work_verify(void *arg)
{
    lithsm_verify_result r;

    (void)arg;
    if (lithsm_verify_session_sig(&r, work_entry, strlen(work_entry),
                                  work_fixture->urls[0], VERIFY_NOW_MS,
                                  60000) != LITHSM_OK ||
        r.reason != LITHSM_VERIFY_OK)
        die("verify", LITHSM_ERR_SIGNATURE);
}

/* The whole map, every entry for its own node. */
static void work_verify_map(void *arg)
{
    lithsm_verify_entry *entries = NULL;
    size_t n = 0, i;

    (void)arg;
    if (lithsm_verify_session_sigs_map(&entries, &n, work_map, strlen(work_map),
                                       VERIFY_NOW_MS, 60000) != LITHSM_OK ||
        n != work_fixture->n_nodes)
        die("verify map", LITHSM_ERR_SIGNATURE);
    for (i = 0; i < n; i++)
        if (entries[i].result.reason != LITHSM_VERIFY_OK)
            die("verify map entry", LITHSM_ERR_SIGNATURE);
    lithsm_free(entries);
}

/* The JS SDK's figures: from a js-anchor JSON of the same session when
 * LITHSM_JS_ANCHOR names one (../shared/bench-js), else the reference
 * table of reference/performance.md. */
static double js_figure(const char *path, const char *a, const char *b,
                        const char *c, double fallback)
{
    return anchor_figure(path, fallback, "results", a, b, c, (char *)NULL);
}

/* The Ed25519 signer of the first node's message, the per-node primitive. */
static void raw_init(raw_signer *raw, const char *sigs, const char *url)
{
    json_object *map = NULL, *e;
    uint8_t seed[32];

    if (lithsm_json_parse(&map, sigs, strlen(sigs), "bench") != 0 ||
        !json_object_object_get_ex(map, url, &e))
        die("parse", LITHSM_ERR_PARSE);
    raw->msg_len = strlen(lithsm_json_get_str(e, "signedMessage"));
    raw->msg = malloc(raw->msg_len);
    memcpy(raw->msg, lithsm_json_get_str(e, "signedMessage"), raw->msg_len);
    json_object_put(map);
    memset(seed, 0x11, 32);
    raw->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    raw->ctx = EVP_MD_CTX_new();
}

static void raw_free(raw_signer *raw)
{
    EVP_PKEY_free(raw->pkey);
    EVP_MD_CTX_free(raw->ctx);
    free(raw->msg);
}

/* One size: the figures of REPS interleaved runs, and their lines. */
static void bench_size(size_t n_nodes, double js_ms, double js_verify)
{
    fixture f;
    raw_signer raw;
    double calls[REPS], raws[REPS], verifies[REPS], maps[REPS];
    double c, rw, v, m, sc, sr, sv, sm, node_rate;
    int i;

    fixture_init(&f, n_nodes);
    work_map = session_sigs(&f);
    work_entry = first_entry(work_map, f.urls[0]);
    work_fixture = &f;
    raw_init(&raw, work_map, f.urls[0]);
    for (i = 0; i < REPS; i++) {
        calls[i] = rate(work_session_sigs, &f);
        raws[i] = rate(work_raw, &raw);
        verifies[i] = rate(work_verify, NULL);
        maps[i] = rate(work_verify_map, NULL) * (double)n_nodes;
    }
    c = median(calls, &sc);
    rw = median(raws, &sr);
    v = median(verifies, &sv);
    m = median(maps, &sm);
    node_rate = c * (double)n_nodes;
    printf("%3zu nodes: %7.1f session-sigs calls/s (spread %.0f%%), "
           "%6.0f node sigs/s = %.0fx the JS SDK per node (%.1f ms), "
           "%.2fx of raw Ed25519 (%.0f/s, spread %.0f%%, %zu-byte "
           "messages); %5.0f verifications/s (spread %.0f%%) = %.0fx JS "
           "(%.1f/s)\n",
           n_nodes, c, sc * 100, node_rate, node_rate * js_ms / 1000.0, js_ms,
           node_rate / rw, rw, sr * 100, raw.msg_len, v, sv * 100,
           v / js_verify, js_verify);
    printf("%3zu nodes: whole-map verification %6.0f session sigs/s "
           "(%.1f maps/s, spread %.0f%%) = %.0fx JS per session sig "
           "(%.1f/s)\n",
           n_nodes, m, m / (double)n_nodes, sm * 100, m / js_verify, js_verify);
    raw_free(&raw);
    lithsm_free(work_entry);
    lithsm_free(work_map);
    fixture_free(&f);
}

int main(void)
{
    static const size_t sizes[] = { 3, 30, 100 };
    static const char *const js_keys[] = { "N3", "N30", "N100" };
    static const double js_ref_ms_per_node[] = { 24.8, 25.3, 24.6 };
    const char *anchor = getenv("LITHSM_JS_ANCHOR");
    double js_verify = js_figure(anchor, "d_verify_session_sig",
                                 "session_sigs_per_s", NULL, 29);
    size_t k;
    struct rusage ru;

    printf("lithsm bench: one thread (maps of 32+ nodes sign on every core), "
           "median of %d interleaved runs of %.2f s; "
           "JS figures from %s\n",
           REPS, REP_SECONDS,
           anchor ? anchor
                  : "reference/performance.md (set "
                    "LITHSM_JS_ANCHOR=anchor.json for this run's)");
    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
        bench_size(sizes[k],
                   js_figure(anchor, "a_getSessionSigs", js_keys[k],
                             "ms_per_node", js_ref_ms_per_node[k]),
                   js_verify);
    getrusage(RUSAGE_SELF, &ru);
    printf("peak memory (max RSS): %ld KiB\n", ru.ru_maxrss);
    return 0;
}
