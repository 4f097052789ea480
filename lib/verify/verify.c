/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * verify.c - checks SessionSigs as Lit nodes would: one SessionSig for one
 * node, or every entry of a SessionSigs map for its own node.
 *
 * The order of the checks, and the reason word of the first that fails, is
 * the `check_order` of tests/vectors/verify-negative.json; the node's own
 * rules are lit-protocol.md section 11 (Datil node v1.0.18).  Where the node
 * and the JS SDK differ, the SDK's stricter reading is kept (expiry is
 * exclusive, the wallet ReCap is resources[0]) and the comment says so.
 * The steps live in envelope.c, capability.c and coverage.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <json-c/json.h>

#include "verify/verify.h"

/*
 * Per reason: the word of the golden vectors, then the errorCode and HTTP
 * status a Datil node answers for the same defect (lit-protocol.md 11.7 for
 * the codes, 11.2-11.5 for which check raises which).  The ReCap and wallet
 * AuthSig defects surface as NodeResourceIdNotFound because the node scans
 * the capabilities for one that passes and finds none (11.2 step 6); a
 * delegatee that is not listed makes the node skip the nota bene and find
 * no capacity (11.5).
 */
static const struct {
    const char *word;
    const char *node_error;
    int http_status;
} reason_info[] = {
    [LITHSM_VERIFY_OK] = { "ok", NULL, 200 },
    [LITHSM_VERIFY_MALFORMED] = { "malformed",
                                  "NodeAuthSigSignedMessageConversionError",
                                  400 },
    [LITHSM_VERIFY_UNSUPPORTED_ALGO] = { "unsupported_algo",
                                         "NodeInvalidAuthSig", 401 },
    [LITHSM_VERIFY_SESSION_SIGNATURE_INVALID] = { "session_signature_invalid",
                                                  "NodeInvalidAuthSigSessionKey"
                                                  "Signature",
                                                  400 },
    [LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED] = { "signed_message_malformed",
                                                 "NodeAuthSigSignedMessageConve"
                                                 "rsionError",
                                                 400 },
    [LITHSM_VERIFY_SESSION_KEY_MISMATCH] = { "session_key_mismatch",
                                             "NodeSIWEMessageError", 400 },
    [LITHSM_VERIFY_NODE_ADDRESS_MISMATCH] = { "node_address_mismatch",
                                              "NodeNotAuthorized", 403 },
    [LITHSM_VERIFY_SESSION_EXPIRED] = { "session_expired",
                                        "NodeExpWrongOrTooLarge", 403 },
    [LITHSM_VERIFY_SESSION_NOT_YET_VALID] = { "session_not_yet_valid",
                                              "NodeIatOutsideGracePeriod",
                                              403 },
    [LITHSM_VERIFY_SESSION_TOO_LONG] = { "session_too_long",
                                         "NodeSIWEMessageError", 400 },
    [LITHSM_VERIFY_CAPABILITIES_MISSING] = { "capabilities_missing",
                                             "NodeSIWECapabilityInvalid", 400 },
    [LITHSM_VERIFY_CAPABILITY_MALFORMED] = { "capability_malformed",
                                             "NodeSIWECapabilityInvalid", 400 },
    [LITHSM_VERIFY_AUTHSIG_SIGNATURE_INVALID] = { "authsig_signature_invalid",
                                                  "NodeResourceIdNotFound",
                                                  404 },
    [LITHSM_VERIFY_AUTHSIG_EXPIRED] = { "authsig_expired",
                                        "NodeResourceIdNotFound", 404 },
    [LITHSM_VERIFY_AUTHSIG_NOT_YET_VALID] = { "authsig_not_yet_valid",
                                              "NodeResourceIdNotFound", 404 },
    [LITHSM_VERIFY_AUTHSIG_ADDRESS_MISMATCH] = { "authsig_address_mismatch",
                                                 "NodeResourceIdNotFound",
                                                 404 },
    [LITHSM_VERIFY_DELEGATION_SIGNATURE_INVALID] = { "delegation_signature_"
                                                     "invalid",
                                                     "NodeSIWEMessageError",
                                                     400 },
    [LITHSM_VERIFY_DELEGATION_EXPIRED] = { "delegation_expired",
                                           "NodeSIWEMessageError", 400 },
    [LITHSM_VERIFY_DELEGATION_NOT_YET_VALID] = { "delegation_not_yet_valid",
                                                 "NodeSIWEMessageError", 400 },
    [LITHSM_VERIFY_DELEGATION_ADDRESS_MISMATCH] = { "delegation_address_"
                                                    "mismatch",
                                                    "NodeSIWEMessageError",
                                                    400 },
    [LITHSM_VERIFY_SESSION_URI_MISMATCH] = { "session_uri_mismatch",
                                             "NodeResourceIdNotFound", 404 },
    [LITHSM_VERIFY_RECAP_MISSING] = { "recap_missing", "NodeResourceIdNotFound",
                                      404 },
    [LITHSM_VERIFY_RECAP_MALFORMED] = { "recap_malformed",
                                        "NodeResourceIdNotFound", 404 },
    [LITHSM_VERIFY_RECAP_STATEMENT_MISMATCH] = { "recap_statement_mismatch",
                                                 "NodeResourceIdNotFound",
                                                 404 },
    [LITHSM_VERIFY_RESOURCE_NOT_COVERED] = { "resource_not_covered",
                                             "NodeResourceIdNotFound", 404 },
    [LITHSM_VERIFY_DELEGATEE_NOT_AUTHORIZED] = { "delegatee_not_authorized",
                                                 "rate_limit_exceeded", 402 },
};

