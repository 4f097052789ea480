/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * capability.c - the AuthSigs in a SessionSig's capabilities (lit-protocol.md
 * 11.3): the AuthSig rule the flow shares, and step 6 of a node's check,
 * run once per distinct capability of a verification call.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "verify/verify.h"

#define LIT_DELEGATION_URI "lit:capability:delegation"

const lithsm_cap_role lithsm_role_authsig = {
    "authsig", LITHSM_VERIFY_AUTHSIG_SIGNATURE_INVALID,
    LITHSM_VERIFY_AUTHSIG_EXPIRED, LITHSM_VERIFY_AUTHSIG_NOT_YET_VALID,
    LITHSM_VERIFY_AUTHSIG_ADDRESS_MISMATCH
};

const lithsm_cap_role lithsm_role_delegation = {
    "delegation", LITHSM_VERIFY_DELEGATION_SIGNATURE_INVALID,
    LITHSM_VERIFY_DELEGATION_EXPIRED, LITHSM_VERIFY_DELEGATION_NOT_YET_VALID,
    LITHSM_VERIFY_DELEGATION_ADDRESS_MISMATCH
};

/* ------------------------------------------------------------------------
 * The AuthSig rule
 */

void lithsm_authsig_check_clear(lithsm_authsig_check *c)
{
    lithsm_siwe_msg_free(c->siwe);
    memset(c, 0, sizeof(*c));
}

/* Sets the verdict and what failed; returns 0 so a step reads
 * `return found(c, ...)`. */
static int found(lithsm_authsig_check *c, lithsm_authsig_verdict verdict,
                 const char *fmt, ...) LITHSM_PRINTF(3, 4);

static int found(lithsm_authsig_check *c, lithsm_authsig_verdict verdict,
                 const char *fmt, ...)
{
    va_list ap;

    c->verdict = verdict;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof(c->why), fmt, ap);
    va_end(ap);
    return 0;
}

/* siwe verify({time: now}): now inside [Not Before, Expiration Time), no
 * grace.  1 when it is. */
static int inside_window(lithsm_authsig_check *c, const lithsm_siwe *f,
                         int64_t now_ms)
{
    int64_t t;

    if (f->expiration_time != NULL) {
        if (lithsm_time_parse(&t, f->expiration_time) != LITHSM_OK)
            return found(c, LITHSM_AUTHSIG_MALFORMED, "Expiration Time: %s",
                         lithsm_last_error());
        if (now_ms >= t)
            return found(c, LITHSM_AUTHSIG_EXPIRED, "expired at %s",
                         f->expiration_time);
    }
    if (f->not_before != NULL) {
        if (lithsm_time_parse(&t, f->not_before) != LITHSM_OK)
            return found(c, LITHSM_AUTHSIG_MALFORMED, "Not Before: %s",
                         lithsm_last_error());
        if (now_ms < t)
            return found(c, LITHSM_AUTHSIG_NOT_YET_VALID,
                         "is not valid before %s", f->not_before);
    }
    return 1;
}

/* EIP-191 over the SIWE text, recovered to the SIWE address. */
static int recovers(lithsm_authsig_check *c, const char *sig, size_t sig_len,
                    const char *msg, size_t msg_len)
{
    uint8_t hash[32], raw[LITHSM_ETH_SIG_LEN];
    lithsm_eth_address signer;

    if (lithsm_hex_decode(raw, sizeof(raw), sig, sig_len) != LITHSM_OK)
        return found(c, LITHSM_AUTHSIG_SIGNATURE_INVALID,
                     "\"sig\" is not 65 bytes of hex");
    lithsm_eip191_hash(hash, (const uint8_t *)msg, msg_len);
    if (lithsm_eth_recover(&signer, hash, raw, sizeof(raw)) != LITHSM_OK ||
        memcmp(signer.bytes, c->siwe_address.bytes, sizeof(signer.bytes)) != 0)
        return found(c, LITHSM_AUTHSIG_SIGNATURE_INVALID,
                     "the signature does not recover to the SIWE address");
    return 1;
}

