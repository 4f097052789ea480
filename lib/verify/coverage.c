/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * coverage.c - what the capabilities grant (lit-protocol.md 10.2, 11.4,
 * 11.5): the wallet AuthSig binds the session key and its ReCap covers every
 * request; a capacity delegation lets the wallet in.  What depends on a
 * capability alone is worked out once per verification call (lithsm_vcap);
 * what depends on the entry (its session key and requests) each time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "verify/verify.h"

#define LIT_SESSION_URI_PREFIX "lit:session:"
#define LIT_RLI_PREFIX "lit-ratelimitincrease://"
#define RECAP_URN_PREFIX "urn:recap:"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* ------------------------------------------------------------------------
 * Step 7: the wallet AuthSig, the last capability (10.2, 11.4).
 */

/* Its ReCap (resources[0]) and whether the statement ends with the ReCap
 * sentence: into c->recap, c->wallet_reason and c->wallet_tail. */
static lithsm_err judge_wallet_recap(lithsm_vcap *c)
{
    const lithsm_siwe *w = lithsm_siwe_msg_fields(c->check.siwe);
    char *stmt = NULL;
    lithsm_err err;

    c->wallet_reason = LITHSM_VERIFY_OK;
    if (w->n_resources == 0) {
        c->wallet_reason = LITHSM_VERIFY_RECAP_MISSING;
        snprintf(c->wallet_tail, sizeof(c->wallet_tail),
                 " (the wallet AuthSig): the SIWE has no resources");
        return LITHSM_OK;
    }
    /* The SDK reads resources[0] (checkNeedToResignSessionKey); a node
     * accepts any decodable urn:recap resource.  lithsm writes exactly one,
     * so both readings agree on what lithsm produces. */
    err = lithsm_recap_decode(&c->recap, w->resources[0]);
    if (err == LITHSM_ERR_NOMEM)
        return err;
    if (err != LITHSM_OK) {
        c->wallet_reason = LITHSM_VERIFY_RECAP_MALFORMED;
        snprintf(c->wallet_tail, sizeof(c->wallet_tail),
                 " (the wallet AuthSig): resources[0]: %s",
                 lithsm_last_error());
        return LITHSM_OK;
    }
    err = lithsm_recap_statement(&stmt, c->recap);
    if (err == LITHSM_ERR_NOMEM)
        return err;
    if (err != LITHSM_OK) {
        c->wallet_reason = LITHSM_VERIFY_RECAP_MALFORMED;
        snprintf(c->wallet_tail, sizeof(c->wallet_tail),
                 " (the wallet AuthSig): %s", lithsm_last_error());
        return LITHSM_OK;
    }
    /* siwe-recap extract_and_verify: an absent statement fails too. */
    if (w->statement == NULL || !ends_with(w->statement, stmt)) {
        c->wallet_reason = LITHSM_VERIFY_RECAP_STATEMENT_MISMATCH;
        snprintf(c->wallet_tail, sizeof(c->wallet_tail),
                 " (the wallet AuthSig): the SIWE statement does not end "
                 "with the ReCap sentence");
    }
    lithsm_free(stmt);
    return LITHSM_OK;
}

/* 1 if the SIWE URI is "lit:session:" + the session key. */
static int binds_session_key(const lithsm_vstate *st, const lithsm_siwe *w)
{
    size_t plen = strlen(LIT_SESSION_URI_PREFIX);

    return w->uri != NULL && strlen(w->uri) == plen + st->session_key_len &&
           memcmp(w->uri, LIT_SESSION_URI_PREFIX, plen) == 0 &&
           memcmp(w->uri + plen, st->session_key, st->session_key_len) == 0;
}

/* Every resource-ability request is granted by the wallet's ReCap. */
static void check_coverage(lithsm_vstate *st, const lithsm_recap *recap)
{
    size_t i, n = json_object_array_length(st->requests);

    for (i = 0; i < n; i++) {
        json_object *req = json_object_array_get_idx(st->requests, i);
        json_object *res = json_object_object_get(req, "resource");
        const char *id = lithsm_vget_str(res, "resource", NULL);
        const char *prefix = lithsm_vget_str(res, "resourcePrefix", NULL);
        const char *name = lithsm_vget_str(req, "ability", NULL);
        lithsm_ability ability;

        if (lithsm_ability_from_name(&ability, name) != LITHSM_OK) {
            lithsm_vreject(st, LITHSM_VERIFY_RESOURCE_NOT_COVERED,
                           "resourceAbilityRequests[%zu]: unknown ability", i);
            return;
        }
        if (!lithsm_recap_covers(recap, prefix, id, ability)) {
            lithsm_vreject(st, LITHSM_VERIFY_RESOURCE_NOT_COVERED,
                           "resourceAbilityRequests[%zu] (%s) is not granted "
                           "by the wallet ReCap",
                           i, lithsm_ability_name(ability));
            return;
        }
    }
}

lithsm_err lithsm_vcheck_wallet(lithsm_vstate *st)
{
    size_t last = st->n_caps - 1;
    lithsm_vcap *c = st->vcaps[last];
    lithsm_err err;

    if (!binds_session_key(st, lithsm_siwe_msg_fields(c->check.siwe))) {
        lithsm_vreject(st, LITHSM_VERIFY_SESSION_URI_MISMATCH,
                       "capability %zu (the wallet AuthSig): the SIWE URI is "
                       "not \"lit:session:\" + sessionKey",
                       last);
        return LITHSM_OK;
    }
    if (!c->wallet_done) {
        err = judge_wallet_recap(c);
        if (err != LITHSM_OK)
            return err;
        c->wallet_done = 1;
    }
    if (c->wallet_reason != LITHSM_VERIFY_OK) {
        lithsm_vreject(st, c->wallet_reason, "capability %zu%s", last,
                       c->wallet_tail);
        return LITHSM_OK;
    }
    check_coverage(st, c->recap);
    return LITHSM_OK;
}

