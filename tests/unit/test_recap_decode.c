/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_recap_decode.c - strict ReCap decoding and the statement of decoded
 * ReCaps: hand-made URNs and JSON, the ReCaps of verify-negative.json and
 * its ReCap quirks.  Building and encoding: test_recap.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"
#include "lithsm.h"
#include "tap.h"
#include "vectors.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* "urn:recap:" + base64url(json). */
static char *urn_of(const char *json)
{
    char *b64 = NULL, *urn;
    size_t n;

    if (lithsm_base64url_encode(&b64, (const uint8_t *)json, strlen(json)))
        return NULL;
    n = strlen(b64) + 11;
    urn = malloc(n);
    if (urn != NULL)
        snprintf(urn, n, "urn:recap:%s", b64);
    lithsm_free(b64);
    return urn;
}

/* Decodes a ReCap given as JSON text; returns the error code. */
static lithsm_err decode_json(lithsm_recap **out, const char *json)
{
    char *urn = urn_of(json);
    lithsm_err err;

    *out = NULL;
    if (urn == NULL)
        return LITHSM_ERR_NOMEM;
    err = lithsm_recap_decode(out, urn);
    free(urn);
    return err;
}

static void check_rejected(const char *json, const char *what)
{
    lithsm_recap *r = NULL;
    lithsm_err err = decode_json(&r, json);

    ok(err == LITHSM_ERR_PARSE && r == NULL, what);
    if (err != LITHSM_ERR_PARSE)
        printf("#   err %d for %s\n", (int)err, json);
    lithsm_recap_free(r);
}

/* Decodes `json`, expecting success and `canonical` back. */
static void check_accepted(const char *json, const char *canonical,
                           const char *what)
{
    lithsm_recap *r = NULL;
    char *out = NULL;

    ok(decode_json(&r, json) == LITHSM_OK, what);
    if (r != NULL && lithsm_recap_json(&out, r) == LITHSM_OK)
        ok_str_eq(out, canonical, what);
    else
        ok(0, what);
    lithsm_free(out);
    lithsm_recap_free(r);
}

static void check_statement_of(const char *json, const char *expected,
                               const char *what)
{
    lithsm_recap *r = NULL;
    char *st = NULL;

    if (decode_json(&r, json) == LITHSM_OK &&
        lithsm_recap_statement(&st, r) == LITHSM_OK)
        ok_str_eq(st, expected, what);
    else
        ok(0, what);
    lithsm_free(st);
    lithsm_recap_free(r);
}

/* Finds the "urn:recap:" resource line of a SIWE text (copied). */
static char *urn_in_siwe(const char *siwe)
{
    const char *p = siwe ? strstr(siwe, "\n- urn:recap:") : NULL;
    size_t n;
    char *u;

    if (p == NULL)
        return NULL;
    p += 3;
    n = strcspn(p, "\n");
    u = malloc(n + 1);
    if (u != NULL) {
        memcpy(u, p, n);
        u[n] = '\0';
    }
    return u;
}

/* The wallet AuthSig's ReCap of one verify-negative.json case: decoded
 * unless the case says it is malformed, and the node's coverage rule
 * agrees with every verdict. */
static int check_case_recap(json_object *v)
{
    const char *name = str_at(v, "name");
    const char *reason = str_at(obj_at(v, "expected"), "reason");
    json_object *ss = obj_at(obj_at(v, "inputs"), "sessionSig");
    json_object *msg = json_tokener_parse(str_at(ss, "signedMessage"));
    json_object *caps = obj_at(msg, "capabilities"), *wallet, *reqs;
    char *urn, what[160];
    lithsm_recap *r = NULL;
    size_t k, m;
    int covered = 1;
    lithsm_err err;

    wallet = caps ? json_object_array_get_idx(
                        caps, json_object_array_length(caps) - 1)
                  : NULL;
    urn = urn_in_siwe(str_at(wallet, "signedMessage"));
    if (urn == NULL) {
        json_object_put(msg);
        return 0;
    }
    reqs = obj_at(msg, "resourceAbilityRequests");
    m = reqs ? json_object_array_length(reqs) : 0;
    err = lithsm_recap_decode(&r, urn);
    snprintf(what, sizeof(what), "%s: ReCap %s", name,
             strcmp(reason, "recap_malformed") == 0 ? "rejected" : "decodes");
    ok((err == LITHSM_OK) == (strcmp(reason, "recap_malformed") != 0), what);
    for (k = 0; r != NULL && k < m; k++) {
        json_object *rq = json_object_array_get_idx(reqs, k);
        json_object *res = obj_at(rq, "resource");
        lithsm_ability ab;

        if (lithsm_ability_from_name(&ab, str_at(rq, "ability")) ||
            !lithsm_recap_covers(r, str_at(res, "resourcePrefix"),
                                 str_at(res, "resource"), ab))
            covered = 0;
    }
    if (r != NULL) {
        snprintf(what, sizeof(what), "%s: coverage", name);
        ok(covered == (strcmp(reason, "resource_not_covered") != 0), what);
    }
    lithsm_recap_free(r);
    free(urn);
    json_object_put(msg);
    return 1;
}

