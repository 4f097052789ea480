/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * envelope.c - the SessionSig around the signed message, as a node checks
 * it (lit-protocol.md 11.1-11.2): its fields and algorithm, the ed25519
 * signature over signedMessage, the signed JSON body, the node address and
 * the session's time window.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include <json-c/json.h>

#include "verify/verify.h"

#define ED25519_PUBKEY_LEN 32
#define ED25519_SIG_LEN 64
#define ED25519_SIG_HEX_LEN (2 * ED25519_SIG_LEN)

/* check_expiration_validity: a SessionSig lives at most 30 days. */
#define MAX_SESSION_MS (30LL * 24 * 60 * 60 * 1000)

static int64_t sat_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

static int str_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* ------------------------------------------------------------------------
 * Step 1: the SessionSig object and its algorithm (11.1).
 */
void lithsm_vcheck_outer(lithsm_vstate *st)
{
    static const char *const required[] = { "sig", "derivedVia",
                                            "signedMessage", "address" };
    const char *algo, *derived_via;
    size_t i;

    if (!json_object_is_type(st->outer, json_type_object)) {
        lithsm_vreject(st, LITHSM_VERIFY_MALFORMED,
                       "the SessionSig is not a JSON object");
        return;
    }
    for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        json_object *v;

        if (!json_object_object_get_ex(st->outer, required[i], &v) ||
            !json_object_is_type(v, json_type_string)) {
            lithsm_vreject(st, LITHSM_VERIFY_MALFORMED,
                           "SessionSig field \"%s\" is missing or not a string",
                           required[i]);
            return;
        }
    }
    /* signedMessage is used with its length: its bytes are signed as is. */
    st->signed_message = json_object_get_string(
        json_object_object_get(st->outer, "signedMessage"));
    st->signed_message_len = (size_t)json_object_get_string_len(
        json_object_object_get(st->outer, "signedMessage"));
    st->sig_hex = lithsm_vget_str(st->outer, "sig", NULL);
    st->address = lithsm_vget_str(st->outer, "address", &st->address_len);
    derived_via = lithsm_vget_str(st->outer, "derivedVia", NULL);
    if (st->sig_hex == NULL || st->address == NULL || derived_via == NULL) {
        lithsm_vreject(st, LITHSM_VERIFY_MALFORMED,
                       "a SessionSig field holds a NUL character");
        return;
    }
    algo = lithsm_vget_str(st->outer, "algo", NULL);
    if (!str_eq(algo, "ed25519")) {
        lithsm_vreject(st, LITHSM_VERIFY_UNSUPPORTED_ALGO, "%s",
                       algo == NULL
                           ? "SessionSig \"algo\" is missing or not a string"
                           : "SessionSig \"algo\" is not \"ed25519\"");
        return;
    }
    if (strcmp(derived_via, "litSessionSignViaNacl") != 0)
        lithsm_vreject(
            st, LITHSM_VERIFY_UNSUPPORTED_ALGO,
            "SessionSig \"derivedVia\" is not \"litSessionSignViaNacl\"");
}

/* ------------------------------------------------------------------------
 * Step 2: the ed25519 signature (11.2 step 1).
 */

/* The 32 bytes of p - 0xed + low, little-endian: p = 2^255 - 19 is 0xed,
 * thirty 0xff, then 0x7f. */
#define FF_X10 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
#define NEAR_P(low) low, FF_X10, FF_X10, FF_X10, 0x7f

/*
 * The encodings of the eight points of small order, the sign bit ignored,
 * including the non-canonical y = p and y = p + 1 (as libsodium's
 * blocklist).  ed25519-dalek's verify_strict, which the node runs, rejects a
 * public key or an R of small order; OpenSSL does not, so check here.
 */
static const uint8_t small_order[][32] = {
    { 0 },
    { 1 },
    { 0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
      0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
      0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05 },
    { 0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
      0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
      0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a },
    { NEAR_P(0xec) }, /* p - 1 */
    { NEAR_P(0xed) }, /* p */
    { NEAR_P(0xee) }, /* p + 1 */
};

static int has_small_order(const uint8_t p[32])
{
    size_t i;

    for (i = 0; i < sizeof(small_order) / sizeof(small_order[0]); i++) {
        if (memcmp(p, small_order[i], 31) == 0 &&
            (p[31] & 0x7f) == small_order[i][31])
            return 1;
    }
    return 0;
}

/* 128 hex digits, all lower or all upper case, no "0x" (the node's
 * NodeAuthSigSignatureConversionError otherwise). */
