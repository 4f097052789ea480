/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * check-vectors-eth.c - the eip191.json and siwe.json cases of tests/check-vectors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-vectors.h"
#include "siwe_fields.h"

/* ---------------------------------------------------------------- eip191 */

static int check_eip191_key(vcase *c, json_object *in, json_object *ex)
{
    lithsm_signer *s = vec_signer_of(c, vec_str(in, "private_key"));
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
    ok = vec_expect_str(c, "address", text, vec_str(ex, "address"));
    for (i = 0; i < sizeof(text); i++)
        if (text[i] >= 'A' && text[i] <= 'F')
            text[i] = (char)(text[i] - 'A' + 'a');
    ok = ok && vec_expect_str(c, "address_lowercase", text,
                              vec_str(ex, "address_lowercase"));
    vec_hex_of(hex, sizeof(hex), pub, 65);
    ok = ok && vec_expect_str(c, "public_key_uncompressed", hex,
                              vec_str(ex, "public_key_uncompressed"));
    comp[0] = (uint8_t)(2 + (pub[64] & 1));
    memcpy(comp + 1, pub + 1, 32);
    vec_hex_of(hex, sizeof(hex), comp, 33);
    ok = ok && vec_expect_str(c, "public_key_compressed", hex,
                              vec_str(ex, "public_key_compressed"));
    return ok;
}

/* The message of a signing case: a text, or raw bytes given as hex. */
static uint8_t *message_of(json_object *in, size_t *len)
{
    const char *text = vec_str(in, "message");
    const char *hex = vec_str(in, "message_bytes_hex");
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
        return vec_fail(c, "the case has no readable message");
    hex_cap = 2 * len + 256;
    hex = malloc(hex_cap);
    s = vec_signer_of(c, vec_str(in, "private_key"));
    if (hex == NULL || s == NULL)
        goto out;
    vec_hex_of(hex, hex_cap, msg, len);
    if (!vec_expect_str(c, "message_bytes_hex", hex,
                        vec_str(ex, "message_bytes_hex")))
        goto out;
    if (json_object_get_int64(vec_get(ex, "message_length")) != (int64_t)len) {
        vec_fail(c, "message_length: got %zu", len);
        goto out;
    }
    lithsm_buf_printf(&prefixed,
                      "\x19"
                      "Ethereum Signed Message:\n%zu",
                      len);
    lithsm_buf_add(&prefixed, msg, len);
    vec_hex_of(hex, hex_cap, (const uint8_t *)prefixed.data, prefixed.len);
    if (!vec_expect_str(c, "prefixed_message_hex", hex,
                        vec_str(ex, "prefixed_message_hex")))
        goto out;
    lithsm_eip191_hash(hash, msg, len);
    vec_hex_of(hex, hex_cap, hash, 32);
    if (!vec_expect_str(c, "hash", hex, vec_str(ex, "hash")))
        goto out;
    err = lithsm_signer_sign_digest(&sig, s, hash);
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "sign", err);
        goto out;
    }
    vec_hex_of(hex, hex_cap, sig.bytes, 65);
    if (!vec_expect_str(c, "signature", hex, vec_str(ex, "signature")))
        goto out;
    if (sig.bytes[64] != json_object_get_int(vec_get(ex, "v"))) {
        vec_fail(c, "v: got %d", sig.bytes[64]);
        goto out;
    }
    err = lithsm_eth_recover(&rec, hash, sig.bytes, 65);
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "recover", err);
        goto out;
    }
    lithsm_eth_address_to_text(text, &rec);
    ok = vec_expect_str(c, "recovered_address", text,
                        vec_str(ex, "recovered_address"));
out:
    lithsm_signer_free(s);
    lithsm_buf_free(&prefixed);
    free(hex);
    free(msg);
    return ok;
}

int check_eip191(vcase *c, json_object *in, json_object *ex)
{
    if (vec_get(in, "message") != NULL ||
        vec_get(in, "message_bytes_hex") != NULL)
        return check_eip191_sign(c, in, ex);
    return check_eip191_key(c, in, ex);
}

/* ---------------------------------------------------------------- SIWE */

/* Reads SIWE fields of the siwe package's shape into a lithsm_siwe whose
 * strings borrow from the JSON; `resources` must hold 64 pointers. */