/* ------------------------------------------------------------------------
 * Step 8: capacity delegations name the wallet (11.5).
 */

/* One "Auth/Auth" nota bene: 1 if it lets `wallet_hex` (40 lowercase hex)
 * use the capacity, that is when it has no "delegate_to" or lists it. */
static int nota_bene_allows(const json_object *nb, const char *wallet_hex)
{
    json_object *to;
    size_t i, n;

    if (!json_object_object_get_ex(nb, "delegate_to", &to))
        return 1;
    if (!json_object_is_type(to, json_type_array))
        return 0;
    n = json_object_array_length(to);
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(to, i);

        if (json_object_is_type(e, json_type_string) &&
            json_object_get_string_len(e) == 40 &&
            strncasecmp(json_object_get_string(e), wallet_hex, 40) == 0)
            return 1;
    }
    return 0;
}

/* The "Auth/Auth" nota benes on lit-ratelimitincrease:// resources of one
 * ReCap "att" object: counts them in *seen, sets *allowed if one lets the
 * wallet in. */
static void scan_att(json_object *att, const char *wallet_hex, size_t *seen,
                     int *allowed)
{
    struct json_object_iterator it = json_object_iter_begin(att);
    struct json_object_iterator end = json_object_iter_end(att);

    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *key = json_object_iter_peek_name(&it);
        json_object *abilities = json_object_iter_peek_value(&it);
        json_object *nbs;
        size_t i, n;

        if (strncmp(key, LIT_RLI_PREFIX, strlen(LIT_RLI_PREFIX)) != 0 ||
            !json_object_object_get_ex(abilities, "Auth/Auth", &nbs) ||
            !json_object_is_type(nbs, json_type_array))
            continue;
        n = json_object_array_length(nbs);
        for (i = 0; i < n; i++) {
            json_object *nb = json_object_array_get_idx(nbs, i);

            if (!json_object_is_type(nb, json_type_object))
                continue;
            (*seen)++;
            if (nota_bene_allows(nb, wallet_hex))
                *allowed = 1;
        }
    }
}

/* scan_att() over the ReCap in `urn`; one that does not decode is
 * dropped, as the node does. */
static lithsm_err scan_recap(const char *urn, const char *wallet_hex,
                             size_t *seen, int *allowed)
{
    lithsm_recap *recap = NULL;
    char *text = NULL;
    json_object *root = NULL, *att;
    lithsm_err err;

    err = lithsm_recap_decode(&recap, urn);
    if (err != LITHSM_OK)
        return err == LITHSM_ERR_NOMEM ? err : LITHSM_OK;
    err = lithsm_recap_json(&text, recap);
    if (err == LITHSM_OK)
        err = lithsm_json_parse(&root, text, strlen(text), "ReCap");
    if (err == LITHSM_OK && json_object_object_get_ex(root, "att", &att) &&
        json_object_is_type(att, json_type_object))
        scan_att(att, wallet_hex, seen, allowed);
    json_object_put(root);
    lithsm_free(text);
    lithsm_recap_free(recap);
    return err == LITHSM_ERR_NOMEM ? err : LITHSM_OK;
}

/* Whether delegation `c` shuts the wallet out: it has Auth/Auth nota benes
 * and none lets the wallet in.  Into c->deleg_denied, kept per wallet. */
static lithsm_err judge_delegation(lithsm_vcap *c,
                                   const lithsm_eth_address *wallet)
{
    const lithsm_siwe *f = lithsm_siwe_msg_fields(c->check.siwe);
    char wallet_hex[2 * LITHSM_ETH_ADDRESS_LEN + 1];
    size_t r, seen = 0;
    int allowed = 0;
    lithsm_err err;

    if (lithsm_hex_encode(wallet_hex, sizeof(wallet_hex), wallet->bytes,
                          sizeof(wallet->bytes)) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PARSE, "verify: wallet address lost");
    for (r = 0; r < f->n_resources; r++) {
        if (strncmp(f->resources[r], RECAP_URN_PREFIX,
                    strlen(RECAP_URN_PREFIX)) != 0)
            continue;
        err = scan_recap(f->resources[r], wallet_hex, &seen, &allowed);
        if (err != LITHSM_OK)
            return err;
    }
    c->deleg_denied = seen > 0 && !allowed;
    c->deleg_wallet = *wallet;
    c->deleg_done = 1;
    return LITHSM_OK;
}

lithsm_err lithsm_vcheck_delegations(lithsm_vstate *st)
{
    const lithsm_eth_address *wallet =
        &st->vcaps[st->n_caps - 1]->check.siwe_address;
    size_t i;
    lithsm_err err;

    for (i = 0; i < st->n_caps; i++) {
        lithsm_vcap *c = st->vcaps[i];

        if (c->role != &lithsm_role_delegation)
            continue;
        if (!c->deleg_done || memcmp(c->deleg_wallet.bytes, wallet->bytes,
                                     sizeof(wallet->bytes)) != 0) {
            err = judge_delegation(c, wallet);
            if (err != LITHSM_OK)
                return err;
        }
        if (c->deleg_denied) {
            lithsm_vreject(st, LITHSM_VERIFY_DELEGATEE_NOT_AUTHORIZED,
                           "capability %zu (delegation): \"delegate_to\" does "
                           "not list the wallet address",
                           i);
            return LITHSM_OK;
        }
    }
    return LITHSM_OK;
}
