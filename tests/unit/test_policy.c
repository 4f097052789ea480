/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_policy.c - the signing policy: every rule both allows and denies,
 * default deny for unknown callers, routes and keys, bodies that are not
 * the route's JSON, bad files refused naming file, section and key while
 * the old policy keeps deciding (SIGHUP), the example deployment's
 * policy, and the rate limit's token bucket under 8 threads.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lithsm.h"
#include "tap.h"

#define NOW 1767225600000LL /* 2026-01-01T00:00:00.000Z */
#define ADDR_A "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
#define ADDR_A_LOW "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
#define ADDR_B "0x1111111111111111111111111111111111111111"
#define FP "ab12000000000000000000000000000000000000000000000000000000000cd9"
#define FP_UP "AB12000000000000000000000000000000000000000000000000000000000CD9"

static char dir[] = "/tmp/test_policy.XXXXXX";
static lithsm_policy *pol;

static const char full_policy[] =
    "# every rule once\n"
    "[policy]\n"
    "callers = t, r\n"
    "[t]\n"
    "match = fingerprint:" FP "\n"
    "match.uid = uid:1000\n"
    "keys = wallet, signer\n"
    "routes = session-sigs delegations sign/typed-data sign/transaction "
    "sign/message\n"
    "session_resources = lit-pkp://abc*, lit-litaction://*\n"
    "session_abilities = pkp-signing\n"
    "session_max_expiration = 1h\n"
    "session_node_urls = https://*.example.net:443\n"
    "session_networks = datil\n"
    "delegation_delegatees = " ADDR_A "\n"
    "delegation_max_uses = 10\n"
    "delegation_max_expiration = 7d\n"
    "delegation_capacity_token_ids = 0x7b\n"
    "typed_data_domains = permit_app\n"
    "typed_data_primary_types = Permit\n"
    "tx_chain_ids = 8453\n"
    "tx_to = " ADDR_A "\n"
    "tx_max_value = 1000\n"
    "tx_selectors = 0xA9059CBB\n"
    "[permit_app]\n"
    "name = Permit App\n"
    "chain_id = 0x2105\n"
    "verifying_contract = " ADDR_B "\n"
    "[r]\n"
    "match = subject:CN=rate*,O=test\n"
    "routes = keys\n"
    "rate = 2/s\n";

static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
    return path;
}

static lithsm_err decide_as(lithsm_policy_decision *d, lithsm_policy *p,
                            const char *caller, const char *route,
                            const char *key, const char *body, int64_t now)
{
    lithsm_policy_request req = {
        caller, route, key, body, body ? strlen(body) : 0, now
    };

    return lithsm_policy_decide(d, p, &req);
}

/* A decision whose rule is `rule` ("" for allowed). */
static void expect(const char *caller, const char *route, const char *key,
                   const char *body, const char *rule, const char *what)
{
    lithsm_policy_decision d;
    lithsm_err err = decide_as(&d, pol, caller, route, key, body, NOW);
    char msg[300];

    snprintf(msg, sizeof(msg), "%s: %s", rule[0] ? "denied" : "allowed", what);
    if (err != LITHSM_OK) {
        ok(0, msg);
        printf("#   error %s\n", lithsm_last_error());
        return;
    }
    if (rule[0] == '\0') {
        ok(d.allowed, msg);
        if (!d.allowed)
            printf("#   %s: %s\n", d.rule, d.reason);
    } else {
        ok(!d.allowed && strcmp(d.rule, rule) == 0, msg);
        if (d.allowed || strcmp(d.rule, rule) != 0)
            printf("#   got %d %s: %s\n", d.allowed, d.rule, d.reason);
    }
}

static const char *at(int64_t ms)
{
    static char t[LITHSM_TIME_LEN + 1];

    if (lithsm_time_format(t, ms) != LITHSM_OK)
        abort();
    return t;
}

static const char *session_body(const char *resource, const char *ability,
                                const char *exp, const char *extra)
{
    static char b[1024];

    snprintf(b, sizeof(b),
             "{\"wallet\":\"wallet\",\"resourceAbilityRequests\":[{"
             "\"resource\":\"%s\",\"ability\":\"%s\"}]%s%s%s%s}",
             resource, ability, exp ? ",\"expiration\":\"" : "", exp ? exp : "",
             exp ? "\"" : "", extra);
    return b;
}

#define T "fingerprint:" FP

