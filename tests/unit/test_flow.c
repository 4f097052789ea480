/*
 * test_flow.c - lithsm_get_session_sigs with the file store: reuse, every
 * re-sign rule, corrupt entries, the auth callback, failures.  Times are
 * fixed through now_ms; every result is checked as each node would.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "store/store.h"
#include "tap.h"

#define T0 1735689600000LL /* 2025-01-01T00:00:00.000Z */
#define HOUR 3600000LL
#define NONCE \
    "0x5a6ec2b5ba3ef1ba1ba2cd2a3ecb3e5d5c1c8c8d97f3d0aa12f1f7b1a5e0a0f1"

static const char *const nodes[] = {
    "https://127.0.0.1:7470",
    "https://127.0.0.1:7471",
    "http://127.0.0.1:7472",
};
#define N_NODES 3

static char base[256];
static char store_dir[300];
static lithsm_signer *wallet, *other_wallet;

/* What one call gave, read from the first node's entry. */
typedef struct result {
    lithsm_err err;
    char pk[65];
    char wallet_sig[140];
    char wallet_siwe[4096];
    char issued[32], expiration[32];
    int n_caps;
    int all_ok; /* every node accepts its entry at now */
} result;

static void copy_str(char *out, size_t n, json_object *obj, const char *key)
{
    json_object *v;

    out[0] = '\0';
    if (json_object_object_get_ex(obj, key, &v) &&
        json_object_is_type(v, json_type_string))
        snprintf(out, n, "%s", json_object_get_string(v));
}

static int verify_all(json_object *map, int64_t now)
{
    size_t i;
    int all = 1;

    for (i = 0; i < N_NODES; i++) {
        json_object *entry;
        lithsm_verify_result vr;
        lithsm_buf b;
        char *text = NULL;

        if (!json_object_object_get_ex(map, nodes[i], &entry))
            return 0;
        lithsm_buf_init(&b);
        lithsm_buf_json_value(&b, entry);
        if (lithsm_buf_finish(&b, &text, NULL) != LITHSM_OK)
            return 0;
        if (lithsm_verify_session_sig(&vr, text, strlen(text), nodes[i], now,
                                      60000) != LITHSM_OK ||
            vr.reason != LITHSM_VERIFY_OK) {
            printf("# node %s: %s (%s)\n", nodes[i], vr.word, vr.detail);
            all = 0;
        }
        free(text);
    }
    return all;
}

static void read_result(result *r, const char *json, int64_t now)
{
    json_object *map = json_tokener_parse(json), *entry, *msg = NULL, *caps;
    json_object *last;

    if (map == NULL || !json_object_object_get_ex(map, nodes[0], &entry))
        goto done;
    copy_str(r->pk, sizeof(r->pk), entry, "address");
    if (!json_object_object_get_ex(entry, "signedMessage", &msg))
        goto done;
    msg = json_tokener_parse(json_object_get_string(msg));
    if (msg == NULL || !json_object_object_get_ex(msg, "capabilities", &caps))
        goto done;
    r->n_caps = (int)json_object_array_length(caps);
    last = json_object_array_get_idx(caps, (size_t)r->n_caps - 1);
    copy_str(r->wallet_sig, sizeof(r->wallet_sig), last, "sig");
    copy_str(r->wallet_siwe, sizeof(r->wallet_siwe), last, "signedMessage");
    copy_str(r->issued, sizeof(r->issued), msg, "issuedAt");
    copy_str(r->expiration, sizeof(r->expiration), msg, "expiration");
    r->all_ok = verify_all(map, now);
done:
    json_object_put(msg);
    json_object_put(map);
}

static lithsm_requests *make_requests(int with_acc, int only_pkp)
{
    lithsm_requests *reqs = NULL;

    if (lithsm_requests_new(&reqs) != LITHSM_OK)
        return NULL;
    if (lithsm_requests_add(reqs, "lit-pkp://*", "pkp-signing", NULL) !=
        LITHSM_OK)
        goto fail;
    if (!only_pkp &&
        lithsm_requests_add(reqs, "lit-litaction://*", "lit-action-execution",
                            NULL) != LITHSM_OK)
        goto fail;
    if (with_acc && lithsm_requests_add(reqs, "lit-accesscontrolcondition://*",
                                        "access-control-condition-decryption",
                                        NULL) != LITHSM_OK)
        goto fail;
    return reqs;
fail:
    lithsm_requests_free(reqs);
    return NULL;
}

