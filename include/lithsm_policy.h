/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_policy.h - the signing service's policy (included by lithsm.h):
 * which caller may have what signed, default deny.
 *
 * The policy file is in OpenSSL configuration syntax (read with
 * NCONF_load: `#` comments, `[section]`, `key = value`, `$var` expansion,
 * so a literal `$` is written `\$`, and `\` escapes).  A key given twice
 * in a section: the configuration parser keeps the last one.
 * examples/serve/policy.cnf is a complete example.
 *
 *   [policy]
 *   callers = admin, restricted     # each names a caller section
 *
 *   [restricted]                    # the caller's name: rules are
 *                                   # reported as "restricted.<key>"
 *   match = subject:CN=restricted,O=lithsm example
 *   match.2 = uid:1000              # more matchers: match.<anything>
 *   keys = wallet                   # key names, or *
 *   routes = session-sigs, keys     # route names, or *
 *   rate = 10/s                     # token bucket: N per s, m, h or d
 *   burst = 20                      # bucket size (default: N of rate)
 *   session_resources = lit-litaction://Qm*
 *   session_abilities = access-control-condition-decryption
 *   session_max_expiration = 1d
 *
 * Lists are separated by commas and/or spaces.  Patterns are matched
 * against the whole text; `*` stands for any run of characters (none
 * too), every other character for itself; a text over 8192 bytes matches
 * no pattern.  Keys of a caller section:
 *  - match, match.<x>: "subject:<pattern of the RFC 2253 subject DN>",
 *    "fingerprint:<64 hex digits, SHA-256 of the certificate's DER>" or
 *    "uid:<n>".  The first caller (in `callers` order) with a matching
 *    matcher decides; a caller matched by none is denied ("default-deny").
 *  - keys, routes: what the caller may use.  Routes: session-sigs,
 *    delegations, sign/message, sign/typed-data, sign/transaction, keys.
 *    A request on any other route is denied ("default-deny").
 *  - rate (N/s, N/m, N/h or N/d) and burst: a token bucket per caller;
 *    every request of the caller takes a token, denied or not.  No rate:
 *    no limit.  A reloaded policy starts with full buckets (unless they
 *    are shared: lithsm_policy_set_rates()).
 *  - session_resources: patterns "<lit prefix>://<id pattern>" (prefixes:
 *    lit-accesscontrolcondition, lit-pkp, lit-litaction,
 *    lit-ratelimitincrease); matched against each resource as the request
 *    gives it (a PKP id is not normalised first: "lit-pkp://0xAB.." is
 *    matched as written).  session_abilities: ability names or *.
 *    session_max_expiration: a duration (N followed by s, m, h or d) from
 *    now.  session_node_urls: patterns for each of the request's nodeUrls.
 *    session_networks: names the request's "network" member may give.
 *  - delegation_delegatees: addresses or *; delegation_max_uses: a
 *    number; delegation_max_expiration: a duration;
 *    delegation_capacity_token_ids: decimal or 0x ids, or *.
 *  - typed_data_domains: names of sections holding `name`, `version`,
 *    `chain_id` and `verifying_contract` (each optional: an absent one
 *    matches any value, the domain's absence of it too), or *;
 *    typed_data_primary_types: type names or *.
 *  - tx_chain_ids: numbers or *; tx_to: addresses, `create` (a contract
 *    creation), or *; tx_max_value: wei, decimal or 0x; tx_selectors:
 *    0x + 8 hex digits, `empty` (no call data), or *.
 * A list or pattern key a route's request needs and the caller lacks
 * denies it (nothing is allowed unless listed); an absent maximum
 * (session_max_expiration, delegation_max_uses, ...) is no limit.  An
 * unknown key, a section no caller or list names, a bad pattern, address,
 * duration or number fails the load naming file, section and key.
 *
 * Request bodies (issue 10, the JS SDK's names):
 *  - session-sigs: {"wallet", "resourceAbilityRequests": [{"resource",
 *    "ability"}], "expiration" (RFC 3339; required when the caller has
 *    session_max_expiration), "nodeUrls": [...] (optional), "network"
 *    (optional), ...};
 *  - delegations: {"owner", "capacityTokenId", "delegateeAddresses":
 *    [...], "uses" (number or decimal string), "expiration", ...};
 *  - sign/message: {"key", "message"}; sign/typed-data: {"key", "data":
 *    the typed-data object, or a string holding its JSON text};
 *    sign/transaction: {"key", "tx": the transaction object, or a string
 *    holding its JSON}; both read by the parsers that sign them
 *    (lithsm_typed_data_parse, lithsm_tx_from_json); keys: no body.
 *  - capacityTokenId and uses: a decimal or 0x string, or a JSON integer;
 *    delegations without "uses" are denied when delegation_max_uses is
 *    set, as are requests without "expiration" under a maximum one.
 * Members the policy does not read are left to the service to check.  A
 * key member that differs from the request's `key` is denied.
 */
#ifndef LITHSM_POLICY_H
#define LITHSM_POLICY_H

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Signing policy
 */
typedef struct lithsm_policy lithsm_policy;

/** Loads and checks the policy file at `path`.  Caller frees *out with
 *  lithsm_policy_free().  To reload (SIGHUP), load the new file into a
 *  new object and swap it in only on OK: a failed load changes nothing.
 *  Returns: OK; INVALID_ARG for a NULL; IO for a file that cannot be
 *  read; PARSE for a syntax error, an unknown key, a bad pattern, address,
 *  duration or number (the message names file, section and key, or the
 *  line); NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_policy_load(lithsm_policy **out, const char *path);

/** Takes one more reference on p (returned), so a reader may keep using
 *  a policy another thread has just swapped out; each reference is given
 *  back with lithsm_policy_free().  Thread-safe. */
LITHSM_API lithsm_policy *lithsm_policy_ref(lithsm_policy *p);

/** Gives back one reference; the last one frees.  NULL is a no-op.
 *  Thread-safe. */
LITHSM_API void lithsm_policy_free(lithsm_policy *p);

/** The number of callers the policy names. */
LITHSM_API size_t lithsm_policy_caller_count(const lithsm_policy *p);

/** Makes p's rate limits shared: each caller's bucket is the one named
 *  after the caller in `rates` (lithsm_rates_postgres_new()), which every
 *  process using the same database draws from, instead of a bucket in p.
 *  `rates` is borrowed: it must outlive p.  Call it before p is used by
 *  other threads (a reloaded policy needs it again).  Shared buckets are
 *  not refilled by a reload.  When `rates` fails (the database is away),
 *  lithsm_policy_decide() returns its error (NETWORK) with *out denied by
 *  rule "rate-unavailable": the service answers 503.  NULL: p's own
 *  buckets again. */
LITHSM_API void lithsm_policy_set_rates(lithsm_policy *p, lithsm_rates *rates);

typedef struct lithsm_policy_request {
    const char *caller; /* "subject:<RFC 2253 subject DN>", "fingerprint:<sha256
                           hex of the client cert DER>" or "uid:<n>" */
    const char *route;  /* "session-sigs", "delegations", "sign/message",
                           "sign/typed-data", "sign/transaction", "keys" */
    const char *key;    /* the key name the request uses, or NULL */
    const char *body;   /* the request body JSON, may be NULL for "keys" */
    size_t body_len;
    int64_t now_ms; /* for expirations and the rate limit */
} lithsm_policy_request;

typedef struct lithsm_policy_decision {
    int allowed;      /* 1 allow, 0 deny */
    char rule[128];   /* the rule that decided: "restricted.session_resources",
                         "restricted.routes", "default-deny", or
                         "<caller>.allow" for an allowed request */
    char reason[256]; /* a sentence for the 403 body and the audit record;
                         never secrets; printable ASCII (request text quoted
                         in it has other bytes replaced by '?') */
    char caller[72];  /* the policy caller the request matched ("" for
                         none), for metrics and the audit record */
} lithsm_policy_decision;

/** Decides `req` against p.  Thread-safe: the rate-limit state inside p
 *  is locked.  Checks in order: caller, rate, route, key, then the
 *  route's rules over the body; the first that fails denies.
 *  Returns: OK with *out filled; INVALID_ARG for a NULL; PARSE for a body
 *  that is not the route's JSON (the service answers 400;
 *  lithsm_last_error() names the member, and *out is denied with rule
 *  "bad-request"); NETWORK (or PROTOCOL) when the shared rate limits
 *  (lithsm_policy_set_rates()) fail, *out denied with rule
 *  "rate-unavailable"; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_policy_decide(lithsm_policy_decision *out,
                                           lithsm_policy *p,
                                           const lithsm_policy_request *req);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_POLICY_H */
