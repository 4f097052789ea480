/*
 * verify.c - checks one SessionSig as one Lit node would.
 *
 * The order of the checks, and the reason word of the first that fails, is
 * the `check_order` of tests/vectors/verify-negative.json; the node's own
 * rules are lit-protocol.md section 11 (Datil node v1.0.18).  Where the node
 * and the JS SDK differ, the SDK's stricter reading is kept (expiry is
 * exclusive, the wallet ReCap is resources[0]) and the comment says so.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include <json-c/json.h>

#include "util/util.h"

#define ED25519_PUBKEY_LEN 32
#define ED25519_SIG_LEN 64
#define ED25519_SIG_HEX_LEN (2 * ED25519_SIG_LEN)

/* check_expiration_validity: a SessionSig lives at most 30 days. */
#define MAX_SESSION_MS (30LL * 24 * 60 * 60 * 1000)

#define LIT_SESSION_URI_PREFIX "lit:session:"
#define LIT_DELEGATION_URI "lit:capability:delegation"
#define LIT_RLI_PREFIX "lit-ratelimitincrease://"
#define RECAP_URN_PREFIX "urn:recap:"

/*
 * Per reason: the word of the golden vectors, then the errorCode and HTTP
 * status a Datil node answers for the same defect (lit-protocol.md 11.7 for
 * the codes, 11.2-11.5 for which check raises which).  The ReCap and wallet
 * AuthSig defects surface as NodeResourceIdNotFound because the node scans
 * the capabilities for one that passes and finds none (11.2 step 6); a
 * delegatee that is not listed makes the node skip the nota bene and find
 * no capacity (11.5).
 */
static const struct {
    const char *word;
    const char *node_error;
    int http_status;
} reason_info[] = {
    [LITHSM_VERIFY_OK] = { "ok", NULL, 200 },
    [LITHSM_VERIFY_MALFORMED] = { "malformed",
                                  "NodeAuthSigSignedMessageConversionError",
                                  400 },
    [LITHSM_VERIFY_UNSUPPORTED_ALGO] = { "unsupported_algo",
                                         "NodeInvalidAuthSig", 401 },
    [LITHSM_VERIFY_SESSION_SIGNATURE_INVALID] = { "session_signature_invalid",
                                                  "NodeInvalidAuthSigSessionKey"
                                                  "Signature",
                                                  400 },
    [LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED] = { "signed_message_malformed",
                                                 "NodeAuthSigSignedMessageConve"
                                                 "rsionError",
                                                 400 },
    [LITHSM_VERIFY_SESSION_KEY_MISMATCH] = { "session_key_mismatch",
                                             "NodeSIWEMessageError", 400 },
    [LITHSM_VERIFY_NODE_ADDRESS_MISMATCH] = { "node_address_mismatch",
                                              "NodeNotAuthorized", 403 },
    [LITHSM_VERIFY_SESSION_EXPIRED] = { "session_expired",
                                        "NodeExpWrongOrTooLarge", 403 },
    [LITHSM_VERIFY_SESSION_NOT_YET_VALID] = { "session_not_yet_valid",
                                              "NodeIatOutsideGracePeriod",
                                              403 },
    [LITHSM_VERIFY_SESSION_TOO_LONG] = { "session_too_long",
                                         "NodeSIWEMessageError", 400 },
    [LITHSM_VERIFY_CAPABILITIES_MISSING] = { "capabilities_missing",
                                             "NodeSIWECapabilityInvalid", 400 },
    [LITHSM_VERIFY_CAPABILITY_MALFORMED] = { "capability_malformed",
                                             "NodeSIWECapabilityInvalid", 400 },
    [LITHSM_VERIFY_AUTHSIG_SIGNATURE_INVALID] = { "authsig_signature_invalid",
                                                  "NodeResourceIdNotFound",
                                                  404 },
    [LITHSM_VERIFY_AUTHSIG_EXPIRED] = { "authsig_expired",
                                        "NodeResourceIdNotFound", 404 },
    [LITHSM_VERIFY_AUTHSIG_NOT_YET_VALID] = { "authsig_not_yet_valid",
                                              "NodeResourceIdNotFound", 404 },
    [LITHSM_VERIFY_AUTHSIG_ADDRESS_MISMATCH] = { "authsig_address_mismatch",
                                                 "NodeResourceIdNotFound",
                                                 404 },
    [LITHSM_VERIFY_DELEGATION_SIGNATURE_INVALID] = { "delegation_signature_"
                                                     "invalid",
                                                     "NodeSIWEMessageError",
                                                     400 },
    [LITHSM_VERIFY_DELEGATION_EXPIRED] = { "delegation_expired",
                                           "NodeSIWEMessageError", 400 },
    [LITHSM_VERIFY_DELEGATION_NOT_YET_VALID] = { "delegation_not_yet_valid",
                                                 "NodeSIWEMessageError", 400 },
    [LITHSM_VERIFY_DELEGATION_ADDRESS_MISMATCH] = { "delegation_address_"
                                                    "mismatch",
                                                    "NodeSIWEMessageError",
                                                    400 },
    [LITHSM_VERIFY_SESSION_URI_MISMATCH] = { "session_uri_mismatch",
                                             "NodeResourceIdNotFound", 404 },
    [LITHSM_VERIFY_RECAP_MISSING] = { "recap_missing", "NodeResourceIdNotFound",
                                      404 },
    [LITHSM_VERIFY_RECAP_MALFORMED] = { "recap_malformed",
                                        "NodeResourceIdNotFound", 404 },
    [LITHSM_VERIFY_RECAP_STATEMENT_MISMATCH] = { "recap_statement_mismatch",
                                                 "NodeResourceIdNotFound",
                                                 404 },
    [LITHSM_VERIFY_RESOURCE_NOT_COVERED] = { "resource_not_covered",
                                             "NodeResourceIdNotFound", 404 },
    [LITHSM_VERIFY_DELEGATEE_NOT_AUTHORIZED] = { "delegatee_not_authorized",
                                                 "rate_limit_exceeded", 402 },
};

