/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_verify_caps.c - the capabilities of a SessionSig as a node checks
 * them: the AuthSig rule on its own (lithsm_authsig_verify, which the flow
 * shares), then each capability, the wallet AuthSig's ReCap and the
 * capacity delegations inside SessionSigs re-signed by verify_fixture.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/verify.h"
#include "verify_fixture.h"
#include "tap.h"

/* A Not Before line five minutes after NOW, put before the resources. */
#define NOT_BEFORE_AHEAD "\nNot Before: 2024-06-01T12:10:00.000Z\nResources:"

/* ------------------------------------------------------------------------
 * The AuthSig rule
 */

/* lithsm_authsig_verify() on capability i of `body` at `now`; the address
 * field is `address` when not NULL.  Returns the verdict, *c keeps the
 * rest (cleared by the caller). */
static lithsm_authsig_verdict rule(lithsm_authsig_check *c, json_object *body,
                                   size_t i, const char *address, int64_t now,
                                   int check_signature)
{
    json_object *k = cap(body, i);
    const char *sig = json_object_get_string(json_object_object_get(k, "sig"));
    const char *msg = cap_msg(body, i);

    if (address == NULL)
        address = json_object_get_string(json_object_object_get(k, "address"));
    if (lithsm_authsig_verify(c, sig, strlen(sig), msg, strlen(msg), address,
                              now, check_signature) != LITHSM_OK) {
        printf("# lithsm_authsig_verify: %s\n", lithsm_last_error());
        exit(99);
    }
    if (c->verdict != LITHSM_AUTHSIG_VALID)
        printf("# %d: %s\n", (int)c->verdict, c->why);
    return c->verdict;
}

static void test_authsig_rule(void)
{
    json_object *body = base_body();
    lithsm_authsig_check c;
    lithsm_eth_address want;

    lithsm_signer_address(&want, wallet);
    ok_int_eq(rule(&c, body, 1, NULL, now_ms, 1), LITHSM_AUTHSIG_VALID,
              "rule: the wallet AuthSig is valid");
    ok(c.siwe != NULL && strncmp(lithsm_siwe_msg_fields(c.siwe)->uri,
                                 "lit:session:", 12) == 0,
       "rule: its SIWE is kept");
    ok_mem_eq(c.siwe_address.bytes, want.bytes, sizeof(want.bytes),
              "rule: with the SIWE address");
    lithsm_authsig_check_clear(&c);
    ok(c.siwe == NULL, "rule: cleared");
    ok_int_eq(rule(&c, body, 0, NULL, now_ms, 1), LITHSM_AUTHSIG_VALID,
              "rule: the delegation is valid");
    lithsm_authsig_check_clear(&c);
    ok_int_eq(rule(&c, body, 1, NULL, ms("2024-06-02T12:00:00.000Z"), 1),
              LITHSM_AUTHSIG_EXPIRED, "rule: expired at Expiration Time");
    ok_str_eq(c.why, "expired at 2024-06-02T12:00:00.000Z",
              "rule: saying when");
    lithsm_authsig_check_clear(&c);
    ok_int_eq(rule(&c, body, 1, "0x1a642f0e3c3af545e7acbd38b07251b3990914f1",
                   now_ms, 1),
              LITHSM_AUTHSIG_VALID, "rule: a lowercase address field");
    lithsm_authsig_check_clear(&c);
    ok_int_eq(rule(&c, body, 1, "0x5050A4F4b3f9338C3472dcC01A87C76A144b3c9c",
                   now_ms, 1),
              LITHSM_AUTHSIG_ADDRESS_MISMATCH,
              "rule: an address field of another account");
    lithsm_authsig_check_clear(&c);

    set_str(cap(body, 1), "sig", "0x1234");
    ok_int_eq(rule(&c, body, 1, NULL, now_ms, 1),
              LITHSM_AUTHSIG_SIGNATURE_INVALID, "rule: a sig of 2 bytes");
    ok_str_eq(c.why, "\"sig\" is not 65 bytes of hex", "rule: saying so");
    lithsm_authsig_check_clear(&c);
    ok_int_eq(rule(&c, body, 1, NULL, now_ms, 0), LITHSM_AUTHSIG_VALID,
              "rule: without the signature step (BLS) it passes");
    lithsm_authsig_check_clear(&c);
    cap_sign(body, 1, owner, cap_msg(body, 1), 0, "0x");
    ok_int_eq(rule(&c, body, 1, NULL, now_ms, 1),
              LITHSM_AUTHSIG_SIGNATURE_INVALID, "rule: signed by another key");
    lithsm_authsig_check_clear(&c);

    cap_edit(body, 1, wallet, "\nResources:", NOT_BEFORE_AHEAD);
    ok_int_eq(rule(&c, body, 1, NULL, now_ms, 1), LITHSM_AUTHSIG_NOT_YET_VALID,
              "rule: Not Before ahead");
    lithsm_authsig_check_clear(&c);
    set_str(cap(body, 1), "signedMessage", "hello");
    ok_int_eq(rule(&c, body, 1, NULL, now_ms, 1), LITHSM_AUTHSIG_MALFORMED,
              "rule: a SIWE that does not parse");
    ok(c.siwe == NULL && c.why[0] != '\0', "rule: no SIWE, a reason");
    lithsm_authsig_check_clear(&c);
    json_object_put(body);
}