static int sig_hex_ok(const char *hex)
{
    int lower = 0, upper = 0;
    size_t i;

    for (i = 0; hex[i] != '\0'; i++) {
        char c = hex[i];

        if (c >= 'a' && c <= 'f')
            lower = 1;
        else if (c >= 'A' && c <= 'F')
            upper = 1;
        else if (c < '0' || c > '9')
            return 0;
    }
    return i == ED25519_SIG_HEX_LEN && !(lower && upper);
}

/* The OpenSSL key of `pub`, kept in the cache: a map's entries share one
 * session key.  NULL when OpenSSL does not take it. */
static EVP_PKEY *session_pkey(lithsm_vcache *cache, const uint8_t pub[32])
{
    if (cache->pkey != NULL && memcmp(cache->pub, pub, 32) == 0)
        return cache->pkey;
    EVP_PKEY_free(cache->pkey);
    cache->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
    memcpy(cache->pub, pub, 32);
    return cache->pkey;
}

/* A fresh digest context each time: OpenSSL 3.0 re-initialising a used one
 * keeps the key it had, whatever key is passed. */
static lithsm_err ed25519_verify(lithsm_vstate *st, EVP_PKEY *pkey,
                                 const uint8_t sig[ED25519_SIG_LEN])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    lithsm_err err = LITHSM_OK;

    if (md == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "verify: out of memory");
    if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, pkey) != 1)
        err = lithsm_fail(LITHSM_ERR_CRYPTO,
                          "verify: OpenSSL cannot set up ed25519");
    else if (EVP_DigestVerify(md, sig, ED25519_SIG_LEN,
                              (const unsigned char *)st->signed_message,
                              st->signed_message_len) != 1)
        lithsm_vreject(
            st, LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
            "the ed25519 signature does not verify over signedMessage "
            "with the key in \"address\"");
    ERR_clear_error();
    EVP_MD_CTX_free(md);
    return err;
}

lithsm_err lithsm_vcheck_session_signature(lithsm_vstate *st)
{
    uint8_t pub[ED25519_PUBKEY_LEN], sig[ED25519_SIG_LEN];
    EVP_PKEY *pkey;

    if (lithsm_hex_decode(pub, sizeof(pub), st->address, st->address_len) !=
        LITHSM_OK) {
        lithsm_vreject(st, LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
                       "SessionSig \"address\" is not 32 bytes of hex");
        return LITHSM_OK;
    }
    if (!sig_hex_ok(st->sig_hex) ||
        lithsm_hex_decode(sig, sizeof(sig), st->sig_hex, ED25519_SIG_HEX_LEN) !=
            LITHSM_OK) {
        lithsm_vreject(st, LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
                       "SessionSig \"sig\" is not 128 hex digits of one case");
        return LITHSM_OK;
    }
    if (has_small_order(pub) || has_small_order(sig)) {
        lithsm_vreject(st, LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
                       "SessionSig %s is a point of small order",
                       has_small_order(pub) ? "public key" : "signature R");
        return LITHSM_OK;
    }
    pkey = session_pkey(st->cache, pub);
    if (pkey == NULL) {
        ERR_clear_error();
        lithsm_vreject(
            st, LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
            "SessionSig \"address\" is not a usable ed25519 public key");
        return LITHSM_OK;
    }
    return ed25519_verify(st, pkey, sig);
}

/* ------------------------------------------------------------------------
 * Step 3: the signed body (11.2 step 2).
 *
 * The entries of a map sign one message but for the nodeAddress value at
 * its end (..."nodeAddress":"<url>"}).  The body parsed last is kept as a
 * template: a message with the same bytes up to that value, then a value
 * that needs no escape and '"}', parses to the same body with that
 * nodeAddress, so it is not parsed again.
 */

#define NODE_ADDRESS_KEY "\"nodeAddress\":\""

/* The content of a JSON string that needs no escape (no control character,
 * '"' or '\\', and valid UTF-8): its JSON text is itself. */
static int plain_string(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
            return 0;
    return lithsm_utf8_valid(s, n);
}

/* Where the nodeAddress value starts in the text of a body that parsed,
 * when the text ends with "nodeAddress":"<value>"} and the value is plain;
 * 0 otherwise.  The key's quote is not escaped (an even run of backslashes
 * before it), so in text that parsed it opens the key of the top object's
 * last member. */
