/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * check-vectors-session.c - the authsig.json, delegation.json,
 * sessionsigs.json and verify-negative.json cases of tests/check-vectors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-vectors.h"

/* ------------------------------------------------------ AuthSig, session */

static lithsm_session_key *session_key_of(vcase *c, json_object *sk)
{
    uint8_t seed[32];
    lithsm_session_key *key = NULL;
    char pub[65], secret[129], uri[80];
    const char *seed_hex = vec_str(sk, "seed");
    lithsm_err err;

    if (seed_hex == NULL) {
        vec_fail(c, "no session key seed");
        return NULL;
    }
    err = lithsm_hex_decode(seed, 32, seed_hex, strlen(seed_hex));
    if (err == LITHSM_OK)
        err = lithsm_session_key_from_seed(&key, seed);
    lithsm_memzero(seed, sizeof(seed));
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "session key", err);
        return NULL;
    }
    lithsm_session_key_public_hex(pub, key);
    snprintf(secret, sizeof(secret), "%s%s", seed_hex, pub);
    snprintf(uri, sizeof(uri), "lit:session:%s", pub);
    if (!vec_expect_str(c, "session public_key", pub,
                        vec_str(sk, "public_key")) ||
        (vec_str(sk, "secret_key") &&
         !vec_expect_str(c, "session secret_key", secret,
                         vec_str(sk, "secret_key"))) ||
        (vec_str(sk, "session_key_uri") &&
         !vec_expect_str(c, "session_key_uri", uri,
                         vec_str(sk, "session_key_uri")))) {
        lithsm_session_key_free(key);
        return NULL;
    }
    return key;
}

void vec_session_siwe_params_of(lithsm_session_siwe_params *p, json_object *o,
                                const char *issued_at_key,
                                const char *session_pubkey_hex,
                                const lithsm_requests *reqs)
{
    memset(p, 0, sizeof(*p));
    p->session_pubkey_hex = session_pubkey_hex;
    p->requests = reqs;
    p->nonce = vec_str(o, "nonce");
    p->domain = vec_str(o, "domain");
    p->issued_at = vec_str(o, issued_at_key);
    p->expiration = vec_str(o, "expiration");
}

/* What an AuthSig or SessionSigs case signs with: its session key, wallet
 * and requests, and the session SIWE they make. */
typedef struct {
    lithsm_session_key *key;
    lithsm_signer *wallet;
    lithsm_requests *reqs;
    char pub[65];
    lithsm_session_siwe_params siwe;
} wallet_case;

/* 0 (after vec_fail()) when a part is missing; wallet_case_close() in
 * either case. */
static int wallet_case_open(vcase *c, wallet_case *w, json_object *in,
                            const char *issued_at_key)
{
    w->key = session_key_of(c, vec_get(in, "session_key"));
    w->wallet = vec_signer_of(c, vec_str(in, "wallet_private_key"));
    w->reqs = vec_requests_of(c, vec_get(in, "resourceAbilityRequests"));
    if (w->key == NULL || w->wallet == NULL || w->reqs == NULL)
        return 0;
    lithsm_session_key_public_hex(w->pub, w->key);
    vec_session_siwe_params_of(&w->siwe, in, issued_at_key, w->pub, w->reqs);
    return 1;
}

static void wallet_case_close(wallet_case *w)
{
    lithsm_requests_free(w->reqs);
    lithsm_signer_free(w->wallet);
    lithsm_session_key_free(w->key);
}

/* The SIWE inside an AuthSig JSON text, and its ReCap checked against the
 * vector's "recap" section. */
