/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * check-vectors-eip712.c - the eip712.json cases of tests/check-vectors:
 * every expected value recomputed from the typed data and the key alone,
 * and refusal where the case expects an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-vectors.h"

static int expect_hash(vcase *c, const char *what, const uint8_t h[32],
                       json_object *ex)
{
    char hex[67];

    vec_hex_of(hex, sizeof(hex), h, 32);
    return vec_expect_str(c, what, hex, vec_str(ex, what));
}

/* The signature by the case's key, its parts and the recovered signer. */
static int check_signature(vcase *c, const lithsm_typed_data *td,
                           json_object *in, json_object *ex)
{
    lithsm_signer *s = vec_signer_of(c, vec_str(in, "private_key"));
    lithsm_eth_sig sig;
    lithsm_eth_address rec;
    uint8_t digest[32];
    char hex[2 * LITHSM_ETH_SIG_LEN + 3], addr[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_err err;
    int ok;

    if (s == NULL)
        return 0;
    err = lithsm_typed_data_sign(&sig, digest, s, td);
    lithsm_signer_free(s);
    if (err != LITHSM_OK)
        return vec_lib_fail(c, "lithsm_typed_data_sign", err);
    ok = expect_hash(c, "digest", digest, ex);
    vec_hex_of(hex, sizeof(hex), sig.bytes, LITHSM_ETH_SIG_LEN);
    ok = ok && vec_expect_str(c, "signature", hex, vec_str(ex, "signature"));
    ok = ok && expect_hash(c, "r", sig.bytes, ex);
    ok = ok && expect_hash(c, "s", sig.bytes + 32, ex);
    if (ok && json_object_get_int(vec_get(ex, "v")) != sig.bytes[64])
        ok = vec_fail(c, "v: got %d, want %d", sig.bytes[64],
                      json_object_get_int(vec_get(ex, "v")));
    err = lithsm_eth_recover(&rec, digest, sig.bytes, LITHSM_ETH_SIG_LEN);
    if (ok && err != LITHSM_OK)
        return vec_lib_fail(c, "lithsm_eth_recover", err);
    lithsm_eth_address_to_text(addr, &rec);
    return ok && vec_expect_str(c, "address", addr, vec_str(ex, "address"));
}

static int check_hashes(vcase *c, const lithsm_typed_data *td, json_object *ex)
{
    uint8_t h[32];
    char *encoded = NULL;
    lithsm_err err = lithsm_typed_data_encode_type(&encoded, td);
    int ok;

    if (err != LITHSM_OK)
        return vec_lib_fail(c, "lithsm_typed_data_encode_type", err);
    ok =
        vec_expect_str(c, "encoded_type", encoded, vec_str(ex, "encoded_type"));
    lithsm_free(encoded);
    lithsm_typed_data_type_hash(h, td);
    ok = ok && expect_hash(c, "type_hash", h, ex);
    lithsm_typed_data_domain_separator(h, td);
    ok = ok && expect_hash(c, "domain_separator", h, ex);
    lithsm_typed_data_struct_hash(h, td);
    ok = ok && expect_hash(c, "struct_hash", h, ex);
    lithsm_typed_data_digest(h, td);
    return ok && expect_hash(c, "digest", h, ex);
}

int check_eip712(vcase *c, json_object *in, json_object *ex)
{
    char *text = vec_stringify(vec_get(in, "typed_data"));
    lithsm_typed_data *td = NULL;
    lithsm_err err;
    int ok;

    if (text == NULL)
        return vec_fail(c, "no typed_data in the inputs");
    err = lithsm_typed_data_parse(&td, text, strlen(text));
    free(text);
    if (json_object_get_boolean(vec_get(ex, "error"))) {
        lithsm_typed_data_free(td);
        if (err == LITHSM_OK)
            return vec_fail(c, "accepted typed data that must be refused");
        snprintf(c->note, sizeof(c->note), "refused: %s", lithsm_last_error());
        return 1;
    }
    if (err != LITHSM_OK)
        return vec_lib_fail(c, "lithsm_typed_data_parse", err);
    ok = check_hashes(c, td, ex) && check_signature(c, td, in, ex);
    lithsm_typed_data_free(td);
    return ok;
}