static void test_callers_routes_keys(void)
{
    const char *ok_body =
        session_body("lit-pkp://abc1", "pkp-signing", at(NOW + 1800000), "");
    char body[1024];

    snprintf(body, sizeof(body), "%s", ok_body);
    expect(T, "session-sigs", "wallet", body, "", "caller by fingerprint");
    expect("fingerprint:" FP_UP, "session-sigs", "wallet", body, "",
           "a fingerprint in capitals matches");
    expect("uid:1000", "session-sigs", "wallet", body, "", "caller by uid");
    expect("uid:1001", "session-sigs", "wallet", body, "default-deny",
           "an unknown uid");
    expect("subject:CN=t", "session-sigs", "wallet", body, "default-deny",
           "an unknown subject");
    expect(T, "keys", NULL, NULL, "t.routes", "a route the caller lacks");
    expect(T, "sign/anything", "wallet", body, "default-deny",
           "an unknown route");
    expect(T, "session-sigs", "owner", body, "t.keys",
           "a key the caller lacks");
    expect(T, "session-sigs", NULL, body, "default-deny", "no key named");
    expect(T, "sign/message", "signer",
           "{\"key\":\"signer\",\"message\":\"hi\"}", "",
           "sign/message with a listed key");
    expect(T, "sign/message", "signer",
           "{\"key\":\"wallet\",\"message\":\"hi\"}", "default-deny",
           "the body's key differs from the request's");
    expect("subject:CN=rate1,O=test", "keys", NULL, NULL, "",
           "a subject pattern matches");
    expect("subject:CN=rate1,O=other", "keys", NULL, NULL, "default-deny",
           "a subject pattern is matched whole");
}

#define NO_EXP INT64_MIN
#define URLS(a, b) ",\"nodeUrls\":[\"" a "\",\"" b "\"]"