/* recap_wildcard_key_shadows_exact_key: the SDK says false; a node (and
 * lithsm) looks at the exact key too. */
static void check_shadow_quirk(const lithsm_recap *r, json_object *in,
                               json_object *ex, const char *name)
{
    lithsm_ability ab;
    const char *key = str_at(in, "resource_key");
    const char *sep = key ? strstr(key, "://") : NULL;
    char what[160];

    snprintf(what, sizeof(what), "quirk %s: node rule covers", name);
    ok(r && sep &&
           lithsm_ability_from_name(&ab, str_at(in, "ability")) == LITHSM_OK &&
           lithsm_recap_covers(r, "lit-accesscontrolcondition", sep + 3, ab) ==
               1,
       what);
    ok(json_object_get_boolean(
           obj_at(ex, "sdk_verifyCapabilitiesForResource")) == 0,
       "quirk: the SDK rule would say not covered");
}

static void check_quirk(json_object *q)
{
    const char *name = str_at(q, "name");
    json_object *in = obj_at(q, "inputs"), *ex = obj_at(q, "expected");
    json_object *want = obj_at(ex, "siwe_recap_decode_urn");
    lithsm_recap *r = NULL;
    char *j = NULL, what[160];
    json_object *parsed = NULL;
    lithsm_err err;

    err = lithsm_recap_decode(&r, str_at(in, "urn"));
    snprintf(what, sizeof(what), "quirk %s: decode verdict", name);
    if (json_object_is_type(want, json_type_string)) {
        ok(err == LITHSM_ERR_PARSE, what);
    } else if (want != NULL) {
        ok(err == LITHSM_OK, what);
        snprintf(what, sizeof(what), "quirk %s: attenuations", name);
        ok(r && lithsm_recap_json(&j, r) == LITHSM_OK &&
               (parsed = json_tokener_parse(j)) != NULL &&
               json_object_equal(obj_at(parsed, "att"), want),
           what);
    } else {
        ok(err == LITHSM_OK, what);
        check_shadow_quirk(r, in, ex, name);
    }
    json_object_put(parsed);
    lithsm_free(j);
    lithsm_recap_free(r);
}

static void test_verify_vectors(void)
{
    json_object *top = load_vectors("verify-negative.json");
    json_object *vs = obj_at(top, "vectors");
    json_object *qs = obj_at(top, "library_quirks");
    size_t i, n = vs ? json_object_array_length(vs) : 0;
    int seen = 0;

    ok(n > 0, "verify-negative.json loaded");
    for (i = 0; i < n; i++)
        seen += check_case_recap(json_object_array_get_idx(vs, i));
    ok(seen > 20, "verify-negative ReCaps seen");

    n = qs ? json_object_array_length(qs) : 0;
    for (i = 0; i < n; i++) {
        json_object *q = json_object_array_get_idx(qs, i);

        if (strncmp(str_at(q, "name"), "recap_", 6) == 0)
            check_quirk(q);
    }
    json_object_put(top);
}

/* ------------------------------------------------------------------------ */