#define N_REASONS (sizeof(reason_info) / sizeof(reason_info[0]))

/* A reason appended to lithsm.h needs its row here. */
_Static_assert(N_REASONS == LITHSM_VERIFY_DELEGATEE_NOT_AUTHORIZED + 1,
               "reason_info must list every lithsm_verify_reason");

const char *lithsm_verify_reason_word(lithsm_verify_reason reason)
{
    if ((size_t)reason >= N_REASONS || reason_info[reason].word == NULL)
        return "unknown";
    return reason_info[reason].word;
}

static void set_reason(lithsm_verify_result *res, lithsm_verify_reason reason)
{
    res->reason = reason;
    res->word = reason_info[reason].word;
    res->node_error = reason_info[reason].node_error;
    res->http_status = reason_info[reason].http_status;
}

void lithsm_vreject(lithsm_vstate *st, lithsm_verify_reason reason,
                    const char *fmt, ...)
{
    va_list ap;

    if (st->rejected)
        return;
    st->rejected = 1;
    set_reason(st->res, reason);
    va_start(ap, fmt);
    vsnprintf(st->res->detail, sizeof(st->res->detail), fmt, ap);
    va_end(ap);
}

const char *lithsm_vget_str(const json_object *obj, const char *key,
                            size_t *len_out)
{
    json_object *v;
    const char *s;
    size_t len;

    if (!json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    s = json_object_get_string(v);
    len = (size_t)json_object_get_string_len(v);
    if (s == NULL || strlen(s) != len)
        return NULL;
    if (len_out != NULL)
        *len_out = len;
    return s;
}

void lithsm_vcache_free(lithsm_vcache *cache)
{
    size_t i;

    for (i = 0; i < cache->n_caps; i++)
        lithsm_vcap_free(cache->caps[i]);
    free(cache->caps);
    EVP_PKEY_free(cache->pkey);
    json_object_put(cache->body);
    free(cache->tmpl);
    free(cache->node_address);
    memset(cache, 0, sizeof(*cache));
}

/* Until a verdict is reached the result says "malformed", so a caller that
 * ignores the return value never reads "ok". */
static void no_verdict_yet(lithsm_verify_result *result)
{
    memset(result, 0, sizeof(*result));
    set_reason(result, LITHSM_VERIFY_MALFORMED);
    snprintf(result->detail, sizeof(result->detail),
             "no verdict: the verification did not complete");
}

/* The result once the steps are over: accepted when nothing rejected it,
 * "no verdict" when they could not finish. */
static void conclude(lithsm_verify_result *result, lithsm_err err, int rejected)
{
    if (err == LITHSM_OK && !rejected) {
        set_reason(result, LITHSM_VERIFY_OK);
        result->detail[0] = '\0';
    } else if (err != LITHSM_OK) {
        set_reason(result, LITHSM_VERIFY_MALFORMED);
        snprintf(result->detail, sizeof(result->detail), "no verdict: %s",
                 lithsm_strerror(err));
    }
}

/* The steps after the JSON parse, in order; the first rejection ends them. */
static lithsm_err run_steps(lithsm_vstate *st)
{
    lithsm_err err;

    lithsm_vcheck_outer(st);
    if (st->rejected)
        return LITHSM_OK;
    err = lithsm_vcheck_session_signature(st);
    if (err != LITHSM_OK || st->rejected)
        return err;
    lithsm_vcheck_body(st);
    if (st->rejected)
        return LITHSM_OK;
    /* The node compares the strings; the SDK writes the same hex twice. */
    if (st->session_key_len != st->address_len ||
        memcmp(st->session_key, st->address, st->address_len) != 0) {
        lithsm_vreject(st, LITHSM_VERIFY_SESSION_KEY_MISMATCH,
                       "signedMessage \"sessionKey\" is not the SessionSig "
                       "\"address\"");
        return LITHSM_OK;
    }
    if (!lithsm_node_addr_eq(st->node_address, st->node_url)) {
        lithsm_vreject(st, LITHSM_VERIFY_NODE_ADDRESS_MISMATCH,
                       "signedMessage \"nodeAddress\" names another node");
        return LITHSM_OK;
    }
    lithsm_vcheck_times(st);
    if (st->rejected)
        return LITHSM_OK;
    err = lithsm_vcheck_capabilities(st);
    if (err != LITHSM_OK || st->rejected)
        return err;
    err = lithsm_vcheck_wallet(st);
    if (err != LITHSM_OK || st->rejected)
        return err;
    return lithsm_vcheck_delegations(st);
}

/* One parsed SessionSig for `node_url`; what capabilities it shares with
 * others checked in the same call is found in `cache`. */
static lithsm_err verify_entry(lithsm_verify_result *result,
                               const json_object *outer, const char *node_url,
                               int64_t now_ms, int64_t grace_ms,
                               lithsm_vcache *cache)
{
    lithsm_vstate st;
    lithsm_err err;

    memset(&st, 0, sizeof(st));
    st.res = result;
    st.now_ms = now_ms;
    st.grace_ms = grace_ms;
    st.node_url = node_url;
    st.cache = cache;
    st.outer = outer;
    err = run_steps(&st);
    conclude(result, err, st.rejected);
    free(st.vcaps);
    return err;
}

lithsm_err lithsm_verify_session_sig(lithsm_verify_result *result,
                                     const char *session_sig_json,
                                     size_t json_len, const char *node_url,
                                     int64_t now_ms, int64_t grace_ms)
{
    lithsm_vcache cache;
    json_object *outer = NULL;
    lithsm_err err;

    if (result == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "verify: no result");
    no_verdict_yet(result);
    if (session_sig_json == NULL || node_url == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "verify: no SessionSig or no node URL");
    if (grace_ms < 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "verify: grace_ms is negative");

    err = lithsm_json_parse(&outer, session_sig_json, json_len, "SessionSig");
    if (err == LITHSM_ERR_NOMEM) {
        conclude(result, err, 0);
        return err;
    }
    if (err != LITHSM_OK) {
        set_reason(result, LITHSM_VERIFY_MALFORMED);
        snprintf(result->detail, sizeof(result->detail), "%s",
                 lithsm_last_error());
        return LITHSM_OK;
    }
    memset(&cache, 0, sizeof(cache));
    err = verify_entry(result, outer, node_url, now_ms, grace_ms, &cache);
    lithsm_vcache_free(&cache);
    json_object_put(outer);
    return err;
}

/* ------------------------------------------------------------------------
 * A whole map
 */

/* One block for the results and, after them, the node URLs they point to:
 * the caller frees it with one lithsm_free(). */
static lithsm_verify_entry *entries_new(json_object *map, size_t n)
{
    struct json_object_iterator it, end = json_object_iter_end(map);
    size_t size = n * sizeof(lithsm_verify_entry), i = 0, len;
    lithsm_verify_entry *entries;
    char *urls;

    it = json_object_iter_begin(map);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
        size += strlen(json_object_iter_peek_name(&it)) + 1;
    entries = calloc(1, size);
    if (entries == NULL)
        return NULL;
    urls = (char *)(entries + n);
    it = json_object_iter_begin(map);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        len = strlen(json_object_iter_peek_name(&it)) + 1;
        memcpy(urls, json_object_iter_peek_name(&it), len);
        entries[i++].node_url = urls;
        urls += len;
    }
    return entries;
}