static void base_params(lithsm_flow_params *p, lithsm_store *st,
                        const lithsm_requests *reqs, int64_t now)
{
    memset(p, 0, sizeof(*p));
    p->node_urls = nodes;
    p->n_nodes = N_NODES;
    p->nonce = NONCE;
    p->wallet = wallet;
    p->requests = reqs;
    p->store = st;
    p->store_scope = "test";
    p->now_ms = now;
}

static result run(const lithsm_flow_params *p)
{
    result r;
    char *json = NULL;

    memset(&r, 0, sizeof(r));
    r.err = lithsm_get_session_sigs(&json, NULL, p);
    if (r.err != LITHSM_OK) {
        printf("# lithsm_get_session_sigs: %s\n", lithsm_last_error());
        return r;
    }
    read_result(&r, json, p->now_ms ? p->now_ms : lithsm_time_now_ms());
    free(json);
    return r;
}

static void entry_path(char *out, size_t n, lithsm_signer *signer,
                       const char *scope)
{
    lithsm_eth_address a;
    char hex[41];

    lithsm_signer_address(&a, signer);
    if (lithsm_hex_encode(hex, sizeof(hex), a.bytes, 20) != LITHSM_OK)
        hex[0] = '\0';
    snprintf(out, n, "%s/%s.0x%s.session", store_dir, scope, hex);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = calloc(1, 1 << 16);
    n = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    return buf;
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (f == NULL)
        return 0;
    ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static int file_mode(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* ------------------------------------------------------------------------ */

static void test_reuse_and_resign(lithsm_store *st)
{
    lithsm_requests *reqs = make_requests(0, 0), *more = make_requests(1, 0);
    lithsm_requests *fewer = make_requests(0, 1);
    lithsm_flow_params p;
    result a, b, c;
    char path[400], *content;

    base_params(&p, st, reqs, T0);
    a = run(&p);
    ok_int_eq(a.err, LITHSM_OK, "first call: session sigs");
    ok(a.all_ok, "first call: every node accepts its entry");
    ok_int_eq(a.n_caps, 1, "one capability: the wallet AuthSig");
    ok_str_eq(a.issued, "2025-01-01T00:00:00.000Z", "issuedAt is now_ms");
    ok_str_eq(a.expiration, "2025-01-02T00:00:00.000Z",
              "expiration defaults to now + 24 h");
    ok(strstr(a.wallet_siwe, "Expiration Time: 2025-01-02T00:00:00.000Z") !=
           NULL,
       "the wallet SIWE has the same expiration");
    ok(strstr(a.wallet_siwe, "Nonce: " NONCE) != NULL,
       "the wallet SIWE carries the nonce");
    entry_path(path, sizeof(path), wallet, "test");
    content = read_file(path);
    ok(content != NULL, "the entry is stored under <scope>.<wallet>.session");
    ok(content && strncmp(content, "{\"sessionKey\":\"", 15) == 0,
       "the entry starts with the session key");
    ok(content && strstr(content, "\"version\":1}") != NULL,
       "the entry has version 1");
    free(content);
    ok_int_eq(file_mode(path), 0600, "the entry is 0600");

    p.now_ms = T0 + HOUR;
    b = run(&p);
    ok_int_eq(b.err, LITHSM_OK, "second call");
    ok_str_eq(b.pk, a.pk, "second call reuses the session key");
    ok_str_eq(b.wallet_sig, a.wallet_sig,
              "second call reuses the wallet AuthSig");
    ok_str_eq(b.issued, "2025-01-01T01:00:00.000Z", "issuedAt is the new now");
    ok_str_eq(b.expiration, "2025-01-02T00:00:00.000Z",
              "the SessionSig does not outlive the reused wallet AuthSig");
    ok(b.all_ok, "second call: every node accepts");

    p.expiration = "2025-01-01T03:00:00.000Z";
    b = run(&p);
    ok_str_eq(b.wallet_sig, a.wallet_sig,
              "an earlier requested expiration reuses the AuthSig");
    ok_str_eq(b.expiration, "2025-01-01T03:00:00.000Z",
              "and the SessionSig expires as requested");
    ok(b.all_ok, "every node accepts");
    p.expiration = NULL;

    p.requests = fewer;
    b = run(&p);
    ok_str_eq(b.wallet_sig, a.wallet_sig,
              "a subset of the signed requests reuses the AuthSig (SDK)");
    ok(b.all_ok, "every node accepts");

    p.requests = more;
    c = run(&p);
    ok_int_eq(c.err, LITHSM_OK, "call with another resource");
    ok_str_eq(c.pk, a.pk, "keeps the session key");
    ok(strcmp(c.wallet_sig, a.wallet_sig) != 0,
       "but signs a new wallet AuthSig");
    ok(strstr(c.wallet_siwe, "'Threshold': 'Decryption'") != NULL,
       "whose ReCap has the new resource");
    ok_str_eq(c.expiration, "2025-01-02T01:00:00.000Z",
              "the new AuthSig gives the full default expiration");
    ok(c.all_ok, "every node accepts");
    b = run(&p);
    ok_str_eq(b.wallet_sig, c.wallet_sig, "the re-signed AuthSig was stored");

    p.requests = reqs;
    p.now_ms = T0 + 48 * HOUR;
    b = run(&p);
    ok_int_eq(b.err, LITHSM_OK, "call after the AuthSig expired");
    ok_str_eq(b.pk, a.pk, "keeps the session key");
    ok(strcmp(b.wallet_sig, c.wallet_sig) != 0, "signs a new wallet AuthSig");
    ok(b.all_ok, "every node accepts at the new time");

    /* Exactly at the expiration instant the AuthSig is expired (siwe). */
    c = b;
    p.now_ms = T0 + 72 * HOUR;
    b = run(&p);
    ok(strcmp(b.wallet_sig, c.wallet_sig) != 0,
       "at the exact Expiration Time the AuthSig is signed again");
    c = b;
    p.now_ms = T0 + 72 * HOUR + 1000;
    p.expiration = "2025-01-04T01:00:00.000Z";
    b = run(&p);
    ok_str_eq(b.wallet_sig, c.wallet_sig, "a second later it is reused");
    p.expiration = NULL;

    /* Another scope is another entry. */
    p.store_scope = "other-net";
    b = run(&p);
    ok(strcmp(b.pk, a.pk) != 0, "another scope has its own session key");
    entry_path(path, sizeof(path), wallet, "other-net");
    ok(access(path, F_OK) == 0, "stored under its own name");

    lithsm_requests_free(reqs);
    lithsm_requests_free(more);
    lithsm_requests_free(fewer);
}

/* Each damaged entry is thrown away and a new session key made. */
static void test_corrupt_entries(lithsm_store *st)
{
    lithsm_requests *reqs = make_requests(0, 0);
    lithsm_flow_params p;
    result a, b, c;
    char path[400], other_path[400], *good, *buf;
    size_t len;
    static const struct {
        const char *what;
        const char *text;
    } garbage[] = {
        { "garbage", "not json at all" },
        { "an empty file", "" },
        { "JSON of another shape", "{\"a\":1}" },
        { "a short secret", "{\"sessionKey\":\"abcd\",\"walletSig\":{},"
                            "\"version\":1}" },
        { "a non-hex secret",
          "{\"sessionKey\":\"zz00000000000000000000000000000000000000000000"
          "000000000000000000\",\"walletSig\":{},\"version\":1}" },
        { "a secret whose public half is wrong",
          "{\"sessionKey\":\"070707070707070707070707070707070707070707070707"
          "07070707070707070000000000000000000000000000000000000000000000000"
          "000000000000000\",\"walletSig\":{},\"version\":1}" },
    };
    size_t i;

    base_params(&p, st, reqs, T0);
    p.store_scope = "corrupt";
    entry_path(path, sizeof(path), wallet, "corrupt");
    a = run(&p);
    ok_int_eq(a.err, LITHSM_OK, "corrupt: a good entry first");
    good = read_file(path);
    if (good == NULL) {
        ok(0, "read the entry");
        lithsm_requests_free(reqs);
        return;
    }
    len = strlen(good);

    for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        char what[120];

        ok(write_file(path, garbage[i].text, strlen(garbage[i].text)),
           "write a damaged entry");
        b = run(&p);
        snprintf(what, sizeof(what), "%s: recovered", garbage[i].what);
        ok(b.err == LITHSM_OK && b.all_ok, what);
        snprintf(what, sizeof(what), "%s: a new session key", garbage[i].what);
        ok(strcmp(b.pk, a.pk) != 0 && strlen(b.pk) == 64, what);
        c = run(&p);
        snprintf(what, sizeof(what), "%s: the new entry is reused",
                 garbage[i].what);
        ok(strcmp(c.pk, b.pk) == 0 && strcmp(c.wallet_sig, b.wallet_sig) == 0,
           what);
    }

    /* Truncated at many points: never trusted, always recovered. */
    {
        int all = 1, fresh = 1;
        size_t cut;

        for (cut = 1; cut < len; cut += len / 7 + 1) {
            if (!write_file(path, good, cut)) {
                all = 0;
                break;
            }
            b = run(&p);
            if (b.err != LITHSM_OK || !b.all_ok)
                all = 0;
            if (strcmp(b.pk, a.pk) == 0 && cut < 15 + 128)
                fresh = 0;
        }
        ok(all, "truncated entries: every call recovers");
        ok(fresh, "truncated secrets are never used");
    }

    /* The old good entry, put back: valid again, so reused. */
    ok(write_file(path, good, len), "put the first entry back");
    b = run(&p);
    ok_str_eq(b.pk, a.pk, "a whole entry is trusted again");
    ok_str_eq(b.wallet_sig, a.wallet_sig, "with its wallet AuthSig");

    /* Version 2, a NUL byte, too large: discarded. */
    buf = malloc(len + 8);
    if (buf != NULL) {
        char *v = strstr(strcpy(buf, good), "\"version\":1");

        if (v != NULL)
            v[10] = '2';
        ok(write_file(path, buf, len), "write a version 2 entry");
        b = run(&p);
        ok(b.err == LITHSM_OK && strcmp(b.pk, a.pk) != 0,
           "an unknown version is discarded");
        memcpy(buf, good, len);
        buf[len - 3] = '\0';
        ok(write_file(path, buf, len), "write an entry with a NUL byte");
        b = run(&p);
        ok(b.err == LITHSM_OK && strcmp(b.pk, a.pk) != 0,
           "an entry with a NUL byte is discarded");
        free(buf);
    }
    buf = malloc(LITHSM_STORE_VALUE_MAX + 10);
    if (buf != NULL) {
        memcpy(buf, good, len);
        memset(buf + len, ' ', LITHSM_STORE_VALUE_MAX + 10 - len);
        ok(write_file(path, buf, LITHSM_STORE_VALUE_MAX + 10),
           "write an oversized entry");
        b = run(&p);
        ok(b.err == LITHSM_OK && strcmp(b.pk, a.pk) != 0 && b.all_ok,
           "an oversized entry is discarded");
        free(buf);
    }

    /* A good key with another key's wallet AuthSig: the URI check fails,
     * the stored key is kept and signed for again. */
    {
        lithsm_session_key *k = NULL;
        uint8_t seed[32];
        char secret[129], pk[65];

        memset(seed, 0x42, sizeof(seed));
        if (lithsm_session_key_from_seed(&k, seed) == LITHSM_OK &&
            lithsm_session_key_secret_hex(secret, k) == LITHSM_OK) {
            lithsm_session_key_public_hex(pk, k);
            memcpy(good + 15, secret, 128);
            ok(write_file(path, good, len),
               "write the entry with another session key");
            b = run(&p);
            ok_str_eq(b.pk, pk, "the stored session key is used");
            ok(strcmp(b.wallet_sig, a.wallet_sig) != 0,
               "with a new wallet AuthSig (the old URI names another key)");
            ok(b.all_ok, "every node accepts");
        }
        lithsm_session_key_free(k);
    }

    /* Another wallet's entry copied under this wallet's name. */
    p.wallet = other_wallet;
    entry_path(other_path, sizeof(other_path), other_wallet, "corrupt");
    c = run(&p);
    ok_int_eq(c.err, LITHSM_OK, "another wallet's session sigs");
    free(good);
    good = read_file(other_path);
    ok(good != NULL && write_file(path, good, strlen(good)),
       "copy its entry under the first wallet's name");
    p.wallet = wallet;
    b = run(&p);
    ok_str_eq(b.pk, c.pk, "the copied session key is kept");
    ok(strcmp(b.wallet_sig, c.wallet_sig) != 0,
       "but another wallet's AuthSig is never used for this wallet");
    ok(b.all_ok, "every node accepts");
    free(good);
    lithsm_requests_free(reqs);
}

static void test_no_store(void)
{
    lithsm_requests *reqs = make_requests(0, 0);
    lithsm_flow_params p;
    result a, b;

    base_params(&p, NULL, reqs, T0);
    a = run(&p);
    b = run(&p);
    ok(a.err == LITHSM_OK && b.err == LITHSM_OK && a.all_ok && b.all_ok,
       "without a store: session sigs");
    ok(strcmp(a.pk, b.pk) != 0, "without a store: a new key each call");
    p.now_ms = 0;
    a = run(&p);
    ok(a.err == LITHSM_OK && strlen(a.issued) == 24 && a.all_ok,
       "now_ms 0 uses the clock");
    lithsm_requests_free(reqs);
}

static void test_capabilities(lithsm_store *st)
{
    lithsm_requests *reqs = make_requests(0, 0);
    lithsm_delegation_params dp;
    lithsm_flow_params p;
    char *delegation = NULL;
    const char *caps[1];
    result a;

    memset(&dp, 0, sizeof(dp));
    dp.nonce = NONCE;
    dp.issued_at = "2025-01-01T00:00:00.000Z";
    dp.uses = "10";
    if (lithsm_delegation_authsig(&delegation, NULL, other_wallet, &dp) !=
        LITHSM_OK) {
        ok(0, "delegation AuthSig");
        lithsm_requests_free(reqs);
        return;
    }
    caps[0] = delegation;
    base_params(&p, st, reqs, T0);
    p.store_scope = "caps";
    p.capabilities = caps;
    p.n_capabilities = 1;
    a = run(&p);
    ok_int_eq(a.err, LITHSM_OK, "with a capacity delegation");
    ok_int_eq(a.n_caps, 2, "two capabilities");
    ok(strstr(a.wallet_siwe, "lit:session:") != NULL,
       "the wallet AuthSig is last");
    ok(a.all_ok, "every node accepts");
    p.n_capabilities = 1;
    p.capabilities = NULL;
    ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG,
              "capabilities counted but not given: refused");
    free(delegation);
    lithsm_requests_free(reqs);
}