/* ReCap JSON texts that decoding refuses with LITHSM_ERR_PARSE. */
static const struct rejected_json {
    const char *json;
    const char *what;
} rejected_jsons[] = {
    { "{\"att\":{\"lit-pkp://b\":{\"Threshold/Signing\":[{}]},"
      "\"lit-pkp://a\":{\"Threshold/Signing\":[{}]}},\"prf\":[]}",
      "unsorted resource keys rejected" },
    { "{\"att\":{\"lit-pkp://a\":{\"Threshold/Signing\":[{}],"
      "\"Threshold/Execution\":[{}]}},\"prf\":[]}",
      "unsorted ability keys rejected" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"z\":1,\"a\":2}]}},\"prf\":[]}",
      "unsorted nota-bene keys rejected" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"a\":{\"z\":1,\"b\":2}}]}},"
      "\"prf\":[]}",
      "unsorted nested nota-bene keys rejected" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"a\":[{\"z\":1,\"b\":2}]}]}},"
      "\"prf\":[]}",
      "unsorted keys inside a nota-bene array rejected" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"10\":1,\"9\":2}]}},\"prf\":[]}",
      "numeric keys that JavaScript reorders rejected" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"\":1,\"1\":2}]}},\"prf\":[]}",
      "numeric key after another key rejected (JS order)" },
    /* U+FB01 is after U+1F600 in UTF-16 order, before it in UTF-8. */
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"\xef\xac\x81\":1,"
      "\"\xf0\x9f\x98\x80\":2}]}},\"prf\":[]}",
      "keys in UTF-8 byte order but not UTF-16 order rejected" },
    { "hello", "not JSON rejected" },
    { "{\"att\":{},\"prf\":[]", "truncated JSON rejected" },
    { "[]", "JSON array rejected" },
    { "{\"att\":[],\"prf\":[]}", "att array rejected" },
    { "{\"att\":\"x\",\"prf\":[]}", "att string rejected" },
    { "{\"att\":null,\"prf\":[]}", "att null rejected" },
    { "{\"prf\":[]}", "missing att rejected" },
    { "{\"att\":{}}", "missing prf rejected" },
    { "{\"att\":{},\"prf\":{}}", "prf object rejected" },
    { "{\"att\":{},\"prf\":[1]}", "prf number rejected" },
    { "{\"att\":{},\"prf\":[],\"x\":1}", "unknown top-level member rejected" },
    { "{\"att\":{\"lit-pkp\":{\"Threshold/Signing\":[{}]}},\"prf\":[]}",
      "att key that is not a URI rejected" },
    { "{\"att\":{\"x:y\":[]},\"prf\":[]}", "resource value array rejected" },
    { "{\"att\":{\"x:y\":{\"Threshold\":[{}]}},\"prf\":[]}",
      "ability key without / rejected" },
    { "{\"att\":{\"x:y\":{\"a//b\":[{}]}},\"prf\":[]}",
      "ability key a//b rejected" },
    { "{\"att\":{\"x:y\":{\"/b\":[{}]}},\"prf\":[]}",
      "ability key with empty namespace rejected" },
    { "{\"att\":{\"x:y\":{\"a/\":[{}]}},\"prf\":[]}",
      "ability key with empty name rejected" },
    { "{\"att\":{\"x:y\":{\"a/b/c\":[{}]}},\"prf\":[]}",
      "ability key with two slashes rejected" },
    { "{\"att\":{\"x:y\":{\"a b/c\":[{}]}},\"prf\":[]}",
      "ability key with a space rejected" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":{}}},\"prf\":[]}",
      "nota-bene list that is an object rejected" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[1]}},\"prf\":[]}",
      "restriction number rejected" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[[]]}},\"prf\":[]}",
      "restriction array rejected" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[null]}},\"prf\":[]}",
      "restriction null rejected" },
    { "{\"att\":{\"x:\xff\":{\"Auth/Auth\":[{}]}},\"prf\":[]}",
      "invalid UTF-8 rejected" },
    { "{\"att\":{\"x:y\\u0000z\":{\"Auth/Auth\":[{}]}},\"prf\":[]}",
      "\\u0000 in a key rejected" },
};

/* URNs and the error their decoding gives. */
static const struct urn_case {
    const char *urn;
    lithsm_err err;
    const char *what;
} urn_cases[] = {
    { "urn:recap:eyJ!", LITHSM_ERR_PARSE, "bad base64 character rejected" },
    { "urn:recap:e", LITHSM_ERR_PARSE, "bad base64 length rejected" },
    { "urn:recap:eyJhdHQiOnt9LCJwcmYiOltdfR", LITHSM_ERR_PARSE,
      "non-zero trailing base64 bits rejected" },
    { "urn:recap:eyJhdHQiOnt9LCJwcmYiOltdf=Q", LITHSM_ERR_PARSE,
      "padding inside the payload rejected" },
    { "urn:recap:=", LITHSM_ERR_PARSE, "padding-only payload rejected" },
    { "urn:recap:", LITHSM_ERR_PARSE, "empty payload rejected" },
    { "urn:recaps:eyJhdHQiOnt9LCJwcmYiOltdfQ", LITHSM_ERR_PARSE,
      "wrong URN prefix rejected" },
    { "URN:RECAP:eyJhdHQiOnt9LCJwcmYiOltdfQ", LITHSM_ERR_PARSE,
      "upper-case URN prefix rejected" },
    { NULL, LITHSM_ERR_INVALID_ARG, "NULL URN" },
};

static void test_decode_negative(void)
{
    lithsm_recap *r = NULL;
    char *huge;
    size_t i, n;

    for (i = 0; i < N_OF(rejected_jsons); i++)
        check_rejected(rejected_jsons[i].json, rejected_jsons[i].what);
    for (i = 0; i < N_OF(urn_cases); i++) {
        ok(lithsm_recap_decode(&r, urn_cases[i].urn) == urn_cases[i].err,
           urn_cases[i].what);
        if (i == 0)
            ok(strstr(lithsm_last_error(), "base64url") != NULL,
               "base64 error says so");
    }
    ok(r == NULL, "no ReCap after failures");

    n = LITHSM_MAX_INPUT + 16;
    huge = malloc(n + 1);
    if (huge != NULL) {
        memcpy(huge, "urn:recap:", 10);
        memset(huge + 10, 'A', n - 10);
        huge[n] = '\0';
        ok(lithsm_recap_decode(&r, huge) == LITHSM_ERR_RANGE,
           "huge URN rejected");
        free(huge);
    }
}