#define N_REASONS (sizeof(reason_info) / sizeof(reason_info[0]))

/* A reason appended to lithsm.h needs its row here. */
_Static_assert(N_REASONS == LITHSM_VERIFY_DELEGATEE_NOT_AUTHORIZED + 1,
               "reason_info must list every lithsm_verify_reason");

const char *lithsm_verify_reason_word(lithsm_verify_reason reason)
{
    if ((size_t)reason >= N_REASONS || reason_info[reason].word == NULL)
        return "unknown";
    return reason_info[reason].word;
}

/* The four capability reasons, per role. */
typedef struct cap_role {
    const char *name;
    lithsm_verify_reason signature_invalid, expired, not_yet_valid,
        address_mismatch;
} cap_role;

static const cap_role role_authsig = { "authsig",
                                       LITHSM_VERIFY_AUTHSIG_SIGNATURE_INVALID,
                                       LITHSM_VERIFY_AUTHSIG_EXPIRED,
                                       LITHSM_VERIFY_AUTHSIG_NOT_YET_VALID,
                                       LITHSM_VERIFY_AUTHSIG_ADDRESS_MISMATCH };

static const cap_role role_delegation = {
    "delegation", LITHSM_VERIFY_DELEGATION_SIGNATURE_INVALID,
    LITHSM_VERIFY_DELEGATION_EXPIRED, LITHSM_VERIFY_DELEGATION_NOT_YET_VALID,
    LITHSM_VERIFY_DELEGATION_ADDRESS_MISMATCH
};

/* The verification in progress. */
typedef struct vstate {
    lithsm_verify_result *res;
    int rejected;
    int64_t now_ms, grace_ms;
    const char *node_url;

    /* The outer SessionSig. */
    json_object *outer;
    const char *sig_hex, *address;
    size_t address_len;
    const char *signed_message;
    size_t signed_message_len;

    /* Its signed JSON body. */
    json_object *body;
    const char *session_key;
    size_t session_key_len;
    json_object *requests, *caps;
    const char *issued_at, *expiration, *node_address;
    size_t n_caps;
    lithsm_siwe_msg **siwes; /* n_caps parsed capability SIWEs */
    const cap_role **roles;  /* n_caps */
} vstate;

static void set_reason(lithsm_verify_result *res, lithsm_verify_reason reason)
{
    res->reason = reason;
    res->word = reason_info[reason].word;
    res->node_error = reason_info[reason].node_error;
    res->http_status = reason_info[reason].http_status;
}