/* Each entry for its own node, in the map's order, with one cache. */
static lithsm_err verify_entries(lithsm_verify_entry *entries, json_object *map,
                                 int64_t now_ms, int64_t grace_ms)
{
    struct json_object_iterator it, end = json_object_iter_end(map);
    lithsm_vcache cache;
    lithsm_err err = LITHSM_OK;
    size_t i = 0;

    memset(&cache, 0, sizeof(cache));
    it = json_object_iter_begin(map);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        lithsm_verify_entry *e = &entries[i++];

        json_object *value = json_object_iter_peek_value(&it);

        no_verdict_yet(&e->result);
        /* A JSON null has no object to check: the text "null" alone gets
         * its verdict and detail from the parse. */
        err = value == NULL
                  ? lithsm_verify_session_sig(&e->result, "null", 4,
                                              e->node_url, now_ms, grace_ms)
                  : verify_entry(&e->result, value, e->node_url, now_ms,
                                 grace_ms, &cache);
        if (err != LITHSM_OK)
            break;
    }
    lithsm_vcache_free(&cache);
    return err;
}

lithsm_err lithsm_verify_session_sigs_map(lithsm_verify_entry **entries_out,
                                          size_t *n_out, const char *map_json,
                                          size_t json_len, int64_t now_ms,
                                          int64_t grace_ms)
{
    json_object *map = NULL;
    lithsm_verify_entry *entries;
    size_t n;
    lithsm_err err;

    if (entries_out == NULL || n_out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "verify: no output");
    *entries_out = NULL;
    *n_out = 0;
    if (map_json == NULL || grace_ms < 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "verify: no SessionSigs map, or grace_ms is "
                           "negative");
    err = lithsm_json_parse(&map, map_json, json_len, "SessionSigs map");
    if (err != LITHSM_OK)
        return err;
    n = json_object_is_type(map, json_type_object)
            ? (size_t)json_object_object_length(map)
            : 0;
    if (n == 0) {
        json_object_put(map);
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SessionSigs map: not a JSON object with at least "
                           "one node URL");
    }
    entries = entries_new(map, n);
    err = entries == NULL
              ? lithsm_fail(LITHSM_ERR_NOMEM, "verify: out of memory")
              : verify_entries(entries, map, now_ms, grace_ms);
    json_object_put(map);
    if (err != LITHSM_OK) {
        free(entries);
        return err;
    }
    *entries_out = entries;
    *n_out = n;
    return LITHSM_OK;
}
