/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lit.c - lithsm-serve's Lit routes (serve.h, lit.h): the checks and
 * answers POST /v1/session-sigs (lit_session.c) and POST /v1/delegations
 * share, the delegations route, and the dispatch of both.  Each answers
 * exactly the JSON 'lithsm session-sigs' and 'lithsm delegate' print for
 * the same work.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lit.h"

#define JSON_DEPTH 64
#define TOKEN_ID_MAX_DIGITS 78

/* ------------------------------------------------------------------------
 * Members
 */

static const char *not_type(json_type t)
{
    return t == json_type_string  ? "not a string"
           : t == json_type_array ? "not an array"
                                  : "not an object";
}

/* A string with no NUL inside (json-c reads "a\u0000b" as "a"). */
int lit_plain_string(json_object *v)
{
    return json_object_is_type(v, json_type_string) &&
           strlen(json_object_get_string(v)) ==
               (size_t)json_object_get_string_len(v);
}

static int has_type(json_object *v, json_type t)
{
    return t == json_type_string ? lit_plain_string(v)
                                 : json_object_is_type(v, t);
}

/* Reads the members of object `body` (called `at`, NULL for the body)
 * into slots (slots[i] for m[i], NULL when absent): -1 with the reason
 * naming the member for one not in m, one of another type (null too) or
 * a required one missing. */
int lit_read_members(json_object **slots, json_object *body, const char *at,
                     const lit_member *m, size_t n, char *reason, size_t len)
{
    char pre[64] = "";
    size_t i;

    memset(slots, 0, n * sizeof(*slots));
    if (!json_object_is_type(body, json_type_object)) {
        snprintf(reason, len, "%s: not a JSON object", at ? at : "body");
        return -1;
    }
    if (at != NULL)
        snprintf(pre, sizeof(pre), "%s.", at);
    json_object_object_foreach(body, name, value)
    {
        for (i = 0; i < n && strcmp(m[i].name, name) != 0; i++)
            ;
        if (i == n) {
            snprintf(reason, len, "%s%.64s: unknown field", pre, name);
            return -1;
        }
        if (!has_type(value, m[i].type)) {
            snprintf(reason, len, "%s%s: %s", pre, name, not_type(m[i].type));
            return -1;
        }
        slots[i] = value;
    }
    for (i = 0; i < n; i++)
        if (m[i].required && slots[i] == NULL) {
            snprintf(reason, len, "%s%s: missing", pre, m[i].name);
            return -1;
        }
    return 0;
}

const char *lit_str(json_object *v)
{
    return v != NULL ? json_object_get_string(v) : NULL;
}

void lit_fail(serve_outcome *o, unsigned status, const char *code,
              const char *reason)
{
    o->status = status;
    o->decision = "refused";
    json_object_put(o->answer);
    o->answer = serve_error_body(code, reason);
}

void lit_bad(serve_outcome *o, const char *reason)
{
    lit_fail(o, MHD_HTTP_BAD_REQUEST, "bad-request", reason);
}

/* A failed call after the policy allowed, with its reason: 503 when a
 * token or the network is not available now, 400 for what the input made
 * the library refuse, else 500; nothing was given out. */