lithsm_err lithsm_authsig_verify(lithsm_authsig_check *out, const char *sig,
                                 size_t sig_len, const char *msg,
                                 size_t msg_len, const char *address,
                                 int64_t now_ms, int check_signature)
{
    const lithsm_siwe *f;
    lithsm_eth_address field;
    lithsm_err err;

    memset(out, 0, sizeof(*out));
    err = lithsm_siwe_parse(&out->siwe, msg, msg_len);
    if (err == LITHSM_ERR_NOMEM)
        return err;
    if (err != LITHSM_OK) {
        found(out, LITHSM_AUTHSIG_MALFORMED, "%s", lithsm_last_error());
        return LITHSM_OK;
    }
    f = lithsm_siwe_msg_fields(out->siwe);
    if (!inside_window(out, f, now_ms))
        return LITHSM_OK;
    if (f->address == NULL ||
        lithsm_eth_address_parse(&out->siwe_address, f->address, 0) !=
            LITHSM_OK) {
        found(out, LITHSM_AUTHSIG_MALFORMED, "the SIWE address is unusable");
        return LITHSM_OK;
    }
    if (check_signature && !recovers(out, sig, sig_len, msg, msg_len))
        return LITHSM_OK;
    if (address == NULL ||
        lithsm_eth_address_parse(&field, address, 0) != LITHSM_OK ||
        memcmp(field.bytes, out->siwe_address.bytes, sizeof(field.bytes)) != 0)
        found(out, LITHSM_AUTHSIG_ADDRESS_MISMATCH,
              "\"address\" is not the SIWE address");
    return LITHSM_OK;
}

/* ------------------------------------------------------------------------
 * Step 6: each capability, once per distinct (sig, signedMessage, address)
 */

