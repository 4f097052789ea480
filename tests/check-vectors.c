/*
 * check-vectors - checks liblithsm against a directory of golden vectors.
 *
 *   tests/check-vectors DIR
 *
 * DIR holds eip191.json, siwe.json, recap.json, authsig.json,
 * delegation.json, sessionsigs.json and verify-negative.json in the format of
 * tests/vectors/README.md.  Every case is recomputed from its inputs alone
 * and compared byte for byte with its expected values; nothing here knows
 * the keys, times or URLs of any particular set.  The last line printed is
 * "N passed, M failed"; the exit status is non-zero on any failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include <json-c/json.h>

#include "util/util.h"

static int n_passed, n_failed;

/* One case: its name and the first mismatch found. */
typedef struct {
    const char *file;
    const char *name;
    char why[768];
} vcase;

static int fail(vcase *c, const char *fmt, ...) LITHSM_PRINTF(2, 3);

static int fail(vcase *c, const char *fmt, ...)
{
    va_list ap;

    if (c->why[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(c->why, sizeof(c->why), fmt, ap);
        va_end(ap);
    }
    return 0;
}

static int lib_fail(vcase *c, const char *what, lithsm_err err)
{
    return fail(c, "%s: %s (%s)", what, lithsm_strerror(err),
                lithsm_last_error());
}

/* ---------------------------------------------------------------- JSON */

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;

    if (o == NULL || !json_object_object_get_ex(o, key, &v))
        return NULL;
    return v;
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = get(o, key);

    return v && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

/* JSON.stringify of a vector value; caller frees. */
static char *stringify(json_object *v)
{
    lithsm_buf b;
    char *out = NULL;

    lithsm_buf_init(&b);
    lithsm_buf_json_value(&b, v);
    if (lithsm_buf_finish(&b, &out, NULL) != LITHSM_OK)
        return NULL;
    return out;
}

/* For printf: a missing value prints as nothing (the compare then fails). */
static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static int expect_str(vcase *c, const char *what, const char *got,
                      const char *want)
{
    size_t i = 0;

    if (want == NULL)
        return fail(c, "%s: the vector has no expected value", what);
    if (got != NULL && strcmp(got, want) == 0)
        return 1;
    if (got == NULL)
        return fail(c, "%s: nothing produced", what);
    while (got[i] && got[i] == want[i])
        i++;
    return fail(
        c, "%s differs at byte %zu:\n    got:  %.120s\n    want: %.120s", what,
        i, got + (i > 20 ? i - 20 : 0), want + (i > 20 ? i - 20 : 0));
}

static int expect_json(vcase *c, const char *what, const char *got_text,
                       json_object *want)
{
    char *want_text = stringify(want);
    int ok = expect_str(c, what, got_text, want_text);

    free(want_text);
    return ok;
}

static int hex_of(char *out, size_t out_len, const uint8_t *b, size_t n)
{
    if (out_len < 2 * n + 3)
        return 0;
    out[0] = '0';
    out[1] = 'x';
    return lithsm_hex_encode(out + 2, out_len - 2, b, n) == LITHSM_OK;
}

static lithsm_signer *signer_of(vcase *c, const char *private_key_hex)
{
    uint8_t secret[32];
    lithsm_signer *s = NULL;
    lithsm_err err;

    if (private_key_hex == NULL) {
        fail(c, "no private key in the inputs");
        return NULL;
    }
    err =
        lithsm_hex_decode(secret, 32, private_key_hex, strlen(private_key_hex));
    if (err == LITHSM_OK)
        err = lithsm_signer_from_secret(&s, secret);
    lithsm_memzero(secret, sizeof(secret));
    if (err != LITHSM_OK)
        lib_fail(c, "signer", err);
    return s;
}

/* ---------------------------------------------------------------- eip191 */

static int check_eip191_key(vcase *c, json_object *in, json_object *ex)
{
    lithsm_signer *s = signer_of(c, str(in, "private_key"));
    lithsm_eth_address a;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1], hex[140];
    uint8_t pub[65], comp[33];
    size_t i;
    int ok;

    if (s == NULL)
        return 0;
    lithsm_signer_address(&a, s);
    lithsm_signer_pubkey(pub, s);
    lithsm_signer_free(s);
    lithsm_eth_address_to_text(text, &a);
    ok = expect_str(c, "address", text, str(ex, "address"));
    for (i = 0; i < sizeof(text); i++)
        if (text[i] >= 'A' && text[i] <= 'F')
            text[i] = (char)(text[i] - 'A' + 'a');
    ok = ok &&
         expect_str(c, "address_lowercase", text, str(ex, "address_lowercase"));
    hex_of(hex, sizeof(hex), pub, 65);
    ok = ok && expect_str(c, "public_key_uncompressed", hex,
                          str(ex, "public_key_uncompressed"));
    comp[0] = (uint8_t)(2 + (pub[64] & 1));
    memcpy(comp + 1, pub + 1, 32);
    hex_of(hex, sizeof(hex), comp, 33);
    ok = ok && expect_str(c, "public_key_compressed", hex,
                          str(ex, "public_key_compressed"));
    return ok;
}

