/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * policy_fuzzer.c - untrusted policy files and request bodies.  The first
 * byte chooses: 'P' feeds the rest as a policy file (a load either gives
 * a policy that then decides a few requests, or nothing and a message
 * naming the policy); otherwise the byte picks a route and the rest is its
 * body, decided by a permissive and a strict policy: a decision always
 * names a rule and a reason, a refused body is denied, and deciding twice
 * gives the same answer.
 */
#include <stdint.h>
#include <string.h>

#include "lithsm.h"
#include "policy/policy.h"

#include "fuzz.h"

static const char permissive[] =
    "[policy]\ncallers = a\n[a]\nmatch = uid:1\nkeys = *\nroutes = *\n"
    "session_resources = *\nsession_abilities = *\nsession_node_urls = *\n"
    "session_networks = *\ndelegation_delegatees = *\n"
    "delegation_capacity_token_ids = *\ntyped_data_domains = *\n"
    "typed_data_primary_types = *\ntx_chain_ids = *\ntx_to = *\n"
    "tx_selectors = *\n";

static const char strict[] =
    "[policy]\ncallers = s\n[s]\nmatch = uid:1\nkeys = k\nroutes = *\n"
    "session_resources = lit-pkp://0x*a*b, lit-litaction://*\n"
    "session_abilities = pkp-signing\nsession_max_expiration = 1d\n"
    "session_node_urls = https://*.example:*\nsession_networks = datil\n"
    "delegation_delegatees = 0x1111111111111111111111111111111111111111\n"
    "delegation_max_uses = 3\ndelegation_max_expiration = 2h\n"
    "delegation_capacity_token_ids = 7\ntyped_data_domains = d\n"
    "typed_data_primary_types = Mail, Permit\ntx_chain_ids = 1, 8453\n"
    "tx_to = create, 0x1111111111111111111111111111111111111111\n"
    "tx_max_value = 1000000\ntx_selectors = empty, 0xa9059cbb\n"
    "[d]\nname = Ether Mail\nchain_id = 1\n";

static const char *const routes[] = { "session-sigs",     "delegations",
                                      "sign/message",     "sign/typed-data",
                                      "sign/transaction", "keys",
                                      "unknown" };

static void decide_checked(lithsm_policy *p, const char *route,
                           const uint8_t *body, size_t len)
{
    lithsm_policy_request req = { "uid:1", route,
                                  "k",     (const char *)body,
                                  len,     1767225600000LL };
    lithsm_policy_decision d, again;
    lithsm_err err = lithsm_policy_decide(&d, p, &req);

    MUST(err == LITHSM_OK || err == LITHSM_ERR_PARSE ||
         err == LITHSM_ERR_NOMEM);
    MUST(d.rule[0] != '\0' && d.reason[0] != '\0');
    MUST(d.allowed == 0 || d.allowed == 1);
    MUST(err == LITHSM_OK || !d.allowed);
    MUST(lithsm_policy_decide(&again, p, &req) == err);
    MUST(again.allowed == d.allowed && strcmp(again.rule, d.rule) == 0);
}

static void policy_file(const uint8_t *data, size_t size)
{
    lithsm_policy *p = (lithsm_policy *)&p;
    lithsm_err err = pol_load_text(&p, (const char *)data, size, "fuzz");
    size_t i;

    if (err != LITHSM_OK) {
        MUST(p == NULL);
        MUST(strncmp(lithsm_last_error(), "policy", 6) == 0);
        return;
    }
    MUST(lithsm_policy_caller_count(p) > 0);
    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        lithsm_policy_request req = { "uid:1", routes[i], "k", "{}", 2, 0 };
        lithsm_policy_decision d;
        err = lithsm_policy_decide(&d, p, &req);
        MUST(err == LITHSM_OK || err == LITHSM_ERR_PARSE);
        MUST(d.rule[0] != '\0');
    }
    lithsm_policy_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lithsm_policy *loose, *tight;

    if (size == 0)
        return 0;
    if (data[0] == 'P') {
        policy_file(data + 1, size - 1);
        return 0;
    }
    if (loose == NULL) {
        MUST(pol_load_text(&loose, permissive, strlen(permissive), "p") ==
             LITHSM_OK);
        MUST(pol_load_text(&tight, strict, strlen(strict), "s") == LITHSM_OK);
    }
    decide_checked(loose, routes[data[0] % 7], data + 1, size - 1);
    decide_checked(tight, routes[data[0] % 7], data + 1, size - 1);
    return 0;
}
