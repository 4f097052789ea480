/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_eth.c - Keccak-256, EIP-191, EIP-55 addresses, recoverable
 * signatures and software signers, against tests/vectors/eip191.json and
 * the PEM fixtures in tests/keys/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "keys/keys.h"
#include "lithsm.h"
#include "tap.h"
#include "vectors.h"

/* The secp256k1 group order n. */
static const uint8_t curve_n[32] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf,
                                     0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c,
                                     0xd0, 0x36, 0x41, 0x41 };

/* Decodes "0x..." hex of any even length into a new buffer. */
static uint8_t *hex_alloc(size_t *len_out, const char *hex)
{
    size_t n = strlen(hex);
    uint8_t *b;

    if (n >= 2 && hex[0] == '0' && hex[1] == 'x') {
        hex += 2;
        n -= 2;
    }
    b = malloc(n / 2 + 1);
    if (b == NULL || n % 2 || lithsm_hex_decode(b, n / 2, hex, n)) {
        free(b);
        return NULL;
    }
    *len_out = n / 2;
    return b;
}

static int hex_fixed(uint8_t *out, size_t len, const char *hex)
{
    return hex != NULL && lithsm_hex_decode(out, len, hex, strlen(hex)) == 0;
}

/* out = n - in (big-endian); in must be below n. */
static void n_minus(uint8_t out[32], const uint8_t in[32])
{
    int i, borrow = 0;

    for (i = 31; i >= 0; i--) {
        int d = curve_n[i] - in[i] - borrow;

        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

static int err_has(const char *needle)
{
    return strstr(lithsm_last_error(), needle) != NULL;
}

/* ------------------------------------------------------------------------ */

static void test_keccak(void)
{
    /* Known answers from an independent Keccak-256 (pad 0x01): inputs are
     * bytes (7 * i + 3) mod 256, around the 136-byte rate. */
    static const struct {
        size_t len;
        const char *hash;
    } kat[] = {
        { 0,
          "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470" },
        { 135,
          "00ef96af9cf4b24c7f269d922294444a197d0a33638c2e56634c57e892103a8f" },
        { 136,
          "742061bcad767ed4c4f5883b1dcb1aad11afdcc140dc469d953759b127b9f9ed" },
        { 137,
          "e3371f61e770abf254c34239c3b0099ad90594507415bc81dd0a10b9692bbf2a" },
        { 200,
          "66d2cdf3ab4c5bd3c75add9b60b14ac5b7789534fa2da3f348853b847359a3a0" },
        { 272,
          "ac141fd7b0a0ffcd2e967254d508da3ec616596493c36fa304425647d90e6de5" },
        { 1000,
          "80cdc8dd52cbb3dbaea8f383209893fa2bb52efbd5aedbb4b26dcfe307fcdc9b" },
    };
    uint8_t in[1000], out[32], want[32];
    char what[64];
    size_t i;

    for (i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)(7 * i + 3);
    for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
        lithsm_keccak256(out, in, kat[i].len);
        snprintf(what, sizeof(what), "keccak256 of %zu bytes", kat[i].len);
        ok(hex_fixed(want, 32, kat[i].hash) && memcmp(out, want, 32) == 0,
           what);
    }
    lithsm_keccak256(out, (const uint8_t *)"abc", 3);
    ok(hex_fixed(want, 32,
                 "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036"
                 "ec44f58fa12d6c45") &&
           memcmp(out, want, 32) == 0,
       "keccak256(\"abc\") (not SHA3-256)");
    lithsm_keccak256(out, NULL, 0);
    ok(hex_fixed(want, 32, kat[0].hash) && memcmp(out, want, 32) == 0,
       "keccak256(NULL, 0) is the empty hash");
}

/* lithsm_eip191_hash hashes in pieces; check it against one-shot Keccak of
 * the concatenation for every length across two block boundaries. */
static void test_eip191_lengths(void)
{
    static const char prefix[] = "\x19"
                                 "Ethereum Signed Message:\n";
    uint8_t msg[300], buf[400], a[32], b[32];
    size_t n, len, bad = 0;
    int k;

    for (n = 0; n < sizeof(msg); n++)
        msg[n] = (uint8_t)(n * 13 + 1);
    for (n = 0; n <= sizeof(msg); n++) {
        memcpy(buf, prefix, sizeof(prefix) - 1);
        k = snprintf((char *)buf + sizeof(prefix) - 1, 8, "%zu", n);
        len = sizeof(prefix) - 1 + (size_t)k;
        memcpy(buf + len, msg, n);
        lithsm_keccak256(a, buf, len + n);
        lithsm_eip191_hash(b, msg, n);
        if (memcmp(a, b, 32) != 0)
            bad++;
    }
    ok_int_eq(bad, 0,
              "eip191_hash equals keccak256(prefix || len || msg) "
              "for lengths 0..300");
}

/* Multi-block EIP-191 hashes from siwe.json (messages of 200-460 bytes). */
static void test_siwe_hashes(void)
{
    json_object *root = load_vectors("siwe.json");
    json_object *vectors = root ? obj_at(root, "vectors") : NULL;
    size_t i, checked = 0, bad = 0;

    ok(vectors != NULL, "siwe.json loads");
    for (i = 0; vectors && i < json_object_array_length(vectors); i++) {
        json_object *exp =
            obj_at(json_object_array_get_idx(vectors, i), "expected");
        const char *msg = exp ? str_at(exp, "message") : NULL;
        const char *hash = exp ? str_at(exp, "eip191_hash") : NULL;
        uint8_t want[32], got[32];

        if (msg == NULL || hash == NULL)
            continue;
        checked++;
        lithsm_eip191_hash(got, (const uint8_t *)msg, strlen(msg));
        if (!hex_fixed(want, 32, hash) || memcmp(got, want, 32) != 0)
            bad++;
    }
    ok(checked >= 5, "siwe.json has multi-block EIP-191 cases");
    ok_int_eq(bad, 0, "siwe.json EIP-191 hashes match");
    json_object_put(root);
}

static void test_key_case(json_object *in, json_object *exp, const char *name)
{
    uint8_t secret[32], pub65[65], pub33[33], got65[65];
    lithsm_eth_address a1, a2, a3, parsed;
    lithsm_signer *signer = NULL;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1], what[128];
    const char *address = str_at(exp, "address");
    const char *lower = str_at(exp, "address_lowercase");
    lithsm_err err;

    ok(hex_fixed(secret, 32, str_at(in, "private_key")) &&
           hex_fixed(pub65, 65, str_at(exp, "public_key_uncompressed")) &&
           hex_fixed(pub33, 33, str_at(exp, "public_key_compressed")) &&
           address != NULL && lower != NULL,
       name);

    err = lithsm_signer_from_secret(&signer, secret);
    snprintf(what, sizeof(what), "%s: signer_from_secret", name);
    ok_int_eq(err, LITHSM_OK, what);
    if (signer == NULL)
        return;
    lithsm_signer_pubkey(got65, signer);
    snprintf(what, sizeof(what), "%s: uncompressed public key", name);
    ok_mem_eq(got65, pub65, 65, what);
    lithsm_signer_address(&a1, signer);
    lithsm_eth_address_to_text(text, &a1);
    snprintf(what, sizeof(what), "%s: EIP-55 address", name);
    ok_str_eq(text, address, what);
    lithsm_signer_free(signer);

    snprintf(what, sizeof(what), "%s: address from 65- and 33-byte keys", name);
    ok(lithsm_eth_address_from_pubkey(&a2, pub65, 65) == LITHSM_OK &&
           lithsm_eth_address_from_pubkey(&a3, pub33, 33) == LITHSM_OK &&
           memcmp(a1.bytes, a2.bytes, 20) == 0 &&
           memcmp(a1.bytes, a3.bytes, 20) == 0,
       what);

    snprintf(what, sizeof(what), "%s: parse EIP-55 (strict)", name);
    ok(lithsm_eth_address_parse(&parsed, address, 1) == LITHSM_OK &&
           memcmp(parsed.bytes, a1.bytes, 20) == 0,
       what);
    snprintf(what, sizeof(what), "%s: parse lowercase (lenient)", name);
    ok(lithsm_eth_address_parse(&parsed, lower, 0) == LITHSM_OK &&
           memcmp(parsed.bytes, a1.bytes, 20) == 0,
       what);
    snprintf(what, sizeof(what), "%s: lowercase rejected when strict", name);
    ok_int_eq(lithsm_eth_address_parse(&parsed, lower, 1), LITHSM_ERR_PARSE,
              what);
    lithsm_memzero(secret, sizeof(secret));
}

