/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_recap.c - Lit abilities and requests, ReCap building and encoding,
 * and access-control-condition hashing, against tests/vectors/recap.json
 * and the ReCaps in authsig.json and delegation.json.  Decoding and
 * statements of given ReCaps: test_recap_decode.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "util/util.h"
#include "lithsm.h"
#include "tap.h"
#include "vectors.h"

static void sha256_hex(char out[65], const void *p, size_t n)
{
    unsigned char md[32];
    unsigned int len = 0;

    EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
    if (lithsm_hex_encode(out, 65, md, sizeof(md)) != LITHSM_OK)
        out[0] = '\0';
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

#define ZEROS58 "0000000000000000000000000000000000000000000000000000000000"
#define HEX64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* PKP resource keys and the resource each one becomes. */
static const struct pkp_id_case {
    const char *key;
    const char *resource;
    const char *what;
} pkp_ids[] = {
    { "lit-pkp://0x1a2b3c", ZEROS58 "1a2b3c",
      "PKP 0x1a2b3c padded to 58 zeros + 1a2b3c" },
    { "lit-pkp://ABCdef", ZEROS58 "ABCdef", "PKP padding keeps the case" },
    { "lit-pkp://*", "*", "PKP wildcard kept" },
    { "lit-pkp://tokenXYZ", "tokenXYZ", "non-hex PKP id kept as the SDK does" },
    { "lit-pkp://0x" HEX64, HEX64, "0x + 64 hex accepted" },
};

/* Requests that lithsm_requests_add refuses with LITHSM_ERR_PARSE; the
 * error then holds `mention` and `mention2`, if given. */
static const struct bad_request {
    const char *key, *ability, *data;
    const char *what;
    const char *mention, *mention2, *mention_what;
} bad_requests[] = {
    { "lit-pkp://" HEX64 "a", "pkp-signing", NULL,
      "PKP id of 65 characters rejected", "65", NULL,
      "PKP length error gives the length" },
    { "lit-pkp://0x", "pkp-signing", NULL, "empty PKP id after 0x rejected",
      NULL, NULL, NULL },
    { "lit-litaction://QmX", "pkp-signing", NULL,
      "wrong prefix for the ability rejected", "lit-pkp", "lit-litaction",
      "prefix error names both prefixes" },
    { "lit-pkp://1", "pkp-signer", NULL, "unknown ability rejected", NULL, NULL,
      NULL },
    { "lit-foo://1", "pkp-signing", NULL, "unknown prefix rejected", NULL, NULL,
      NULL },
    { "lit-pkp:1", "pkp-signing", NULL, "resource key without :// rejected",
      NULL, NULL, NULL },
    { "lit-litaction://", "lit-action-execution", NULL, "empty id rejected",
      NULL, NULL, NULL },
    { "lit-litaction://a\nb", "lit-action-execution", NULL,
      "control character in id rejected", NULL, NULL, NULL },
    { "lit-litaction://a\xff", "lit-action-execution", NULL,
      "invalid UTF-8 in id rejected", NULL, NULL, NULL },
    { "lit-ratelimitincrease://1", "rate-limit-increase-auth", "[1]",
      "data_json array rejected", NULL, NULL, NULL },
    { "lit-ratelimitincrease://1", "rate-limit-increase-auth", "\"x\"",
      "data_json string rejected", NULL, NULL, NULL },
    { "lit-ratelimitincrease://1", "rate-limit-increase-auth",
      "{\"a\":", "truncated data_json rejected", NULL, NULL, NULL },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void test_pkp_ids(lithsm_requests *q)
{
    const char *prefix, *resource, *data;
    lithsm_ability ab;
    char what[160];
    size_t i;

    for (i = 0; i < N_OF(pkp_ids); i++) {
        const struct pkp_id_case *t = &pkp_ids[i];

        snprintf(what, sizeof(what), "%s: added", t->what);
        ok(lithsm_requests_add(q, t->key, "pkp-signing", NULL) == LITHSM_OK,
           what);
        snprintf(what, sizeof(what), "%s: requests_get", t->what);
        ok(lithsm_requests_get(q, i, &ab, &prefix, &resource, &data) ==
               LITHSM_OK,
           what);
        ok_str_eq(resource, t->resource, t->what);
        ok_str_eq(prefix, "lit-pkp", "PKP prefix");
        ok(ab == LITHSM_ABILITY_PKP_SIGNING && data == NULL,
           "PKP ability, no data");
    }
}

static void test_bad_requests(lithsm_requests *q)
{
    size_t i;

    for (i = 0; i < N_OF(bad_requests); i++) {
        const struct bad_request *t = &bad_requests[i];

        ok(lithsm_requests_add(q, t->key, t->ability, t->data) ==
               LITHSM_ERR_PARSE,
           t->what);
        if (t->mention != NULL)
            ok(strstr(lithsm_last_error(), t->mention) != NULL &&
                   (t->mention2 == NULL ||
                    strstr(lithsm_last_error(), t->mention2) != NULL),
               t->mention_what);
    }
    ok(lithsm_requests_add(NULL, "lit-pkp://1", "pkp-signing", NULL) ==
           LITHSM_ERR_INVALID_ARG,
       "NULL request list");
}

static void test_requests(void)
{
    lithsm_requests *q = NULL;
    const char *data;

    ok(lithsm_requests_new(&q) == LITHSM_OK, "requests_new");
    test_pkp_ids(q);
    test_bad_requests(q);
    ok_int_eq(lithsm_requests_count(q), N_OF(pkp_ids),
              "only valid requests were added");
    ok(lithsm_requests_add(
           q, "lit-ratelimitincrease://1", "rate-limit-increase-auth",
           " { \"uses\" : \"1\", \"a\" : [ 1 , null ] } ") == LITHSM_OK,
       "data_json object accepted");
    ok(lithsm_requests_get(q, N_OF(pkp_ids), NULL, NULL, NULL, &data) ==
           LITHSM_OK,
       "get 5");
    ok_str_eq(data, "{\"uses\":\"1\",\"a\":[1,null]}",
              "data_json compact, caller's key order kept");
    ok(lithsm_requests_get(q, N_OF(pkp_ids) + 1, NULL, NULL, NULL, NULL) ==
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
    json_object *top = load_vectors("recap.json");
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
    json_object *top = load_vectors("authsig.json");
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

    top = load_vectors("delegation.json");
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
    lithsm_requests_free(q);
}

/* Zero requests: the empty ReCap. */
static void test_no_requests(void)
{
    lithsm_requests *q = NULL;
    lithsm_recap *r = NULL;
    char *j;

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
}

/* all_abilities: PKP ids normalized, repeats appended. */
static void test_all_abilities(void)
{
    lithsm_recap *r = NULL;
    const char *keys[3];
    char *j;

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

/* Condition lists that lithsm_acc_hash refuses with LITHSM_ERR_PARSE. */
static const struct bad_acc {
    const char *json;
    const char *what;
} bad_accs[] = {
    { "[\"x\"]", "acc: string element rejected" },
    { "[{\"chain\":\"ethereum\"}]",
      "acc: condition without returnValueTest rejected" },
    { "[[{\"a\":1}]]", "acc: invalid condition inside a group rejected" },
    { "[{\"returnValueTest\":null}]", "acc: null returnValueTest rejected" },
    { "[null]", "acc: null element rejected" },
    { "[{\"operator\":\"or\"}", "acc: truncated JSON rejected" },
    { "[\"\xc3\"]", "acc: invalid UTF-8 rejected" },
};

static void test_acc_extra(void)
{
    char hash[65], want[65];
    size_t i;
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
    for (i = 0; i < N_OF(bad_accs); i++) {
        ok(lithsm_acc_hash(hash, NULL, bad_accs[i].json) == LITHSM_ERR_PARSE,
           bad_accs[i].what);
        if (i == 0)
            ok(strstr(lithsm_last_error(),
                      "invalid access control condition") != NULL,
               "acc: error names the invalid condition");
    }
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
    test_merge();
    test_no_requests();
    test_all_abilities();
    test_acc_extra();
    return tap_done();
}
