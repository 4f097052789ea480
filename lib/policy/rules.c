/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * rules.c - the session-sigs and delegations rules over a request body
 * (member names of the JS SDK, issue 10).
 */
#include <ctype.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/int256.h"
#include "policy/policy.h"

/* An optional string member: OK with *out NULL when absent. */
static lithsm_err opt_str(const char **out, json_object *body,
                          const char *route, const char *member)
{
    json_object *v;

    *out = NULL;
    if (!json_object_object_get_ex(body, member, &v) ||
        json_object_is_type(v, json_type_null))
        return LITHSM_OK;
    if (!json_object_is_type(v, json_type_string) ||
        strlen(json_object_get_string(v)) !=
            (size_t)json_object_get_string_len(v))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: %s: not a string", route,
                           member);
    *out = json_object_get_string(v);
    return LITHSM_OK;
}

/* An array member (required when `required`): OK with *out NULL when
 * absent. */
static lithsm_err get_array(json_object **out, json_object *body,
                            const char *route, const char *member, int required)
{
    *out = NULL;
    if (!json_object_object_get_ex(body, member, out) ||
        json_object_is_type(*out, json_type_null)) {
        *out = NULL;
        return required ? lithsm_fail(LITHSM_ERR_PARSE, "%s: %s: missing",
                                      route, member)
                        : LITHSM_OK;
    }
    if (!json_object_is_type(*out, json_type_array))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: %s: not an array", route,
                           member);
    return LITHSM_OK;
}

/* The string item i of an array. */
static lithsm_err item_str(const char **out, json_object *arr, size_t i,
                           const char *route, const char *member)
{
    json_object *v = json_object_array_get_idx(arr, i);

    if (!json_object_is_type(v, json_type_string) ||
        strlen(json_object_get_string(v)) !=
            (size_t)json_object_get_string_len(v))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: %s[%zu]: not a string", route,
                           member, i);
    *out = json_object_get_string(v);
    return LITHSM_OK;
}

/* "expiration" against a maximum duration from now (-1: none). */
static lithsm_err expiration_check(lithsm_policy_decision *d,
                                   const pol_caller *c, json_object *body,
                                   const char *route, const char *rule,
                                   int64_t max_ms, int64_t now_ms)
{
    const char *text;
    int64_t exp;
    lithsm_err err;

    if ((err = opt_str(&text, body, route, "expiration")) != LITHSM_OK)
        return err;
    if (text != NULL && lithsm_time_parse(&exp, text) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: expiration: not RFC 3339",
                           route);
    if (max_ms < 0)
        return LITHSM_OK;
    if (text == NULL)
        pol_deny(d, c, rule, "no expiration given; %s limits it", rule);
    else if (exp - now_ms > max_ms)
        pol_deny(d, c, rule, "expiration %s is more than %lld s from now", text,
                 (long long)(max_ms / 1000));
    return LITHSM_OK;
}

static lithsm_err ability_requests_check(lithsm_policy_decision *d,
                                         const pol_caller *c, json_object *body)
{
    const char *route = "session-sigs", *m = "resourceAbilityRequests";
    json_object *arr, *it, *res, *ab;
    size_t i, n;
    lithsm_err err;

    if ((err = get_array(&arr, body, route, m, 1)) != LITHSM_OK)
        return err;
    n = json_object_array_length(arr);
    for (i = 0; i < n && d->allowed; i++) {
        it = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(it, json_type_object) ||
            !json_object_object_get_ex(it, "resource", &res) ||
            !json_object_object_get_ex(it, "ability", &ab) ||
            !json_object_is_type(res, json_type_string) ||
            !json_object_is_type(ab, json_type_string) ||
            strlen(json_object_get_string(res)) !=
                (size_t)json_object_get_string_len(res))
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "%s: %s[%zu]: not {resource, ability} strings",
                               route, m, i);
        if (!pol_list_allows(&c->s_resources, json_object_get_string(res), 1))
            pol_deny(d, c, "session_resources",
                     "resource %.120s is not in session_resources",
                     json_object_get_string(res));
        else if (!pol_list_allows(&c->s_abilities, json_object_get_string(ab),
                                  0))
            pol_deny(d, c, "session_abilities",
                     "ability %.80s is not in session_abilities",
                     json_object_get_string(ab));
    }
    return LITHSM_OK;
}