static void test_sign_case(json_object *in, json_object *exp, const char *name)
{
    const char *text_msg = str_at(in, "message");
    const char *addr_text = str_at(exp, "address");
    uint8_t secret[32], hash[32], got[32], sig[65], r[32], s[32], pub[65];
    uint8_t hs[32], *msg = NULL, *prefixed = NULL;
    size_t msg_len = 0, prefixed_len = 0;
    lithsm_signer *signer = NULL;
    lithsm_eth_sig esig, fromrs;
    lithsm_eth_address addr;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1], what[128];
    json_object *v = obj_at(exp, "v");

    msg = hex_alloc(&msg_len, str_at(exp, "message_bytes_hex"));
    prefixed = hex_alloc(&prefixed_len, str_at(exp, "prefixed_message_hex"));
    ok(msg != NULL && prefixed != NULL &&
           hex_fixed(secret, 32, str_at(in, "private_key")) &&
           hex_fixed(hash, 32, str_at(exp, "hash")) &&
           hex_fixed(sig, 65, str_at(exp, "signature")) &&
           hex_fixed(r, 32, str_at(exp, "r")) &&
           hex_fixed(s, 32, str_at(exp, "s")) &&
           hex_fixed(pub, 65, str_at(exp, "public_key_uncompressed")) &&
           v != NULL && addr_text != NULL,
       name);
    if (msg == NULL || prefixed == NULL)
        goto done;
    /* Text messages are signed as their UTF-8 bytes, never hex-decoded. */
    if (text_msg != NULL) {
        snprintf(what, sizeof(what), "%s: message bytes are the text", name);
        ok(msg_len == strlen(text_msg) && memcmp(msg, text_msg, msg_len) == 0,
           what);
    }
    snprintf(what, sizeof(what), "%s: message_length", name);
    ok_int_eq(msg_len, json_object_get_int64(obj_at(exp, "message_length")),
              what);

    lithsm_keccak256(got, prefixed, prefixed_len);
    snprintf(what, sizeof(what), "%s: keccak256(prefixed bytes)", name);
    ok_mem_eq(got, hash, 32, what);
    lithsm_eip191_hash(got, msg, msg_len);
    snprintf(what, sizeof(what), "%s: eip191_hash", name);
    ok_mem_eq(got, hash, 32, what);
    snprintf(what, sizeof(what), "%s: v is 27 + recovery_param", name);
    ok_int_eq(sig[64], 27 + json_object_get_int(obj_at(exp, "recovery_param")),
              what);

    /* Deterministic software signature, byte for byte. */
    snprintf(what, sizeof(what), "%s: signature", name);
    if (lithsm_signer_from_secret(&signer, secret) != LITHSM_OK ||
        lithsm_signer_sign_digest(&esig, signer, hash) != LITHSM_OK)
        ok(0, what);
    else
        ok_mem_eq(esig.bytes, sig, 65, what);
    lithsm_signer_free(signer);

    snprintf(what, sizeof(what), "%s: recovered address", name);
    if (lithsm_eth_recover(&addr, hash, sig, 65) != LITHSM_OK) {
        ok(0, what);
    } else {
        lithsm_eth_address_to_text(text, &addr);
        ok_str_eq(text, str_at(exp, "recovered_address"), what);
        ok_str_eq(text, addr_text, "  ... and it is the signer's address");
    }

    /* v as 0/1 works the same (a Lit node uses v % 27). */
    sig[64] = (uint8_t)(sig[64] - 27);
    snprintf(what, sizeof(what), "%s: recover with v = %u", name, sig[64]);
    ok(lithsm_eth_recover(&addr, hash, sig, 65) == LITHSM_OK &&
           (lithsm_eth_address_to_text(text, &addr), 1) &&
           strcmp(text, addr_text) == 0,
       what);
    sig[64] = (uint8_t)(sig[64] + 27);

    /* A token's (r, s) with low or high s gives the same Ethereum sig. */
    snprintf(what, sizeof(what), "%s: sig_from_rs (low s)", name);
    ok(lithsm_eth_sig_from_rs(&fromrs, r, s, hash, pub, 65) == LITHSM_OK &&
           memcmp(fromrs.bytes, sig, 65) == 0,
       what);
    n_minus(hs, s);
    snprintf(what, sizeof(what), "%s: sig_from_rs (high s -> n - s)", name);
    ok(lithsm_eth_sig_from_rs(&fromrs, r, hs, hash, pub, 65) == LITHSM_OK &&
           memcmp(fromrs.bytes, sig, 65) == 0,
       what);