/* Records the verdict `reason` with a detail naming the defect; the first
 * rejection wins. */
static void reject(vstate *st, lithsm_verify_reason reason, const char *fmt,
                   ...) LITHSM_PRINTF(3, 4);

static void reject(vstate *st, lithsm_verify_reason reason, const char *fmt,
                   ...)
{
    va_list ap;

    if (st->rejected)
        return;
    st->rejected = 1;
    set_reason(st->res, reason);
    va_start(ap, fmt);
    vsnprintf(st->res->detail, sizeof(st->res->detail), fmt, ap);
    va_end(ap);
}

static int64_t sat_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

/* A string member of a JSON object, or NULL when it is missing, not a
 * string, or holds a NUL (which C string checks would silently cut). */
static const char *get_str(const json_object *obj, const char *key,
                           size_t *len_out)
{
    json_object *v;
    const char *s;
    size_t len;

    if (!json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    s = json_object_get_string(v);
    len = (size_t)json_object_get_string_len(v);
    if (s == NULL || strlen(s) != len)
        return NULL;
    if (len_out != NULL)
        *len_out = len;
    return s;
}

static int str_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* ------------------------------------------------------------------------
 * Step 1: the SessionSig object and its algorithm (11.1).
 */
static void check_outer(vstate *st)
{
    static const char *const required[] = { "sig", "derivedVia",
                                            "signedMessage", "address" };
    const char *algo, *derived_via;
    size_t i;

    if (!json_object_is_type(st->outer, json_type_object)) {
        reject(st, LITHSM_VERIFY_MALFORMED,
               "the SessionSig is not a JSON object");
        return;
    }
    for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        json_object *v;

        if (!json_object_object_get_ex(st->outer, required[i], &v) ||
            !json_object_is_type(v, json_type_string)) {
            reject(st, LITHSM_VERIFY_MALFORMED,
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
    st->sig_hex = get_str(st->outer, "sig", NULL);
    st->address = get_str(st->outer, "address", &st->address_len);
    derived_via = get_str(st->outer, "derivedVia", NULL);
    if (st->sig_hex == NULL || st->address == NULL || derived_via == NULL) {
        reject(st, LITHSM_VERIFY_MALFORMED,
               "a SessionSig field holds a NUL character");
        return;
    }
    algo = get_str(st->outer, "algo", NULL);
    if (!str_eq(algo, "ed25519")) {
        reject(st, LITHSM_VERIFY_UNSUPPORTED_ALGO, "%s",
               algo == NULL ? "SessionSig \"algo\" is missing or not a string"
                            : "SessionSig \"algo\" is not \"ed25519\"");
        return;
    }
    if (strcmp(derived_via, "litSessionSignViaNacl") != 0)
        reject(st, LITHSM_VERIFY_UNSUPPORTED_ALGO,
               "SessionSig \"derivedVia\" is not \"litSessionSignViaNacl\"");
}

/* ------------------------------------------------------------------------
 * Step 2: the ed25519 signature (11.2 step 1).
 */

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
    /* p - 1, p, p + 1 */
    { 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
    { 0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
    { 0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
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

static lithsm_err check_session_signature(vstate *st)
{
    uint8_t pub[ED25519_PUBKEY_LEN], sig[ED25519_SIG_LEN];
    EVP_PKEY *pkey = NULL;
    EVP_MD_CTX *md = NULL;
    lithsm_err err = LITHSM_OK;
    int rc;

    if (lithsm_hex_decode(pub, sizeof(pub), st->address, st->address_len) !=
        LITHSM_OK) {
        reject(st, LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
               "SessionSig \"address\" is not 32 bytes of hex");
        return LITHSM_OK;
    }
    if (!sig_hex_ok(st->sig_hex) ||
        lithsm_hex_decode(sig, sizeof(sig), st->sig_hex, ED25519_SIG_HEX_LEN) !=
            LITHSM_OK) {
        reject(st, LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
               "SessionSig \"sig\" is not 128 hex digits of one case");
        return LITHSM_OK;
    }
    if (has_small_order(pub) || has_small_order(sig)) {
        reject(st, LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
               "SessionSig %s is a point of small order",
               has_small_order(pub) ? "public key" : "signature R");
        return LITHSM_OK;
    }
    pkey =
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof(pub));
    if (pkey == NULL) {
        reject(st, LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
               "SessionSig \"address\" is not a usable ed25519 public key");
        goto out;
    }
    md = EVP_MD_CTX_new();
    if (md == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "verify: out of memory");
        goto out;
    }
    if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, pkey) != 1) {
        err = lithsm_fail(LITHSM_ERR_CRYPTO,
                          "verify: OpenSSL cannot set up ed25519");
        goto out;
    }
    rc = EVP_DigestVerify(md, sig, sizeof(sig),
                          (const unsigned char *)st->signed_message,
                          st->signed_message_len);
    if (rc != 1)
        reject(st, LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
               "the ed25519 signature does not verify over signedMessage "
               "with the key in \"address\"");
out:
    ERR_clear_error();
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    return err;
}

/* ------------------------------------------------------------------------
 * Step 3: the signed body (11.2 step 2).
 */

/* Each resource-ability request must be
 * {"resource":{"resource":s,"resourcePrefix":s},"ability":s}. */
static int request_ok(const json_object *req)
{
    json_object *res;

    return json_object_is_type(req, json_type_object) &&
           json_object_object_get_ex(req, "resource", &res) &&
           json_object_is_type(res, json_type_object) &&
           get_str(res, "resource", NULL) != NULL &&
           get_str(res, "resourcePrefix", NULL) != NULL &&
           get_str(req, "ability", NULL) != NULL;
}

static void check_body(vstate *st)
{
    static const char *const strs[] = { "sessionKey", "issuedAt", "expiration",
                                        "nodeAddress" };
    size_t i, n;

    if (lithsm_json_parse(&st->body, st->signed_message, st->signed_message_len,
                          "signedMessage") != LITHSM_OK) {
        reject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED, "%s",
               lithsm_last_error());
        return;
    }
    if (!json_object_is_type(st->body, json_type_object)) {
        reject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
               "signedMessage is not a JSON object");
        return;
    }
    for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (get_str(st->body, strs[i], NULL) == NULL) {
            reject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
                   "signedMessage field \"%s\" is missing or not a string",
                   strs[i]);
            return;
        }
    }
    st->session_key = get_str(st->body, "sessionKey", &st->session_key_len);
    st->issued_at = get_str(st->body, "issuedAt", NULL);
    st->expiration = get_str(st->body, "expiration", NULL);
    st->node_address = get_str(st->body, "nodeAddress", NULL);
    if (!json_object_object_get_ex(st->body, "resourceAbilityRequests",
                                   &st->requests) ||
        !json_object_is_type(st->requests, json_type_array)) {
        reject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
               "signedMessage field \"resourceAbilityRequests\" is missing "
               "or not an array");
        return;
    }
    if (!json_object_object_get_ex(st->body, "capabilities", &st->caps) ||
        !json_object_is_type(st->caps, json_type_array)) {
        reject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
               "signedMessage field \"capabilities\" is missing or not an "
               "array");
        return;
    }
    n = json_object_array_length(st->requests);
    for (i = 0; i < n; i++) {
        if (!request_ok(json_object_array_get_idx(st->requests, i))) {
            reject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
                   "resourceAbilityRequests[%zu] is not {resource: "
                   "{resource, resourcePrefix}, ability}",
                   i);
            return;
        }
    }
    st->n_caps = json_object_array_length(st->caps);
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