static void test_session(void)
{
    static const struct {
        const char *resource, *ability;
        int64_t exp; /* from NOW; NO_EXP: none */
        const char *extra, *rule, *what;
    } cases[] = {
        { "lit-litaction://Qm1", "pkp-signing", 1000, "", "",
          "session_resources: a second pattern" },
        { "lit-pkp://def", "pkp-signing", 1000, "", "t.session_resources",
          "session_resources: another id" },
        { "lit-pkp://abc", "lit-action-execution", 1000, "",
          "t.session_abilities", "session_abilities" },
        { "lit-pkp://abc", "pkp-signing", 3600000, "", "",
          "session_max_expiration: exactly 1h" },
        { "lit-pkp://abc", "pkp-signing", 3600001, "",
          "t.session_max_expiration", "session_max_expiration: 1h + 1ms" },
        { "lit-pkp://abc", "pkp-signing", NO_EXP, "",
          "t.session_max_expiration", "session_max_expiration: none given" },
        { "lit-pkp://abc", "pkp-signing", 0,
          URLS("https://n1.example.net:443", "https://n2.example.net:443"), "",
          "session_node_urls" },
        { "lit-pkp://abc", "pkp-signing", 0,
          URLS("https://n1.example.net:443", "https://evil.example.org:443"),
          "t.session_node_urls", "session_node_urls: one URL outside" },
        { "lit-pkp://abc", "pkp-signing", 0, ",\"network\":\"datil\"", "",
          "session_networks" },
        { "lit-pkp://abc", "pkp-signing", 0, ",\"network\":\"habanero\"",
          "t.session_networks", "session_networks: another network" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect(
            T, "session-sigs", "wallet",
            session_body(cases[i].resource, cases[i].ability,
                         cases[i].exp == NO_EXP ? NULL : at(NOW + cases[i].exp),
                         cases[i].extra),
            cases[i].rule, cases[i].what);
}

static const char *delegation_body(const char *id, const char *who,
                                   const char *uses, int64_t exp)
{
    static char b[1024];

    snprintf(b, sizeof(b),
             "{\"owner\":\"wallet\",\"capacityTokenId\":%s,"
             "\"delegateeAddresses\":[\"%s\"],\"uses\":%s,"
             "\"expiration\":\"%s\"}",
             id, who, uses, at(exp));
    return b;
}

static void test_delegations(void)
{
    int64_t day = 86400000;

    expect(T, "delegations", "wallet",
           delegation_body("\"123\"", ADDR_A_LOW, "\"10\"", NOW + 7 * day), "",
           "delegations: every rule at its limit");
    expect(T, "delegations", "wallet",
           delegation_body("\"124\"", ADDR_A_LOW, "\"1\"", NOW + day),
           "t.delegation_capacity_token_ids", "delegation_capacity_token_ids");
    expect(T, "delegations", "wallet",
           delegation_body("123", ADDR_B, "\"1\"", NOW + day),
           "t.delegation_delegatees", "delegation_delegatees");
    expect(T, "delegations", "wallet",
           delegation_body("123", ADDR_A, "11", NOW + day),
           "t.delegation_max_uses", "delegation_max_uses");
    expect(T, "delegations", "wallet",
           delegation_body("123", ADDR_A, "1", NOW + 7 * day + 1),
           "t.delegation_max_expiration", "delegation_max_expiration");
}

static const char *typed_body(const char *primary, const char *name, int chain)
{
    static char b[2048];

    snprintf(b, sizeof(b),
             "{\"key\":\"signer\",\"data\":{\"types\":{\"EIP712Domain\":["
             "{\"name\":\"name\",\"type\":\"string\"},"
             "{\"name\":\"chainId\",\"type\":\"uint256\"},"
             "{\"name\":\"verifyingContract\",\"type\":\"address\"}],"
             "\"%s\":[{\"name\":\"owner\",\"type\":\"address\"},"
             "{\"name\":\"value\",\"type\":\"uint256\"}]},"
             "\"primaryType\":\"%s\",\"domain\":{\"name\":\"%s\","
             "\"chainId\":%d,\"verifyingContract\":\"" ADDR_B "\"},"
             "\"message\":{\"owner\":\"" ADDR_A "\",\"value\":\"1\"}}}",
             primary, primary, name, chain);
    return b;
}

static const char *tx_body(int chain, const char *to, const char *value,
                           const char *data)
{
    static char b[1024];

    snprintf(b, sizeof(b),
             "{\"key\":\"signer\",\"tx\":{\"type\":2,\"chainId\":%d,"
             "\"nonce\":0,\"to\":%s,\"value\":\"%s\",\"gasLimit\":60000,"
             "\"maxFeePerGas\":\"2\",\"maxPriorityFeePerGas\":\"1\","
             "\"data\":\"%s\"}}",
             chain, to, value, data);
    return b;
}

static void test_eth(void)
{
    const char *call = "0xa9059cbb0000";

    expect(T, "sign/typed-data", "signer",
           typed_body("Permit", "Permit App", 8453), "",
           "typed_data_domains and typed_data_primary_types");
    expect(T, "sign/typed-data", "signer",
           typed_body("Permit", "Permit App", 1), "t.typed_data_domains",
           "typed_data_domains: another chainId");
    expect(T, "sign/typed-data", "signer", typed_body("Permit", "Other", 8453),
           "t.typed_data_domains", "typed_data_domains: another name");
    expect(T, "sign/typed-data", "signer",
           typed_body("Mail", "Permit App", 8453), "t.typed_data_primary_types",
           "typed_data_primary_types");
    expect(T, "sign/transaction", "signer",
           tx_body(8453, "\"" ADDR_A "\"", "1000", call), "",
           "transaction: every rule at its limit");
    expect(T, "sign/transaction", "signer",
           tx_body(1, "\"" ADDR_A "\"", "1", call), "t.tx_chain_ids",
           "tx_chain_ids");
    expect(T, "sign/transaction", "signer",
           tx_body(8453, "\"" ADDR_B "\"", "1", call), "t.tx_to", "tx_to");
    expect(T, "sign/transaction", "signer", tx_body(8453, "null", "1", call),
           "t.tx_to", "tx_to: a contract creation not listed");
    expect(T, "sign/transaction", "signer",
           tx_body(8453, "\"" ADDR_A "\"", "1001", call), "t.tx_max_value",
           "tx_max_value");
    expect(T, "sign/transaction", "signer",
           tx_body(8453, "\"" ADDR_A "\"", "1", "0x095ea7b3"), "t.tx_selectors",
           "tx_selectors: another selector");
    expect(T, "sign/transaction", "signer",
           tx_body(8453, "\"" ADDR_A "\"", "1", "0x"), "t.tx_selectors",
           "tx_selectors: no call data without empty");
}

static void test_bad_bodies(void)
{
    static const struct {
        const char *route, *body;
    } bad[] = {
        { "session-sigs", "{\"wallet\":\"wallet\"" },
        { "session-sigs", "[]" },
        { "session-sigs", "{\"wallet\":\"wallet\"}" },
        { "session-sigs", "{\"resourceAbilityRequests\":[{\"resource\":1,"
                          "\"ability\":\"pkp-signing\"}]}" },
        { "session-sigs", "{\"resourceAbilityRequests\":[],\"expiration\":"
                          "\"tomorrow\"}" },
        { "delegations", "{\"capacityTokenId\":\"x\"}" },
        { "delegations", "{\"capacityTokenId\":\"1\",\"delegateeAddresses\":"
                         "[\"0x12\"]}" },
        { "sign/typed-data", "{\"data\":{\"types\":{}}}" },
        { "sign/transaction", "{\"tx\":{\"chainId\":1}}" },
        { "sign/transaction", "{\"tx\":5}" },
        { "sign/message", NULL },
    };
    lithsm_policy_decision d;
    size_t i;
    char what[96];

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lithsm_err err = decide_as(
            &d, pol, T, bad[i].route,
            strcmp(bad[i].route, "sign/message") == 0 ? "signer" : "wallet",
            bad[i].body, NOW);
        snprintf(what, sizeof(what), "bad body %zu (%s): PARSE, denied", i,
                 bad[i].route);
        ok(err == LITHSM_ERR_PARSE && !d.allowed &&
               strcmp(d.rule, "bad-request") == 0 && strcmp(d.caller, "t") == 0,
           what);
    }
}

/* A session-sigs request for lit-litaction://QQQ... (n Qs). */
static lithsm_err decide_big(lithsm_policy_decision *d, size_t n)
{
    static char big[10000], body[10400];

    memset(big, 'Q', n);
    big[n] = '\0';
    snprintf(body, sizeof(body),
             "{\"resourceAbilityRequests\":[{\"resource\":\"lit-litaction://"
             "%s\",\"ability\":\"pkp-signing\"}],\"expiration\":\"%s\"}",
             big, at(NOW));
    return decide_as(d, pol, T, "session-sigs", "wallet", body, NOW);
}

/* Reasons stay printable ASCII; a huge resource matches no pattern. */
static void test_reason_and_limits(void)
{
    lithsm_policy_decision d;
    size_t i;

    ok(decide_as(&d, pol, T, "session-sigs", "wallet",
                 session_body("lit-pkp://\u00e9\\n\u4e2d", "pkp-signing",
                              at(NOW), ""),
                 NOW) == LITHSM_OK &&
           !d.allowed && strstr(d.reason, "lit-pkp://??????") != NULL,
       "a reason quoting request text is printable ASCII");
    for (i = 0; i < strlen(d.reason); i++)
        if ((unsigned char)d.reason[i] < 0x20 ||
            (unsigned char)d.reason[i] > 0x7e)
            break;
    ok_int_eq(i, strlen(d.reason), "no control or non-ASCII byte in it");
    ok(decide_big(&d, 9000) == LITHSM_OK && !d.allowed &&
           strcmp(d.rule, "t.session_resources") == 0,
       "a resource over 8192 bytes matches no pattern");
    ok(decide_big(&d, 8000) == LITHSM_OK && d.allowed &&
           strcmp(d.caller, "t") == 0,
       "one of 8016 bytes still does");
}

static void test_bad_files(void)
{
    static const struct {
        const char *text, *want;
        lithsm_err err;
    } bad[] = {
        { "[policy]\ncallers = a\n[a]\nmatch = uid:1\nkeyz = w\n",
          "[a] keyz: unknown key", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nmatch = uid:1\nsession_resources = "
          "lit-foo://*\n",
          "[a] session_resources:", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nmatch = uid:1\nsession_max_expiration "
          "= 1w\n",
          "[a] session_max_expiration:", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nmatch = uid:1\ndelegation_max_uses = "
          "ten\n",
          "[a] delegation_max_uses:", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nmatch = uid:1\nrate = 5/w\n",
          "[a] rate:", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nmatch = uid:1\nroutes = sign\n",
          "[a] routes: unknown route", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nmatch = uid:1\ntx_to = 0x12\n",
          "[a] tx_to:", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nmatch = uid:1\ntx_selectors = 0xabc\n",
          "[a] tx_selectors:", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nmatch = fingerprint:12\n",
          "[a] match:", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nroutes = keys\n",
          "[a] match:", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nmatch = uid:1\ntyped_data_domains = "
          "d\n[d]\nchainid = 1\n",
          "[d] chainid: unknown key", LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n[a]\nmatch = uid:1\n[b]\nkeys = *\n",
          "[b]: no caller", LITHSM_ERR_PARSE },
        { "keys = *\n[policy]\ncallers = a\n[a]\nmatch = uid:1\n", "[default]",
          LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a, a\n[a]\nmatch = uid:1\n", "named twice",
          LITHSM_ERR_PARSE },
        { "[policy]\ncallers = a\n", "no section [a]", LITHSM_ERR_PARSE },
        { "[policy\ncallers = a\n", "line 1", LITHSM_ERR_PARSE },
    };
    lithsm_policy *p = (lithsm_policy *)&p;
    const char *path;
    char what[160];
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lithsm_err err;
        path = write_file("bad.cnf", bad[i].text);
        err = lithsm_policy_load(&p, path);
        snprintf(what, sizeof(what), "bad file %zu refused: %s", i,
                 bad[i].want);
        ok(err == bad[i].err && p == NULL &&
               strstr(lithsm_last_error(), bad[i].want) != NULL &&
               strstr(lithsm_last_error(), path) != NULL,
           what);
        if (err == LITHSM_OK)
            lithsm_policy_free(p);
        else if (strstr(lithsm_last_error(), bad[i].want) == NULL)
            printf("#   %s\n", lithsm_last_error());
    }
    snprintf(what, sizeof(what), "%s/none.cnf", dir);
    ok(lithsm_policy_load(&p, what) == LITHSM_ERR_IO && p == NULL,
       "a missing file: IO");
}