static int check_authsig_recap(vcase *c, const char *authsig_json,
                               json_object *recap_ex)
{
    json_object *a = NULL;
    lithsm_siwe_msg *msg = NULL;
    lithsm_recap *recap = NULL;
    char *json = NULL, *statement = NULL;
    const lithsm_siwe *f;
    int ok = 0;

    if (recap_ex == NULL)
        return 1;
    if (lithsm_json_parse(&a, authsig_json, strlen(authsig_json), "AuthSig") ||
        lithsm_siwe_parse(&msg, vec_str(a, "signedMessage"),
                          strlen(vec_str(a, "signedMessage"))) != LITHSM_OK) {
        vec_fail(c, "our AuthSig does not parse back: %s", lithsm_last_error());
        goto out;
    }
    f = lithsm_siwe_msg_fields(msg);
    if (f->n_resources != 1 || !vec_expect_str(c, "recap urn", f->resources[0],
                                               vec_str(recap_ex, "urn")))
        goto out;
    if (lithsm_recap_decode(&recap, f->resources[0]) != LITHSM_OK ||
        lithsm_recap_json(&json, recap) != LITHSM_OK ||
        lithsm_recap_statement(&statement, recap) != LITHSM_OK) {
        vec_fail(c, "recap: %s", lithsm_last_error());
        goto out;
    }
    ok = vec_expect_str(c, "recap json", json, vec_str(recap_ex, "json")) &&
         vec_expect_str(c, "recap statement", statement,
                        vec_str(recap_ex, "statement"));
out:
    free(statement);
    free(json);
    lithsm_recap_free(recap);
    lithsm_siwe_msg_free(msg);
    json_object_put(a);
    return ok;
}

int check_authsig(vcase *c, json_object *in, json_object *ex)
{
    wallet_case w;
    char *authsig = NULL, *siwe = NULL;
    lithsm_err err;
    int ok = 0;

    if (!wallet_case_open(c, &w, in, "clock_now"))
        goto out;
    err = lithsm_session_siwe(&siwe, vec_str(in, "wallet_address"), &w.siwe);
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "session SIWE", err);
        goto out;
    }
    if (!vec_expect_str(c, "siwe_message", siwe, vec_str(ex, "siwe_message")) ||
        !vec_check_eip191_of_text(c, siwe, ex, NULL))
        goto out;
    err = lithsm_wallet_authsig(&authsig, w.wallet, &w.siwe);
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "wallet AuthSig", err);
        goto out;
    }
    ok = vec_expect_str(c, "authSig_json", authsig,
                        vec_str(ex, "authSig_json")) &&
         vec_expect_json(c, "authSig", authsig, vec_get(ex, "authSig")) &&
         check_authsig_recap(c, authsig, vec_get(ex, "recap"));
out:
    free(authsig);
    free(siwe);
    wallet_case_close(&w);
    return ok;
}

int check_delegation(vcase *c, json_object *in, json_object *ex)
{
    lithsm_signer *owner =
        vec_signer_of(c, vec_str(in, "dAppOwnerWallet_private_key"));
    json_object *dl = vec_get(in, "delegateeAddresses");
    const char *delegatees[64];
    lithsm_delegation_params p;
    char *authsig = NULL, *siwe = NULL;
    lithsm_eth_address a;
    char addr[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    size_t i;
    lithsm_err err;
    int ok = 0;

    if (owner == NULL)
        return 0;
    lithsm_signer_address(&a, owner);
    lithsm_eth_address_to_text(addr, &a);
    if (!vec_expect_str(c, "owner address", addr,
                        vec_str(in, "dAppOwnerWallet_address")))
        goto out;
    memset(&p, 0, sizeof(p));
    p.capacity_token_id = vec_str(in, "capacityTokenId");
    if (dl != NULL) {
        p.delegatees_given = 1;
        p.n_delegatees = json_object_array_length(dl);
        if (p.n_delegatees > 64) {
            vec_fail(c, "too many delegatees");
            goto out;
        }
        for (i = 0; i < p.n_delegatees; i++)
            delegatees[i] =
                json_object_get_string(json_object_array_get_idx(dl, i));
        p.delegatees = delegatees;
    }
    p.uses = vec_str(in, "uses");
    p.nonce = vec_str(in, "nonce");
    p.domain = vec_str(in, "domain");
    p.statement = vec_str(in, "statement");
    p.issued_at = vec_str(in, "clock_now");
    p.expiration = vec_str(in, "expiration");
    err = lithsm_delegation_authsig(&authsig, &siwe, owner, &p);
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "delegation", err);
        goto out;
    }
    ok = vec_expect_str(c, "siwe_message", siwe, vec_str(ex, "siwe_message")) &&
         vec_check_eip191_of_text(c, siwe, ex, NULL) &&
         vec_expect_str(c, "authSig_json", authsig,
                        vec_str(ex, "authSig_json")) &&
         check_authsig_recap(c, authsig, vec_get(ex, "recap"));
out:
    free(siwe);
    free(authsig);
    lithsm_signer_free(owner);
    return ok;
}

