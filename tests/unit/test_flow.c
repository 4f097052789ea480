/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_flow.c - lithsm_get_session_sigs with the file store: reuse, every
 * re-sign rule, corrupt entries, the auth callback, failures.  Times are
 * fixed through now_ms; every result is checked as each node would
 * (flow_fixture.c).  Several processes and a connected client are in
 * test_flow_procs.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow_fixture.h"
#include "tap.h"

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

/* A good entry of scope "corrupt", to be damaged in every way. */
typedef struct corrupt_ctx {
    lithsm_flow_params p;
    char path[400];
    result a;   /* the call that wrote it */
    char *good; /* its text */
    size_t len;
} corrupt_ctx;

/* Each damaged entry is thrown away and a new session key made. */
static void test_corrupt_entries(corrupt_ctx *x)
{
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
    result b, c;
    size_t i;

    for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        char what[120];

        ok(write_file(x->path, garbage[i].text, strlen(garbage[i].text)),
           "write a damaged entry");
        b = run(&x->p);
        snprintf(what, sizeof(what), "%s: recovered", garbage[i].what);
        ok(b.err == LITHSM_OK && b.all_ok, what);
        snprintf(what, sizeof(what), "%s: a new session key", garbage[i].what);
        ok(strcmp(b.pk, x->a.pk) != 0 && strlen(b.pk) == 64, what);
        c = run(&x->p);
        snprintf(what, sizeof(what), "%s: the new entry is reused",
                 garbage[i].what);
        ok(strcmp(c.pk, b.pk) == 0 && strcmp(c.wallet_sig, b.wallet_sig) == 0,
           what);
    }
}

/* Truncated at many points: never trusted, always recovered; then the
 * whole entry put back is trusted again. */
static void test_truncated_entries(corrupt_ctx *x)
{
    int all = 1, fresh = 1;
    size_t cut;
    result b;

    for (cut = 1; cut < x->len; cut += x->len / 7 + 1) {
        if (!write_file(x->path, x->good, cut)) {
            all = 0;
            break;
        }
        b = run(&x->p);
        if (b.err != LITHSM_OK || !b.all_ok)
            all = 0;
        if (strcmp(b.pk, x->a.pk) == 0 && cut < 15 + 128)
            fresh = 0;
    }
    ok(all, "truncated entries: every call recovers");
    ok(fresh, "truncated secrets are never used");

    /* The old good entry, put back: valid again, so reused. */
    ok(write_file(x->path, x->good, x->len), "put the first entry back");
    b = run(&x->p);
    ok_str_eq(b.pk, x->a.pk, "a whole entry is trusted again");
    ok_str_eq(b.wallet_sig, x->a.wallet_sig, "with its wallet AuthSig");
}

/* Version 2, a NUL byte, too large: discarded. */
static void test_damaged_values(corrupt_ctx *x)
{
    result b;
    char *buf = malloc(x->len + 8);

    if (buf != NULL) {
        char *v = strstr(strcpy(buf, x->good), "\"version\":1");

        if (v != NULL)
            v[10] = '2';
        ok(write_file(x->path, buf, x->len), "write a version 2 entry");
        b = run(&x->p);
        ok(b.err == LITHSM_OK && strcmp(b.pk, x->a.pk) != 0,
           "an unknown version is discarded");
        memcpy(buf, x->good, x->len);
        buf[x->len - 3] = '\0';
        ok(write_file(x->path, buf, x->len), "write an entry with a NUL byte");
        b = run(&x->p);
        ok(b.err == LITHSM_OK && strcmp(b.pk, x->a.pk) != 0,
           "an entry with a NUL byte is discarded");
        free(buf);
    }
    buf = malloc(LITHSM_STORE_VALUE_MAX + 10);
    if (buf != NULL) {
        memcpy(buf, x->good, x->len);
        memset(buf + x->len, ' ', LITHSM_STORE_VALUE_MAX + 10 - x->len);
        ok(write_file(x->path, buf, LITHSM_STORE_VALUE_MAX + 10),
           "write an oversized entry");
        b = run(&x->p);
        ok(b.err == LITHSM_OK && strcmp(b.pk, x->a.pk) != 0 && b.all_ok,
           "an oversized entry is discarded");
        free(buf);
    }
}

/* A good key with another key's wallet AuthSig: the URI check fails, the
 * stored key is kept and signed for again. */
static void test_other_key_entry(corrupt_ctx *x)
{
    lithsm_session_key *k = NULL;
    uint8_t seed[32];
    char secret[129], pk[65];
    result b;

    memset(seed, 0x42, sizeof(seed));
    if (lithsm_session_key_from_seed(&k, seed) == LITHSM_OK &&
        lithsm_session_key_secret_hex(secret, k) == LITHSM_OK) {
        lithsm_session_key_public_hex(pk, k);
        memcpy(x->good + 15, secret, 128);
        ok(write_file(x->path, x->good, x->len),
           "write the entry with another session key");
        b = run(&x->p);
        ok_str_eq(b.pk, pk, "the stored session key is used");
        ok(strcmp(b.wallet_sig, x->a.wallet_sig) != 0,
           "with a new wallet AuthSig (the old URI names another key)");
        ok(b.all_ok, "every node accepts");
    }
    lithsm_session_key_free(k);
}

/* Another wallet's entry copied under this wallet's name. */
static void test_other_wallet_entry(corrupt_ctx *x)
{
    char other_path[400], *copy;
    result b, c;

    x->p.wallet = other_wallet;
    entry_path(other_path, sizeof(other_path), other_wallet, "corrupt");
    c = run(&x->p);
    ok_int_eq(c.err, LITHSM_OK, "another wallet's session sigs");
    copy = read_file(other_path);
    ok(copy != NULL && write_file(x->path, copy, strlen(copy)),
       "copy its entry under the first wallet's name");
    x->p.wallet = wallet;
    b = run(&x->p);
    ok_str_eq(b.pk, c.pk, "the copied session key is kept");
    ok(strcmp(b.wallet_sig, c.wallet_sig) != 0,
       "but another wallet's AuthSig is never used for this wallet");
    ok(b.all_ok, "every node accepts");
    free(copy);
}

/* Damaged, foreign and truncated entries, in the order they were made. */
static void test_bad_entries(lithsm_store *st)
{
    lithsm_requests *reqs = make_requests(0, 0);
    corrupt_ctx x;

    memset(&x, 0, sizeof(x));
    base_params(&x.p, st, reqs, T0);
    x.p.store_scope = "corrupt";
    entry_path(x.path, sizeof(x.path), wallet, "corrupt");
    x.a = run(&x.p);
    ok_int_eq(x.a.err, LITHSM_OK, "corrupt: a good entry first");
    x.good = read_file(x.path);
    if (x.good == NULL) {
        ok(0, "read the entry");
        lithsm_requests_free(reqs);
        return;
    }
    x.len = strlen(x.good);
    test_corrupt_entries(&x);
    test_truncated_entries(&x);
    test_damaged_values(&x);
    test_other_key_entry(&x);
    test_other_wallet_entry(&x);
    free(x.good);
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

int main(void)
{
    lithsm_store *st = NULL;

    if (flow_setup(&st) != 0)
        return 99;
    test_reuse_and_resign(st);
    test_bad_entries(st);
    test_no_store();
    test_capabilities(st);
    test_callback(st);
    test_misuse();
    flow_teardown(st);
    return tap_done();
}