/* ------------------------------------------------------------------------
 * Capabilities inside a SessionSig
 */
/* Capabilities missing, of the wrong type or unparsable. */
static void test_capability_shape(void)
{
    json_object *body;

    body = base_body();
    json_object_object_add(body, "capabilities", json_object_new_array());
    ok_str_eq(check_body(body, 0), "capabilities_missing", "no capabilities");
    ok_str_eq(last.node_error, "NodeSIWECapabilityInvalid",
              "capabilities_missing: NodeSIWECapabilityInvalid");
    json_object_put(body);

    body = base_body();
    json_object_array_put_idx(json_object_object_get(body, "capabilities"), 0,
                              json_object_new_int(42));
    ok_str_eq(check_body(body, 0), "capability_malformed",
              "a capability that is a number");
    json_object_put(body);

    body = base_body();
    json_object_object_del(cap(body, 1), "address");
    ok_str_eq(check_body(body, 0), "capability_malformed",
              "a capability without address");
    json_object_put(body);

    body = base_body();
    set_str(cap(body, 0), "signedMessage", "hello");
    ok_str_eq(check_body(body, 0), "capability_malformed",
              "a capability whose SIWE does not parse");
    json_object_put(body);

    /* A wallet SIWE whose address is not EIP-55 fails the strict parse. */
    body = base_body();
    cap_edit(body, 1, wallet, "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1",
             "0x1a642f0e3c3af545e7acbd38b07251b3990914f1");
    ok_str_eq(check_body(body, 0), "capability_malformed",
              "a wallet SIWE with a lowercase address");
    json_object_put(body);
}