static int node_addr_eq(const char *x, const char *y)
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
static void check_times(vstate *st)
{
    int64_t iat, exp;

    if (lithsm_time_parse(&iat, st->issued_at) != LITHSM_OK) {
        reject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
               "signedMessage \"issuedAt\": %s", lithsm_last_error());
        return;
    }
    if (lithsm_time_parse(&exp, st->expiration) != LITHSM_OK) {
        reject(st, LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
               "signedMessage \"expiration\": %s", lithsm_last_error());
        return;
    }
    /* Exclusive, like siwe's verify: expired at the instant itself. */
    if (st->now_ms >= sat_add(exp, st->grace_ms)) {
        reject(st, LITHSM_VERIFY_SESSION_EXPIRED, "the session expired at %s",
               st->expiration);
        return;
    }
    if (iat > sat_add(st->now_ms, st->grace_ms)) {
        reject(st, LITHSM_VERIFY_SESSION_NOT_YET_VALID,
               "the session is issued in the future (%s)", st->issued_at);
        return;
    }
    if (exp < iat || exp > sat_add(iat, MAX_SESSION_MS))
        reject(st, LITHSM_VERIFY_SESSION_TOO_LONG,
               "the session expiration %s is before issuedAt or more than "
               "30 days after it",
               st->expiration);
}