/* The message of a signing case: a text, or raw bytes given as hex. */
static uint8_t *message_of(json_object *in, size_t *len)
{
    const char *text = str(in, "message");
    const char *hex = str(in, "message_bytes_hex");
    uint8_t *m;

    if (text != NULL) {
        *len = strlen(text);
        m = malloc(*len + 1);
        if (m != NULL)
            memcpy(m, text, *len + 1);
        return m;
    }
    if (hex == NULL)
        return NULL;
    if (hex[0] == '0' && hex[1] == 'x')
        hex += 2;
    *len = strlen(hex) / 2;
    m = malloc(*len + 1);
    if (m != NULL && lithsm_hex_decode(m, *len, hex, strlen(hex)) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

static int check_eip191_sign(vcase *c, json_object *in, json_object *ex)
{
    lithsm_signer *s = NULL;
    lithsm_eth_sig sig;
    lithsm_eth_address rec;
    uint8_t hash[32], *msg = NULL;
    char *hex = NULL, text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_buf prefixed;
    size_t len = 0, hex_cap;
    lithsm_err err;
    int ok = 0;

    lithsm_buf_init(&prefixed);
    msg = message_of(in, &len);
    if (msg == NULL)
        return fail(c, "the case has no readable message");
    hex_cap = 2 * len + 256;
    hex = malloc(hex_cap);
    s = signer_of(c, str(in, "private_key"));
    if (hex == NULL || s == NULL)
        goto out;
    hex_of(hex, hex_cap, msg, len);
    if (!expect_str(c, "message_bytes_hex", hex, str(ex, "message_bytes_hex")))
        goto out;
    if (json_object_get_int64(get(ex, "message_length")) != (int64_t)len) {
        fail(c, "message_length: got %zu", len);
        goto out;
    }
    lithsm_buf_printf(&prefixed,
                      "\x19"
                      "Ethereum Signed Message:\n%zu",
                      len);
    lithsm_buf_add(&prefixed, msg, len);
    hex_of(hex, hex_cap, (const uint8_t *)prefixed.data, prefixed.len);
    if (!expect_str(c, "prefixed_message_hex", hex,
                    str(ex, "prefixed_message_hex")))
        goto out;
    lithsm_eip191_hash(hash, msg, len);
    hex_of(hex, hex_cap, hash, 32);
    if (!expect_str(c, "hash", hex, str(ex, "hash")))
        goto out;
    err = lithsm_signer_sign_digest(&sig, s, hash);
    if (err != LITHSM_OK) {
        lib_fail(c, "sign", err);
        goto out;
    }
    hex_of(hex, hex_cap, sig.bytes, 65);
    if (!expect_str(c, "signature", hex, str(ex, "signature")))
        goto out;
    if (sig.bytes[64] != json_object_get_int(get(ex, "v"))) {
        fail(c, "v: got %d", sig.bytes[64]);
        goto out;
    }
    err = lithsm_eth_recover(&rec, hash, sig.bytes, 65);
    if (err != LITHSM_OK) {
        lib_fail(c, "recover", err);
        goto out;
    }
    lithsm_eth_address_to_text(text, &rec);
    ok = expect_str(c, "recovered_address", text, str(ex, "recovered_address"));
out:
    lithsm_signer_free(s);
    lithsm_buf_free(&prefixed);
    free(hex);
    free(msg);
    return ok;
}

static int check_eip191(vcase *c, json_object *in, json_object *ex)
{
    if (get(in, "message") != NULL || get(in, "message_bytes_hex") != NULL)
        return check_eip191_sign(c, in, ex);
    return check_eip191_key(c, in, ex);
}

/* ---------------------------------------------------------------- SIWE */

/* Reads SIWE fields of the siwe package's shape into a lithsm_siwe whose
 * strings borrow from the JSON; `resources` must hold 64 pointers. */
static int siwe_fields_of(vcase *c, lithsm_siwe *f, json_object *o,
                          const char **resources)
{
    json_object *res = get(o, "resources"), *chain = get(o, "chainId");
    size_t i;

    memset(f, 0, sizeof(*f));
    f->scheme = str(o, "scheme");
    f->domain = str(o, "domain");
    f->address = str(o, "address");
    f->statement = str(o, "statement");
    f->uri = str(o, "uri");
    f->version = str(o, "version");
    f->chain_id = chain ? (uint64_t)json_object_get_int64(chain) : 1;
    f->nonce = str(o, "nonce");
    f->issued_at = str(o, "issuedAt");
    f->expiration_time = str(o, "expirationTime");
    f->not_before = str(o, "notBefore");
    f->request_id = str(o, "requestId");
    if (res != NULL) {
        f->n_resources = json_object_array_length(res);
        if (f->n_resources > 64)
            return fail(c, "too many resources in the case");
        for (i = 0; i < f->n_resources; i++)
            resources[i] =
                json_object_get_string(json_object_array_get_idx(res, i));
        f->resources = resources;
    }
    return 1;
}

static int same_opt(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static int check_siwe_parsed(vcase *c, const lithsm_siwe *p, json_object *want)
{
    lithsm_siwe w;
    const char *res[64];
    size_t i;

    if (!siwe_fields_of(c, &w, want, res))
        return 0;
    if (!same_opt(p->scheme, w.scheme) || !same_opt(p->domain, w.domain) ||
        !same_opt(p->address, w.address) ||
        !same_opt(p->statement, w.statement) || !same_opt(p->uri, w.uri) ||
        !same_opt(p->version, w.version) || p->chain_id != w.chain_id ||
        !same_opt(p->nonce, w.nonce) || !same_opt(p->issued_at, w.issued_at) ||
        !same_opt(p->expiration_time, w.expiration_time) ||
        !same_opt(p->not_before, w.not_before) ||
        !same_opt(p->request_id, w.request_id) ||
        p->n_resources != w.n_resources)
        return fail(c, "parsed fields differ from the expected ones");
    for (i = 0; i < w.n_resources; i++)
        if (strcmp(p->resources[i], w.resources[i]) != 0)
            return fail(c, "parsed resource %zu differs", i);
    return 1;
}

static int check_eip191_of_text(vcase *c, const char *text, json_object *ex,
                                const char *private_key)
{
    uint8_t hash[32];
    char hex[140];
    lithsm_signer *s;
    lithsm_eth_sig sig;
    lithsm_err err;
    int ok;

    lithsm_eip191_hash(hash, (const uint8_t *)text, strlen(text));
    hex_of(hex, sizeof(hex), hash, 32);
    if (!expect_str(c, "eip191_hash", hex, str(ex, "eip191_hash")))
        return 0;
    if (private_key == NULL || get(ex, "signature") == NULL)
        return 1;
    s = signer_of(c, private_key);
    if (s == NULL)
        return 0;
    err = lithsm_signer_sign_digest(&sig, s, hash);
    lithsm_signer_free(s);
    if (err != LITHSM_OK)
        return lib_fail(c, "sign", err);
    hex_of(hex, sizeof(hex), sig.bytes, 65);
    ok = expect_str(c, "signature", hex, str(ex, "signature"));
    return ok;
}

static int check_siwe(vcase *c, json_object *in, json_object *ex)
{
    const char *res[64], *text = str(in, "message");
    lithsm_siwe f;
    lithsm_siwe_msg *msg = NULL;
    char *out = NULL;
    lithsm_err err;
    int ok;

    if (text != NULL) { /* a rejection case */
        err = lithsm_siwe_parse(&msg, text, strlen(text));
        lithsm_siwe_msg_free(msg);
        if (err == LITHSM_OK)
            return fail(c,
                        "the parser accepted a message the vector rejects "
                        "(%s)",
                        str(ex, "reason"));
        return 1;
    }
    if (!siwe_fields_of(c, &f, get(in, "fields"), res))
        return 0;
    err = lithsm_siwe_to_text(&out, &f);
    if (err != LITHSM_OK)
        return lib_fail(c, "build", err);
    ok = expect_str(c, "message", out, str(ex, "message"));
    if (ok) {
        err = lithsm_siwe_parse(&msg, out, strlen(out));
        if (err != LITHSM_OK)
            ok = lib_fail(c, "parse", err);
        else
            ok = check_siwe_parsed(c, lithsm_siwe_msg_fields(msg),
                                   get(ex, "parsed"));
        lithsm_siwe_msg_free(msg);
    }
    ok = ok && check_eip191_of_text(c, out, ex, str(in, "signer_private_key"));
    free(out);
    return ok;
}

/* ---------------------------------------------------------------- ReCap */

static int split_key(char *key, const char **prefix, const char **resource)
{
    char *sep = strstr(key, "://");

    if (sep == NULL)
        return 0;
    *sep = '\0';
    *prefix = key;
    *resource = sep + 3;
    return 1;
}

/* Requests of the vectors' shape: {resource_key, ability[, data]} or
 * {resource:{resource, resourcePrefix}, ability[, data]}. */
static lithsm_requests *requests_of(vcase *c, json_object *list)
{
    lithsm_requests *reqs = NULL;
    size_t i, n = list ? json_object_array_length(list) : 0;
    lithsm_err err = lithsm_requests_new(&reqs);

    for (i = 0; err == LITHSM_OK && i < n; i++) {
        json_object *r = json_object_array_get_idx(list, i);
        json_object *data = get(r, "data"), *res = get(r, "resource");
        char *data_text = data ? stringify(data) : NULL;
        char key[1024];

        if (str(r, "resource_key") != NULL)
            snprintf(key, sizeof(key), "%s", or_empty(str(r, "resource_key")));
        else
            snprintf(key, sizeof(key), "%s://%s",
                     or_empty(str(res, "resourcePrefix")),
                     or_empty(str(res, "resource")));
        err = lithsm_requests_add(reqs, key, str(r, "ability"), data_text);
        free(data_text);
    }
    if (err != LITHSM_OK) {
        lib_fail(c, "requests", err);
        lithsm_requests_free(reqs);
        return NULL;
    }
    return reqs;
}

static int check_acc_hash(vcase *c, json_object *in, json_object *ex)
{
    char hash[65], *canonical = NULL,
                   *accs = stringify(get(in, "accessControlConditions"));
    char resource[256], data_hash[65];
    const char *plaintext = str(in, "plaintext");
    uint8_t digest[SHA256_DIGEST_LENGTH];
    lithsm_err err;
    int ok;

    if (accs == NULL)
        return fail(c, "no conditions");
    err = lithsm_acc_hash(hash, &canonical, accs);
    free(accs);
    if (err != LITHSM_OK)
        return lib_fail(c, "acc hash", err);
    ok = expect_str(c, "canonical_json", canonical, str(ex, "canonical_json"));
    free(canonical);
    ok = ok &&
         expect_str(c, "hashed_accs_hex", hash, str(ex, "hashed_accs_hex"));
    if (ok && plaintext != NULL) {
        SHA256((const uint8_t *)plaintext, strlen(plaintext), digest);
        if (lithsm_hex_encode(data_hash, sizeof(data_hash), digest, 32) != 0)
            return fail(c, "hex");
        ok = expect_str(c, "dataToEncryptHash", data_hash,
                        str(in, "dataToEncryptHash"));
    }
    snprintf(resource, sizeof(resource), "%s/%s", hash,
             or_empty(str(in, "dataToEncryptHash")));
    ok = ok &&
         expect_str(c, "resource_string", resource, str(ex, "resource_string"));
    snprintf(resource, sizeof(resource), "lit-accesscontrolcondition://%s/%s",
             hash, or_empty(str(in, "dataToEncryptHash")));
    ok = ok && expect_str(c, "resource_key", resource, str(ex, "resource_key"));
    return ok;
}

static int check_coverage(vcase *c, const lithsm_recap *recap,
                          json_object *probes)
{
    size_t i, n = probes ? json_object_array_length(probes) : 0;

    for (i = 0; i < n; i++) {
        json_object *p = json_object_array_get_idx(probes, i);
        const char *prefix, *resource;
        char key[1024];
        lithsm_ability ab;
        int want = json_object_get_boolean(get(p, "covered"));

        snprintf(key, sizeof(key), "%s", or_empty(str(p, "resource_key")));
        if (!split_key(key, &prefix, &resource) ||
            lithsm_ability_from_name(&ab, str(p, "ability")) != LITHSM_OK)
            return fail(c, "probe %zu is unreadable", i);
        if (lithsm_recap_covers(recap, prefix, resource, ab) != want)
            return fail(c, "coverage of %s / %s: got %d, want %d",
                        str(p, "resource_key"), str(p, "ability"), !want, want);
    }
    return 1;
}

/* A SIWE built from fields with a ReCap added as siwe-recap does it. */
static int check_siwe_variant(vcase *c, const char *what, json_object *base,
                              const char *urn, const char *recap_statement,
                              int keep_statement, const char *want)
{
    const char *res[65];
    lithsm_siwe f;
    char *statement = NULL, *out = NULL;
    lithsm_buf b;
    lithsm_err err;
    int ok;

    if (want == NULL)
        return 1;
    if (!siwe_fields_of(c, &f, base, res))
        return 0;
    if (urn != NULL) {
        lithsm_buf_init(&b);
        if (keep_statement && f.statement != NULL) {
            lithsm_buf_puts(&b, f.statement);
            lithsm_buf_putc(&b, ' ');
        }
        lithsm_buf_puts(&b, recap_statement);
        if (lithsm_buf_finish(&b, &statement, NULL) != LITHSM_OK)
            return fail(c, "out of memory");
        f.statement = statement;
        res[f.n_resources++] = urn;
        f.resources = res;
    }
    err = lithsm_siwe_to_text(&out, &f);
    ok = err == LITHSM_OK ? expect_str(c, what, out, want)
                          : lib_fail(c, what, err);
    free(out);
    free(statement);
    return ok;
}

static int check_sdk_siwe(vcase *c, const lithsm_requests *reqs, json_object *p,
                          const char *want)
{
    lithsm_session_siwe_params sp;
    const char *uri = str(p, "uri");
    char *out = NULL;
    lithsm_err err;
    int ok;

    if (want == NULL || p == NULL)
        return 1;
    if (uri == NULL || strncmp(uri, "lit:session:", 12) != 0)
        return fail(c, "sdk params: uri is not lit:session:");
    memset(&sp, 0, sizeof(sp));
    sp.session_pubkey_hex = uri + 12;
    sp.requests = reqs;
    sp.nonce = str(p, "nonce");
    sp.domain = str(p, "domain");
    sp.issued_at = str(p, "clock_now");
    sp.expiration = str(p, "expiration");
    err = lithsm_session_siwe(&out, str(p, "walletAddress"), &sp);
    ok = err == LITHSM_OK
             ? expect_str(c, "sdk_createSiweMessageWithRecaps", out, want)
             : lib_fail(c, "session SIWE", err);
    free(out);
    return ok;
}

static int check_recap(vcase *c, json_object *in, json_object *ex)
{
    lithsm_requests *reqs = NULL;
    lithsm_recap *recap = NULL, *decoded = NULL;
    json_object *all = get(in, "all_capabilities_for");
    char *json = NULL, *urn = NULL, *statement = NULL, *decoded_json = NULL;
    json_object *ours = NULL;
    lithsm_err err;
    int ok = 0;

    if (get(in, "accessControlConditions") != NULL)
        return check_acc_hash(c, in, ex);
    if (all != NULL) {
        const char *keys[64];
        size_t i, n = json_object_array_length(all);

        for (i = 0; i < n && i < 64; i++)
            keys[i] = str(json_object_array_get_idx(all, i), "resource_key");
        err = lithsm_recap_all_abilities(&recap, keys, n);
    } else {
        reqs = requests_of(c, get(in, "requests"));
        if (reqs == NULL)
            return 0;
        err = lithsm_recap_from_requests(&recap, reqs);
    }
    if (err == LITHSM_OK)
        err = lithsm_recap_json(&json, recap);
    if (err == LITHSM_OK)
        err = lithsm_recap_urn(&urn, recap);
    if (err == LITHSM_OK)
        err = lithsm_recap_statement(&statement, recap);
    if (err != LITHSM_OK) {
        lib_fail(c, "recap", err);
        goto out;
    }
    /* The vector lists attenuations in the SDK's insertion order; the
     * ReCap JSON sorts them, so compare them as values. */
    if (lithsm_json_parse(&ours, json, strlen(json), "recap") != LITHSM_OK ||
        !json_object_equal(get(ours, "att"), get(ex, "attenuations"))) {
        fail(c, "attenuations differ: got %.200s", json);
        goto out;
    }
    if (!expect_str(c, "recap_json", json, str(ex, "recap_json")) ||
        !expect_str(c, "urn", urn, str(ex, "urn")) ||
        !expect_str(c, "statement", statement, str(ex, "statement")) ||
        !check_coverage(c, recap, get(ex, "verify_capabilities")))
        goto out;
    err = lithsm_recap_decode(&decoded, str(ex, "urn"));
    if (err == LITHSM_OK)
        err = lithsm_recap_json(&decoded_json, decoded);
    if (err != LITHSM_OK) {
        lib_fail(c, "decode", err);
        goto out;
    }
    if (!expect_str(c, "decoded recap", decoded_json, str(ex, "recap_json")) ||
        !check_siwe_variant(c, "siwe_base_with_statement",
                            get(in, "base_siwe_fields"), NULL, NULL, 1,
                            str(ex, "siwe_base_with_statement")) ||
        !check_siwe_variant(c, "siwe_with_recap_added_to_statement",
                            get(in, "base_siwe_fields"), urn, statement, 1,
                            str(ex, "siwe_with_recap_added_to_statement")) ||
        !check_siwe_variant(c, "siwe_with_recap_no_base_statement",
                            get(in, "base_siwe_fields"), urn, statement, 0,
                            str(ex, "siwe_with_recap_no_base_statement")))
        goto out;
    ok = reqs == NULL ||
         check_sdk_siwe(c, reqs,
                        get(in, "sdk_createSiweMessageWithRecaps_params"),
                        str(ex, "sdk_createSiweMessageWithRecaps"));
out:
    free(decoded_json);
    json_object_put(ours);
    free(statement);
    free(urn);
    free(json);
    lithsm_recap_free(decoded);
    lithsm_recap_free(recap);
    lithsm_requests_free(reqs);
    return ok;
}

/* ------------------------------------------------------ AuthSig, session */

static lithsm_session_key *session_key_of(vcase *c, json_object *sk)
{
    uint8_t seed[32];
    lithsm_session_key *key = NULL;
    char pub[65], secret[129], uri[80];
    const char *seed_hex = str(sk, "seed");
    lithsm_err err;

    if (seed_hex == NULL) {
        fail(c, "no session key seed");
        return NULL;
    }
    err = lithsm_hex_decode(seed, 32, seed_hex, strlen(seed_hex));
    if (err == LITHSM_OK)
        err = lithsm_session_key_from_seed(&key, seed);
    lithsm_memzero(seed, sizeof(seed));
    if (err != LITHSM_OK) {
        lib_fail(c, "session key", err);
        return NULL;
    }
    lithsm_session_key_public_hex(pub, key);
    snprintf(secret, sizeof(secret), "%s%s", seed_hex, pub);
    snprintf(uri, sizeof(uri), "lit:session:%s", pub);
    if (!expect_str(c, "session public_key", pub, str(sk, "public_key")) ||
        (str(sk, "secret_key") &&
         !expect_str(c, "session secret_key", secret, str(sk, "secret_key"))) ||
        (str(sk, "session_key_uri") &&
         !expect_str(c, "session_key_uri", uri, str(sk, "session_key_uri")))) {
        lithsm_session_key_free(key);
        return NULL;
    }
    return key;
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
        lithsm_siwe_parse(&msg, str(a, "signedMessage"),
                          strlen(str(a, "signedMessage"))) != LITHSM_OK) {
        fail(c, "our AuthSig does not parse back: %s", lithsm_last_error());
        goto out;
    }
    f = lithsm_siwe_msg_fields(msg);
    if (f->n_resources != 1 ||
        !expect_str(c, "recap urn", f->resources[0], str(recap_ex, "urn")))
        goto out;
    if (lithsm_recap_decode(&recap, f->resources[0]) != LITHSM_OK ||
        lithsm_recap_json(&json, recap) != LITHSM_OK ||
        lithsm_recap_statement(&statement, recap) != LITHSM_OK) {
        fail(c, "recap: %s", lithsm_last_error());
        goto out;
    }
    ok =
        expect_str(c, "recap json", json, str(recap_ex, "json")) &&
        expect_str(c, "recap statement", statement, str(recap_ex, "statement"));
out:
    free(statement);
    free(json);
    lithsm_recap_free(recap);
    lithsm_siwe_msg_free(msg);
    json_object_put(a);
    return ok;
}

static int check_authsig(vcase *c, json_object *in, json_object *ex)
{
    lithsm_session_key *key = session_key_of(c, get(in, "session_key"));
    lithsm_signer *wallet = signer_of(c, str(in, "wallet_private_key"));
    lithsm_requests *reqs = requests_of(c, get(in, "resourceAbilityRequests"));
    lithsm_session_siwe_params p;
    char pub[65], *authsig = NULL, *siwe = NULL;
    lithsm_err err;
    int ok = 0;

    if (key == NULL || wallet == NULL || reqs == NULL)
        goto out;
    lithsm_session_key_public_hex(pub, key);
    memset(&p, 0, sizeof(p));
    p.session_pubkey_hex = pub;
    p.requests = reqs;
    p.nonce = str(in, "nonce");
    p.domain = str(in, "domain");
    p.issued_at = str(in, "clock_now");
    p.expiration = str(in, "expiration");
    err = lithsm_session_siwe(&siwe, str(in, "wallet_address"), &p);
    if (err != LITHSM_OK) {
        lib_fail(c, "session SIWE", err);
        goto out;
    }
    if (!expect_str(c, "siwe_message", siwe, str(ex, "siwe_message")) ||
        !check_eip191_of_text(c, siwe, ex, NULL))
        goto out;
    err = lithsm_wallet_authsig(&authsig, wallet, &p);
    if (err != LITHSM_OK) {
        lib_fail(c, "wallet AuthSig", err);
        goto out;
    }
    ok = expect_str(c, "authSig_json", authsig, str(ex, "authSig_json")) &&
         expect_json(c, "authSig", authsig, get(ex, "authSig")) &&
         check_authsig_recap(c, authsig, get(ex, "recap"));
out:
    free(authsig);
    free(siwe);
    lithsm_requests_free(reqs);
    lithsm_signer_free(wallet);
    lithsm_session_key_free(key);
    return ok;
}

static int check_delegation(vcase *c, json_object *in, json_object *ex)
{
    lithsm_signer *owner = signer_of(c, str(in, "dAppOwnerWallet_private_key"));
    json_object *dl = get(in, "delegateeAddresses");
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
    if (!expect_str(c, "owner address", addr,
                    str(in, "dAppOwnerWallet_address")))
        goto out;
    memset(&p, 0, sizeof(p));
    p.capacity_token_id = str(in, "capacityTokenId");
    if (dl != NULL) {
        p.delegatees_given = 1;
        p.n_delegatees = json_object_array_length(dl);
        if (p.n_delegatees > 64) {
            fail(c, "too many delegatees");
            goto out;
        }
        for (i = 0; i < p.n_delegatees; i++)
            delegatees[i] =
                json_object_get_string(json_object_array_get_idx(dl, i));
        p.delegatees = delegatees;
    }
    p.uses = str(in, "uses");
    p.nonce = str(in, "nonce");
    p.domain = str(in, "domain");
    p.statement = str(in, "statement");
    p.issued_at = str(in, "clock_now");
    p.expiration = str(in, "expiration");
    err = lithsm_delegation_authsig(&authsig, &siwe, owner, &p);
    if (err != LITHSM_OK) {
        lib_fail(c, "delegation", err);
        goto out;
    }
    ok = expect_str(c, "siwe_message", siwe, str(ex, "siwe_message")) &&
         check_eip191_of_text(c, siwe, ex, NULL) &&
         expect_str(c, "authSig_json", authsig, str(ex, "authSig_json")) &&
         check_authsig_recap(c, authsig, get(ex, "recap"));
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
        return fail(c, "our SessionSigs do not parse");
    for (i = 0; ok && i < n; i++) {
        json_object *want = json_object_array_get_idx(per, i);
        json_object *got = get(map, str(want, "node_url"));

        ok = got != NULL &&
             expect_str(c, "per-node signed_message", str(got, "signedMessage"),
                        str(want, "signed_message")) &&
             expect_str(c, "per-node sig", str(got, "sig"), str(want, "sig"));
        if (got == NULL)
            fail(c, "no entry for node %s", str(want, "node_url"));
    }
    json_object_put(map);
    return ok;
}

static int check_sessionsigs(vcase *c, json_object *in, json_object *ex)
{
    lithsm_session_key *key = session_key_of(c, get(in, "session_key"));
    lithsm_signer *wallet = signer_of(c, str(in, "wallet_private_key"));
    lithsm_requests *reqs = requests_of(c, get(in, "resourceAbilityRequests"));
    json_object *urls = get(in, "node_urls"),
                *caps = get(in, "capabilityAuthSigs");
    lithsm_session_siwe_params wp;
    lithsm_sessionsigs_params sp;
    const char *nodes[256];
    char *cap_texts[65] = { 0 };
    char pub[65], *wallet_sig = NULL, *sigs = NULL;
    size_t i, n_caps = caps ? json_object_array_length(caps) : 0;
    lithsm_err err;
    int ok = 0;

    if (key == NULL || wallet == NULL || reqs == NULL || urls == NULL)
        goto out;
    if (n_caps > 64 || json_object_array_length(urls) > 256) {
        fail(c, "case too large for this checker");
        goto out;
    }
    lithsm_session_key_public_hex(pub, key);
    memset(&wp, 0, sizeof(wp));
    wp.session_pubkey_hex = pub;
    wp.requests = reqs;
    wp.nonce = str(in, "nonce");
    wp.domain = str(in, "domain");
    wp.issued_at = str(in, "wallet_signed_at");
    wp.expiration = str(in, "expiration");
    err = lithsm_wallet_authsig(&wallet_sig, wallet, &wp);
    if (err != LITHSM_OK) {
        lib_fail(c, "wallet AuthSig", err);
        goto out;
    }
    if (!expect_json(c, "wallet_authSig", wallet_sig,
                     get(ex, "wallet_authSig")))
        goto out;
    for (i = 0; i < n_caps; i++)
        cap_texts[i] = stringify(json_object_array_get_idx(caps, i));
    cap_texts[n_caps] = wallet_sig;
    memset(&sp, 0, sizeof(sp));
    sp.n_nodes = json_object_array_length(urls);
    for (i = 0; i < sp.n_nodes; i++)
        nodes[i] = json_object_get_string(json_object_array_get_idx(urls, i));
    sp.node_urls = nodes;
    sp.requests = reqs;
    sp.capabilities = (const char *const *)cap_texts;
    sp.n_capabilities = n_caps + 1;
    sp.issued_at = str(in, "session_signed_at");
    sp.expiration = str(in, "expiration");
    err = lithsm_sessionsigs(&sigs, key, &sp);
    if (err != LITHSM_OK) {
        lib_fail(c, "SessionSigs", err);
        goto out;
    }
    ok = check_per_node(c, sigs, get(ex, "per_node")) &&
         expect_str(c, "sessionSigs_json", sigs, str(ex, "sessionSigs_json"));
out:
    for (i = 0; i < n_caps; i++)
        free(cap_texts[i]);
    free(sigs);
    free(wallet_sig);
    lithsm_requests_free(reqs);
    lithsm_signer_free(wallet);
    lithsm_session_key_free(key);
    return ok;
}

/* ---------------------------------------------------------------- verify */

static int check_verify(vcase *c, json_object *in, json_object *ex)
{
    char *sig = stringify(get(in, "sessionSig"));
    lithsm_verify_result r;
    int64_t now;
    lithsm_err err;
    const char *want = str(ex, "reason"), *verdict = str(ex, "verdict");
    int ok;

    if (sig == NULL || lithsm_time_parse(&now, str(in, "now")) != LITHSM_OK) {
        free(sig);
        return fail(c, "unreadable inputs");
    }
    err = lithsm_verify_session_sig(&r, sig, strlen(sig), str(in, "node_url"),
                                    now, 0);
    free(sig);
    if (err != LITHSM_OK)
        return lib_fail(c, "verify", err);
    ok = expect_str(c, "reason", r.word, want);
    if (ok && verdict != NULL &&
        (strcmp(verdict, "accept") == 0) != (r.reason == LITHSM_VERIFY_OK))
        ok = fail(c, "verdict: want %s", verdict);
    if (!ok && r.detail[0] != '\0')
        fprintf(stderr, "    (verifier detail: %s)\n", r.detail);
    return ok;
}

/* ---------------------------------------------------------------- driver */

typedef int (*checker)(vcase *c, json_object *in, json_object *ex);

static const struct {
    const char *file;
    checker check;
} files[] = {
    { "eip191.json", check_eip191 },
    { "siwe.json", check_siwe },
    { "recap.json", check_recap },
    { "authsig.json", check_authsig },
    { "delegation.json", check_delegation },
    { "sessionsigs.json", check_sessionsigs },
    { "verify-negative.json", check_verify },
};

static json_object *load(const char *dir, const char *file)
{
    char path[4096];
    FILE *f;
    char *text;
    long size;
    json_object *o = NULL;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 ||
        (text = malloc((size_t)size + 1)) == NULL) {
        fclose(f);
        return NULL;
    }
    if (fread(text, 1, (size_t)size, f) == (size_t)size)
        lithsm_json_parse(&o, text, (size_t)size, file);
    free(text);
    fclose(f);
    return o;
}

int main(int argc, char **argv)
{
    size_t f, i, n;

    if (argc != 2) {
        fprintf(stderr, "usage: check-vectors DIR\n");
        return 2;
    }
    for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        json_object *doc = load(argv[1], files[f].file);
        json_object *vectors = get(doc, "vectors"), *quirks;

        if (!json_object_is_type(vectors, json_type_array)) {
            printf("FAIL %s: missing or unreadable (%s)\n", files[f].file,
                   lithsm_last_error());
            n_failed++;
            json_object_put(doc);
            continue;
        }
        n = json_object_array_length(vectors);
        for (i = 0; i < n; i++) {
            json_object *v = json_object_array_get_idx(vectors, i);
            vcase c;

            memset(&c, 0, sizeof(c));
            c.file = files[f].file;
            c.name = str(v, "name") ? str(v, "name") : "(unnamed)";
            if (files[f].check(&c, get(v, "inputs"), get(v, "expected")) &&
                c.why[0] == '\0') {
                printf("PASS %s %s\n", c.file, c.name);
                n_passed++;
            } else {
                printf("FAIL %s %s: %s\n", c.file, c.name,
                       c.why[0] ? c.why : "(no detail)");
                n_failed++;
            }
        }
        quirks = get(doc, "library_quirks");
        n = quirks ? json_object_array_length(quirks) : 0;
        for (i = 0; i < n; i++)
            printf("# %s quirk %s: documented, not judged\n", files[f].file,
                   or_empty(str(json_object_array_get_idx(quirks, i), "name")));
        json_object_put(doc);
    }
    printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}