lithsm_err pol_rules_session(lithsm_policy_decision *d, const pol_caller *c,
                             json_object *body, int64_t now_ms)
{
    const char *route = "session-sigs", *s;
    json_object *urls;
    size_t i;
    lithsm_err err;

    if ((err = ability_requests_check(d, c, body)) != LITHSM_OK ||
        (err = get_array(&urls, body, route, "nodeUrls", 0)) != LITHSM_OK ||
        (err = opt_str(&s, body, route, "network")) != LITHSM_OK)
        return err;
    for (i = 0; urls != NULL && i < json_object_array_length(urls); i++) {
        const char *u;
        if ((err = item_str(&u, urls, i, route, "nodeUrls")) != LITHSM_OK)
            return err;
        if (d->allowed && !pol_list_allows(&c->s_node_urls, u, 1))
            pol_deny(d, c, "session_node_urls",
                     "node URL %.120s is not in session_node_urls", u);
    }
    if (d->allowed && s != NULL && !pol_list_allows(&c->s_networks, s, 0))
        pol_deny(d, c, "session_networks",
                 "network %.64s is not in session_networks", s);
    if (!d->allowed)
        return LITHSM_OK;
    return expiration_check(d, c, body, route, "session_max_expiration",
                            c->s_max_exp_ms, now_ms);
}

static lithsm_err delegatees_check(lithsm_policy_decision *d,
                                   const pol_caller *c, json_object *body)
{
    const char *route = "delegations", *m = "delegateeAddresses";
    json_object *arr;
    size_t i, j;
    lithsm_err err;

    if ((err = get_array(&arr, body, route, m, 1)) != LITHSM_OK)
        return err;
    for (i = 0; i < json_object_array_length(arr); i++) {
        const char *s;
        char low[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
        lithsm_eth_address a;

        if ((err = item_str(&s, arr, i, route, m)) != LITHSM_OK)
            return err;
        if (lithsm_eth_address_parse(&a, s, 0) != LITHSM_OK)
            return lithsm_fail(LITHSM_ERR_PARSE, "%s: %s[%zu]: not an address",
                               route, m, i);
        lithsm_eth_address_to_text(low, &a);
        for (j = 2; low[j] != '\0'; j++)
            low[j] = (char)tolower((unsigned char)low[j]);
        if (d->allowed && !pol_list_allows(&c->d_delegatees, low, 0))
            pol_deny(d, c, "delegation_delegatees",
                     "delegatee %s is not in delegation_delegatees", low);
    }
    return LITHSM_OK;
}

lithsm_err pol_rules_delegation(lithsm_policy_decision *d, const pol_caller *c,
                                json_object *body, int64_t now_ms)
{
    const char *route = "delegations";
    json_object *v;
    uint8_t id[32], uses[32];
    char dec[LITHSM_UINT256_DEC_MAX];
    lithsm_err err;

    if (!json_object_object_get_ex(body, "capacityTokenId", &v))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: capacityTokenId: missing",
                           route);
    if ((err = lithsm_int_from_json(id, v, LITHSM_UINT256,
                                    "delegations: capacityTokenId")) !=
        LITHSM_OK)
        return LITHSM_ERR_PARSE;
    lithsm_uint256_to_dec(dec, id);
    if (!pol_list_allows(&c->d_token_ids, dec, 0))
        pol_deny(d, c, "delegation_capacity_token_ids",
                 "capacity token %.80s is not in "
                 "delegation_capacity_token_ids",
                 dec);
    if ((err = delegatees_check(d, c, body)) != LITHSM_OK)
        return err;
    if (json_object_object_get_ex(body, "uses", &v) &&
        lithsm_int_from_json(uses, v, LITHSM_UINT256, "delegations: uses") !=
            LITHSM_OK)
        return LITHSM_ERR_PARSE;
    if (d->allowed && c->have_d_max_uses) {
        if (v == NULL)
            pol_deny(d, c, "delegation_max_uses",
                     "no uses given; delegation_max_uses limits them");
        else if (lithsm_uint256_cmp(uses, c->d_max_uses) > 0)
            pol_deny(d, c, "delegation_max_uses",
                     "uses is above delegation_max_uses");
    }
    if (!d->allowed)
        return LITHSM_OK;
    return expiration_check(d, c, body, route, "delegation_max_expiration",
                            c->d_max_exp_ms, now_ms);
}