static size_t template_at(const char *text, size_t len, const char *value)
{
    size_t key_len = strlen(NODE_ADDRESS_KEY), value_len = strlen(value);
    size_t at, key, backslashes = 0;

    if (len < key_len + value_len + 3 || !plain_string(value, value_len))
        return 0;
    at = len - 2 - value_len;
    key = at - key_len;
    if (memcmp(text + len - 2, "\"}", 2) != 0 ||
        memcmp(text + at, value, value_len) != 0 ||
        memcmp(text + key, NODE_ADDRESS_KEY, key_len) != 0)
        return 0;
    while (backslashes < key && text[key - 1 - backslashes] == '\\')
        backslashes++;
    return backslashes % 2 == 0 ? at : 0;
}

/* Keeps the text of the body just read as the template, when it can be. */
static void keep_template(lithsm_vstate *st)
{
    lithsm_vcache *c = st->cache;
    size_t at = template_at(st->signed_message, st->signed_message_len,
                            st->node_address);
    char *copy = at > 0 ? realloc(c->tmpl, at) : NULL;

    if (copy == NULL)
        return; /* no template: the next body is parsed */
    memcpy(copy, st->signed_message, at);
    c->tmpl = copy;
    c->tmpl_at = at;
}

/* 1 when the signed message is the template's with another plain
 * nodeAddress value, which is then copied to c->node_address. */
static int reuse_template(lithsm_vstate *st)
{
    lithsm_vcache *c = st->cache;
    const char *text = st->signed_message, *value;
    size_t len = st->signed_message_len, value_len;

    if (c->tmpl_at == 0 || len < c->tmpl_at + 2 || len > LITHSM_MAX_INPUT ||
        memcmp(text + len - 2, "\"}", 2) != 0 ||
        memcmp(text, c->tmpl, c->tmpl_at) != 0)
        return 0;
    value = text + c->tmpl_at;
    value_len = len - 2 - c->tmpl_at;
    if (!plain_string(value, value_len))
        return 0;
    if (value_len >= c->node_address_room) {
        char *grown = realloc(c->node_address, value_len + 1);

        if (grown == NULL)
            return 0;
        c->node_address = grown;
        c->node_address_room = value_len + 1;
    }
    memcpy(c->node_address, value, value_len);
    c->node_address[value_len] = '\0';
    return 1;
}

/* Each resource-ability request must be
 * {"resource":{"resource":s,"resourcePrefix":s},"ability":s}. */
static int request_ok(const json_object *req)
{
    json_object *res;

    return json_object_is_type(req, json_type_object) &&
           json_object_object_get_ex(req, "resource", &res) &&
           json_object_is_type(res, json_type_object) &&
           lithsm_vget_str(res, "resource", NULL) != NULL &&
           lithsm_vget_str(res, "resourcePrefix", NULL) != NULL &&
           lithsm_vget_str(req, "ability", NULL) != NULL;
}

/* The array member `name` of the body, or NULL after rejecting. */
static json_object *body_array(lithsm_vstate *st, const char *name)
{
    json_object *v;

    if (json_object_object_get_ex(st->body, name, &v) &&
        json_object_is_type(v, json_type_array))
        return v;
    lithsm_vreject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
                   "signedMessage field \"%s\" is missing or not an array",
                   name);
    return NULL;
}

/* The members of the parsed body, checked and kept in st. */
static void read_body(lithsm_vstate *st)
{
    static const char *const strs[] = { "sessionKey", "issuedAt", "expiration",
                                        "nodeAddress" };
    size_t i, n;

    if (!json_object_is_type(st->body, json_type_object)) {
        lithsm_vreject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
                       "signedMessage is not a JSON object");
        return;
    }
    for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (lithsm_vget_str(st->body, strs[i], NULL) == NULL) {
            lithsm_vreject(
                st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
                "signedMessage field \"%s\" is missing or not a string",
                strs[i]);
            return;
        }
    }
    st->session_key =
        lithsm_vget_str(st->body, "sessionKey", &st->session_key_len);
    st->issued_at = lithsm_vget_str(st->body, "issuedAt", NULL);
    st->expiration = lithsm_vget_str(st->body, "expiration", NULL);
    st->node_address = lithsm_vget_str(st->body, "nodeAddress", NULL);
    st->requests = body_array(st, "resourceAbilityRequests");
    if (st->requests == NULL)
        return;
    st->caps = body_array(st, "capabilities");
    if (st->caps == NULL)
        return;
    n = json_object_array_length(st->requests);
    for (i = 0; i < n; i++) {
        if (!request_ok(json_object_array_get_idx(st->requests, i))) {
            lithsm_vreject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
                           "resourceAbilityRequests[%zu] is not {resource: "
                           "{resource, resourcePrefix}, ability}",
                           i);
            return;
        }
    }
    st->n_caps = json_object_array_length(st->caps);
}