/* ------------------------------------------------------------------------
 * Step 6: each capability, as siwe's verify plus the address field (11.3).
 */
static lithsm_err check_capability(vstate *st, size_t i)
{
    json_object *cap = json_object_array_get_idx(st->caps, i);
    const char *sig, *msg, *addr_field;
    size_t msg_len, sig_len;
    const lithsm_siwe *f;
    const cap_role *role;
    lithsm_eth_address siwe_addr, signer, field_addr;
    uint8_t hash[32], raw[LITHSM_ETH_SIG_LEN];
    int64_t t;
    lithsm_err err;

    if (!json_object_is_type(cap, json_type_object)) {
        reject(st, LITHSM_VERIFY_CAPABILITY_MALFORMED,
               "capability %zu is not a JSON object", i);
        return LITHSM_OK;
    }
    sig = get_str(cap, "sig", &sig_len);
    msg = get_str(cap, "signedMessage", &msg_len);
    addr_field = get_str(cap, "address", NULL);
    if (sig == NULL || msg == NULL || addr_field == NULL) {
        reject(st, LITHSM_VERIFY_CAPABILITY_MALFORMED,
               "capability %zu: \"%s\" is missing or not a string", i,
               sig == NULL   ? "sig"
               : msg == NULL ? "signedMessage"
                             : "address");
        return LITHSM_OK;
    }
    err = lithsm_siwe_parse(&st->siwes[i], msg, msg_len);
    if (err == LITHSM_ERR_NOMEM)
        return err;
    if (err != LITHSM_OK) {
        reject(st, LITHSM_VERIFY_CAPABILITY_MALFORMED, "capability %zu: %s", i,
               lithsm_last_error());
        return LITHSM_OK;
    }
    f = lithsm_siwe_msg_fields(st->siwes[i]);
    role =
        str_eq(f->uri, LIT_DELEGATION_URI) ? &role_delegation : &role_authsig;
    st->roles[i] = role;

    /* siwe verify({time: now}): no grace for capabilities. */
    if (f->expiration_time != NULL) {
        if (lithsm_time_parse(&t, f->expiration_time) != LITHSM_OK) {
            reject(st, LITHSM_VERIFY_CAPABILITY_MALFORMED,
                   "capability %zu: Expiration Time: %s", i,
                   lithsm_last_error());
            return LITHSM_OK;
        }
        if (st->now_ms >= t) {
            reject(st, role->expired, "capability %zu (%s) expired at %s", i,
                   role->name, f->expiration_time);
            return LITHSM_OK;
        }
    }
    if (f->not_before != NULL) {
        if (lithsm_time_parse(&t, f->not_before) != LITHSM_OK) {
            reject(st, LITHSM_VERIFY_CAPABILITY_MALFORMED,
                   "capability %zu: Not Before: %s", i, lithsm_last_error());
            return LITHSM_OK;
        }
        if (st->now_ms < t) {
            reject(st, role->not_yet_valid,
                   "capability %zu (%s) is not valid before %s", i, role->name,
                   f->not_before);
            return LITHSM_OK;
        }
    }

    if (f->address == NULL ||
        lithsm_eth_address_parse(&siwe_addr, f->address, 0) != LITHSM_OK) {
        reject(st, LITHSM_VERIFY_CAPABILITY_MALFORMED,
               "capability %zu: the SIWE address is unusable", i);
        return LITHSM_OK;
    }
    lithsm_eip191_hash(hash, (const uint8_t *)msg, msg_len);
    if (lithsm_hex_decode(raw, sizeof(raw), sig, sig_len) != LITHSM_OK) {
        reject(st, role->signature_invalid,
               "capability %zu (%s): \"sig\" is not 65 bytes of hex", i,
               role->name);
        return LITHSM_OK;
    }
    if (lithsm_eth_recover(&signer, hash, raw, sizeof(raw)) != LITHSM_OK ||
        memcmp(signer.bytes, siwe_addr.bytes, sizeof(signer.bytes)) != 0) {
        reject(st, role->signature_invalid,
               "capability %zu (%s): the signature does not recover to the "
               "SIWE address",
               i, role->name);
        return LITHSM_OK;
    }
    if (lithsm_eth_address_parse(&field_addr, addr_field, 0) != LITHSM_OK ||
        memcmp(field_addr.bytes, siwe_addr.bytes, sizeof(siwe_addr.bytes)) != 0)
        reject(st, role->address_mismatch,
               "capability %zu (%s): \"address\" is not the SIWE address", i,
               role->name);
    return LITHSM_OK;
}

