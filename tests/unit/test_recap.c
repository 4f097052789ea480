/*
 * test_recap.c - Lit abilities and requests, ReCap building, encoding,
 * decoding and statements, and access-control-condition hashing, against
 * tests/vectors/recap.json, the ReCaps in authsig.json and delegation.json,
 * and the ReCap quirks and ReCaps of verify-negative.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "util/util.h"
#include "lithsm.h"
#include "tap.h"

static char *path_of(const char *rel)
{
    const char *top = getenv("top_srcdir");
    size_t n;
    char *p;

    if (top == NULL || *top == '\0')
        top = ".";
    n = strlen(top) + 1 + strlen(rel) + 1;
    p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", top, rel);
    return p;
}

static json_object *load(const char *rel)
{
    char *p = path_of(rel);
    json_object *o = p ? json_object_from_file(p) : NULL;

    if (o == NULL)
        printf("# cannot read %s\n", p ? p : rel);
    free(p);
    return o;
}

static const char *str_at(json_object *o, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static json_object *obj_at(json_object *o, const char *key)
{
    json_object *v = NULL;

    json_object_object_get_ex(o, key, &v);
    return v;
}

/* Compact JSON text of a json-c value (slashes unescaped). */
static const char *to_text(json_object *v)
{
    return json_object_to_json_string_ext(
        v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void sha256_hex(char out[65], const void *p, size_t n)
{
    unsigned char md[32];
    unsigned int len = 0;

    EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
    if (lithsm_hex_encode(out, 65, md, sizeof(md)) != LITHSM_OK)
        out[0] = '\0';
}

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

/* ------------------------------------------------------------------------ */

static void test_abilities(void)
{
    static const char *const rows[][3] = {
        { "access-control-condition-decryption", "lit-accesscontrolcondition",
          "Threshold/Decryption" },
        { "access-control-condition-signing", "lit-accesscontrolcondition",
          "Threshold/Signing" },
        { "pkp-signing", "lit-pkp", "Threshold/Signing" },
        { "lit-action-execution", "lit-litaction", "Threshold/Execution" },
        { "rate-limit-increase-auth", "lit-ratelimitincrease", "Auth/Auth" },
    };
    lithsm_ability a;
    size_t i;

    for (i = 0; i < 5; i++) {
        ok_str_eq(lithsm_ability_name((lithsm_ability)i), rows[i][0],
                  "ability name");
        ok_str_eq(lithsm_ability_prefix((lithsm_ability)i), rows[i][1],
                  "ability prefix");
        ok_str_eq(lithsm_ability_recap_key((lithsm_ability)i), rows[i][2],
                  "ability recap key");
        a = (lithsm_ability)99;
        ok(lithsm_ability_from_name(&a, rows[i][0]) == LITHSM_OK &&
               a == (lithsm_ability)i,
           "ability from name");
    }
    ok(lithsm_ability_name((lithsm_ability)5) == NULL,
       "out-of-range ability has no name");
    ok(lithsm_ability_from_name(&a, "pkp-sign") == LITHSM_ERR_PARSE,
       "unknown ability rejected");
    ok(strstr(lithsm_last_error(), "rate-limit-increase-auth") != NULL,
       "unknown-ability error lists the valid names");
    ok(lithsm_ability_from_name(&a, "PKP-SIGNING") == LITHSM_ERR_PARSE,
       "ability names are case-sensitive");
    ok(lithsm_ability_from_name(&a, NULL) == LITHSM_ERR_INVALID_ARG,
       "NULL ability name");
}

static void test_requests(void)
{
    lithsm_requests *q = NULL;
    const char *prefix, *resource, *data;
    lithsm_ability ab;
    char want[128];
    char long_id[65];

    ok(lithsm_requests_new(&q) == LITHSM_OK, "requests_new");
    ok(lithsm_requests_add(q, "lit-pkp://0x1a2b3c", "pkp-signing", NULL) ==
           LITHSM_OK,
       "short PKP id accepted");
    memset(want, '0', 58);
    memcpy(want + 58, "1a2b3c", 7);
    ok(lithsm_requests_get(q, 0, &ab, &prefix, &resource, &data) == LITHSM_OK,
       "requests_get");
    ok_str_eq(resource, want, "PKP 0x1a2b3c padded to 58 zeros + 1a2b3c");
    ok_str_eq(prefix, "lit-pkp", "PKP prefix");
    ok(ab == LITHSM_ABILITY_PKP_SIGNING && data == NULL,
       "PKP ability, no data");

    ok(lithsm_requests_add(q, "lit-pkp://ABCdef", "pkp-signing", NULL) ==
           LITHSM_OK,
       "mixed-case PKP id");
    memset(want, '0', 58);
    memcpy(want + 58, "ABCdef", 7);
    ok(lithsm_requests_get(q, 1, NULL, NULL, &resource, NULL) == LITHSM_OK,
       "get 1");
    ok_str_eq(resource, want, "PKP padding keeps the case");

    ok(lithsm_requests_add(q, "lit-pkp://*", "pkp-signing", NULL) == LITHSM_OK,
       "PKP wildcard");
    ok(lithsm_requests_get(q, 2, NULL, NULL, &resource, NULL) == LITHSM_OK,
       "get 2");
    ok_str_eq(resource, "*", "PKP wildcard kept");
    ok(lithsm_requests_add(q, "lit-pkp://tokenXYZ", "pkp-signing", NULL) ==
           LITHSM_OK,
       "non-hex PKP id");
    ok(lithsm_requests_get(q, 3, NULL, NULL, &resource, NULL) == LITHSM_OK,
       "get 3");
    ok_str_eq(resource, "tokenXYZ", "non-hex PKP id kept as the SDK does");

    memset(long_id, 'a', 64);
    long_id[64] = '\0';
    snprintf(want, sizeof(want), "lit-pkp://0x%s", long_id);
    ok(lithsm_requests_add(q, want, "pkp-signing", NULL) == LITHSM_OK,
       "0x + 64 hex accepted");
    snprintf(want, sizeof(want), "lit-pkp://%sa", long_id);
    ok(lithsm_requests_add(q, want, "pkp-signing", NULL) == LITHSM_ERR_PARSE,
       "PKP id of 65 characters rejected");
    ok(strstr(lithsm_last_error(), "65") != NULL,
       "PKP length error gives the length");
    ok(lithsm_requests_add(q, "lit-pkp://0x", "pkp-signing", NULL) ==
           LITHSM_ERR_PARSE,
       "empty PKP id after 0x rejected");

    ok(lithsm_requests_add(q, "lit-litaction://QmX", "pkp-signing", NULL) ==
           LITHSM_ERR_PARSE,
       "wrong prefix for the ability rejected");
    ok(strstr(lithsm_last_error(), "lit-pkp") != NULL &&
           strstr(lithsm_last_error(), "lit-litaction") != NULL,
       "prefix error names both prefixes");
    ok(lithsm_requests_add(q, "lit-pkp://1", "pkp-signer", NULL) ==
           LITHSM_ERR_PARSE,
       "unknown ability rejected");
    ok(lithsm_requests_add(q, "lit-foo://1", "pkp-signing", NULL) ==
           LITHSM_ERR_PARSE,
       "unknown prefix rejected");
    ok(lithsm_requests_add(q, "lit-pkp:1", "pkp-signing", NULL) ==
           LITHSM_ERR_PARSE,
       "resource key without :// rejected");
    ok(lithsm_requests_add(q, "lit-litaction://", "lit-action-execution",
                           NULL) == LITHSM_ERR_PARSE,
       "empty id rejected");
    ok(lithsm_requests_add(q, "lit-litaction://a\nb", "lit-action-execution",
                           NULL) == LITHSM_ERR_PARSE,
       "control character in id rejected");
    ok(lithsm_requests_add(q, "lit-litaction://a\xff", "lit-action-execution",
                           NULL) == LITHSM_ERR_PARSE,
       "invalid UTF-8 in id rejected");
    ok(lithsm_requests_add(q, "lit-ratelimitincrease://1",
                           "rate-limit-increase-auth",
                           "[1]") == LITHSM_ERR_PARSE,
       "data_json array rejected");
    ok(lithsm_requests_add(q, "lit-ratelimitincrease://1",
                           "rate-limit-increase-auth",
                           "\"x\"") == LITHSM_ERR_PARSE,
       "data_json string rejected");
    ok(lithsm_requests_add(q, "lit-ratelimitincrease://1",
                           "rate-limit-increase-auth",
                           "{\"a\":") == LITHSM_ERR_PARSE,
       "truncated data_json rejected");
    ok(lithsm_requests_add(NULL, "lit-pkp://1", "pkp-signing", NULL) ==
           LITHSM_ERR_INVALID_ARG,
       "NULL request list");
    ok_int_eq(lithsm_requests_count(q), 5, "only valid requests were added");
    ok(lithsm_requests_add(
           q, "lit-ratelimitincrease://1", "rate-limit-increase-auth",
           " { \"uses\" : \"1\", \"a\" : [ 1 , null ] } ") == LITHSM_OK,
       "data_json object accepted");
    ok(lithsm_requests_get(q, 5, NULL, NULL, NULL, &data) == LITHSM_OK,
       "get 5");
    ok_str_eq(data, "{\"uses\":\"1\",\"a\":[1,null]}",
              "data_json compact, caller's key order kept");
    ok(lithsm_requests_get(q, 6, NULL, NULL, NULL, NULL) ==
           LITHSM_ERR_INVALID_ARG,
       "requests_get out of range");
    lithsm_requests_free(q);
    lithsm_requests_free(NULL);
}

/* Builds the requests of a recap.json / authsig.json case. */
static lithsm_requests *requests_of(json_object *list)
{
    lithsm_requests *q = NULL;
    size_t i, n = list ? json_object_array_length(list) : 0;

    if (lithsm_requests_new(&q) != LITHSM_OK)
        return NULL;
    for (i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(list, i);
        json_object *data = obj_at(r, "data");
        const char *prefix, *resource;

        if (lithsm_requests_add(q, str_at(r, "resource_key"),
                                str_at(r, "ability"),
                                data ? to_text(data) : NULL) != LITHSM_OK) {
            printf("# requests_add: %s\n", lithsm_last_error());
            lithsm_requests_free(q);
            return NULL;
        }
        if (lithsm_requests_get(q, i, NULL, &prefix, &resource, NULL) ||
            (str_at(r, "resource_prefix") &&
             strcmp(prefix, str_at(r, "resource_prefix")) != 0) ||
            (str_at(r, "resource") &&
             strcmp(resource, str_at(r, "resource")) != 0)) {
            printf("# request %zu parts differ\n", i);
            lithsm_requests_free(q);
            return NULL;
        }
    }
    return q;
}

static void check_coverage(const lithsm_recap *r, json_object *probes,
                           const char *name)
{
    size_t i, n = probes ? json_object_array_length(probes) : 0;
    char what[160];

    for (i = 0; i < n; i++) {
        json_object *p = json_object_array_get_idx(probes, i);
        const char *key = str_at(p, "resource_key");
        const char *sep = key ? strstr(key, "://") : NULL;
        char prefix[64];
        lithsm_ability ab;
        int want = json_object_get_boolean(obj_at(p, "covered"));

        snprintf(what, sizeof(what), "%s: covers probe %zu", name, i);
        if (sep == NULL || (size_t)(sep - key) >= sizeof(prefix) ||
            lithsm_ability_from_name(&ab, str_at(p, "ability"))) {
            ok(0, what);
            continue;
        }
        memcpy(prefix, key, (size_t)(sep - key));
        prefix[sep - key] = '\0';
        ok_int_eq(lithsm_recap_covers(r, prefix, sep + 3, ab), want, what);
    }
}

/* The json, urn and statement of a ReCap, and its decode round trip. */
static void check_outputs(const lithsm_recap *r, const char *json,
                          const char *urn, const char *statement,
                          json_object *attenuations, const char *name)
{
    char *j = NULL, *u = NULL, *s = NULL, *j2 = NULL, *s2 = NULL;
    lithsm_recap *back = NULL;
    json_object *parsed = NULL;
    char what[160];

    snprintf(what, sizeof(what), "%s: recap json", name);
    ok(lithsm_recap_json(&j, r) == LITHSM_OK, what);
    ok_str_eq(j, json, what);
    snprintf(what, sizeof(what), "%s: urn", name);
    ok(lithsm_recap_urn(&u, r) == LITHSM_OK, what);
    ok_str_eq(u, urn, what);
    snprintf(what, sizeof(what), "%s: statement", name);
    ok(lithsm_recap_statement(&s, r) == LITHSM_OK, what);
    ok_str_eq(s, statement, what);
    if (attenuations != NULL) {
        snprintf(what, sizeof(what), "%s: attenuations", name);
        parsed = j ? json_tokener_parse(j) : NULL;
        ok(parsed != NULL &&
               json_object_equal(obj_at(parsed, "att"), attenuations),
           what);
    }
    snprintf(what, sizeof(what), "%s: decode(urn)", name);
    ok(lithsm_recap_decode(&back, urn) == LITHSM_OK, what);
    if (back == NULL)
        printf("#   %s\n", lithsm_last_error());
    snprintf(what, sizeof(what), "%s: decode(urn) json", name);
    ok(back != NULL && lithsm_recap_json(&j2, back) == LITHSM_OK, what);
    ok_str_eq(j2, json, what);
    snprintf(what, sizeof(what), "%s: decode(urn) statement", name);
    ok(back != NULL && lithsm_recap_statement(&s2, back) == LITHSM_OK, what);
    ok_str_eq(s2, statement, what);
    json_object_put(parsed);
    lithsm_recap_free(back);
    lithsm_free(j);
    lithsm_free(u);
    lithsm_free(s);
    lithsm_free(j2);
    lithsm_free(s2);
}

static void test_acc_case(json_object *v, const char *name)
{
    json_object *in = obj_at(v, "inputs"), *ex = obj_at(v, "expected");
    const char *plain = str_at(in, "plaintext");
    char hash[65], data_hash[65], res[200], what[160];
    char *canon = NULL;

    snprintf(what, sizeof(what), "%s: acc hash", name);
    ok(lithsm_acc_hash(hash, &canon,
                       to_text(obj_at(in, "accessControlConditions"))) ==
           LITHSM_OK,
       what);
    snprintf(what, sizeof(what), "%s: canonical json", name);
    ok_str_eq(canon, str_at(ex, "canonical_json"), what);
    snprintf(what, sizeof(what), "%s: hashed_accs_hex", name);
    ok_str_eq(hash, str_at(ex, "hashed_accs_hex"), what);
    sha256_hex(data_hash, plain, strlen(plain));
    snprintf(what, sizeof(what), "%s: dataToEncryptHash", name);
    ok_str_eq(data_hash, str_at(in, "dataToEncryptHash"), what);
    snprintf(res, sizeof(res), "%s/%s", hash, data_hash);
    snprintf(what, sizeof(what), "%s: resource_string", name);
    ok_str_eq(res, str_at(ex, "resource_string"), what);
    snprintf(res, sizeof(res), "lit-accesscontrolcondition://%s/%s", hash,
             data_hash);
    snprintf(what, sizeof(what), "%s: resource_key", name);
    ok_str_eq(res, str_at(ex, "resource_key"), what);
    lithsm_free(canon);
    /* Without canonical_out. */
    snprintf(what, sizeof(what), "%s: acc hash without canonical_out", name);
    ok(lithsm_acc_hash(hash, NULL,
                       to_text(obj_at(in, "accessControlConditions"))) ==
               LITHSM_OK &&
           strcmp(hash, str_at(ex, "hashed_accs_hex")) == 0,
       what);
}

static void test_recap_case(json_object *v, const char *name)
{
    json_object *in = obj_at(v, "inputs"), *ex = obj_at(v, "expected");
    json_object *all = obj_at(in, "all_capabilities_for");
    lithsm_recap *r = NULL;
    lithsm_requests *q = NULL;
    char what[160];
    lithsm_err err;

    if (all != NULL) {
        size_t i, n = json_object_array_length(all);
        const char **keys = calloc(n ? n : 1, sizeof(*keys));

        for (i = 0; keys && i < n; i++)
            keys[i] = str_at(json_object_array_get_idx(all, i), "resource_key");
        err = keys ? lithsm_recap_all_abilities(&r, keys, n) : LITHSM_ERR_NOMEM;
        free(keys);
    } else {
        q = requests_of(obj_at(in, "requests"));
        err = q ? lithsm_recap_from_requests(&r, q) : LITHSM_ERR_PARSE;
    }
    snprintf(what, sizeof(what), "%s: build", name);
    ok(err == LITHSM_OK, what);
    if (err != LITHSM_OK) {
        printf("#   %s\n", lithsm_last_error());
        lithsm_requests_free(q);
        return;
    }
    check_outputs(r, str_at(ex, "recap_json"), str_at(ex, "urn"),
                  str_at(ex, "statement"), obj_at(ex, "attenuations"), name);
    check_coverage(r, obj_at(ex, "verify_capabilities"), name);

    /* Restrictions: the request data sorted, or {}. */
    if (q != NULL && lithsm_requests_count(q) > 0) {
        json_object *req0 =
            json_object_array_get_idx(obj_at(in, "requests"), 0);
        lithsm_ability ab;
        const char *prefix, *resource, *data;
        char key[300], *nb = NULL, *json = NULL;
        json_object *att_list;

        if (lithsm_requests_get(q, 0, &ab, &prefix, &resource, &data) ==
            LITHSM_OK) {
            snprintf(key, sizeof(key), "%s://%s", prefix, resource);
            snprintf(what, sizeof(what), "%s: restrictions", name);
            ok(lithsm_recap_restrictions(
                   &nb, r, key, lithsm_ability_recap_key(ab)) == LITHSM_OK,
               what);
            /* The expected first nota bene, sorted as in recap_json. */
            att_list = obj_at(obj_at(obj_at(ex, "attenuations"), key),
                              lithsm_ability_recap_key(ab));
            if (obj_at(req0, "data") != NULL) {
                json = strstr(str_at(ex, "recap_json"), "[{");
                ok(json != NULL && nb != NULL &&
                       strncmp(json + 1, nb, strlen(nb)) == 0,
                   what);
            } else {
                ok_str_eq(nb, "{}", what);
            }
            ok(att_list != NULL, what);
            lithsm_free(nb);
        }
    }
    lithsm_recap_free(r);
    lithsm_requests_free(q);
}

static void test_recap_vectors(void)
{
    json_object *top = load("tests/vectors/recap.json");
    json_object *vs = obj_at(top, "vectors");
    size_t i, n = vs ? json_object_array_length(vs) : 0;
    int n_acc = 0, n_recap = 0;

    ok(n > 0, "recap.json loaded");
    for (i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(vs, i);
        const char *name = str_at(v, "name");

        if (name == NULL)
            continue;
        if (strncmp(name, "acc_hash_", 9) == 0) {
            test_acc_case(v, name);
            n_acc++;
        } else if (strncmp(name, "recap_", 6) == 0) {
            test_recap_case(v, name);
            n_recap++;
        }
    }
    ok(n_acc >= 2 && n_recap >= 10, "all recap.json cases seen");
    json_object_put(top);
}

/* authsig.json: ReCaps from resourceAbilityRequests; delegation.json:
 * decoded ReCaps. */
static void test_other_vectors(void)
{
    json_object *top = load("tests/vectors/authsig.json");
    json_object *vs = obj_at(top, "vectors");
    size_t i, n = vs ? json_object_array_length(vs) : 0;

    ok(n > 0, "authsig.json loaded");
    for (i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(vs, i);
        json_object *rc = obj_at(obj_at(v, "expected"), "recap");
        lithsm_requests *q =
            requests_of(obj_at(obj_at(v, "inputs"), "resourceAbilityRequests"));
        lithsm_recap *r = NULL;
        char what[160];

        snprintf(what, sizeof(what), "%s: build", str_at(v, "name"));
        ok(q != NULL && lithsm_recap_from_requests(&r, q) == LITHSM_OK, what);
        if (r != NULL)
            check_outputs(r, str_at(rc, "json"), str_at(rc, "urn"),
                          str_at(rc, "statement"), obj_at(rc, "attenuations"),
                          str_at(v, "name"));
        lithsm_recap_free(r);
        lithsm_requests_free(q);
    }
    json_object_put(top);

    top = load("tests/vectors/delegation.json");
    vs = obj_at(top, "vectors");
    n = vs ? json_object_array_length(vs) : 0;
    ok(n > 0, "delegation.json loaded");
    for (i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(vs, i);
        json_object *rc = obj_at(obj_at(v, "expected"), "recap");
        lithsm_recap *r = NULL;
        char what[160];
        const char *json = str_at(rc, "json");
        char *nb = NULL;

        snprintf(what, sizeof(what), "%s: decode", str_at(v, "name"));
        ok(lithsm_recap_decode(&r, str_at(rc, "urn")) == LITHSM_OK, what);
        if (r == NULL)
            continue;
        check_outputs(r, json, str_at(rc, "urn"), str_at(rc, "statement"),
                      obj_at(rc, "attenuations"), str_at(v, "name"));
        /* The nota bene a node reads for the delegation. */
        snprintf(what, sizeof(what), "%s: Auth/Auth restrictions",
                 str_at(v, "name"));
        ok(lithsm_recap_restrictions(&nb, r,
                                     strstr(json, "lit-ratelimitincrease://*")
                                         ? "lit-ratelimitincrease://*"
                                         : "lit-ratelimitincrease://1234",
                                     "Auth/Auth") == LITHSM_OK &&
               nb != NULL && strstr(json, nb) != NULL,
           what);
        lithsm_free(nb);
        lithsm_recap_free(r);
    }
    json_object_put(top);
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

static void test_verify_vectors(void)
{
    json_object *top = load("tests/vectors/verify-negative.json");
    json_object *vs = obj_at(top, "vectors");
    json_object *qs = obj_at(top, "library_quirks");
    size_t i, n = vs ? json_object_array_length(vs) : 0;
    int seen = 0;

    ok(n > 0, "verify-negative.json loaded");
    for (i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(vs, i);
        const char *name = str_at(v, "name");
        const char *reason = str_at(obj_at(v, "expected"), "reason");
        json_object *ss = obj_at(obj_at(v, "inputs"), "sessionSig");
        json_object *msg = NULL, *caps, *wallet;
        char *urn = NULL, what[160];
        lithsm_recap *r = NULL;
        lithsm_err err;

        msg = json_tokener_parse(str_at(ss, "signedMessage"));
        caps = obj_at(msg, "capabilities");
        wallet = caps ? json_object_array_get_idx(
                            caps, json_object_array_length(caps) - 1)
                      : NULL;
        urn = urn_in_siwe(str_at(wallet, "signedMessage"));
        if (urn != NULL) {
            json_object *reqs = obj_at(msg, "resourceAbilityRequests");
            size_t k, m = reqs ? json_object_array_length(reqs) : 0;
            int covered = 1;

            err = lithsm_recap_decode(&r, urn);
            snprintf(what, sizeof(what), "%s: ReCap %s", name,
                     strcmp(reason, "recap_malformed") == 0 ? "rejected"
                                                            : "decodes");
            ok((err == LITHSM_OK) == (strcmp(reason, "recap_malformed") != 0),
               what);
            /* Coverage by the node rule agrees with every verdict. */
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
                ok(covered == (strcmp(reason, "resource_not_covered") != 0),
                   what);
            }
            seen++;
        }
        lithsm_recap_free(r);
        free(urn);
        json_object_put(msg);
    }
    ok(seen > 20, "verify-negative ReCaps seen");

    n = qs ? json_object_array_length(qs) : 0;
    for (i = 0; i < n; i++) {
        json_object *q = json_object_array_get_idx(qs, i);
        const char *name = str_at(q, "name");
        json_object *in = obj_at(q, "inputs"), *ex = obj_at(q, "expected");
        json_object *want = obj_at(ex, "siwe_recap_decode_urn");
        lithsm_recap *r = NULL;
        char *j = NULL, what[160];
        json_object *parsed = NULL;
        lithsm_err err;

        if (strncmp(name, "recap_", 6) != 0)
            continue;
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
            /* recap_wildcard_key_shadows_exact_key: the SDK says false; a
             * node (and lithsm) looks at the exact key too. */
            lithsm_ability ab;
            const char *key = str_at(in, "resource_key");
            const char *sep = key ? strstr(key, "://") : NULL;

            ok(err == LITHSM_OK, what);
            snprintf(what, sizeof(what), "quirk %s: node rule covers", name);
            ok(r && sep &&
                   lithsm_ability_from_name(&ab, str_at(in, "ability")) ==
                       LITHSM_OK &&
                   lithsm_recap_covers(r, "lit-accesscontrolcondition", sep + 3,
                                       ab) == 1,
               what);
            ok(json_object_get_boolean(
                   obj_at(ex, "sdk_verifyCapabilitiesForResource")) == 0,
               "quirk: the SDK rule would say not covered");
        }
        json_object_put(parsed);
        lithsm_free(j);
        lithsm_recap_free(r);
    }
    json_object_put(top);
}

/* ------------------------------------------------------------------------ */

static void test_decode_negative(void)
{
    lithsm_recap *r = NULL;
    char *huge;
    size_t n;

    check_rejected("{\"att\":{\"lit-pkp://b\":{\"Threshold/Signing\":[{}]},"
                   "\"lit-pkp://a\":{\"Threshold/Signing\":[{}]}},\"prf\":[]}",
                   "unsorted resource keys rejected");
    check_rejected("{\"att\":{\"lit-pkp://a\":{\"Threshold/Signing\":[{}],"
                   "\"Threshold/Execution\":[{}]}},\"prf\":[]}",
                   "unsorted ability keys rejected");
    check_rejected("{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"z\":1,\"a\":2}]}},"
                   "\"prf\":[]}",
                   "unsorted nota-bene keys rejected");
    check_rejected("{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"a\":{\"z\":1,"
                   "\"b\":2}}]}},\"prf\":[]}",
                   "unsorted nested nota-bene keys rejected");
    check_rejected("{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"a\":[{\"z\":1,"
                   "\"b\":2}]}]}},\"prf\":[]}",
                   "unsorted keys inside a nota-bene array rejected");
    check_rejected("{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"10\":1,\"9\":2}]}},"
                   "\"prf\":[]}",
                   "numeric keys that JavaScript reorders rejected");
    check_rejected("{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"\":1,\"1\":2}]}},"
                   "\"prf\":[]}",
                   "numeric key after another key rejected (JS order)");
    /* U+FB01 is after U+1F600 in UTF-16 order, before it in UTF-8. */
    check_rejected("{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"\xef\xac\x81\":1,"
                   "\"\xf0\x9f\x98\x80\":2}]}},\"prf\":[]}",
                   "keys in UTF-8 byte order but not UTF-16 order rejected");

    ok(lithsm_recap_decode(&r, "urn:recap:eyJ!") == LITHSM_ERR_PARSE,
       "bad base64 character rejected");
    ok(strstr(lithsm_last_error(), "base64url") != NULL,
       "base64 error says so");
    ok(lithsm_recap_decode(&r, "urn:recap:e") == LITHSM_ERR_PARSE,
       "bad base64 length rejected");
    ok(lithsm_recap_decode(&r, "urn:recap:eyJhdHQiOnt9LCJwcmYiOltdfR") ==
           LITHSM_ERR_PARSE,
       "non-zero trailing base64 bits rejected");
    ok(lithsm_recap_decode(&r, "urn:recap:eyJhdHQiOnt9LCJwcmYiOltdf=Q") ==
           LITHSM_ERR_PARSE,
       "padding inside the payload rejected");
    ok(lithsm_recap_decode(&r, "urn:recap:=") == LITHSM_ERR_PARSE,
       "padding-only payload rejected");
    ok(lithsm_recap_decode(&r, "urn:recap:") == LITHSM_ERR_PARSE,
       "empty payload rejected");
    ok(lithsm_recap_decode(&r, "urn:recaps:eyJhdHQiOnt9LCJwcmYiOltdfQ") ==
           LITHSM_ERR_PARSE,
       "wrong URN prefix rejected");
    ok(lithsm_recap_decode(&r, "URN:RECAP:eyJhdHQiOnt9LCJwcmYiOltdfQ") ==
           LITHSM_ERR_PARSE,
       "upper-case URN prefix rejected");
    ok(lithsm_recap_decode(&r, NULL) == LITHSM_ERR_INVALID_ARG, "NULL URN");
    ok(r == NULL, "no ReCap after failures");
    check_rejected("hello", "not JSON rejected");
    check_rejected("{\"att\":{},\"prf\":[]", "truncated JSON rejected");
    check_rejected("[]", "JSON array rejected");
    check_rejected("{\"att\":[],\"prf\":[]}", "att array rejected");
    check_rejected("{\"att\":\"x\",\"prf\":[]}", "att string rejected");
    check_rejected("{\"att\":null,\"prf\":[]}", "att null rejected");
    check_rejected("{\"prf\":[]}", "missing att rejected");
    check_rejected("{\"att\":{}}", "missing prf rejected");
    check_rejected("{\"att\":{},\"prf\":{}}", "prf object rejected");
    check_rejected("{\"att\":{},\"prf\":[1]}", "prf number rejected");
    check_rejected("{\"att\":{},\"prf\":[],\"x\":1}",
                   "unknown top-level member rejected");
    check_rejected("{\"att\":{\"lit-pkp\":{\"Threshold/Signing\":[{}]}},"
                   "\"prf\":[]}",
                   "att key that is not a URI rejected");
    check_rejected("{\"att\":{\"x:y\":[]},\"prf\":[]}",
                   "resource value array rejected");
    check_rejected("{\"att\":{\"x:y\":{\"Threshold\":[{}]}},\"prf\":[]}",
                   "ability key without / rejected");
    check_rejected("{\"att\":{\"x:y\":{\"a//b\":[{}]}},\"prf\":[]}",
                   "ability key a//b rejected");
    check_rejected("{\"att\":{\"x:y\":{\"/b\":[{}]}},\"prf\":[]}",
                   "ability key with empty namespace rejected");
    check_rejected("{\"att\":{\"x:y\":{\"a/\":[{}]}},\"prf\":[]}",
                   "ability key with empty name rejected");
    check_rejected("{\"att\":{\"x:y\":{\"a/b/c\":[{}]}},\"prf\":[]}",
                   "ability key with two slashes rejected");
    check_rejected("{\"att\":{\"x:y\":{\"a b/c\":[{}]}},\"prf\":[]}",
                   "ability key with a space rejected");
    check_rejected("{\"att\":{\"x:y\":{\"Auth/Auth\":{}}},\"prf\":[]}",
                   "nota-bene list that is an object rejected");
    check_rejected("{\"att\":{\"x:y\":{\"Auth/Auth\":[1]}},\"prf\":[]}",
                   "restriction number rejected");
    check_rejected("{\"att\":{\"x:y\":{\"Auth/Auth\":[[]]}},\"prf\":[]}",
                   "restriction array rejected");
    check_rejected("{\"att\":{\"x:y\":{\"Auth/Auth\":[null]}},\"prf\":[]}",
                   "restriction null rejected");
    check_rejected("{\"att\":{\"x:\xff\":{\"Auth/Auth\":[{}]}},\"prf\":[]}",
                   "invalid UTF-8 rejected");
    check_rejected("{\"att\":{\"x:y\\u0000z\":{\"Auth/Auth\":[{}]}},"
                   "\"prf\":[]}",
                   "\\u0000 in a key rejected");

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

static void test_decode_positive(void)
{
    lithsm_recap *r = NULL;

    check_accepted("{\"prf\":[],\"att\":{}}", "{\"att\":{},\"prf\":[]}",
                   "prf before att accepted");
    check_accepted(" { \"att\" : { \"a:b\" : { \"x/y\" : [ { } ] } } , "
                   "\"prf\" : [ \"zb2rh\" ] } ",
                   "{\"att\":{\"a:b\":{\"x/y\":[{}]}},\"prf\":[\"zb2rh\"]}",
                   "whitespace and prf strings kept");
    check_accepted("{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"1\":1,\"2\":[3,"
                   "{\"b\":null,\"c\":true}],\"a\":\"s/\\\"\"}]}},\"prf\":[]}",
                   "{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"1\":1,\"2\":[3,"
                   "{\"b\":null,\"c\":true}],\"a\":\"s/\\\"\"}]}},\"prf\":[]}",
                   "nested nota bene with numeric keys in order");
    check_accepted("{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"\xf0\x9f\x98\x80\":"
                   "1,\"\xef\xac\x81\":2}]}},\"prf\":[]}",
                   "{\"att\":{\"x:y\":{\"Auth/Auth\":[{\"\xf0\x9f\x98\x80\":"
                   "1,\"\xef\xac\x81\":2}]}},\"prf\":[]}",
                   "keys in UTF-16 order accepted");
    check_accepted("{\"att\":{\"x:y\":{}},\"prf\":[]}",
                   "{\"att\":{\"x:y\":{}},\"prf\":[]}",
                   "resource with no abilities accepted");
    check_accepted("{\"att\":{\"x:y\":{\"*/*\":[]}},\"prf\":[]}",
                   "{\"att\":{\"x:y\":{\"*/*\":[]}},\"prf\":[]}",
                   "empty nota-bene list accepted");
    check_accepted("{\"att\":{\"x:y\":{\"A.b+c/d_e-*\":[{}]}},\"prf\":[]}",
                   "{\"att\":{\"x:y\":{\"A.b+c/d_e-*\":[{}]}},\"prf\":[]}",
                   "every ability character accepted");

    check_statement_of("{\"att\":{},\"prf\":[]}",
                       "I further authorize the stated URI to perform the "
                       "following actions on my behalf:",
                       "empty statement");
    check_statement_of("{\"att\":{\"x:y\":{}},\"prf\":[]}",
                       "I further authorize the stated URI to perform the "
                       "following actions on my behalf:",
                       "resource without abilities adds no section");
    check_statement_of(
        "{\"att\":{\"a:1\":{\"Auth/Auth\":[{}],\"Threshold/Decryption\":[{}],"
        "\"Threshold/Signing\":[{}]},\"b:2\":{\"*/*\":[{}]}},\"prf\":[]}",
        "I further authorize the stated URI to perform the following actions "
        "on my behalf: (1) 'Auth': 'Auth' for 'a:1'. (2) 'Threshold': "
        "'Decryption', 'Signing' for 'a:1'. (3) '*': '*' for 'b:2'.",
        "statement groups namespaces and numbers across resources");
    /* JavaScript lists array-index namespaces first, by value. */
    check_statement_of(
        "{\"att\":{\"x:y\":{\"10/a\":[{}],\"2/b\":[{}],\"Auth/c\":[{}]}},"
        "\"prf\":[]}",
        "I further authorize the stated URI to perform the following actions "
        "on my behalf: (1) '2': 'b' for 'x:y'. (2) '10': 'a' for 'x:y'. "
        "(3) 'Auth': 'c' for 'x:y'.",
        "numeric namespaces ordered as JavaScript objects order them");

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

static char *json_of(const lithsm_recap *r)
{
    char *j = NULL;

    if (r == NULL || lithsm_recap_json(&j, r) != LITHSM_OK)
        return NULL;
    return j;
}

static void test_merge(void)
{
    lithsm_requests *q = NULL;
    lithsm_recap *r = NULL;
    char *j, *nb = NULL;
    const char *keys[3];

    /* Same resource and ability: {} is replaced, data is appended
     * (siwe-recap merge() through add_to_siwe_message). */
    if (lithsm_requests_new(&q) != LITHSM_OK)
        return;
    ok(lithsm_requests_add(q, "lit-ratelimitincrease://1",
                           "rate-limit-increase-auth", NULL) == LITHSM_OK &&
           lithsm_requests_add(
               q, "lit-ratelimitincrease://1", "rate-limit-increase-auth",
               "{\"uses\":\"2\",\"nft_id\":[\"1\"]}") == LITHSM_OK &&
           lithsm_requests_add(q, "lit-ratelimitincrease://1",
                               "rate-limit-increase-auth",
                               "{\"b\":1}") == LITHSM_OK &&
           lithsm_requests_add(q, "lit-ratelimitincrease://1",
                               "rate-limit-increase-auth", NULL) == LITHSM_OK,
       "four requests on one resource");
    ok(lithsm_recap_from_requests(&r, q) == LITHSM_OK, "merge build");
    j = json_of(r);
    ok_str_eq(j,
              "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
              "\"nft_id\":[\"1\"],\"uses\":\"2\"},{\"b\":1},{}]}},"
              "\"prf\":[]}",
              "merge: {} replaced, then data appended, sorted");
    ok(lithsm_recap_restrictions(&nb, r, "lit-ratelimitincrease://1",
                                 "Auth/Auth") == LITHSM_OK,
       "restrictions");
    ok_str_eq(nb, "{\"nft_id\":[\"1\"],\"uses\":\"2\"}",
              "first restriction, sorted");
    lithsm_free(nb);
    nb = (char *)"x";
    ok(lithsm_recap_restrictions(&nb, r, "lit-ratelimitincrease://2",
                                 "Auth/Auth") == LITHSM_OK &&
           nb == NULL,
       "absent restrictions give NULL");
    nb = (char *)"x";
    ok(lithsm_recap_restrictions(&nb, r, "lit-ratelimitincrease://1",
                                 "Threshold/Signing") == LITHSM_OK &&
           nb == NULL,
       "absent ability gives NULL");
    ok(lithsm_recap_covers(r, "lit-ratelimitincrease", "1",
                           LITHSM_ABILITY_RATE_LIMIT_INCREASE_AUTH) == 1,
       "covers exact");
    ok(lithsm_recap_covers(r, "lit-pkp", "1",
                           LITHSM_ABILITY_RATE_LIMIT_INCREASE_AUTH) == 0,
       "prefix not the ability's: not covered");
    ok(lithsm_recap_covers(NULL, "lit-pkp", "1", LITHSM_ABILITY_PKP_SIGNING) ==
           0,
       "NULL ReCap covers nothing");
    lithsm_free(j);
    lithsm_recap_free(r);
    r = NULL;
    lithsm_requests_free(q);

    /* Zero requests: the empty ReCap. */
    ok(lithsm_requests_new(&q) == LITHSM_OK &&
           lithsm_recap_from_requests(&r, q) == LITHSM_OK,
       "empty requests");
    j = json_of(r);
    ok_str_eq(j, "{\"att\":{},\"prf\":[]}", "empty ReCap json");
    lithsm_free(j);
    lithsm_recap_free(r);
    r = NULL;
    lithsm_requests_free(q);
    ok(lithsm_recap_from_requests(&r, NULL) == LITHSM_ERR_INVALID_ARG,
       "NULL requests");

    /* all_abilities: PKP ids normalized, repeats appended. */
    keys[0] = "lit-pkp://0x01";
    keys[1] = "lit-litaction://*";
    keys[2] = "lit-pkp://01";
    ok(lithsm_recap_all_abilities(&r, keys, 3) == LITHSM_OK, "all_abilities");
    j = json_of(r);
    ok_str_eq(j,
              "{\"att\":{\"lit-litaction://*\":{\"*/*\":[{}]},\"lit-pkp://"
              "0000000000000000000000000000000000000000000000000000000000000001"
              "\":{\"*/*\":[{},{}]}},\"prf\":[]}",
              "all_abilities json");
    ok(lithsm_recap_covers(r, "lit-litaction", "QmAny",
                           LITHSM_ABILITY_LIT_ACTION_EXECUTION) == 1,
       "wildcard key and */* cover any action");
    lithsm_free(j);
    lithsm_recap_free(r);
    r = NULL;
    keys[0] = "https://example.com";
    ok(lithsm_recap_all_abilities(&r, keys, 1) == LITHSM_ERR_PARSE && r == NULL,
       "all_abilities rejects a non-Lit key");
    keys[0] = "lit-pkp://";
    ok(lithsm_recap_all_abilities(&r, keys, 1) == LITHSM_ERR_PARSE,
       "all_abilities rejects an empty id");
    ok(lithsm_recap_all_abilities(&r, NULL, 0) == LITHSM_OK, "no keys");
    j = json_of(r);
    ok_str_eq(j, "{\"att\":{},\"prf\":[]}", "all_abilities of nothing");
    lithsm_free(j);
    lithsm_recap_free(r);
}

static void test_acc_extra(void)
{
    char hash[65], want[65];
    char *canon = NULL;
    const char *expect =
        "[{\"operator\":\"and\"},[{\"chain\":\"ethereum\",\"parameters\":null,"
        "\"returnValueTest\":{\"comparator\":\"=\",\"value\":\"1\"}},"
        "{\"operator\":{\"x\":1}}],{\"contractAddress\":\"0xA\","
        "\"returnValueTest\":{}}]";

    ok(lithsm_acc_hash(
           hash, &canon,
           "[{\"operator\":\"and\",\"chain\":\"x\"},[{\"returnValueTest\":"
           "{\"value\":\"1\",\"comparator\":\"=\",\"key\":\"k\"},\"chain\":"
           "\"ethereum\",\"extra\":5,\"parameters\":null,\"conditionType\":"
           "\"evmBasic\"},{\"operator\":{\"x\":1}}],{\"returnValueTest\":{},"
           "\"contractAddress\":\"0xA\"}]") == LITHSM_OK,
       "acc: groups, operators, dropped and absent keys");
    ok_str_eq(canon, expect, "acc: canonical form");
    sha256_hex(want, expect, strlen(expect));
    ok_str_eq(hash, want, "acc: hash is SHA-256 of the canonical form");
    lithsm_free(canon);
    canon = NULL;
    ok(lithsm_acc_hash(hash, &canon, "[]") == LITHSM_OK, "acc: empty list");
    ok_str_eq(canon, "[]", "acc: empty list canonical");
    lithsm_free(canon);
    canon = NULL;
    ok(lithsm_acc_hash(hash, &canon, "{}") == LITHSM_ERR_PARSE && canon == NULL,
       "acc: object rejected");
    ok(lithsm_acc_hash(hash, NULL, "[\"x\"]") == LITHSM_ERR_PARSE,
       "acc: string element rejected");
    ok(strstr(lithsm_last_error(), "invalid access control condition") != NULL,
       "acc: error names the invalid condition");
    ok(lithsm_acc_hash(hash, NULL, "[{\"chain\":\"ethereum\"}]") ==
           LITHSM_ERR_PARSE,
       "acc: condition without returnValueTest rejected");
    ok(lithsm_acc_hash(hash, NULL, "[[{\"a\":1}]]") == LITHSM_ERR_PARSE,
       "acc: invalid condition inside a group rejected");
    ok(lithsm_acc_hash(hash, NULL, "[{\"returnValueTest\":null}]") ==
           LITHSM_ERR_PARSE,
       "acc: null returnValueTest rejected");
    ok(lithsm_acc_hash(hash, NULL, "[null]") == LITHSM_ERR_PARSE,
       "acc: null element rejected");
    ok(lithsm_acc_hash(hash, NULL, "[{\"operator\":\"or\"}") ==
           LITHSM_ERR_PARSE,
       "acc: truncated JSON rejected");
    ok(lithsm_acc_hash(hash, NULL, "[\"\xc3\"]") == LITHSM_ERR_PARSE,
       "acc: invalid UTF-8 rejected");
    ok(lithsm_acc_hash(NULL, NULL, "[]") == LITHSM_ERR_INVALID_ARG,
       "acc: NULL output");
    ok(lithsm_acc_hash(hash, NULL, NULL) == LITHSM_ERR_INVALID_ARG,
       "acc: NULL input");
}

int main(void)
{
    test_abilities();
    test_requests();
    test_recap_vectors();
    test_other_vectors();
    test_verify_vectors();
    test_decode_negative();
    test_decode_positive();
    test_merge();
    test_acc_extra();
    return tap_done();
}