/* ReCap JSON texts that decode, and the canonical JSON they give back
 * (NULL: the text itself). */
static const struct accepted_json {
    const char *json;
    const char *canonical;
    const char *what;
} accepted_jsons[] = {
    { "{\"prf\":[],\"att\":{}}", "{\"att\":{},\"prf\":[]}",
      "prf before att accepted" },
    { " { \"att\" : { \"a:b\" : { \"x/y\" : [ { } ] } } , "
      "\"prf\" : [ \"zb2rh\" ] } ",
      "{\"att\":{\"a:b\":{\"x/y\":[{}]}},\"prf\":[\"zb2rh\"]}",
      "whitespace and prf strings kept" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"1\":1,\"2\":[3,"
      "{\"b\":null,\"c\":true}],\"a\":\"s/\\\"\"}]}},\"prf\":[]}",
      NULL, "nested nota bene with numeric keys in order" },
    { "{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"\xf0\x9f\x98\x80\":"
      "1,\"\xef\xac\x81\":2}]}},\"prf\":[]}",
      NULL, "keys in UTF-16 order accepted" },
    { "{\"att\":{\"x:y\":{}},\"prf\":[]}", NULL,
      "resource with no abilities accepted" },
    { "{\"att\":{\"x:y\":{\"*/*\":[]}},\"prf\":[]}", NULL,
      "empty nota-bene list accepted" },
    { "{\"att\":{\"x:y\":{\"A.b+c/d_e-*\":[{}]}},\"prf\":[]}", NULL,
      "every ability character accepted" },
};

#define HEAD                                                               \
    "I further authorize the stated URI to perform the following actions " \
    "on my behalf:"

/* ReCap JSON texts and their statements. */
static const struct statement_case {
    const char *json;
    const char *statement;
    const char *what;
} statements[] = {
    { "{\"att\":{},\"prf\":[]}", HEAD, "empty statement" },
    { "{\"att\":{\"x:y\":{}},\"prf\":[]}", HEAD,
      "resource without abilities adds no section" },
    { "{\"att\":{\"a:1\":{\"Auth/Auth\":[{}],\"Threshold/Decryption\":[{}],"
      "\"Threshold/Signing\":[{}]},\"b:2\":{\"*/*\":[{}]}},\"prf\":[]}",
      HEAD " (1) 'Auth': 'Auth' for 'a:1'. (2) 'Threshold': "
           "'Decryption', 'Signing' for 'a:1'. (3) '*': '*' for 'b:2'.",
      "statement groups namespaces and numbers across resources" },
    /* JavaScript lists array-index namespaces first, by value. */
    { "{\"att\":{\"x:y\":{\"10/a\":[{}],\"2/b\":[{}],\"Auth/c\":[{}]}},"
      "\"prf\":[]}",
      HEAD " (1) '2': 'b' for 'x:y'. (2) '10': 'a' for 'x:y'. "
           "(3) 'Auth': 'c' for 'x:y'.",
      "numeric namespaces ordered as JavaScript objects order them" },
};

static void test_decode_positive(void)
{
    lithsm_recap *r = NULL;
    size_t i;

    for (i = 0; i < N_OF(accepted_jsons); i++) {
        const struct accepted_json *t = &accepted_jsons[i];

        check_accepted(t->json, t->canonical ? t->canonical : t->json, t->what);
    }
    for (i = 0; i < N_OF(statements); i++)
        check_statement_of(statements[i].json, statements[i].statement,
                           statements[i].what);

    /* Padding is accepted (quirk recap_base64url_with_padding). */
    ok(lithsm_recap_decode(&r, "urn:recap:eyJhdHQiOnt9LCJwcmYiOltdfQ==") ==
           LITHSM_OK,
       "padded payload accepted");
    lithsm_recap_free(r);
    /* Like multiformats, any number of trailing '=' is dropped. */
    ok(lithsm_recap_decode(&r, "urn:recap:eyJhdHQiOnt9LCJwcmYiOltdfQ===") ==
           LITHSM_OK,
       "excess trailing padding accepted as siwe-recap does");
    ok(lithsm_recap_covers(r, "lit-pkp", "*", LITHSM_ABILITY_PKP_SIGNING) == 0,
       "empty ReCap covers nothing");
    lithsm_recap_free(r);
    lithsm_recap_free(NULL);
}

int main(void)
{
    test_verify_vectors();
    test_decode_negative();
    test_decode_positive();
    return tap_done();
}