/* ------------------------------------------------------------------------
 * Step 7: the wallet AuthSig, the last capability (10.2, 11.4).
 */
static lithsm_err check_wallet(vstate *st)
{
    const lithsm_siwe *w = lithsm_siwe_msg_fields(st->siwes[st->n_caps - 1]);
    size_t plen = strlen(LIT_SESSION_URI_PREFIX), i, n;
    lithsm_recap *recap = NULL;
    char *stmt = NULL;
    lithsm_err err = LITHSM_OK;

    if (w->uri == NULL || strlen(w->uri) != plen + st->session_key_len ||
        memcmp(w->uri, LIT_SESSION_URI_PREFIX, plen) != 0 ||
        memcmp(w->uri + plen, st->session_key, st->session_key_len) != 0) {
        reject(st, LITHSM_VERIFY_SESSION_URI_MISMATCH,
               "capability %zu (the wallet AuthSig): the SIWE URI is not "
               "\"lit:session:\" + sessionKey",
               st->n_caps - 1);
        return LITHSM_OK;
    }
    if (w->n_resources == 0) {
        reject(st, LITHSM_VERIFY_RECAP_MISSING,
               "capability %zu (the wallet AuthSig): the SIWE has no "
               "resources",
               st->n_caps - 1);
        return LITHSM_OK;
    }
    /* The SDK reads resources[0] (checkNeedToResignSessionKey); a node
     * accepts any decodable urn:recap resource.  lithsm writes exactly one,
     * so both readings agree on what lithsm produces. */
    err = lithsm_recap_decode(&recap, w->resources[0]);
    if (err == LITHSM_ERR_NOMEM)
        goto out;
    if (err != LITHSM_OK) {
        err = LITHSM_OK;
        reject(st, LITHSM_VERIFY_RECAP_MALFORMED,
               "capability %zu (the wallet AuthSig): resources[0]: %s",
               st->n_caps - 1, lithsm_last_error());
        goto out;
    }
    err = lithsm_recap_statement(&stmt, recap);
    if (err == LITHSM_ERR_NOMEM)
        goto out;
    if (err != LITHSM_OK) {
        err = LITHSM_OK;
        reject(st, LITHSM_VERIFY_RECAP_MALFORMED,
               "capability %zu (the wallet AuthSig): %s", st->n_caps - 1,
               lithsm_last_error());
        goto out;
    }
    /* siwe-recap extract_and_verify: an absent statement fails too. */
    if (w->statement == NULL || !ends_with(w->statement, stmt)) {
        reject(st, LITHSM_VERIFY_RECAP_STATEMENT_MISMATCH,
               "capability %zu (the wallet AuthSig): the SIWE statement does "
               "not end with the ReCap sentence",
               st->n_caps - 1);
        goto out;
    }
    n = json_object_array_length(st->requests);
    for (i = 0; i < n; i++) {
        json_object *req = json_object_array_get_idx(st->requests, i);
        json_object *res = json_object_object_get(req, "resource");
        const char *id = get_str(res, "resource", NULL);
        const char *prefix = get_str(res, "resourcePrefix", NULL);
        const char *name = get_str(req, "ability", NULL);
        lithsm_ability ability;

        if (lithsm_ability_from_name(&ability, name) != LITHSM_OK) {
            reject(st, LITHSM_VERIFY_RESOURCE_NOT_COVERED,
                   "resourceAbilityRequests[%zu]: unknown ability", i);
            goto out;
        }
        if (!lithsm_recap_covers(recap, prefix, id, ability)) {
            reject(st, LITHSM_VERIFY_RESOURCE_NOT_COVERED,
                   "resourceAbilityRequests[%zu] (%s) is not granted by the "
                   "wallet ReCap",
                   i, lithsm_ability_name(ability));
            goto out;
        }
    }
out:
    lithsm_free(stmt);
    lithsm_recap_free(recap);
    return err;
}