done:
    lithsm_memzero(secret, sizeof(secret));
    free(msg);
    free(prefixed);
}

static void test_vectors(void)
{
    json_object *root = load_vectors("eip191.json");
    json_object *vectors = root ? obj_at(root, "vectors") : NULL;
    size_t i, n_keys = 0, n_signs = 0;

    ok(vectors != NULL && json_object_is_type(vectors, json_type_array),
       "eip191.json loads");
    for (i = 0; vectors && i < json_object_array_length(vectors); i++) {
        json_object *vec = json_object_array_get_idx(vectors, i);
        const char *name = str_at(vec, "name");
        json_object *in = obj_at(vec, "inputs"), *exp = obj_at(vec, "expected");

        if (name == NULL || in == NULL || exp == NULL) {
            ok(0, "vector has name, inputs and expected");
            continue;
        }
        if (str_at(exp, "signature") != NULL) {
            test_sign_case(in, exp, name);
            n_signs++;
        } else {
            test_key_case(in, exp, name);
            n_keys++;
        }
    }
    ok(n_keys >= 5 && n_signs >= 14, "all eip191.json cases ran");
    json_object_put(root);
}

/* ------------------------------------------------------------------------
 * Negative cases, from the first signing vector.
 */
static const char *k1_pub =
    "041b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f"
    "70beaf8f588b541507fed6a642c5ab42dfdf8120a7f639de5122d47a69a8e8d1";