/* The signature and address forms a node takes or refuses. */
static void test_capability_signatures(void)
{
    json_object *body;

    /* Signature forms the node accepts. */
    body = base_body();
    cap_sign(body, 1, wallet, cap_msg(body, 1), 0, "");
    ok_str_eq(check_body(body, 0), "ok", "wallet sig without 0x: ok");
    cap_sign(body, 1, wallet, cap_msg(body, 1), 27, "0x");
    ok_str_eq(check_body(body, 0), "ok", "wallet sig with v = 0/1: ok");
    set_str(cap(body, 1), "address",
            "0x1a642f0e3c3af545e7acbd38b07251b3990914f1");
    ok_str_eq(check_body(body, 0), "ok", "address field in lowercase: ok");
    set_str(cap(body, 1), "address",
            "0x1a642f0e3c3af545e7acbd38b07251b3990914f");
    ok_str_eq(check_body(body, 0), "authsig_address_mismatch",
              "address field of 39 digits");
    set_str(cap(body, 1), "address",
            "0x1A642f0E3c3aF545E7AcBD38b07251B3990914F1");
    ok_str_eq(check_body(body, 0), "authsig_address_mismatch",
              "address field with a wrong checksum");
    set_str(cap(body, 1), "sig", "0x1234");
    ok_str_eq(check_body(body, 0), "authsig_signature_invalid",
              "wallet sig of 2 bytes");
    ok_int_eq(last.http_status, 404, "authsig_signature_invalid: HTTP 404");
    json_object_put(body);

    /* Signed by the wrong key. */
    body = base_body();
    cap_sign(body, 1, owner, cap_msg(body, 1), 0, "0x");
    ok_str_eq(check_body(body, 0), "authsig_signature_invalid",
              "wallet SIWE signed by another key");
    json_object_put(body);
}

/* Each role's time window (no grace), and the delegation's address
 * field. */
static void test_capability_times(void)
{
    json_object *body;

    /* Not Before in the future, for each role. */
    body = base_body();
    cap_edit(body, 1, wallet, "\nResources:", NOT_BEFORE_AHEAD);
    ok_str_eq(check_body(body, 0), "authsig_not_yet_valid",
              "wallet SIWE Not Before ahead");
    cap_edit(body, 1, wallet, "12:10:00.000Z", "12:05:00.000Z");
    ok_str_eq(check_body(body, 0), "ok", "wallet SIWE Not Before = now: ok");
    json_object_put(body);

    body = base_body();
    cap_edit(body, 0, owner, "\nResources:", NOT_BEFORE_AHEAD);
    ok_str_eq(check_body(body, 0), "delegation_not_yet_valid",
              "delegation Not Before ahead");
    ok_int_eq(last.http_status, 400, "delegation_not_yet_valid: HTTP 400");
    json_object_put(body);

    /* Delegation address field names another valid account. */
    body = base_body();
    set_str(cap(body, 0), "address",
            "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1");
    ok_str_eq(check_body(body, 0), "delegation_address_mismatch",
              "delegation address field of another account");
    json_object_put(body);

    /* Capability at the exact expiration instant is expired. */
    body = base_body();
    cap_edit(body, 1, wallet, "Expiration Time: 2024-06-02T12:00:00",
             "Expiration Time: 2024-06-01T12:05:00");
    ok_str_eq(check_body(body, 0), "authsig_expired",
              "wallet SIWE expiring exactly now");
    ok_str_eq(check_body(body, 600000), "authsig_expired",
              "grace does not apply to capabilities");
    json_object_put(body);
}

/* The wallet AuthSig last, its ReCap covering the requests. */
static void test_capability_coverage(void)
{
    json_object *body, *caps, *c;
    char *siwe;

    /* The wallet AuthSig must be last. */
    body = base_body();
    caps = json_object_object_get(body, "capabilities");
    c = json_object_get(json_object_array_get_idx(caps, 0));
    json_object_array_del_idx(caps, 0, 1);
    json_object_array_add(caps, c);
    ok_str_eq(check_body(body, 0), "session_uri_mismatch",
              "delegation last: session_uri_mismatch");
    json_object_array_del_idx(caps, 1, 1);
    ok_str_eq(check_body(body, 0), "ok", "wallet AuthSig alone: ok");
    json_object_array_add(caps,
                          json_object_get(json_object_array_get_idx(caps, 0)));
    ok_str_eq(check_body(body, 0), "ok", "wallet AuthSig twice: ok");
    json_object_put(body);

    /* A wallet SIWE with a second resource after the ReCap is still read
     * from resources[0]. */
    body = base_body();
    siwe = xstrdup(cap_msg(body, 1));
    {
        char *more = malloc(strlen(siwe) + 64);

        if (more == NULL)
            exit(99);
        snprintf(more, strlen(siwe) + 64, "%s\n- https://example.com/x", siwe);
        cap_sign(body, 1, wallet, more, 0, "0x");
        ok_str_eq(check_body(body, 0), "ok",
                  "wallet SIWE with a second resource: ok");
        free(more);
    }
    free(siwe);
    json_object_put(body);

    /* An unknown ability is not covered. */
    body = base_body();
    set_str(json_object_array_get_idx(
                json_object_object_get(body, "resourceAbilityRequests"), 0),
            "ability", "teleportation");
    ok_str_eq(check_body(body, 0), "resource_not_covered",
              "unknown ability: resource_not_covered");
    json_object_put(body);

    /* No requests at all: nothing to cover. */
    body = base_body();
    json_object_object_add(body, "resourceAbilityRequests",
                           json_object_new_array());
    ok_str_eq(check_body(body, 0), "ok", "no resource requests: ok");
    json_object_put(body);
}

