/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * check-vectors-recap.c - the recap.json cases of tests/check-vectors (requests, access
 * control condition hashes, ReCaps and the SIWE texts that carry them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "check-vectors.h"

/* ---------------------------------------------------------------- ReCap */

static int split_key(char *key, const char **prefix, const char **resource)
{
    char *sep = strstr(key, "://");

    if (sep == NULL)
        return 0;
    *sep = '\0';
    *prefix = key;
    *resource = sep + 3;
    return 1;
}

/* Requests of the vectors' shape: {resource_key, ability[, data]} or
 * {resource:{resource, resourcePrefix}, ability[, data]}. */
lithsm_requests *vec_requests_of(vcase *c, json_object *list)
{
    lithsm_requests *reqs = NULL;
    size_t i, n = list ? json_object_array_length(list) : 0;
    lithsm_err err = lithsm_requests_new(&reqs);

    for (i = 0; err == LITHSM_OK && i < n; i++) {
        json_object *r = json_object_array_get_idx(list, i);
        json_object *data = vec_get(r, "data"), *res = vec_get(r, "resource");
        char *data_text = data ? vec_stringify(data) : NULL;
        char key[1024];

        if (vec_str(r, "resource_key") != NULL)
            snprintf(key, sizeof(key), "%s",
                     vec_or_empty(vec_str(r, "resource_key")));
        else
            snprintf(key, sizeof(key), "%s://%s",
                     vec_or_empty(vec_str(res, "resourcePrefix")),
                     vec_or_empty(vec_str(res, "resource")));
        err = lithsm_requests_add(reqs, key, vec_str(r, "ability"), data_text);
        free(data_text);
    }
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "requests", err);
        lithsm_requests_free(reqs);
        return NULL;
    }
    return reqs;
}

static int check_acc_hash(vcase *c, json_object *in, json_object *ex)
{
    char hash[65],
        *canonical = NULL,
        *accs = vec_stringify(vec_get(in, "accessControlConditions"));
    char resource[256], data_hash[65];
    const char *plaintext = vec_str(in, "plaintext");
    uint8_t digest[SHA256_DIGEST_LENGTH];
    lithsm_err err;
    int ok;

    if (accs == NULL)
        return vec_fail(c, "no conditions");
    err = lithsm_acc_hash(hash, &canonical, accs);
    free(accs);
    if (err != LITHSM_OK)
        return vec_lib_fail(c, "acc hash", err);
    ok = vec_expect_str(c, "canonical_json", canonical,
                        vec_str(ex, "canonical_json"));
    free(canonical);
    ok = ok && vec_expect_str(c, "hashed_accs_hex", hash,
                              vec_str(ex, "hashed_accs_hex"));
    if (ok && plaintext != NULL) {
        SHA256((const uint8_t *)plaintext, strlen(plaintext), digest);
        if (lithsm_hex_encode(data_hash, sizeof(data_hash), digest, 32) != 0)
            return vec_fail(c, "hex");
        ok = vec_expect_str(c, "dataToEncryptHash", data_hash,
                            vec_str(in, "dataToEncryptHash"));
    }
    snprintf(resource, sizeof(resource), "%s/%s", hash,
             vec_or_empty(vec_str(in, "dataToEncryptHash")));
    ok = ok && vec_expect_str(c, "resource_string", resource,
                              vec_str(ex, "resource_string"));
    snprintf(resource, sizeof(resource), "lit-accesscontrolcondition://%s/%s",
             hash, vec_or_empty(vec_str(in, "dataToEncryptHash")));
    ok = ok && vec_expect_str(c, "resource_key", resource,
                              vec_str(ex, "resource_key"));
    return ok;
}

static int check_coverage(vcase *c, const lithsm_recap *recap,
                          json_object *probes)
{
    size_t i, n = probes ? json_object_array_length(probes) : 0;

    for (i = 0; i < n; i++) {
        json_object *p = json_object_array_get_idx(probes, i);
        const char *prefix, *resource;
        char key[1024];
        lithsm_ability ab;
        int want = json_object_get_boolean(vec_get(p, "covered"));

        snprintf(key, sizeof(key), "%s",
                 vec_or_empty(vec_str(p, "resource_key")));
        if (!split_key(key, &prefix, &resource) ||
            lithsm_ability_from_name(&ab, vec_str(p, "ability")) != LITHSM_OK)
            return vec_fail(c, "probe %zu is unreadable", i);
        if (lithsm_recap_covers(recap, prefix, resource, ab) != want)
            return vec_fail(c, "coverage of %s / %s: got %d, want %d",
                            vec_str(p, "resource_key"), vec_str(p, "ability"),
                            !want, want);
    }
    return 1;
}