static const char *k2_pub =
    "044d4b6cd1361032ca9bd2aeb9d900aa4d45d9ead80ac9423374c451a7254d0766"
    "2a3eada2d0fe208b6d257ceb0f064284662e857f57b66b54c198bd310ded36d0";
static const char *k1_addr = "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1";
static const char *empty_hash =
    "5f35dce98ba4fba25530a026ed80b2cecdaa31091ba4958b99b52ea1d068adad";
static const char *empty_sig =
    "008f5fb3ee6d29e767bfb729dc8764c5178f4e8a872450f6a33f62442f9ecd88"
    "3c3d1dc059a5a809bde6ed6299b99b3d5c4f0ed46d79ba01658ad7b7ef8f6115"
    "1c";

static void test_sig_errors(void)
{
    uint8_t pub1[65], pub2[65], hash[32], sig[65], hs[32], zero[32] = { 0 };
    uint8_t sig2[66];
    lithsm_eth_sig out;
    lithsm_eth_address addr;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];

    ok(hex_fixed(pub1, 65, k1_pub) && hex_fixed(pub2, 65, k2_pub) &&
           hex_fixed(hash, 32, empty_hash) && hex_fixed(sig, 65, empty_sig),
       "negative-case fixtures decode");

    ok_int_eq(lithsm_eth_sig_from_rs(&out, sig, sig + 32, hash, pub2, 65),
              LITHSM_ERR_SIGNATURE, "sig_from_rs: wrong public key");
    ok(err_has("recover"), "  ... error says it does not recover");
    ok_int_eq(lithsm_eth_sig_from_rs(&out, zero, sig + 32, hash, pub1, 65),
              LITHSM_ERR_SIGNATURE, "sig_from_rs: r = 0");
    ok_int_eq(lithsm_eth_sig_from_rs(&out, sig, zero, hash, pub1, 65),
              LITHSM_ERR_SIGNATURE, "sig_from_rs: s = 0");
    ok_int_eq(lithsm_eth_sig_from_rs(&out, curve_n, sig + 32, hash, pub1, 65),
              LITHSM_ERR_SIGNATURE, "sig_from_rs: r = n");
    ok_int_eq(lithsm_eth_sig_from_rs(&out, sig, curve_n, hash, pub1, 65),
              LITHSM_ERR_SIGNATURE, "sig_from_rs: s = n");
    ok_int_eq(lithsm_eth_sig_from_rs(&out, sig, sig + 32, hash, pub1, 64),
              LITHSM_ERR_KEY, "sig_from_rs: 64-byte public key");
    ok_int_eq(lithsm_eth_sig_from_rs(NULL, sig, sig + 32, hash, pub1, 65),
              LITHSM_ERR_INVALID_ARG, "sig_from_rs: NULL output");
    ok_int_eq(lithsm_eth_sig_from_rs(&out, sig, sig + 32, hash, pub1 + 1, 33),
              LITHSM_ERR_KEY, "sig_from_rs: bad compressed prefix");
    hash[0] ^= 1;
    ok_int_eq(lithsm_eth_sig_from_rs(&out, sig, sig + 32, hash, pub1, 65),
              LITHSM_ERR_SIGNATURE, "sig_from_rs: other hash");
    hash[0] ^= 1;

    /* Recovery: v forms, lengths, ranges. */
    sig[64] = 27;
    ok(lithsm_eth_recover(&addr, hash, sig, 65) == LITHSM_OK &&
           (lithsm_eth_address_to_text(text, &addr), 1) &&
           strcmp(text, k1_addr) != 0,
       "recover with the other v gives another address");
    sig[64] = 28;
    ok(lithsm_eth_recover(&addr, hash, sig, 65) == LITHSM_OK &&
           (lithsm_eth_address_to_text(text, &addr), 1) &&
           strcmp(text, k1_addr) == 0,
       "recover with v = 28");
    sig[64] = 29;
    ok_int_eq(lithsm_eth_recover(&addr, hash, sig, 65), LITHSM_ERR_SIGNATURE,
              "recover: v = 29 rejected");
    ok(err_has("v must be"), "  ... error names v");
    sig[64] = 2;
    ok_int_eq(lithsm_eth_recover(&addr, hash, sig, 65), LITHSM_ERR_SIGNATURE,
              "recover: v = 2 rejected");
    sig[64] = 28;
    ok_int_eq(lithsm_eth_recover(&addr, hash, sig, 64), LITHSM_ERR_SIGNATURE,
              "recover: 64-byte signature rejected");
    memcpy(sig2, sig, 65);
    sig2[65] = 0;
    ok_int_eq(lithsm_eth_recover(&addr, hash, sig2, 66), LITHSM_ERR_SIGNATURE,
              "recover: 66-byte signature rejected");
    ok_int_eq(lithsm_eth_recover(&addr, hash, NULL, 65), LITHSM_ERR_INVALID_ARG,
              "recover: NULL signature");

    /* High s (ethers v5 accepts it): s -> n - s with v flipped. */
    n_minus(hs, sig + 32);
    memcpy(sig2, sig, 65);
    memcpy(sig2 + 32, hs, 32);
    sig2[64] = 27;
    ok(lithsm_eth_recover(&addr, hash, sig2, 65) == LITHSM_OK &&
           (lithsm_eth_address_to_text(text, &addr), 1) &&
           strcmp(text, k1_addr) == 0,
       "recover: high-s signature recovers the signer (as ethers v5)");

    memcpy(sig2, sig, 65);
    memset(sig2, 0, 32);
    ok_int_eq(lithsm_eth_recover(&addr, hash, sig2, 65), LITHSM_ERR_SIGNATURE,
              "recover: r = 0 rejected");
    memcpy(sig2, curve_n, 32);
    ok_int_eq(lithsm_eth_recover(&addr, hash, sig2, 65), LITHSM_ERR_SIGNATURE,
              "recover: r = n rejected");
    memcpy(sig2, sig, 65);
    memset(sig2 + 32, 0xff, 32);
    ok_int_eq(lithsm_eth_recover(&addr, hash, sig2, 65), LITHSM_ERR_SIGNATURE,
              "recover: s > n rejected");
}