/* ------------------------------------------------------------------------
 * Step 8: capacity delegations name the wallet (11.5).
 */

/* One "Auth/Auth" nota bene: 1 if it lets `wallet_hex` (40 lowercase hex)
 * use the capacity, that is when it has no "delegate_to" or lists it. */
static int nota_bene_allows(const json_object *nb, const char *wallet_hex)
{
    json_object *to;
    size_t i, n;

    if (!json_object_object_get_ex(nb, "delegate_to", &to))
        return 1;
    if (!json_object_is_type(to, json_type_array))
        return 0;
    n = json_object_array_length(to);
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(to, i);

        if (json_object_is_type(e, json_type_string) &&
            json_object_get_string_len(e) == 40 &&
            strncasecmp(json_object_get_string(e), wallet_hex, 40) == 0)
            return 1;
    }
    return 0;
}

/* Goes through the "Auth/Auth" nota benes on lit-ratelimitincrease://
 * resources in one ReCap: counts them in *seen, sets *allowed if one lets
 * the wallet in. */
static lithsm_err scan_recap(const char *urn, const char *wallet_hex,
                             size_t *seen, int *allowed)
{
    lithsm_recap *recap = NULL;
    char *text = NULL;
    json_object *root = NULL, *att;
    struct json_object_iterator it, end;
    lithsm_err err;

    err = lithsm_recap_decode(&recap, urn);
    if (err != LITHSM_OK) {
        /* The node drops a ReCap that does not decode. */
        return err == LITHSM_ERR_NOMEM ? err : LITHSM_OK;
    }
    err = lithsm_recap_json(&text, recap);
    if (err != LITHSM_OK)
        goto out;
    err = lithsm_json_parse(&root, text, strlen(text), "ReCap");
    if (err != LITHSM_OK)
        goto out;
    if (!json_object_object_get_ex(root, "att", &att) ||
        !json_object_is_type(att, json_type_object))
        goto out;
    it = json_object_iter_begin(att);
    end = json_object_iter_end(att);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *key = json_object_iter_peek_name(&it);
        json_object *abilities = json_object_iter_peek_value(&it);
        json_object *nbs;
        size_t i, n;

        if (strncmp(key, LIT_RLI_PREFIX, strlen(LIT_RLI_PREFIX)) != 0 ||
            !json_object_object_get_ex(abilities, "Auth/Auth", &nbs) ||
            !json_object_is_type(nbs, json_type_array))
            continue;
        n = json_object_array_length(nbs);
        for (i = 0; i < n; i++) {
            json_object *nb = json_object_array_get_idx(nbs, i);

            if (!json_object_is_type(nb, json_type_object))
                continue;
            (*seen)++;
            if (nota_bene_allows(nb, wallet_hex))
                *allowed = 1;
        }
    }
out:
    json_object_put(root);
    lithsm_free(text);
    lithsm_recap_free(recap);
    return err == LITHSM_ERR_NOMEM ? err : LITHSM_OK;
}

static lithsm_err check_delegations(vstate *st)
{
    const lithsm_siwe *w = lithsm_siwe_msg_fields(st->siwes[st->n_caps - 1]);
    lithsm_eth_address wallet;
    char wallet_hex[2 * LITHSM_ETH_ADDRESS_LEN + 1];
    size_t i, r;
    lithsm_err err;

    /* Parsed in step 6 already; cannot fail here. */
    if (lithsm_eth_address_parse(&wallet, w->address, 0) != LITHSM_OK ||
        lithsm_hex_encode(wallet_hex, sizeof(wallet_hex), wallet.bytes,
                          sizeof(wallet.bytes)) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PARSE, "verify: wallet address lost");
    for (i = 0; i < st->n_caps; i++) {
        const lithsm_siwe *f;
        size_t seen = 0;
        int allowed = 0;

        if (st->roles[i] != &role_delegation)
            continue;
        f = lithsm_siwe_msg_fields(st->siwes[i]);
        for (r = 0; r < f->n_resources; r++) {
            if (strncmp(f->resources[r], RECAP_URN_PREFIX,
                        strlen(RECAP_URN_PREFIX)) != 0)
                continue;
            err = scan_recap(f->resources[r], wallet_hex, &seen, &allowed);
            if (err != LITHSM_OK)
                return err;
        }
        if (seen > 0 && !allowed) {
            reject(st, LITHSM_VERIFY_DELEGATEE_NOT_AUTHORIZED,
                   "capability %zu (delegation): \"delegate_to\" does not "
                   "list the wallet address",
                   i);
            return LITHSM_OK;
        }
    }
    return LITHSM_OK;
}