/* ------------------------------------------------------------------------
 * The auth callback
 */
typedef struct cb_state {
    int calls;
    int bad_first;  /* first answer: an AuthSig for another session key */
    int always_bad; /* every answer: that */
    int garbage;    /* every answer: not an AuthSig */
    int fail;       /* return an error */
} cb_state;

static lithsm_err callback(char **out, const lithsm_session_siwe_params *sp,
                           void *arg)
{
    cb_state *s = arg;
    lithsm_session_siwe_params copy = *sp;
    static const char other_pk[] =
        "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c";

    s->calls++;
    if (s->fail)
        return lithsm_fail(LITHSM_ERR_SIGNATURE, "the test wallet refuses");
    if (s->garbage) {
        *out = strdup("{\"sig\":1}");
        return *out ? LITHSM_OK : LITHSM_ERR_NOMEM;
    }
    if (s->always_bad || (s->bad_first && s->calls == 1))
        copy.session_pubkey_hex = other_pk;
    return lithsm_wallet_authsig(out, wallet, &copy);
}

static void test_callback(lithsm_store *st)
{
    lithsm_requests *reqs = make_requests(0, 0);
    lithsm_flow_params p;
    cb_state s;
    result a, b;
    char path[400];

    base_params(&p, st, reqs, T0);
    p.wallet = NULL;
    p.auth_callback = callback;
    p.auth_arg = &s;
    p.store_scope = "cb";
    memset(&s, 0, sizeof(s));
    a = run(&p);
    ok_int_eq(a.err, LITHSM_OK, "callback: session sigs");
    ok_int_eq(s.calls, 1, "callback: called once");
    ok(a.all_ok, "callback: every node accepts");
    snprintf(path, sizeof(path), "%s/cb.callback.session", store_dir);
    ok(access(path, F_OK) == 0, "callback: stored as <scope>.callback.session");
    b = run(&p);
    ok_int_eq(s.calls, 1, "callback: not called again while the entry holds");
    ok_str_eq(b.pk, a.pk, "callback: same session key");
    ok_str_eq(b.wallet_sig, a.wallet_sig, "callback: same AuthSig");

    p.now_ms = T0 + 30 * HOUR;
    s.calls = 0;
    s.bad_first = 1;
    b = run(&p);
    ok_int_eq(s.calls, 2,
              "callback: an AuthSig that fails the check is asked again");
    ok(b.err == LITHSM_OK && b.all_ok, "callback: the second answer is used");
    ok_str_eq(b.pk, a.pk, "callback: on the same session key");

    p.store = NULL;
    memset(&s, 0, sizeof(s));
    s.always_bad = 1;
    b = run(&p);
    ok_int_eq(s.calls, 2, "callback: asked twice, then the answer is used");
    ok_int_eq(b.err, LITHSM_OK, "callback: unchecked (SDK behaviour)");
    ok(!b.all_ok, "callback: and the nodes reject the wrong URI");

    memset(&s, 0, sizeof(s));
    s.garbage = 1;
    b = run(&p);
    ok_int_eq(b.err, LITHSM_ERR_PROTOCOL,
              "callback: not an AuthSig twice is an error");
    ok_int_eq(s.calls, 2, "callback: after two calls");
    ok(strstr(lithsm_last_error(), "callback") != NULL,
       "callback: the message names the callback");

    memset(&s, 0, sizeof(s));
    s.fail = 1;
    b = run(&p);
    ok_int_eq(b.err, LITHSM_ERR_SIGNATURE, "callback: its error is returned");
    ok(strstr(lithsm_last_error(), "the test wallet refuses") != NULL,
       "callback: with its message");
    lithsm_requests_free(reqs);
}