/* SIGHUP: the service loads the new file and swaps only on OK. */
static void test_reload(void)
{
    lithsm_policy *next = NULL, *cur = lithsm_policy_ref(pol);
    lithsm_policy_decision d;
    const char *msg = "{\"key\":\"signer\",\"message\":\"hi\"}";

    ok(lithsm_policy_load(&next, write_file("bad.cnf", "[policy]\ncallers = "
                                                       "t\n[t]\nmatch = "
                                                       "uid:1000\nroutes = "
                                                       "sign/messages\n")) ==
               LITHSM_ERR_PARSE &&
           next == NULL,
       "reload: a bad file fails and gives nothing");
    ok(decide_as(&d, cur, "uid:1000", "sign/message", "signer", msg, NOW) ==
               LITHSM_OK &&
           d.allowed,
       "reload: the old policy still decides as before");
    ok(lithsm_policy_load(&next, write_file("next.cnf", "[policy]\ncallers = "
                                                        "t\n[t]\nmatch = "
                                                        "uid:1000\nroutes = "
                                                        "keys\n")) == LITHSM_OK,
       "reload: a good file loads");
    ok(decide_as(&d, next, "uid:1000", "sign/message", "signer", msg, NOW) ==
               LITHSM_OK &&
           !d.allowed && strcmp(d.rule, "t.routes") == 0,
       "reload: the new policy decides by the new file");
    lithsm_policy_free(next);
    lithsm_policy_free(cur); /* the reference taken above; pol lives on */
    ok(decide_as(&d, pol, "uid:1000", "sign/message", "signer", msg, NOW) ==
               LITHSM_OK &&
           d.allowed,
       "a reference given back leaves the policy usable");
}