static int check_per_node(vcase *c, const char *sigs_json, json_object *per)
{
    json_object *map = NULL;
    size_t i, n = per ? json_object_array_length(per) : 0;
    int ok = 1;

    if (lithsm_json_parse(&map, sigs_json, strlen(sigs_json), "SessionSigs"))
        return vec_fail(c, "our SessionSigs do not parse");
    for (i = 0; ok && i < n; i++) {
        json_object *want = json_object_array_get_idx(per, i);
        json_object *got = vec_get(map, vec_str(want, "node_url"));

        ok = got != NULL &&
             vec_expect_str(c, "per-node signed_message",
                            vec_str(got, "signedMessage"),
                            vec_str(want, "signed_message")) &&
             vec_expect_str(c, "per-node sig", vec_str(got, "sig"),
                            vec_str(want, "sig"));
        if (got == NULL)
            vec_fail(c, "no entry for node %s", vec_str(want, "node_url"));
    }
    json_object_put(map);
    return ok;
}

int check_sessionsigs(vcase *c, json_object *in, json_object *ex)
{
    wallet_case w;
    json_object *urls = vec_get(in, "node_urls"),
                *caps = vec_get(in, "capabilityAuthSigs");
    lithsm_sessionsigs_params sp;
    const char *nodes[256];
    char *cap_texts[65] = { 0 };
    char *wallet_sig = NULL, *sigs = NULL;
    size_t i, n_caps = caps ? json_object_array_length(caps) : 0;
    lithsm_err err;
    int ok = 0;

    if (!wallet_case_open(c, &w, in, "wallet_signed_at") || urls == NULL)
        goto out;
    if (n_caps > 64 || json_object_array_length(urls) > 256) {
        vec_fail(c, "case too large for this checker");
        goto out;
    }
    err = lithsm_wallet_authsig(&wallet_sig, w.wallet, &w.siwe);
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "wallet AuthSig", err);
        goto out;
    }
    if (!vec_expect_json(c, "wallet_authSig", wallet_sig,
                         vec_get(ex, "wallet_authSig")))
        goto out;
    for (i = 0; i < n_caps; i++)
        cap_texts[i] = vec_stringify(json_object_array_get_idx(caps, i));
    cap_texts[n_caps] = wallet_sig;
    memset(&sp, 0, sizeof(sp));
    sp.n_nodes = json_object_array_length(urls);
    for (i = 0; i < sp.n_nodes; i++)
        nodes[i] = json_object_get_string(json_object_array_get_idx(urls, i));
    sp.node_urls = nodes;
    sp.requests = w.reqs;
    sp.capabilities = (const char *const *)cap_texts;
    sp.n_capabilities = n_caps + 1;
    sp.issued_at = vec_str(in, "session_signed_at");
    sp.expiration = vec_str(in, "expiration");
    err = lithsm_sessionsigs(&sigs, w.key, &sp);
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "SessionSigs", err);
        goto out;
    }
    ok = check_per_node(c, sigs, vec_get(ex, "per_node")) &&
         vec_expect_str(c, "sessionSigs_json", sigs,
                        vec_str(ex, "sessionSigs_json"));
out:
    for (i = 0; i < n_caps; i++)
        free(cap_texts[i]);
    free(sigs);
    free(wallet_sig);
    wallet_case_close(&w);
    return ok;
}

/* ---------------------------------------------------------------- verify */

int check_verify(vcase *c, json_object *in, json_object *ex)
{
    char *sig = vec_stringify(vec_get(in, "sessionSig"));
    lithsm_verify_result r;
    int64_t now;
    lithsm_err err;
    const char *want = vec_str(ex, "reason"), *verdict = vec_str(ex, "verdict");
    int ok;

    if (sig == NULL ||
        lithsm_time_parse(&now, vec_str(in, "now")) != LITHSM_OK) {
        free(sig);
        return vec_fail(c, "unreadable inputs");
    }
    err = lithsm_verify_session_sig(&r, sig, strlen(sig),
                                    vec_str(in, "node_url"), now, 0);
    free(sig);
    if (err != LITHSM_OK)
        return vec_lib_fail(c, "verify", err);
    ok = vec_expect_str(c, "reason", r.word, want);
    if (ok && verdict != NULL &&
        (strcmp(verdict, "accept") == 0) != (r.reason == LITHSM_VERIFY_OK))
        ok = vec_fail(c, "verdict: want %s", verdict);
    if (!ok && r.detail[0] != '\0')
        fprintf(stderr, "    (verifier detail: %s)\n", r.detail);
    return ok;
}