/* ------------------------------------------------------------------------
 * Misuse and failing stores
 */
static lithsm_err fail_get(void *ctx, const char *key, char **out)
{
    *out = NULL;
    return *(int *)ctx == 1 ? lithsm_fail(LITHSM_ERR_IO, "disk on fire")
                            : LITHSM_OK;
}

static lithsm_err fail_put(void *ctx, const char *key, const char *value)
{
    return lithsm_fail(LITHSM_ERR_IO, "disk full");
}

static lithsm_err fail_remove(void *ctx, const char *key)
{
    return LITHSM_OK;
}

static void test_misuse(void)
{
    static const lithsm_store_ops ops = { fail_get, fail_put, fail_remove,
                                          NULL };
    lithsm_requests *reqs = make_requests(0, 0), *empty = NULL;
    lithsm_flow_params p;
    lithsm_store *bad = NULL;
    char *json = (char *)"x";
    int mode = 0;

    base_params(&p, NULL, reqs, T0);
    ok_int_eq(lithsm_get_session_sigs(&json, NULL, NULL),
              LITHSM_ERR_INVALID_ARG, "NULL params refused");
    ok(json == NULL, "and the output is NULL");
    ok_int_eq(lithsm_get_session_sigs(NULL, NULL, &p), LITHSM_ERR_INVALID_ARG,
              "NULL output refused");
    p.auth_callback = callback;
    ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG,
              "a wallet and a callback together are refused");
    p.wallet = NULL;
    p.auth_callback = NULL;
    ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG,
              "neither a wallet nor a callback is refused");
    ok(strstr(lithsm_last_error(), "wallet") != NULL, "saying so");
    p.wallet = wallet;
    p.requests = NULL;
    ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG, "no requests refused");
    if (lithsm_requests_new(&empty) == LITHSM_OK) {
        p.requests = empty;
        ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG,
                  "an empty request list refused");
        lithsm_requests_free(empty);
    }
    p.requests = reqs;
    p.node_urls = NULL;
    ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG,
              "no node URLs and no client refused");
    ok(strstr(lithsm_last_error(), "client") != NULL, "saying so");
    p.node_urls = nodes;
    p.n_nodes = 0;
    ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG, "zero nodes refused");
    p.n_nodes = N_NODES;
    p.nonce = NULL;
    ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG,
              "no nonce and no client refused");
    p.nonce = NONCE;
    p.expiration = "tomorrow";
    ok_int_eq(run(&p).err, LITHSM_ERR_PARSE, "a bad expiration refused");
    p.expiration = "2024-12-31T23:59:59.000Z";
    ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG,
              "an expiration in the past refused");
    p.expiration = "2025-01-01T00:00:00.000Z";
    ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG,
              "an expiration equal to now refused");
    p.expiration = NULL;

    if (lithsm_store_new(&bad, &ops, &mode) != LITHSM_OK) {
        ok(0, "failing store");
        lithsm_requests_free(reqs);
        return;
    }
    p.store = bad;
    p.store_scope = "Bad/Scope";
    ok_int_eq(run(&p).err, LITHSM_ERR_INVALID_ARG,
              "a scope that cannot be a key is refused");
    ok(strstr(lithsm_last_error(), "scope") != NULL, "naming the scope");
    p.store_scope = NULL;
    ok_int_eq(run(&p).err, LITHSM_ERR_IO,
              "a store that cannot be written fails the call");
    ok(strstr(lithsm_last_error(), "disk full") != NULL,
       "with the store's message");
    mode = 1;
    ok_int_eq(run(&p).err, LITHSM_ERR_IO,
              "a store that cannot be read fails the call");
    ok(strstr(lithsm_last_error(), "disk on fire") != NULL,
       "with the store's message");
    lithsm_store_free(bad);
    lithsm_requests_free(reqs);
}

