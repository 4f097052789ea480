/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * offline.c - getSessionSigs without a network or a store: the caller
 * gives the node URLs and the nonce (the latest blockhash), the wallet
 * signs a fresh AuthSig for the session key, then one SessionSig per node.
 *
 * Decisions (see lithsm_flow.h):
 *  - The session key and the SessionSigs' issuedAt may be fixed by the
 *    caller, so that a run can be repeated byte for byte (test vectors);
 *    by default a new random key and the wallet SIWE's Issued At.
 *  - Only a wallet signer: an auth callback's AuthSig is checked and
 *    retried against the store's rules, which is lithsm_get_session_sigs'
 *    business.
 *  - The wallet AuthSig is fresh, so the SessionSigs expire at the
 *    requested expiration: the output equals lithsm_get_session_sigs'
 *    without a client and a store, for the same key and clock.
 */
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

#define DAY_MS (24LL * 3600 * 1000)

/* The times as text: the wallet SIWE's Issued At, the expiration (the
 * SessionSigs' too) and the SessionSigs' issuedAt. */
typedef struct offline_times {
    char issued[LITHSM_TIME_LEN + 1];
    char exp_buf[LITHSM_TIME_LEN + 1];
    const char *expiration; /* p->expiration or exp_buf */
    const char *session_issued;
} offline_times;

static lithsm_err check_offline(const lithsm_flow_params *p)
{
    if (p->store != NULL || p->auth_callback != NULL || p->wallet == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "offline session sigs: give a wallet signer, "
                           "without store or auth callback");
    /* Before the wallet signs anything. */
    if (p->requests == NULL || lithsm_requests_count(p->requests) == 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "offline session sigs: at least one "
                           "resource-ability request is required");
    if (p->node_urls == NULL || p->n_nodes == 0 || p->nonce == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "offline session sigs: the node URLs and the "
                           "nonce are required");
    if (p->n_capabilities > 0 && p->capabilities == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "offline session sigs: %zu capabilities "
                           "announced, none given",
                           p->n_capabilities);
    return LITHSM_OK;
}

/* The times: Issued At now (p->now_ms or the clock), the expiration
 * requested or a day later, after both issued times. */
static lithsm_err resolve_times(offline_times *t, const lithsm_flow_params *p,
                                const lithsm_offline_params *o)
{
    int64_t now = p->now_ms != 0 ? p->now_ms : lithsm_time_now_ms();
    int64_t exp_ms = now + DAY_MS, session_ms = now;
    lithsm_err err;

    err = lithsm_time_format(t->issued, now);
    if (err != LITHSM_OK)
        return err;
    t->expiration = p->expiration;
    if (t->expiration == NULL) {
        err = lithsm_time_format(t->exp_buf, exp_ms);
        if (err != LITHSM_OK)
            return err;
        t->expiration = t->exp_buf;
    } else if (lithsm_time_parse(&exp_ms, t->expiration) != LITHSM_OK) {
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "offline session sigs: expiration is not RFC "
                           "3339: %.40s",
                           t->expiration);
    }
    t->session_issued = t->issued;
    if (o != NULL && o->session_issued_at != NULL) {
        t->session_issued = o->session_issued_at;
        if (lithsm_time_parse(&session_ms, t->session_issued) != LITHSM_OK)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "offline session sigs: session issuedAt is "
                               "not RFC 3339: %.40s",
                               t->session_issued);
    }
    if (exp_ms <= now || exp_ms <= session_ms)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "offline session sigs: expiration %.40s is not "
                           "after issuedAt",
                           t->expiration);
    return LITHSM_OK;
}

/* The wallet AuthSig binding session key `key`. */
static lithsm_err wallet_authsig(char **authsig_out,
                                 const lithsm_flow_params *p,
                                 const offline_times *t,
                                 const lithsm_session_key *key)
{
    lithsm_session_siwe_params siwe;
    char pk_hex[65];

    lithsm_session_key_public_hex(pk_hex, key);
    memset(&siwe, 0, sizeof(siwe));
    siwe.session_pubkey_hex = pk_hex;
    siwe.requests = p->requests;
    siwe.nonce = p->nonce;
    siwe.domain = p->domain;
    siwe.statement = p->statement;
    siwe.issued_at = t->issued;
    siwe.expiration = t->expiration;
    return lithsm_wallet_authsig(authsig_out, p->wallet, &siwe);
}

lithsm_err lithsm_flow_sign_nodes(
    char **json_out, const lithsm_session_key *key, const lithsm_flow_params *p,
    const char *authsig, lithsm_sessionsigs_params *sp, const char *who)
{
    const char **caps;
    lithsm_err err;

    caps = calloc(p->n_capabilities + 1, sizeof(*caps));
    if (caps == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "%s: out of memory", who);
    if (p->n_capabilities > 0)
        memcpy(caps, p->capabilities, p->n_capabilities * sizeof(*caps));
    caps[p->n_capabilities] = authsig; /* the wallet AuthSig last */
    sp->requests = p->requests;
    sp->capabilities = caps;
    sp->n_capabilities = p->n_capabilities + 1;
    err = lithsm_sessionsigs(json_out, key, sp);
    free(caps);
    return err;
}

/* The SessionSigs for the caller's nodes, at the resolved times. */
static lithsm_err sign_nodes(char **json_out, const lithsm_flow_params *p,
                             const offline_times *t,
                             const lithsm_session_key *key, const char *authsig)
{
    lithsm_sessionsigs_params sp;

    memset(&sp, 0, sizeof(sp));
    sp.node_urls = p->node_urls;
    sp.n_nodes = p->n_nodes;
    sp.issued_at = t->session_issued;
    sp.expiration = t->expiration;
    return lithsm_flow_sign_nodes(json_out, key, p, authsig, &sp,
                                  "offline session sigs");
}

lithsm_err lithsm_get_session_sigs_offline(char **json_out,
                                           const lithsm_flow_params *p,
                                           const lithsm_offline_params *o)
{
    lithsm_session_key *own_key = NULL;
    const lithsm_session_key *key;
    offline_times t;
    char *authsig = NULL;
    lithsm_err err;

    if (json_out != NULL)
        *json_out = NULL;
    if (json_out == NULL || p == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "offline session sigs: NULL argument");
    err = check_offline(p);
    if (err == LITHSM_OK)
        err = resolve_times(&t, p, o);
    if (err != LITHSM_OK)
        return err;
    key = o != NULL ? o->session_key : NULL;
    if (key == NULL) {
        err = lithsm_session_key_generate(&own_key);
        if (err != LITHSM_OK)
            return err;
        key = own_key;
    }
    err = wallet_authsig(&authsig, p, &t, key);
    if (err == LITHSM_OK)
        err = sign_nodes(json_out, p, &t, key, authsig);
    free(authsig);
    lithsm_session_key_free(own_key);
    return err;
}
