/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * rules_eth.c - the sign/typed-data and sign/transaction rules: the body's
 * "data" or "tx" object is read by the same parsers the signing uses
 * (lithsm_typed_data_parse, lithsm_tx_from_json), so the policy judges
 * exactly what would be signed.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/int256.h"
#include "policy/policy.h"

/* The member `member` of body written back as JSON text (a string member
 * is taken as the JSON text itself).  Caller frees *out with
 * lithsm_buf_free. */
static lithsm_err member_text(lithsm_buf *out, json_object *body,
                              const char *route, const char *member)
{
    json_object *v;

    lithsm_buf_init(out);
    if (!json_object_object_get_ex(body, member, &v) ||
        !(json_object_is_type(v, json_type_object) ||
          json_object_is_type(v, json_type_string)))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: %s: missing or not an object",
                           route, member);
    if (json_object_is_type(v, json_type_string))
        lithsm_buf_add(out, json_object_get_string(v),
                       (size_t)json_object_get_string_len(v));
    else
        lithsm_buf_json_value(out, v);
    if (out->failed) {
        lithsm_buf_free(out);
        return lithsm_fail(LITHSM_ERR_NOMEM, "policy: out of memory");
    }
    return LITHSM_OK;
}

static int text_is(const char *want, const char *have, size_t have_len)
{
    return have != NULL && strlen(want) == have_len &&
           memcmp(want, have, have_len) == 0;
}

static int domain_matches(const pol_domain *pd, const lithsm_typed_data *td)
{
    size_t len = 0;
    const char *s;
    lithsm_eth_address a;

    s = lithsm_typed_data_domain_name(td, &len);
    if (pd->name != NULL && !text_is(pd->name, s, len))
        return 0;
    s = lithsm_typed_data_domain_version(td, &len);
    if (pd->version != NULL && !text_is(pd->version, s, len))
        return 0;
    s = lithsm_typed_data_domain_chain_id(td);
    if (pd->chain_id != NULL && (s == NULL || strcmp(pd->chain_id, s) != 0))
        return 0;
    if (pd->has_contract &&
        (!lithsm_typed_data_verifying_contract(&a, td) ||
         memcmp(a.bytes, pd->contract.bytes, sizeof(a.bytes)) != 0))
        return 0;
    return 1;
}

lithsm_err pol_rules_typed_data(lithsm_policy_decision *d, const pol_caller *c,
                                json_object *body)
{
    lithsm_buf text;
    lithsm_typed_data *td = NULL;
    lithsm_err err;
    size_t i;
    int ok;

    if ((err = member_text(&text, body, "sign/typed-data", "data")) !=
        LITHSM_OK)
        return err;
    err = lithsm_typed_data_parse(&td, text.data, text.len);
    lithsm_buf_free(&text);
    if (err != LITHSM_OK)
        return err == LITHSM_ERR_NOMEM ? err : LITHSM_ERR_PARSE;
    ok = c->td_domain_names.any;
    for (i = 0; !ok && i < c->n_td_domains; i++)
        ok = domain_matches(&c->td_domains[i], td);
    if (!ok)
        pol_deny(d, c, "typed_data_domains",
                 "the typed data's domain is not in typed_data_domains");
    else if (!pol_list_allows(&c->td_primary_types,
                              lithsm_typed_data_primary_type(td), 0))
        pol_deny(d, c, "typed_data_primary_types",
                 "primary type %.80s is not in typed_data_primary_types",
                 lithsm_typed_data_primary_type(td));
    lithsm_typed_data_free(td);
    return LITHSM_OK;
}

/* The selector rule: "empty" for no call data, else 0x + 8 hex. */
static void selector_check(lithsm_policy_decision *d, const pol_caller *c,
                           const lithsm_tx *tx)
{
    size_t len = 0;
    const uint8_t *data = lithsm_tx_data(&len, tx);
    char sel[11];

    if (len == 0) {
        if (!pol_list_allows(&c->tx_selectors, "empty", 0))
            pol_deny(d, c, "tx_selectors",
                     "a transaction without call data is not allowed "
                     "(tx_selectors lacks empty)");
        return;
    }
    if (len < 4) {
        if (!c->tx_selectors.any)
            pol_deny(d, c, "tx_selectors",
                     "call data of %zu bytes has no function selector", len);
        return;
    }
    snprintf(sel, sizeof(sel), "0x%02x%02x%02x%02x", data[0], data[1], data[2],
             data[3]);
    if (!pol_list_allows(&c->tx_selectors, sel, 0))
        pol_deny(d, c, "tx_selectors", "selector %s is not in tx_selectors",
                 sel);
}

static void tx_check(lithsm_policy_decision *d, const pol_caller *c,
                     const lithsm_tx *tx)
{
    uint8_t v[32];
    char dec[LITHSM_UINT256_DEC_MAX], to[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_eth_address a;
    size_t i;

    lithsm_tx_chain_id(v, tx);
    lithsm_uint256_to_dec(dec, v);
    if (!pol_list_allows(&c->tx_chain_ids, dec, 0)) {
        pol_deny(d, c, "tx_chain_ids", "chain id %.20s is not in tx_chain_ids",
                 dec);
        return;
    }
    if (lithsm_tx_to(&a, tx)) {
        lithsm_eth_address_to_text(to, &a);
        for (i = 2; to[i] != '\0'; i++)
            to[i] = (char)tolower((unsigned char)to[i]);
    } else {
        snprintf(to, sizeof(to), "create");
    }
    if (!pol_list_allows(&c->tx_to, to, 0)) {
        pol_deny(d, c, "tx_to", "recipient %s is not in tx_to", to);
        return;
    }
    lithsm_tx_value(v, tx);
    if (c->have_tx_max_value && lithsm_uint256_cmp(v, c->tx_max_value) > 0) {
        lithsm_uint256_to_dec(dec, v);
        pol_deny(d, c, "tx_max_value", "value %.78s wei is above tx_max_value",
                 dec);
        return;
    }
    selector_check(d, c, tx);
}

lithsm_err pol_rules_tx(lithsm_policy_decision *d, const pol_caller *c,
                        json_object *body)
{
    lithsm_buf text;
    lithsm_tx *tx = NULL;
    lithsm_err err;

    if ((err = member_text(&text, body, "sign/transaction", "tx")) != LITHSM_OK)
        return err;
    err = lithsm_tx_from_json(&tx, text.data, text.len);
    lithsm_buf_free(&text);
    if (err != LITHSM_OK)
        return err == LITHSM_ERR_NOMEM ? err : LITHSM_ERR_PARSE;
    tx_check(d, c, tx);
    lithsm_tx_free(tx);
    return LITHSM_OK;
}