/* ------------------------------------------------------------------------
 * Several processes sharing one store directory
 */

/* Runs `calls` flows in a child with its own store; the exit status counts
 * the failures (and, with want_pk, results on another session key or
 * wallet AuthSig). */
static pid_t spawn(int calls, int64_t now, const char *scope, int vary,
                   const result *want)
{
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        lithsm_requests *a = make_requests(0, 0), *b = make_requests(1, 0);
        lithsm_store *st = NULL;
        lithsm_flow_params p;
        int i, bad = 0;

        if (lithsm_store_file_new(&st, store_dir) != LITHSM_OK)
            _exit(100);
        for (i = 0; i < calls; i++) {
            result r;

            base_params(&p, st, vary && (i + getpid()) % 2 ? b : a, now);
            p.store_scope = scope;
            r = run(&p);
            if (r.err != LITHSM_OK || !r.all_ok)
                bad++;
            else if (want != NULL &&
                     (strcmp(r.pk, want->pk) != 0 ||
                      strcmp(r.wallet_sig, want->wallet_sig) != 0))
                bad++;
        }
        lithsm_store_free(st);
        lithsm_requests_free(a);
        lithsm_requests_free(b);
        lithsm_signer_free(wallet);
        lithsm_signer_free(other_wallet);
        _exit(bad > 99 ? 99 : bad);
    }
    return pid;
}