static void test_delegations(void)
{
    static const struct {
        const char *recap, *word, *what;
    } cases[] = {
        { "{\"att\":{\"lit-ratelimitincrease://*\":{\"Auth/Auth\":[{}]}},"
          "\"prf\":[]}",
          "ok", "no delegate_to: anyone" },
        { "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
          "\"delegate_to\":[]}]}},\"prf\":[]}",
          "delegatee_not_authorized", "delegate_to []: nobody" },
        { "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
          "\"delegate_to\":[\"1A642F0E3C3AF545E7ACBD38B07251B3990914F1\"]}]}},"
          "\"prf\":[]}",
          "ok", "delegate_to in uppercase" },
        { "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
          "\"delegate_to\":[\"0x1a642f0e3c3af545e7acbd38b07251b3990914f1\"]}]}}"
          ","
          "\"prf\":[]}",
          "delegatee_not_authorized",
          "delegate_to with 0x (node compares "
          "bare hex)" },
        { "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
          "\"delegate_to\":\"1a642f0e3c3af545e7acbd38b07251b3990914f1\"}]}},"
          "\"prf\":[]}",
          "delegatee_not_authorized", "delegate_to a string" },
        { "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
          "\"delegate_to\":[\"3325a78425F17a7E487Eb5666b2bFd93aBb06c70\"]},{"
          "\"delegate_to\":[\"1a642f0E3c3aF545E7AcBD38b07251B3990914F1\"]}]}},"
          "\"prf\":[]}",
          "ok", "the second nota bene lists the wallet" },
        { "{\"att\":{\"lit-pkp://*\":{\"Auth/Auth\":[{\"delegate_to\":[]}]}},"
          "\"prf\":[]}",
          "ok", "restrictions on another resource do not count" },
    };
    size_t i;
    char what[256];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_object *body = base_body();

        set_delegation_recap(body, cases[i].recap);
        snprintf(what, sizeof(what), "delegation %s: %s", cases[i].what,
                 cases[i].word);
        ok_str_eq(check_body(body, 0), cases[i].word, what);
        json_object_put(body);
    }
    ok_int_eq(last.http_status, 200, "accepted: HTTP 200");
    {
        json_object *body = base_body();

        set_delegation_recap(body, cases[1].recap);
        check_body(body, 0);
        ok_int_eq(last.http_status, 402, "delegatee_not_authorized: 402");
        ok_str_eq(last.node_error, "rate_limit_exceeded",
                  "delegatee_not_authorized: rate_limit_exceeded");
        json_object_put(body);
    }
}

int main(void)
{
    if (fixture_init() != 0)
        return 99;
    test_authsig_rule();
    test_capability_shape();
    test_capability_signatures();
    test_capability_times();
    test_capability_coverage();
    test_delegations();
    fixture_free();
    return tap_done();
}