static void test_example(void)
{
    const char *top = getenv("top_srcdir");
    lithsm_policy *saved = pol;
    char path[512];
    const char *a = "subject:CN=admin,O=lithsm example";
    const char *r = "subject:CN=restricted,O=lithsm example";
    const char *acc = "lit-accesscontrolcondition://abc";
    const char *dec = "access-control-condition-decryption";

    snprintf(path, sizeof(path), "%s/examples/serve/policy.cnf",
             top ? top : ".");
    if (!ok(lithsm_policy_load(&pol, path) == LITHSM_OK,
            "example policy loads")) {
        printf("# %s\n", lithsm_last_error());
        pol = saved;
        return;
    }
    expect(a, "session-sigs", "wallet",
           session_body("lit-pkp://1", "pkp-signing", at(NOW + 864000000), ""),
           "", "example: admin gets any SessionSigs");
    expect(a, "delegations", "wallet",
           delegation_body("\"1\"", ADDR_B, "\"5\"", NOW + 86400000), "",
           "example: admin delegates");
    expect(r, "session-sigs", "wallet",
           session_body(acc, dec, at(NOW + 86400000), ""), "",
           "example: restricted decrypts for 1 day");
    expect(r, "session-sigs", "wallet",
           session_body(acc, dec, at(NOW + 86400001), ""),
           "restricted.session_max_expiration",
           "example: restricted, more than a day");
    expect(r, "session-sigs", "wallet",
           session_body("lit-pkp://1", "pkp-signing", at(NOW + 1000), ""),
           "restricted.session_resources", "example: restricted, a PKP");
    expect(r, "session-sigs", "wallet",
           session_body("lit-accesscontrolcondition://x",
                        "access-control-condition-signing", at(NOW + 1000), ""),
           "restricted.session_abilities", "example: restricted, signing");
    expect(r, "delegations", "wallet",
           delegation_body("\"1\"", ADDR_B, "\"5\"", NOW + 86400000),
           "restricted.routes", "example: restricted, no delegations");
    lithsm_policy_free(pol);
    pol = saved;
}