/* A SIWE built from fields with a ReCap added as siwe-recap does it. */
static int check_siwe_variant(vcase *c, const char *what, json_object *base,
                              const char *urn, const char *recap_statement,
                              int keep_statement, const char *want)
{
    const char *res[65];
    lithsm_siwe f;
    char *statement = NULL, *out = NULL;
    lithsm_buf b;
    lithsm_err err;
    int ok;

    if (want == NULL)
        return 1;
    if (!vec_siwe_fields_of(c, &f, base, res))
        return 0;
    if (urn != NULL) {
        lithsm_buf_init(&b);
        if (keep_statement && f.statement != NULL) {
            lithsm_buf_puts(&b, f.statement);
            lithsm_buf_putc(&b, ' ');
        }
        lithsm_buf_puts(&b, recap_statement);
        if (lithsm_buf_finish(&b, &statement, NULL) != LITHSM_OK)
            return vec_fail(c, "out of memory");
        f.statement = statement;
        res[f.n_resources++] = urn;
        f.resources = res;
    }
    err = lithsm_siwe_to_text(&out, &f);
    ok = err == LITHSM_OK ? vec_expect_str(c, what, out, want)
                          : vec_lib_fail(c, what, err);
    free(out);
    free(statement);
    return ok;
}

static int check_sdk_siwe(vcase *c, const lithsm_requests *reqs, json_object *p,
                          const char *want)
{
    lithsm_session_siwe_params sp;
    const char *uri = vec_str(p, "uri");
    char *out = NULL;
    lithsm_err err;
    int ok;

    if (want == NULL || p == NULL)
        return 1;
    if (uri == NULL || strncmp(uri, "lit:session:", 12) != 0)
        return vec_fail(c, "sdk params: uri is not lit:session:");
    vec_session_siwe_params_of(&sp, p, "clock_now", uri + 12, reqs);
    err = lithsm_session_siwe(&out, vec_str(p, "walletAddress"), &sp);
    ok = err == LITHSM_OK
             ? vec_expect_str(c, "sdk_createSiweMessageWithRecaps", out, want)
             : vec_lib_fail(c, "session SIWE", err);
    free(out);
    return ok;
}

int check_recap(vcase *c, json_object *in, json_object *ex)
{
    lithsm_requests *reqs = NULL;
    lithsm_recap *recap = NULL, *decoded = NULL;
    json_object *all = vec_get(in, "all_capabilities_for");
    char *json = NULL, *urn = NULL, *statement = NULL, *decoded_json = NULL;
    json_object *ours = NULL;
    lithsm_err err;
    int ok = 0;

    if (vec_get(in, "accessControlConditions") != NULL)
        return check_acc_hash(c, in, ex);
    if (all != NULL) {
        const char *keys[64];
        size_t i, n = json_object_array_length(all);

        for (i = 0; i < n && i < 64; i++)
            keys[i] =
                vec_str(json_object_array_get_idx(all, i), "resource_key");
        err = lithsm_recap_all_abilities(&recap, keys, n);
    } else {
        reqs = vec_requests_of(c, vec_get(in, "requests"));
        if (reqs == NULL)
            return 0;
        err = lithsm_recap_from_requests(&recap, reqs);
    }
    if (err == LITHSM_OK)
        err = lithsm_recap_json(&json, recap);
    if (err == LITHSM_OK)
        err = lithsm_recap_urn(&urn, recap);
    if (err == LITHSM_OK)
        err = lithsm_recap_statement(&statement, recap);
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "recap", err);
        goto out;
    }
    /* The vector lists attenuations in the SDK's insertion order; the
     * ReCap JSON sorts them, so compare them as values. */
    if (lithsm_json_parse(&ours, json, strlen(json), "recap") != LITHSM_OK ||
        !json_object_equal(vec_get(ours, "att"), vec_get(ex, "attenuations"))) {
        vec_fail(c, "attenuations differ: got %.200s", json);
        goto out;
    }
    if (!vec_expect_str(c, "recap_json", json, vec_str(ex, "recap_json")) ||
        !vec_expect_str(c, "urn", urn, vec_str(ex, "urn")) ||
        !vec_expect_str(c, "statement", statement, vec_str(ex, "statement")) ||
        !check_coverage(c, recap, vec_get(ex, "verify_capabilities")))
        goto out;
    err = lithsm_recap_decode(&decoded, vec_str(ex, "urn"));
    if (err == LITHSM_OK)
        err = lithsm_recap_json(&decoded_json, decoded);
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "decode", err);
        goto out;
    }
    if (!vec_expect_str(c, "decoded recap", decoded_json,
                        vec_str(ex, "recap_json")) ||
        !check_siwe_variant(c, "siwe_base_with_statement",
                            vec_get(in, "base_siwe_fields"), NULL, NULL, 1,
                            vec_str(ex, "siwe_base_with_statement")) ||
        !check_siwe_variant(
            c, "siwe_with_recap_added_to_statement",
            vec_get(in, "base_siwe_fields"), urn, statement, 1,
            vec_str(ex, "siwe_with_recap_added_to_statement")) ||
        !check_siwe_variant(c, "siwe_with_recap_no_base_statement",
                            vec_get(in, "base_siwe_fields"), urn, statement, 0,
                            vec_str(ex, "siwe_with_recap_no_base_statement")))
        goto out;
    ok = reqs == NULL ||
         check_sdk_siwe(c, reqs,
                        vec_get(in, "sdk_createSiweMessageWithRecaps_params"),
                        vec_str(ex, "sdk_createSiweMessageWithRecaps"));
out:
    free(decoded_json);
    json_object_put(ours);
    free(statement);
    free(urn);
    free(json);
    lithsm_recap_free(decoded);
    lithsm_recap_free(recap);
    lithsm_requests_free(reqs);
    return ok;
}