/* ------------------------------------------------------------------------
 * The whole check.
 */
static lithsm_err run_checks(vstate *st, const char *json, size_t json_len)
{
    lithsm_err err;
    size_t i;

    err = lithsm_json_parse(&st->outer, json, json_len, "SessionSig");
    if (err == LITHSM_ERR_NOMEM)
        return err;
    if (err != LITHSM_OK) {
        reject(st, LITHSM_VERIFY_MALFORMED, "%s", lithsm_last_error());
        return LITHSM_OK;
    }
    check_outer(st);
    if (st->rejected)
        return LITHSM_OK;
    err = check_session_signature(st);
    if (err != LITHSM_OK || st->rejected)
        return err;
    check_body(st);
    if (st->rejected)
        return LITHSM_OK;
    /* The node compares the strings; the SDK writes the same hex twice. */
    if (st->session_key_len != st->address_len ||
        memcmp(st->session_key, st->address, st->address_len) != 0) {
        reject(st, LITHSM_VERIFY_SESSION_KEY_MISMATCH,
               "signedMessage \"sessionKey\" is not the SessionSig "
               "\"address\"");
        return LITHSM_OK;
    }
    if (!node_addr_eq(st->node_address, st->node_url)) {
        reject(st, LITHSM_VERIFY_NODE_ADDRESS_MISMATCH,
               "signedMessage \"nodeAddress\" names another node");
        return LITHSM_OK;
    }
    check_times(st);
    if (st->rejected)
        return LITHSM_OK;
    if (st->n_caps == 0) {
        reject(st, LITHSM_VERIFY_CAPABILITIES_MISSING,
               "signedMessage \"capabilities\" is empty");
        return LITHSM_OK;
    }
    st->siwes = calloc(st->n_caps, sizeof(*st->siwes));
    st->roles = calloc(st->n_caps, sizeof(*st->roles));
    if (st->siwes == NULL || st->roles == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "verify: out of memory");
    for (i = 0; i < st->n_caps; i++) {
        err = check_capability(st, i);
        if (err != LITHSM_OK || st->rejected)
            return err;
    }
    err = check_wallet(st);
    if (err != LITHSM_OK || st->rejected)
        return err;
    return check_delegations(st);
}

lithsm_err lithsm_verify_session_sig(lithsm_verify_result *result,
                                     const char *session_sig_json,
                                     size_t json_len, const char *node_url,
                                     int64_t now_ms, int64_t grace_ms)
{
    vstate st;
    lithsm_err err;
    size_t i;

    if (result == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "verify: no result");
    /* Until a verdict is reached the result says "malformed", so a caller
     * that ignores the return value never reads "ok". */
    memset(result, 0, sizeof(*result));
    set_reason(result, LITHSM_VERIFY_MALFORMED);
    snprintf(result->detail, sizeof(result->detail),
             "no verdict: the verification did not complete");
    if (session_sig_json == NULL || node_url == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "verify: no SessionSig or no node URL");
    if (grace_ms < 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "verify: grace_ms is negative");

    memset(&st, 0, sizeof(st));
    st.res = result;
    st.now_ms = now_ms;
    st.grace_ms = grace_ms;
    st.node_url = node_url;
    err = run_checks(&st, session_sig_json, json_len);
    if (err == LITHSM_OK && !st.rejected) {
        set_reason(result, LITHSM_VERIFY_OK);
        result->detail[0] = '\0';
    } else if (err != LITHSM_OK) {
        set_reason(result, LITHSM_VERIFY_MALFORMED);
        snprintf(result->detail, sizeof(result->detail), "no verdict: %s",
                 lithsm_strerror(err));
    }
    for (i = 0; st.siwes != NULL && i < st.n_caps; i++)
        lithsm_siwe_msg_free(st.siwes[i]);
    free(st.siwes);
    free(st.roles);
    json_object_put(st.body);
    json_object_put(st.outer);
    return err;
}