static lithsm_err keys_at(lithsm_policy_decision *d, lithsm_policy *p,
                          int64_t now)
{
    return decide_as(d, p, "subject:CN=rate,O=test", "keys", NULL, NULL, now);
}

static void test_rate(void)
{
    lithsm_policy *p = NULL;
    lithsm_policy_decision d[8];
    int64_t t = NOW;

    if (!ok(lithsm_policy_load(&p, write_file("full.cnf", full_policy)) ==
                LITHSM_OK,
            "rate: a fresh policy"))
        return;
    ok(keys_at(&d[0], p, t) == LITHSM_OK && keys_at(&d[1], p, t) == LITHSM_OK &&
           keys_at(&d[2], p, t) == LITHSM_OK && d[0].allowed && d[1].allowed &&
           !d[2].allowed && strcmp(d[2].rule, "r.rate") == 0,
       "rate 2/s: a burst of 2, the third denied");
    ok(keys_at(&d[3], p, t + 499) == LITHSM_OK && !d[3].allowed,
       "rate 2/s: no token after 499 ms");
    ok(keys_at(&d[4], p, t + 500) == LITHSM_OK && d[4].allowed,
       "rate 2/s: one token after 500 ms");
    ok(keys_at(&d[5], p, t + 60000) == LITHSM_OK && d[5].allowed &&
           keys_at(&d[6], p, t + 60000) == LITHSM_OK && d[6].allowed &&
           keys_at(&d[7], p, t + 60000) == LITHSM_OK && !d[7].allowed,
       "rate 2/s: a minute later the bucket holds 2, no more");
    ok(keys_at(&d[0], p, t) == LITHSM_OK && !d[0].allowed,
       "rate: a clock going back adds nothing");
    lithsm_policy_free(p);
}

#define THREADS 8
#define PER_THREAD 50

static void *rate_thread(void *arg)
{
    lithsm_policy *p = arg;
    lithsm_policy_decision d;
    long allowed = 0;
    int i;

    for (i = 0; i < PER_THREAD; i++)
        if (decide_as(&d, p, "uid:7", "keys", NULL, NULL, NOW) == LITHSM_OK &&
            d.allowed)
            allowed++;
    return (void *)allowed;
}

static void test_rate_threads(void)
{
    lithsm_policy *p = NULL;
    pthread_t th[THREADS];
    long total = 0;
    int i;

    if (!ok(lithsm_policy_load(&p, write_file("threads.cnf",
                                              "[policy]\ncallers = c\n[c]\n"
                                              "match = uid:7\nroutes = keys\n"
                                              "rate = 100/d\n")) == LITHSM_OK,
            "threads: policy loads"))
        return;
    for (i = 0; i < THREADS; i++)
        if (pthread_create(&th[i], NULL, rate_thread, p) != 0)
            abort();
    for (i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(th[i], &r);
        total += (long)r;
    }
    ok_int_eq(total, 100, "8 threads x 50 requests, rate 100/d: 100 allowed");
    lithsm_policy_free(p);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    if (!ok(lithsm_policy_load(&pol, write_file("full.cnf", full_policy)) ==
                LITHSM_OK,
            "the full policy loads")) {
        printf("# %s\n", lithsm_last_error());
        return tap_done();
    }
    ok_int_eq(lithsm_policy_caller_count(pol), 2, "two callers");
    test_callers_routes_keys();
    test_session();
    test_delegations();
    test_eth();
    test_bad_bodies();
    test_reason_and_limits();
    test_bad_files();
    test_reload();
    test_example();
    test_rate();
    test_rate_threads();
    lithsm_policy_free(pol);
    return tap_done();
}