static int child_ok(pid_t pid)
{
    int status;

    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return 0;
    if (WEXITSTATUS(status) != 0)
        printf("#   child exit status %d\n", WEXITSTATUS(status));
    return WEXITSTATUS(status) == 0;
}

static void test_processes(lithsm_store *st)
{
    lithsm_requests *reqs = make_requests(0, 0);
    lithsm_flow_params p;
    pid_t pids[4];
    result a, b;
    int i, all = 1;

    base_params(&p, st, reqs, T0);
    p.store_scope = "mp";
    a = run(&p);
    ok_int_eq(a.err, LITHSM_OK, "processes: the parent makes an entry");
    ok(child_ok(spawn(2, T0 + HOUR, "mp", 0, &a)),
       "processes: another process reuses its session key and AuthSig");

    for (i = 0; i < 4; i++)
        pids[i] = spawn(12, T0, "race", 1, NULL);
    for (i = 0; i < 4; i++)
        all &= child_ok(pids[i]);
    ok(all, "processes: 4 processes re-signing one entry at once all get "
            "session sigs every node accepts");
    p.store_scope = "race";
    a = run(&p);
    b = run(&p);
    ok(a.err == LITHSM_OK && a.all_ok, "processes: the raced entry is usable");
    ok_str_eq(b.pk, a.pk, "processes: and reused afterwards");
    lithsm_requests_free(reqs);
}