void lit_failed(serve_outcome *o, lithsm_err err, int unavailable,
                const char *reason)
{
    if (unavailable || err == LITHSM_ERR_NETWORK) {
        lit_fail(o, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", reason);
        o->retry_after = 1;
    } else if (err == LITHSM_ERR_INVALID_ARG || err == LITHSM_ERR_PARSE ||
               err == LITHSM_ERR_RANGE) {
        lit_bad(o, reason);
        return;
    } else {
        lit_fail(o, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", reason);
    }
    o->decision = "failed";
    serve_log("error", "a Lit route failed", "error", reason);
}

void lit_lib_failed(serve_outcome *o, lithsm_err err, int unavailable,
                    const char *what)
{
    char reason[LIT_REASON_MAX];

    snprintf(reason, sizeof(reason), "%s: %s", what, lithsm_last_error());
    lit_failed(o, err, unavailable, reason);
}

/* "0x" + 64 hex digits (a blockhash). */
int lit_nonce_ok(const char *nonce)
{
    return strlen(nonce) == 66 && nonce[0] == '0' && nonce[1] == 'x' &&
           strspn(nonce + 2, "0123456789abcdefABCDEF") == 64;
}

/* An optional "expiration": RFC 3339, after now, at most max_ms from now
 * (0: no maximum).  Returns 0, or -1 with reason. */
int lit_expiration_ok(const char *text, int64_t max_ms, char *reason,
                      size_t len)
{
    int64_t t, now = lithsm_time_now_ms();

    if (text == NULL)
        return 0;
    if (lithsm_time_parse(&t, text) != LITHSM_OK)
        snprintf(reason, len, "expiration: not RFC 3339");
    else if (t <= now)
        snprintf(reason, len, "expiration: not after now");
    else if (max_ms > 0 && t - now > max_ms)
        snprintf(reason, len,
                 "expiration: over 30 days from now (nodes "
                 "refuse such a session)");
    else
        return 0;
    return -1;
}

/* The EIP-191 hash of `message` as "0x" + 64 hex. */
static void eip191_hex(char out[2 + 64 + 1], const char *message)
{
    uint8_t h[32];

    lithsm_eip191_hash(h, (const uint8_t *)message, strlen(message));
    memcpy(out, "0x", 2);
    if (lithsm_hex_encode(out + 2, 65, h, sizeof(h)) != LITHSM_OK)
        out[0] = '\0';
}

/* Copies the AuthSig's "sig" into sig->signature and the EIP-191 hash
 * of its "signedMessage" into sig->digest. */
int lit_note_authsig(serve_signed *sig, const char *authsig)
{
    json_object *obj = json_tokener_parse(authsig), *v, *m;
    int ok = obj != NULL && json_object_object_get_ex(obj, "sig", &v) &&
             json_object_object_get_ex(obj, "signedMessage", &m) &&
             (size_t)json_object_get_string_len(v) < sizeof(sig->signature);

    if (ok) {
        memcpy(sig->signature, json_object_get_string(v),
               (size_t)json_object_get_string_len(v) + 1);
        eip191_hex(sig->digest, json_object_get_string(m));
    }
    json_object_put(obj);
    return ok ? 0 : -1;
}

/* ------------------------------------------------------------------------
 * POST /v1/delegations
 */

enum {
    DG_OWNER,
    DG_TOKEN,
    DG_DELEGATEES,
    DG_USES,
    DG_EXPIRATION,
    DG_DOMAIN,
    DG_STATEMENT,
    DG_NONCE,
    DG_N
};

static const lit_member delegation_members[DG_N] = {
    { "owner", json_type_string, 1 },
    { "capacityTokenId", json_type_string, 1 },
    { "delegateeAddresses", json_type_array, 1 },
    { "uses", json_type_string, 0 },
    { "expiration", json_type_string, 0 },
    { "domain", json_type_string, 0 },
    { "statement", json_type_string, 0 },
    { "nonce", json_type_string, 1 },
};

typedef struct delegation_req {
    json_object *m[DG_N];
    serve_key *owner;
    const char **delegatees;
    size_t n_delegatees;
    char uses[24]; /* canonical decimal, "" when not given */
} delegation_req;

static int decimal_ok(const char *text, size_t max_digits)
{
    size_t n = strlen(text);

    return n >= 1 && n <= max_digits && strspn(text, "0123456789") == n;
}

/* delegateeAddresses: addresses ([] gives it to nobody). */
static int delegatees_ok(delegation_req *r, char *reason, size_t len)
{
    json_object *arr = r->m[DG_DELEGATEES], *v;
    size_t i, n = json_object_array_length(arr);
    lithsm_eth_address a;

    if ((r->delegatees = calloc(n + 1, sizeof(*r->delegatees))) == NULL) {
        snprintf(reason, len, "out of memory");
        return -1;
    }
    for (i = 0; i < n; i++) {
        v = json_object_array_get_idx(arr, i);
        if (!lit_plain_string(v) ||
            lithsm_eth_address_parse(&a, json_object_get_string(v), 0) !=
                LITHSM_OK) {
            snprintf(reason, len, "delegateeAddresses[%zu]: not an address", i);
            return -1;
        }
        r->delegatees[i] = json_object_get_string(v);
    }
    r->n_delegatees = n;
    return 0;
}

/* uses: a decimal string of at most 2^64 - 1, made canonical as lithsm
 * delegate --uses makes it. */
static int uses_ok(delegation_req *r, char *reason, size_t len)
{
    const char *text = lit_str(r->m[DG_USES]);
    unsigned long long v;

    if (text == NULL)
        return 0;
    errno = 0;
    if (decimal_ok(text, 20) &&
        ((v = strtoull(text, NULL, 10)) != ULLONG_MAX || errno == 0)) {
        snprintf(r->uses, sizeof(r->uses), "%llu", v);
        return 0;
    }
    snprintf(reason, len, "uses: not a decimal string of at most 2^64 - 1");
    return -1;
}

/* The body checked: 0, or the HTTP status with reason (400; 404 with
 * *code set for an owner not configured). */
static unsigned delegation_check(serve *s, delegation_req *r, json_object *body,
                                 serve_outcome *o, const char **code,
                                 char *reason, size_t len)
{
    *code = "bad-request";
    if (lit_read_members(r->m, body, NULL, delegation_members, DG_N, reason,
                         len) != 0)
        return MHD_HTTP_BAD_REQUEST;
    o->key = lit_str(r->m[DG_OWNER]);
    if ((r->owner = serve_find_key(s, o->key)) == NULL) {
        *code = "unknown-key";
        snprintf(reason, len, "owner: '%.64s' is not configured", o->key);
        return MHD_HTTP_NOT_FOUND;
    }
    if (!decimal_ok(lit_str(r->m[DG_TOKEN]), TOKEN_ID_MAX_DIGITS))
        snprintf(reason, len, "capacityTokenId: not a decimal string");
    else if (!lit_nonce_ok(lit_str(r->m[DG_NONCE])))
        snprintf(reason, len, "nonce: not 0x + 64 hex digits");
    else if (delegatees_ok(r, reason, len) == 0 &&
             uses_ok(r, reason, len) == 0 &&
             lit_expiration_ok(lit_str(r->m[DG_EXPIRATION]), 0, reason, len) ==
                 0)
        return 0;
    return MHD_HTTP_BAD_REQUEST;
}

/* serve_sign_fn of a delegation. */
typedef struct delegation_call {
    const lithsm_delegation_params *p;
    char *authsig;
    lithsm_err err;
} delegation_call;

static lithsm_err delegation_sign(void *arg, lithsm_signer *signer)
{
    delegation_call *dc = arg;

    dc->err = lithsm_delegation_authsig(&dc->authsig, NULL, signer, dc->p);
    return dc->err;
}

/* Signs with the owner key (serve_key_sign: its lock, a token outage);
 * the record gets the SIWE's EIP-191 hash and the signature. */
static void delegation_run(delegation_req *r, serve_signed *sig,
                           serve_outcome *o)
{
    lithsm_delegation_params p;
    delegation_call dc = { &p, NULL, LITHSM_ERR_PKCS11 };
    char reason[LIT_REASON_MAX], *authsig;
    int status, ok;

    memset(&p, 0, sizeof(p));
    p.capacity_token_id = lit_str(r->m[DG_TOKEN]);
    p.delegatees = r->delegatees;
    p.n_delegatees = r->n_delegatees;
    p.delegatees_given = 1;
    p.uses = r->uses[0] != '\0' ? r->uses : NULL;
    p.nonce = lit_str(r->m[DG_NONCE]);
    p.domain = lit_str(r->m[DG_DOMAIN]);
    p.statement = lit_str(r->m[DG_STATEMENT]);
    p.expiration = lit_str(r->m[DG_EXPIRATION]);
    status =
        serve_key_sign(r->owner, delegation_sign, &dc, reason, sizeof(reason));
    if (status != 0) {
        lit_failed(o, dc.err, status == MHD_HTTP_SERVICE_UNAVAILABLE, reason);
        return;
    }
    authsig = dc.authsig;
    ok = lit_note_authsig(sig, authsig) == 0 &&
         (o->answer = serve_raw_answer(authsig)) != NULL;
    lithsm_free(authsig);
    if (!ok) {
        lit_fail(o, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                 "out of memory");
        return;
    }
    o->decision = "allowed";
    o->digest = sig->digest;
    o->signature = sig->signature;
}

static void delegation(serve *s, serve_request *req, json_object *body,
                       serve_signed *sig, serve_outcome *o)
{
    delegation_req r;
    char reason[LIT_REASON_MAX];
    const char *code;
    unsigned status;

    memset(&r, 0, sizeof(r));
    status = delegation_check(s, &r, body, o, &code, reason, sizeof(reason));
    if (status != 0)
        lit_fail(o, status, code, reason);
    else if (serve_ask_policy(s, req, "delegations", o->key, o))
        delegation_run(&r, sig, o);
    free((void *)r.delegatees);
}

int serve_lit_answer(serve *s, serve_request *req, const char *url,
                     const char *method, const char *body, size_t len,
                     serve_signed *sig, serve_outcome *o)
{
    int session = strcmp(url, "/v1/session-sigs") == 0;

    if (!session && strcmp(url, "/v1/delegations") != 0)
        return 0;
    o->route = session ? "session-sigs" : "delegations";
    if (strcmp(method, "POST") != 0) {
        lit_fail(o, MHD_HTTP_METHOD_NOT_ALLOWED, "method-not-allowed",
                 "use POST");
        return 1;
    }
    if (body == NULL ||
        (o->request = cli_json_parse_strict(body, len, JSON_DEPTH)) == NULL) {
        lit_bad(o, "body: not JSON");
        return 1;
    }
    if (session)
        lit_session_sigs(s, req, o->request, sig, o);
    else
        delegation(s, req, o->request, sig, o);
    return 1;
}