static void test_pubkey_errors(void)
{
    uint8_t pub[65];
    lithsm_eth_address addr;

    ok(hex_fixed(pub, 65, k1_pub), "public key decodes");
    pub[64] ^= 1;
    ok_int_eq(lithsm_eth_address_from_pubkey(&addr, pub, 65), LITHSM_ERR_KEY,
              "off-curve point rejected");
    ok(err_has("not a point"), "  ... error says off curve");
    pub[64] ^= 1;
    pub[0] = 0x06;
    ok_int_eq(lithsm_eth_address_from_pubkey(&addr, pub, 65), LITHSM_ERR_KEY,
              "hybrid 06 prefix rejected");
    pub[0] = 0x04;
    ok_int_eq(lithsm_eth_address_from_pubkey(&addr, pub + 1, 64),
              LITHSM_ERR_KEY, "64-byte key (no prefix) rejected");
    ok_int_eq(lithsm_eth_address_from_pubkey(&addr, pub, 0), LITHSM_ERR_KEY,
              "empty key rejected");
    ok_int_eq(lithsm_eth_address_from_pubkey(&addr, NULL, 65),
              LITHSM_ERR_INVALID_ARG, "NULL key rejected");
    /* x = p (not a field element) in compressed form. */
    memset(pub, 0xff, 33);
    pub[0] = 0x02;
    pub[29] = 0xfe;
    pub[30] = 0xff;
    pub[31] = 0xfc;
    pub[32] = 0x2f;
    ok_int_eq(lithsm_eth_address_from_pubkey(&addr, pub, 33), LITHSM_ERR_KEY,
              "compressed key with x >= p rejected");
}