/* ------------------------------------------------------------------------
 * Through a connected client: a fake node on loopback answers handshakes
 * (one child process per node, killed at the end).
 */
#define FAKE_HASH \
    "0x1111111111111111111111111111111111111111111111111111111111111111"

static char *find_nocase(char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay != '\0'; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return hay;
    return NULL;
}

static void serve_handshakes(int lfd)
{
    static const char body[] =
        "{\"serverPublicKey\":\"s\",\"subnetPublicKey\":\"n\","
        "\"networkPublicKey\":\"n\",\"networkPublicKeySet\":\"n\","
        "\"hdRootPubkeys\":[\"h\"],\"latestBlockhash\":\"" FAKE_HASH "\"}";
    char req[8192], head[256];

    alarm(60); /* never outlive a broken test */
    for (;;) {
        size_t len = 0;
        char *end = NULL, *cl;
        long want = 0;
        int fd = accept(lfd, NULL, NULL);

        if (fd < 0)
            continue;
        /* Read the head, then Content-Length bytes of body. */
        while (len + 1 < sizeof(req)) {
            ssize_t n = read(fd, req + len, sizeof(req) - 1 - len);

            if (n <= 0)
                break;
            len += (size_t)n;
            req[len] = '\0';
            end = strstr(req, "\r\n\r\n");
            if (end == NULL)
                continue;
            cl = find_nocase(req, "\r\ncontent-length:");
            want = cl ? strtol(cl + 17, NULL, 10) : 0;
            if ((long)(len - (size_t)(end + 4 - req)) >= want)
                break;
        }
        snprintf(head, sizeof(head),
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                 sizeof(body) - 1);
        if (write(fd, head, strlen(head)) < 0 ||
            write(fd, body, sizeof(body) - 1) < 0)
            printf("# fake node: write failed\n");
        close(fd);
    }
}