void lithsm_vcheck_body(lithsm_vstate *st)
{
    lithsm_vcache *c = st->cache;
    int reused = reuse_template(st);

    if (!reused) {
        json_object_put(c->body);
        c->body = NULL;
        c->tmpl_at = 0;
        if (lithsm_json_parse(&c->body, st->signed_message,
                              st->signed_message_len,
                              "signedMessage") != LITHSM_OK) {
            lithsm_vreject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED, "%s",
                           lithsm_last_error());
            return;
        }
    }
    st->body = c->body;
    read_body(st);
    if (st->rejected)
        return;
    if (reused)
        st->node_address = c->node_address;
    else
        keep_template(st);
}

/* ------------------------------------------------------------------------
 * Step 4: nodeAddress (11.2 step 5).
 */

/* A URL as the node's prepare_domain_name leaves it: `head` (either "" or
 * "127.0.0.1" standing for "localhost") followed by `tail`. */
typedef struct node_addr {
    const char *head, *tail;
    size_t head_len, tail_len;
} node_addr;

static int is_trim_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/*
 * Trims, removes "https://" and then "http://", and maps the host
 * "localhost" to "127.0.0.1".  The node replaces "localhost" in the text;
 * here only a host that is exactly "localhost" is mapped, which gives the
 * same answer for every real node URL.
 */
static void node_addr_prepare(node_addr *out, const char *s)
{
    size_t n = strlen(s);

    while (n > 0 && is_trim_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_trim_space(s[n - 1]))
        n--;
    if (n >= 8 && strncmp(s, "https://", 8) == 0) {
        s += 8;
        n -= 8;
    }
    if (n >= 7 && strncmp(s, "http://", 7) == 0) {
        s += 7;
        n -= 7;
    }
    out->head = "";
    out->head_len = 0;
    if (n >= 9 && strncmp(s, "localhost", 9) == 0 &&
        (n == 9 || s[9] == ':' || s[9] == '/')) {
        out->head = "127.0.0.1";
        out->head_len = 9;
        s += 9;
        n -= 9;
    }
    out->tail = s;
    out->tail_len = n;
}

static char node_addr_at(const node_addr *a, size_t i)
{
    return i < a->head_len ? a->head[i] : a->tail[i - a->head_len];
}

int lithsm_node_addr_eq(const char *x, const char *y)
{
    node_addr a, b;
    size_t i, n;

    node_addr_prepare(&a, x);
    node_addr_prepare(&b, y);
    n = a.head_len + a.tail_len;
    if (n != b.head_len + b.tail_len)
        return 0;
    for (i = 0; i < n; i++) {
        if (node_addr_at(&a, i) != node_addr_at(&b, i))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------
 * Step 5: the session's time window (11.2 step 4, 10.3).
 */
void lithsm_vcheck_times(lithsm_vstate *st)
{
    int64_t iat, exp;

    if (lithsm_time_parse(&iat, st->issued_at) != LITHSM_OK) {
        lithsm_vreject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
                       "signedMessage \"issuedAt\": %s", lithsm_last_error());
        return;
    }
    if (lithsm_time_parse(&exp, st->expiration) != LITHSM_OK) {
        lithsm_vreject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
                       "signedMessage \"expiration\": %s", lithsm_last_error());
        return;
    }
    /* Exclusive, like siwe's verify: expired at the instant itself. */
    if (st->now_ms >= sat_add(exp, st->grace_ms)) {
        lithsm_vreject(st, LITHSM_VERIFY_SESSION_EXPIRED,
                       "the session expired at %s", st->expiration);
        return;
    }
    if (iat > sat_add(st->now_ms, st->grace_ms)) {
        lithsm_vreject(st, LITHSM_VERIFY_SESSION_NOT_YET_VALID,
                       "the session is issued in the future (%s)",
                       st->issued_at);
        return;
    }
    if (exp < iat || exp > sat_add(iat, MAX_SESSION_MS))
        lithsm_vreject(
            st, LITHSM_VERIFY_SESSION_TOO_LONG,
            "the session expiration %s is before issuedAt or more than "
            "30 days after it",
            st->expiration);
}