static int same(const char *a, size_t a_len, const char *b, size_t b_len)
{
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

void lithsm_vcap_free(lithsm_vcap *c)
{
    if (c == NULL)
        return;
    free(c->sig);
    free(c->msg);
    free(c->address);
    lithsm_authsig_check_clear(&c->check);
    lithsm_recap_free(c->recap);
    free(c);
}

static char *copy(const char *s, size_t len)
{
    char *d = malloc(len + 1);

    if (d != NULL) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

/* The node's verdict on a capability, with its detail after "capability
 * N" (the index differs from entry to entry). */
static void vcap_judge(lithsm_vcap *c)
{
    const lithsm_authsig_check *k = &c->check;
    const lithsm_cap_role *role = c->role;
    const char *why = k->why;

    switch (k->verdict) {
    case LITHSM_AUTHSIG_VALID:
        c->reason = LITHSM_VERIFY_OK;
        return;
    case LITHSM_AUTHSIG_MALFORMED:
        c->reason = LITHSM_VERIFY_CAPABILITY_MALFORMED;
        snprintf(c->tail, sizeof(c->tail), ": %s", why);
        return;
    case LITHSM_AUTHSIG_EXPIRED:
        c->reason = role->expired;
        break;
    case LITHSM_AUTHSIG_NOT_YET_VALID:
        c->reason = role->not_yet_valid;
        break;
    case LITHSM_AUTHSIG_SIGNATURE_INVALID:
        c->reason = role->signature_invalid;
        snprintf(c->tail, sizeof(c->tail), " (%s): %s", role->name, why);
        return;
    case LITHSM_AUTHSIG_ADDRESS_MISMATCH:
        c->reason = role->address_mismatch;
        snprintf(c->tail, sizeof(c->tail), " (%s): %s", role->name, why);
        return;
    }
    snprintf(c->tail, sizeof(c->tail), " (%s) %s", role->name, why);
}

/* A new cache entry for the strings, checked at now_ms. */
static lithsm_err vcap_new(lithsm_vcap **out, const char *sig, size_t sig_len,
                           const char *msg, size_t msg_len, const char *address,
                           size_t address_len, int64_t now_ms)
{
    lithsm_vcap *c = calloc(1, sizeof(*c));
    lithsm_err err;

    *out = NULL;
    if (c == NULL || (c->sig = copy(sig, sig_len)) == NULL ||
        (c->msg = copy(msg, msg_len)) == NULL ||
        (c->address = copy(address, address_len)) == NULL) {
        lithsm_vcap_free(c);
        return lithsm_fail(LITHSM_ERR_NOMEM, "verify: out of memory");
    }
    c->sig_len = sig_len;
    c->msg_len = msg_len;
    c->address_len = address_len;
    err = lithsm_authsig_verify(&c->check, sig, sig_len, msg, msg_len, address,
                                now_ms, 1);
    if (err != LITHSM_OK) {
        lithsm_vcap_free(c);
        return err;
    }
    c->role = &lithsm_role_authsig;
    if (c->check.siwe != NULL) {
        const char *uri = lithsm_siwe_msg_fields(c->check.siwe)->uri;

        if (uri != NULL && strcmp(uri, LIT_DELEGATION_URI) == 0)
            c->role = &lithsm_role_delegation;
    }
    vcap_judge(c);
    *out = c;
    return LITHSM_OK;
}

/* The cached capability with exactly these strings, made on first sight. */
static lithsm_err vcap_get(lithsm_vcache *cache, lithsm_vcap **out,
                           const char *sig, size_t sig_len, const char *msg,
                           size_t msg_len, const char *address,
                           size_t address_len, int64_t now_ms)
{
    lithsm_vcap *c;
    size_t i;
    lithsm_err err;

    for (i = 0; i < cache->n_caps; i++) {
        c = cache->caps[i];
        if (same(c->msg, c->msg_len, msg, msg_len) &&
            same(c->sig, c->sig_len, sig, sig_len) &&
            same(c->address, c->address_len, address, address_len)) {
            *out = c;
            return LITHSM_OK;
        }
    }
    if (cache->n_caps == cache->cap_room) {
        size_t room = cache->cap_room ? 2 * cache->cap_room : 4;
        lithsm_vcap **grown = realloc(cache->caps, room * sizeof(*grown));

        if (grown == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "verify: out of memory");
        cache->caps = grown;
        cache->cap_room = room;
    }
    err =
        vcap_new(&c, sig, sig_len, msg, msg_len, address, address_len, now_ms);
    if (err != LITHSM_OK)
        return err;
    cache->caps[cache->n_caps++] = c;
    *out = c;
    return LITHSM_OK;
}

static lithsm_err check_capability(lithsm_vstate *st, size_t i)
{
    json_object *cap = json_object_array_get_idx(st->caps, i);
    const char *sig, *msg, *address;
    size_t sig_len, msg_len, address_len;
    lithsm_vcap *c = NULL;
    lithsm_err err;

    if (!json_object_is_type(cap, json_type_object)) {
        lithsm_vreject(st, LITHSM_VERIFY_CAPABILITY_MALFORMED,
                       "capability %zu is not a JSON object", i);
        return LITHSM_OK;
    }
    sig = lithsm_vget_str(cap, "sig", &sig_len);
    msg = lithsm_vget_str(cap, "signedMessage", &msg_len);
    address = lithsm_vget_str(cap, "address", &address_len);
    if (sig == NULL || msg == NULL || address == NULL) {
        lithsm_vreject(st, LITHSM_VERIFY_CAPABILITY_MALFORMED,
                       "capability %zu: \"%s\" is missing or not a string", i,
                       sig == NULL   ? "sig"
                       : msg == NULL ? "signedMessage"
                                     : "address");
        return LITHSM_OK;
    }
    err = vcap_get(st->cache, &c, sig, sig_len, msg, msg_len, address,
                   address_len, st->now_ms);
    if (err != LITHSM_OK)
        return err;
    st->vcaps[i] = c;
    if (c->reason != LITHSM_VERIFY_OK)
        lithsm_vreject(st, c->reason, "capability %zu%s", i, c->tail);
    return LITHSM_OK;
}

lithsm_err lithsm_vcheck_capabilities(lithsm_vstate *st)
{
    size_t i;
    lithsm_err err;

    if (st->n_caps == 0) {
        lithsm_vreject(st, LITHSM_VERIFY_CAPABILITIES_MISSING,
                       "signedMessage \"capabilities\" is empty");
        return LITHSM_OK;
    }
    st->vcaps = calloc(st->n_caps, sizeof(*st->vcaps));
    if (st->vcaps == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "verify: out of memory");
    for (i = 0; i < st->n_caps; i++) {
        err = check_capability(st, i);
        if (err != LITHSM_OK || st->rejected)
            return err;
    }
    return LITHSM_OK;
}