/* A fake node on 127.0.0.1, its URL in url_out; the child's pid or -1. */
static pid_t fake_node(char *url_out, size_t n)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    pid_t pid;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(lfd, 16) != 0 ||
        getsockname(lfd, (struct sockaddr *)&sa, &sl) != 0) {
        if (lfd >= 0)
            close(lfd);
        return -1;
    }
    snprintf(url_out, n, "http://127.0.0.1:%u", ntohs(sa.sin_port));
    fflush(stdout);
    pid = fork();
    if (pid == 0)
        serve_handshakes(lfd);
    close(lfd);
    return pid;
}

static void test_client(lithsm_store *st)
{
    lithsm_requests *reqs = make_requests(0, 0);
    char urls[2][64], *json = NULL;
    const char *list[2];
    lithsm_client_params cp;
    lithsm_client *client = NULL;
    lithsm_flow_params p;
    pid_t pids[2];
    json_object *map = NULL, *entry;
    int i, n_ok = 0;

    for (i = 0; i < 2; i++) {
        pids[i] = fake_node(urls[i], sizeof(urls[i]));
        list[i] = urls[i];
    }
    if (pids[0] < 0 || pids[1] < 0) {
        ok(0, "client: start two fake nodes");
        goto done;
    }
    memset(&cp, 0, sizeof(cp));
    cp.node_urls = list;
    cp.n_nodes = 2;
    cp.retries = -1;
    if (lithsm_client_connect(&client, &cp) != LITHSM_OK) {
        printf("# connect: %s\n", lithsm_last_error());
        ok(0, "client: connect to the fake nodes");
        goto done;
    }
    base_params(&p, st, reqs, 0);
    p.node_urls = NULL;
    p.n_nodes = 0;
    p.nonce = NULL;
    p.store_scope = "client";
    ok_int_eq(lithsm_get_session_sigs(&json, client, &p), LITHSM_OK,
              "client: session sigs for the connected nodes");
    map = json ? json_tokener_parse(json) : NULL;
    for (i = 0; i < 2; i++) {
        lithsm_verify_result vr;
        const char *text;

        if (map == NULL || !json_object_object_get_ex(map, urls[i], &entry))
            continue;
        text = json_object_to_json_string_ext(
            entry, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (lithsm_verify_session_sig(&vr, text, strlen(text), urls[i],
                                      lithsm_time_now_ms(),
                                      60000) == LITHSM_OK &&
            vr.reason == LITHSM_VERIFY_OK)
            n_ok++;
    }
    ok_int_eq(n_ok, 2, "client: one accepted SessionSig per connected node");
    ok(json != NULL && strstr(json, "Nonce: " FAKE_HASH) != NULL,
       "client: the nonce is the handshake's latestBlockhash");

done:
    json_object_put(map);
    free(json);
    lithsm_client_free(client);
    for (i = 0; i < 2; i++)
        if (pids[i] > 0) {
            kill(pids[i], SIGTERM);
            waitpid(pids[i], NULL, 0);
        }
    lithsm_requests_free(reqs);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    uint8_t secret[32];
    lithsm_store *st = NULL;
    char cmd[400];

    snprintf(base, sizeof(base), "%s/lithsm-flow-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(base) == NULL) {
        printf("Bail out! cannot make a temporary directory\n");
        return 99;
    }
    snprintf(store_dir, sizeof(store_dir), "%s/store", base);
    memset(secret, 0x01, sizeof(secret));
    if (lithsm_signer_from_secret(&wallet, secret) != LITHSM_OK) {
        printf("Bail out! wallet key\n");
        return 99;
    }
    memset(secret, 0x02, sizeof(secret));
    if (lithsm_signer_from_secret(&other_wallet, secret) != LITHSM_OK) {
        printf("Bail out! second wallet key\n");
        return 99;
    }
    if (lithsm_store_file_new(&st, store_dir) != LITHSM_OK) {
        printf("Bail out! store: %s\n", lithsm_last_error());
        return 99;
    }
    test_reuse_and_resign(st);
    test_corrupt_entries(st);
    test_no_store();
    test_capabilities(st);
    test_callback(st);
    test_misuse();
    test_processes(st);
    test_client(st);
    lithsm_store_free(st);
    lithsm_signer_free(wallet);
    lithsm_signer_free(other_wallet);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", base);
    return tap_done();
}