int vec_siwe_fields_of(vcase *c, lithsm_siwe *f, json_object *o,
                       const char **resources)
{
    if (!siwe_fields_read(f, resources, o))
        return vec_fail(c, "too many resources in the case");
    return 1;
}

static int check_siwe_parsed(vcase *c, const lithsm_siwe *p, json_object *want)
{
    lithsm_siwe w;
    const char *res[SIWE_FIELDS_MAX_RESOURCES];
    size_t bad;

    if (!vec_siwe_fields_of(c, &w, want, res))
        return 0;
    if (siwe_fields_eq(p, &w, &bad))
        return 1;
    if (bad == (size_t)-1)
        return vec_fail(c, "parsed fields differ from the expected ones");
    return vec_fail(c, "parsed resource %zu differs", bad);
}

int vec_check_eip191_of_text(vcase *c, const char *text, json_object *ex,
                             const char *private_key)
{
    uint8_t hash[32];
    char hex[140];
    lithsm_signer *s;
    lithsm_eth_sig sig;
    lithsm_err err;
    int ok;

    lithsm_eip191_hash(hash, (const uint8_t *)text, strlen(text));
    vec_hex_of(hex, sizeof(hex), hash, 32);
    if (!vec_expect_str(c, "eip191_hash", hex, vec_str(ex, "eip191_hash")))
        return 0;
    if (private_key == NULL || vec_get(ex, "signature") == NULL)
        return 1;
    s = vec_signer_of(c, private_key);
    if (s == NULL)
        return 0;
    err = lithsm_signer_sign_digest(&sig, s, hash);
    lithsm_signer_free(s);
    if (err != LITHSM_OK)
        return vec_lib_fail(c, "sign", err);
    vec_hex_of(hex, sizeof(hex), sig.bytes, 65);
    ok = vec_expect_str(c, "signature", hex, vec_str(ex, "signature"));
    return ok;
}

/* JS siwe writes "scheme://domain"; a Lit node's siwe-rs 0.5 refuses it, so
 * lithsm refuses to write or read it (issue 8). */
static int check_siwe_scheme_refused(vcase *c, const lithsm_siwe *f,
                                     const char *message)
{
    lithsm_siwe_msg *msg = NULL;
    char *out = NULL;

    if (lithsm_siwe_to_text(&out, f) != LITHSM_ERR_INVALID_ARG) {
        free(out);
        return vec_fail(c, "the writer accepted a scheme");
    }
    if (message == NULL ||
        lithsm_siwe_parse(&msg, message, strlen(message)) != LITHSM_ERR_PARSE) {
        lithsm_siwe_msg_free(msg);
        return vec_fail(c, "the parser accepted a scheme");
    }
    return 1;
}

int check_siwe(vcase *c, json_object *in, json_object *ex)
{
    const char *res[64], *text = vec_str(in, "message");
    lithsm_siwe f;
    lithsm_siwe_msg *msg = NULL;
    char *out = NULL;
    lithsm_err err;
    int ok;

    if (text != NULL) { /* a rejection case */
        err = lithsm_siwe_parse(&msg, text, strlen(text));
        lithsm_siwe_msg_free(msg);
        if (err == LITHSM_OK)
            return vec_fail(c,
                            "the parser accepted a message the vector rejects "
                            "(%s)",
                            vec_str(ex, "reason"));
        return 1;
    }
    if (!vec_siwe_fields_of(c, &f, vec_get(in, "fields"), res))
        return 0;
    if (f.scheme != NULL && f.scheme[0] != '\0') /* siwe-rs 0.5 refuses */
        return check_siwe_scheme_refused(c, &f, vec_str(ex, "message"));
    err = lithsm_siwe_to_text(&out, &f);
    if (err != LITHSM_OK)
        return vec_lib_fail(c, "build", err);
    ok = vec_expect_str(c, "message", out, vec_str(ex, "message"));
    if (ok) {
        err = lithsm_siwe_parse(&msg, out, strlen(out));
        if (err != LITHSM_OK)
            ok = vec_lib_fail(c, "parse", err);
        else
            ok = check_siwe_parsed(c, lithsm_siwe_msg_fields(msg),
                                   vec_get(ex, "parsed"));
        lithsm_siwe_msg_free(msg);
    }
    ok = ok && vec_check_eip191_of_text(c, out, ex,
                                        vec_str(in, "signer_private_key"));
    free(out);
    return ok;
}
