/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * serve_body_fuzzer.c - untrusted bodies of lithsm-serve's signing
 * requests, through the steps the service runs on them, without a
 * network: the strict JSON parse, the route's member checks (body.c), what
 * the request signs (serve_payload_prepare, digest.c) and the policy's
 * decision (a fixed policy file, loaded as the service loads it).  The
 * first byte picks the route (sign/message, sign/typed-data,
 * sign/transaction); the rest is the body.
 *
 * Properties: a refused body has a reason naming its field; a prepared
 * payload has the same digest when prepared again; a decision names a rule
 * and a reason and is the same twice; a body the service takes and the
 * policy cannot read is a bad request; one it reads, a permissive caller
 * is allowed, a caller of no policy section is not, and the decision is
 * the same for the body the audit record holds (json-c's text of it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lithsm.h"
#include "serve.h"

#include "fuzz.h"

static const char policy_text[] =
    "[policy]\ncallers = strict, loose\n"
    "[strict]\nmatch = uid:1\nkeys = test\nroutes = *\n"
    "typed_data_domains = mail, permit\n"
    "typed_data_primary_types = Mail, Permit\n"
    "tx_chain_ids = 1, 8453\n"
    "tx_to = create, 0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826\n"
    "tx_max_value = 1000000000000000000\n"
    "tx_selectors = empty, 0xa9059cbb\n"
    "[mail]\nname = Ether Mail\nversion = 1\nchain_id = 1\n"
    "verifying_contract = 0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\n"
    "[permit]\nchain_id = 8453\n"
    "[loose]\nmatch = uid:2\nkeys = *\nroutes = *\n"
    "typed_data_domains = *\ntyped_data_primary_types = *\n"
    "tx_chain_ids = *\ntx_to = *\ntx_selectors = *\n";

static const int64_t now_ms = 1767225600000LL; /* 2026-01-01 */

/* The policy, written to a file and loaded as lithsm-serve does. */
static lithsm_policy *load_policy(void)
{
    char path[] = "/tmp/serve_body_fuzzer.XXXXXX";
    lithsm_policy *p = NULL;
    int fd = mkstemp(path);
    size_t n = strlen(policy_text);

    MUST(fd >= 0);
    MUST(write(fd, policy_text, n) == (ssize_t)n);
    close(fd);
    if (lithsm_policy_load(&p, path) != LITHSM_OK)
        fprintf(stderr, "%s\n", lithsm_last_error());
    unlink(path);
    MUST(p != NULL);
    return p;
}

static lithsm_err decide(lithsm_policy_decision *d, lithsm_policy *p,
                         const char *caller, const char *route, const char *key,
                         const char *body, size_t len)
{
    lithsm_policy_request req = { caller, route, key, body, len, now_ms };
    lithsm_policy_decision again;
    lithsm_err err = lithsm_policy_decide(d, p, &req);

    MUST(err == LITHSM_OK || err == LITHSM_ERR_PARSE ||
         err == LITHSM_ERR_NOMEM);
    MUST(d->rule[0] != '\0' && d->reason[0] != '\0');
    MUST(err == LITHSM_OK || !d->allowed);
    MUST(lithsm_policy_decide(&again, p, &req) == err);
    MUST(again.allowed == d->allowed && strcmp(again.rule, d->rule) == 0);
    return err;
}

/* The reason of a refused body names a field: "<name>: <why>". */
static void names_a_field(const char *reason)
{
    const char *colon = strstr(reason, ": ");

    MUST(colon != NULL && colon > reason && colon[2] != '\0');
}

/* The policy's steps, once the body is known good (as routes.c asks
 * after serve_payload_prepare). */
static void policy_steps(lithsm_policy *p, const serve_sign_route *r,
                         const char *key, json_object *body, const char *raw,
                         size_t len)
{
    lithsm_policy_decision d, loose, recorded;
    const char *text = json_object_to_json_string_ext(body, SERVE_JSON_FLAGS);
    lithsm_err err;

    MUST(text != NULL);
    err = decide(&d, p, "uid:1", r->name, key, raw, len);
    if (err != LITHSM_OK) {
        /* json-c, the service's parser, takes more than RFC 8259 (raw
         * control characters in strings, single quotes, NaN, "1.", numbers
         * past 2^53); the policy reads the body with the library's parser,
         * which does not: a bad request, never signed. */
        MUST(strcmp(d.rule, "bad-request") == 0);
        return;
    }
    /* What the strict caller is allowed, or the rule that denies it, is
     * the same for the text the audit record keeps. */
    MUST(decide(&recorded, p, "uid:1", r->name, key, text, strlen(text)) ==
         LITHSM_OK);
    MUST(recorded.allowed == d.allowed && strcmp(recorded.rule, d.rule) == 0);
    /* The permissive caller: a body the service takes is allowed. */
    MUST(decide(&loose, p, "uid:2", r->name, key, raw, len) == LITHSM_OK);
    MUST(loose.allowed);
    /* Nobody else is. */
    MUST(decide(&d, p, "uid:3", r->name, key, raw, len) == LITHSM_OK);
    MUST(!d.allowed && strcmp(d.rule, "default-deny") == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lithsm_policy *policy;
    const serve_sign_route *r;
    const char *raw = (const char *)data + 1, *key = NULL;
    json_object *body, *member = NULL;
    serve_payload pay, again;
    char reason[512];

    if (size == 0)
        return 0;
    if (policy == NULL)
        policy = load_policy();
    r = &serve_sign_routes[data[0] % SERVE_N_SIGN_ROUTES];
    if ((body = cli_json_parse_strict(raw, size - 1, SERVE_JSON_DEPTH)) == NULL)
        return 0; /* 400 "body: not JSON" */
    reason[0] = '\0';
    if (serve_sign_body_check(&key, &member, r, body, reason, sizeof(reason)) !=
        0) {
        names_a_field(reason);
        json_object_put(body);
        return 0;
    }
    MUST(key != NULL && json_object_is_type(member, r->type));
    if (strcmp(key, "test") != 0) { /* the one key configured: else 404 */
        json_object_put(body);
        return 0;
    }
    reason[0] = '\0';
    if (serve_payload_prepare(&pay, r->name, member, reason, sizeof(reason)) !=
        0) {
        MUST(reason[0] != '\0');
        serve_payload_free(&pay);
        json_object_put(body);
        return 0;
    }
    MUST(serve_payload_prepare(&again, r->name, member, reason,
                               sizeof(reason)) == 0);
    MUST(memcmp(pay.digest, again.digest, sizeof(pay.digest)) == 0);
    serve_payload_free(&again);
    policy_steps(policy, r, key, body, raw, size - 1);
    serve_payload_free(&pay);
    json_object_put(body);
    return 0;
}