/* Texts that are no address even to the lenient parser; some errors must
 * name the position of the first bad character. */
static const struct {
    const char *text;
    lithsm_err err;
    const char *what;
    const char *position;
} malformed[] = {
    { "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F", LITHSM_ERR_PARSE,
      "41 characters rejected", NULL },
    { "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F10", LITHSM_ERR_PARSE,
      "43 characters rejected", NULL },
    { "", LITHSM_ERR_PARSE, "empty text rejected", NULL },
    { "0x1a642f0g3c3af545e7acbd38b07251b3990914f1", LITHSM_ERR_PARSE,
      "non-hex digit rejected", "position 9" },
    { "0X1a642f0e3c3af545e7acbd38b07251b3990914f1", LITHSM_ERR_PARSE,
      "\"0X\" prefix rejected", NULL },
    { "001a642f0e3c3af545e7acbd38b07251b3990914f1", LITHSM_ERR_PARSE,
      "missing \"0x\" rejected", NULL },
    { "0x 1a642f0e3c3af545e7acbd38b07251b3990914f", LITHSM_ERR_PARSE,
      "space rejected", NULL },
    { NULL, LITHSM_ERR_INVALID_ARG, "NULL text rejected", NULL },
};

static void test_address_parse(void)
{
    lithsm_eth_address a;
    char buf[64], text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    size_t i;

    /* Flip the case of one letter: a wrong checksum. */
    snprintf(buf, sizeof(buf), "%s", k1_addr);
    buf[6] = 'e'; /* 0x1a642f0E -> ...0e */
    ok_int_eq(lithsm_eth_address_parse(&a, buf, 0), LITHSM_ERR_PARSE,
              "bad checksum rejected (lenient)");
    ok(err_has("checksum"), "  ... error names the checksum");
    ok_int_eq(lithsm_eth_address_parse(&a, buf, 1), LITHSM_ERR_PARSE,
              "bad checksum rejected (strict)");

    /* All uppercase carries no checksum: accepted unless strict. */
    snprintf(buf, sizeof(buf), "0x");
    for (i = 2; i < 42; i++)
        buf[i] = (char)(k1_addr[i] >= 'a' ? k1_addr[i] - 32 : k1_addr[i]);
    buf[42] = '\0';
    ok_int_eq(lithsm_eth_address_parse(&a, buf, 0), LITHSM_OK,
              "all-uppercase accepted (lenient)");
    lithsm_eth_address_to_text(text, &a);
    ok_str_eq(text, k1_addr, "  ... and prints as EIP-55");
    ok_int_eq(lithsm_eth_address_parse(&a, buf, 1), LITHSM_ERR_PARSE,
              "all-uppercase rejected (strict)");

    /* An address with no letters at all is its own EIP-55 form. */
    ok_int_eq(lithsm_eth_address_parse(
                  &a, "0x0000000000000000000000000000000000000000", 1),
              LITHSM_OK, "all-digit address accepted (strict)");

    for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        ok_int_eq(lithsm_eth_address_parse(&a, malformed[i].text, 0),
                  malformed[i].err, malformed[i].what);
        if (malformed[i].position != NULL)
            ok(err_has(malformed[i].position),
               "  ... error names the position");
    }
}

static void test_secret_range(void)
{
    uint8_t secret[32] = { 0 };
    lithsm_signer *signer = NULL;

    ok_int_eq(lithsm_signer_from_secret(&signer, secret), LITHSM_ERR_KEY,
              "secret 0 rejected");
    ok(signer == NULL, "  ... no signer returned");
    ok_int_eq(lithsm_signer_from_secret(&signer, curve_n), LITHSM_ERR_KEY,
              "secret n rejected");
    memset(secret, 0xff, 32);
    ok_int_eq(lithsm_signer_from_secret(&signer, secret), LITHSM_ERR_KEY,
              "secret 2^256 - 1 rejected");
    ok_int_eq(lithsm_signer_from_secret(NULL, secret), LITHSM_ERR_INVALID_ARG,
              "NULL output rejected");
    lithsm_signer_free(NULL);
    ok(1, "signer_free(NULL) is a no-op");
}

/* A signer that, like a token, returns only (r, s), and here always the
 * high-s twin: lithsm_signer_sign_digest must still give the vector sig. */
static lithsm_err token_sign_rs(uint8_t r[32], uint8_t s[32], void *impl,
                                const uint8_t hash[32])
{
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_ecdsa_signature sig;
    uint8_t compact[64];

    if (ctx == NULL ||
        !secp256k1_ecdsa_sign(ctx, &sig, hash, impl, NULL, NULL)) {
        secp256k1_context_destroy(ctx);
        return LITHSM_ERR_CRYPTO;
    }
    secp256k1_ecdsa_signature_serialize_compact(ctx, compact, &sig);
    secp256k1_context_destroy(ctx);
    memcpy(r, compact, 32);
    n_minus(s, compact + 32);
    return LITHSM_OK;
}

static int token_frees;

static void token_free(void *impl)
{
    token_frees++;
    free(impl);
}

static const lithsm_signer_ops token_ops = {
    .kind = "test-token",
    .sign_rs = token_sign_rs,
    .free = token_free,
};

static void test_rs_signer(void)
{
    uint8_t *secret = malloc(32), pub[65], hash[32], sig[65];
    lithsm_signer *signer = NULL;
    lithsm_eth_sig out;

    if (secret == NULL)
        return;
    memset(secret, 1, 32);
    ok(hex_fixed(pub, 65, k1_pub) && hex_fixed(hash, 32, empty_hash) &&
           hex_fixed(sig, 65, empty_sig),
       "token fixtures decode");
    ok_int_eq(lithsm_signer_new(&signer, &token_ops, secret, pub, 65),
              LITHSM_OK, "signer_new with an (r, s) signer");
    ok(lithsm_signer_sign_digest(&out, signer, hash) == LITHSM_OK &&
           memcmp(out.bytes, sig, 65) == 0,
       "(r, s) signer with high s gives the low-s vector signature");
    lithsm_signer_free(signer);
    ok_int_eq(token_frees, 1, "signer_free frees the token state");

    secret = malloc(32);
    pub[10] ^= 1;
    ok_int_eq(lithsm_signer_new(&signer, &token_ops, secret, pub, 65),
              LITHSM_ERR_KEY, "signer_new with an off-curve key fails");
    ok_int_eq(token_frees, 2, "  ... and frees the token state");
}

int main(void)
{
    test_keccak();
    test_eip191_lengths();
    test_siwe_hashes();
    test_vectors();
    test_sig_errors();
    test_pubkey_errors();
    test_address_parse();
    test_secret_range();
    test_rs_signer();
    return tap_done();
}
