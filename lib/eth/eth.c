/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * eth.c - Ethereum addresses (EIP-55) and recoverable secp256k1 signatures.
 *
 * All curve arithmetic is libsecp256k1's (recovery module); nothing here
 * computes on the curve itself.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "eth/eth.h"

/* ------------------------------------------------------------------------
 * The shared context
 */

static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static secp256k1_context *shared_ctx;
static const char *shared_ctx_error;

/* libsecp256k1 calls this on API misuse; the default aborts, which a library
 * loaded into other programs must not do.  The call then returns 0. */
static void secp_illegal(const char *message, void *data)
{
    (void)message;
    (void)data;
}

static void ctx_create(void)
{
    unsigned char seed[32];
    secp256k1_context *ctx;

    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (ctx == NULL) {
        shared_ctx_error = "secp256k1: cannot create a context";
        return;
    }
    secp256k1_context_set_illegal_callback(ctx, secp_illegal, NULL);
    /* Blinding against side channels in signing and key generation. */
    if (lithsm_random(seed, sizeof(seed)) != LITHSM_OK ||
        !secp256k1_context_randomize(ctx, seed)) {
        lithsm_memzero(seed, sizeof(seed));
        secp256k1_context_destroy(ctx);
        shared_ctx_error = "secp256k1: cannot randomize the context";
        return;
    }
    lithsm_memzero(seed, sizeof(seed));
    shared_ctx = ctx;
}

lithsm_err lithsm_secp256k1_ctx(const secp256k1_context **out)
{
    *out = NULL;
    if (pthread_once(&ctx_once, ctx_create) != 0)
        return lithsm_fail(LITHSM_ERR_CRYPTO,
                           "secp256k1: context initialisation failed");
    if (shared_ctx == NULL)
        return lithsm_fail(LITHSM_ERR_CRYPTO, "%s", shared_ctx_error);
    *out = shared_ctx;
    return LITHSM_OK;
}

/* ------------------------------------------------------------------------
 * Public keys and addresses
 */

/* Parses a SEC1 point: 04 || X || Y or 02/03 || X.  libsecp256k1 also takes
 * the "hybrid" 06/07 form, which Ethereum tools do not; refuse it. */
static lithsm_err pubkey_parse(secp256k1_pubkey *pk,
                               const secp256k1_context *ctx,
                               const uint8_t *pubkey, size_t pubkey_len)
{
    if (pubkey == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "public key: NULL");
    if (pubkey_len == 65) {
        if (pubkey[0] != 0x04)
            return lithsm_fail(LITHSM_ERR_KEY,
                               "public key: 65 bytes must start with 04, "
                               "got %02x",
                               pubkey[0]);
    } else if (pubkey_len == 33) {
        if (pubkey[0] != 0x02 && pubkey[0] != 0x03)
            return lithsm_fail(LITHSM_ERR_KEY,
                               "public key: 33 bytes must start with 02 or "
                               "03, got %02x",
                               pubkey[0]);
    } else {
        return lithsm_fail(LITHSM_ERR_KEY,
                           "public key: expected 65 or 33 bytes, got %zu",
                           pubkey_len);
    }
    if (!secp256k1_ec_pubkey_parse(ctx, pk, pubkey, pubkey_len))
        return lithsm_fail(LITHSM_ERR_KEY,
                           "public key: not a point on secp256k1");
    return LITHSM_OK;
}

static void pubkey_serialize(uint8_t out[65], const secp256k1_context *ctx,
                             const secp256k1_pubkey *pk)
{
    size_t len = 65;

    /* Cannot fail for a parsed key and a 65-byte buffer. */
    (void)secp256k1_ec_pubkey_serialize(ctx, out, &len, pk,
                                        SECP256K1_EC_UNCOMPRESSED);
}

/* The address is the last 20 bytes of keccak256(X || Y). */
static void address_of(lithsm_eth_address *out, const secp256k1_context *ctx,
                       const secp256k1_pubkey *pk)
{
    uint8_t ser[65], hash[32];

    pubkey_serialize(ser, ctx, pk);
    lithsm_keccak256(hash, ser + 1, 64);
    memcpy(out->bytes, hash + 12, LITHSM_ETH_ADDRESS_LEN);
}

lithsm_err lithsm_eth_address_from_pubkey(lithsm_eth_address *out,
                                          const uint8_t *pubkey,
                                          size_t pubkey_len)
{
    const secp256k1_context *ctx;
    secp256k1_pubkey pk;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "address: NULL output");
    if ((err = lithsm_secp256k1_ctx(&ctx)) != LITHSM_OK)
        return err;
    if ((err = pubkey_parse(&pk, ctx, pubkey, pubkey_len)) != LITHSM_OK)
        return err;
    address_of(out, ctx, &pk);
    return LITHSM_OK;
}

void lithsm_eth_address_to_text(char out[LITHSM_ETH_ADDRESS_TEXT_LEN + 1],
                                const lithsm_eth_address *addr)
{
    static const char hexdig[] = "0123456789abcdef";
    char *digits = out + 2;
    uint8_t hash[32];
    size_t i;

    out[0] = '0';
    out[1] = 'x';
    for (i = 0; i < LITHSM_ETH_ADDRESS_LEN; i++) {
        digits[2 * i] = hexdig[addr->bytes[i] >> 4];
        digits[2 * i + 1] = hexdig[addr->bytes[i] & 15];
    }
    digits[40] = '\0';
    /* EIP-55: upper-case each letter whose nibble of keccak256(lowercase
     * hex) is 8 or more. */
    lithsm_keccak256(hash, (const uint8_t *)digits, 40);
    for (i = 0; i < 40; i++) {
        unsigned nibble = i % 2 ? hash[i / 2] & 15u : hash[i / 2] >> 4;

        if (digits[i] >= 'a' && nibble >= 8)
            digits[i] = (char)(digits[i] - 'a' + 'A');
    }
}

lithsm_err lithsm_eth_address_parse(lithsm_eth_address *out, const char *text,
                                    int require_eip55)
{
    char canonical[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_eth_address addr;
    int has_lower = 0, has_upper = 0;
    size_t i, len;

    if (out == NULL || text == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "address: NULL argument");
    len = strnlen(text, LITHSM_ETH_ADDRESS_TEXT_LEN + 1);
    if (len != LITHSM_ETH_ADDRESS_TEXT_LEN)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "address: expected \"0x\" and 40 hex digits "
                           "(42 characters), got %s%zu characters",
                           len > LITHSM_ETH_ADDRESS_TEXT_LEN ? "more than "
                                                             : "",
                           len > LITHSM_ETH_ADDRESS_TEXT_LEN
                               ? (size_t)LITHSM_ETH_ADDRESS_TEXT_LEN
                               : len);
    if (text[0] != '0' || text[1] != 'x')
        return lithsm_fail(LITHSM_ERR_PARSE, "address: must start with \"0x\"");
    if (lithsm_hex_decode(addr.bytes, sizeof(addr.bytes), text,
                          LITHSM_ETH_ADDRESS_TEXT_LEN) != LITHSM_OK) {
        char why[128];

        /* Copied: the detail buffer is about to be rewritten. */
        snprintf(why, sizeof(why), "%s", lithsm_last_error());
        return lithsm_fail(LITHSM_ERR_PARSE, "address: %s", why);
    }
    for (i = 2; i < LITHSM_ETH_ADDRESS_TEXT_LEN; i++) {
        has_lower |= text[i] >= 'a' && text[i] <= 'f';
        has_upper |= text[i] >= 'A' && text[i] <= 'F';
    }

    lithsm_eth_address_to_text(canonical, &addr);
    if (strcmp(canonical, text) != 0) {
        /* Single-case text carries no checksum; mixed case must match. */
        if (has_lower && has_upper)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "address: bad EIP-55 checksum (expected %s)",
                               canonical);
        if (require_eip55)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "address: not in EIP-55 checksum form "
                               "(expected %s)",
                               canonical);
    }
    *out = addr;
    return LITHSM_OK;
}

/* ------------------------------------------------------------------------
 * Signatures
 */

static int is_zero32(const uint8_t b[32])
{
    uint8_t acc = 0;
    size_t i;

    for (i = 0; i < 32; i++)
        acc |= b[i];
    return acc == 0;
}

lithsm_err lithsm_eth_sig_from_rs(lithsm_eth_sig *out, const uint8_t r[32],
                                  const uint8_t s[32], const uint8_t hash[32],
                                  const uint8_t *pubkey, size_t pubkey_len)
{
    const secp256k1_context *ctx;
    secp256k1_ecdsa_signature sig;
    secp256k1_ecdsa_recoverable_signature rsig;
    secp256k1_pubkey want, got;
    uint8_t compact[64], want_ser[65], got_ser[65];
    lithsm_err err;
    int recid;

    if (out == NULL || r == NULL || s == NULL || hash == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "signature: NULL argument");
    if ((err = lithsm_secp256k1_ctx(&ctx)) != LITHSM_OK)
        return err;
    if ((err = pubkey_parse(&want, ctx, pubkey, pubkey_len)) != LITHSM_OK)
        return err;
    if (is_zero32(r) || is_zero32(s))
        return lithsm_fail(LITHSM_ERR_SIGNATURE, "signature: %s is zero",
                           is_zero32(r) ? "r" : "s");

    memcpy(compact, r, 32);
    memcpy(compact + 32, s, 32);
    if (!secp256k1_ecdsa_signature_parse_compact(ctx, &sig, compact))
        return lithsm_fail(LITHSM_ERR_SIGNATURE,
                           "signature: r or s is not below the curve order");
    /* EIP-2: s in the lower half; (r, n - s) is the same signature. */
    (void)secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
    (void)secp256k1_ecdsa_signature_serialize_compact(ctx, compact, &sig);

    pubkey_serialize(want_ser, ctx, &want);
    /* Recovery ids 2 and 3 need r >= p - n, which has negligible chance and
     * which Ethereum's v cannot express. */
    for (recid = 0; recid < 2; recid++) {
        if (!secp256k1_ecdsa_recoverable_signature_parse_compact(
                ctx, &rsig, compact, recid) ||
            !secp256k1_ecdsa_recover(ctx, &got, &rsig, hash))
            continue;
        pubkey_serialize(got_ser, ctx, &got);
        if (memcmp(got_ser, want_ser, sizeof(want_ser)) == 0) {
            memcpy(out->bytes, compact, 64);
            out->bytes[64] = (uint8_t)(27 + recid);
            return LITHSM_OK;
        }
    }
    return lithsm_fail(LITHSM_ERR_SIGNATURE,
                       "signature: (r, s) does not recover to the given "
                       "public key with recovery id 0 or 1");
}

lithsm_err lithsm_eth_recover(lithsm_eth_address *out, const uint8_t hash[32],
                              const uint8_t *sig, size_t sig_len)
{
    const secp256k1_context *ctx;
    secp256k1_ecdsa_recoverable_signature rsig;
    secp256k1_pubkey pk;
    lithsm_err err;
    uint8_t v;

    if (out == NULL || hash == NULL || sig == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "recover: NULL argument");
    if (sig_len != LITHSM_ETH_SIG_LEN)
        return lithsm_fail(LITHSM_ERR_SIGNATURE,
                           "signature: expected 65 bytes (r, s, v), got %zu",
                           sig_len);
    v = sig[64];
    /* A Lit node uses v % 27: 0/1 and 27/28 mean the same recovery id. */
    if (v != 0 && v != 1 && v != 27 && v != 28)
        return lithsm_fail(LITHSM_ERR_SIGNATURE,
                           "signature: v must be 0, 1, 27 or 28, got %u",
                           (unsigned)v);
    if ((err = lithsm_secp256k1_ctx(&ctx)) != LITHSM_OK)
        return err;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig, sig,
                                                             v % 27))
        return lithsm_fail(LITHSM_ERR_SIGNATURE,
                           "signature: r or s is not below the curve order");
    /* High s is accepted here, as ethers v5 does; signers emit low s. */
    if (!secp256k1_ecdsa_recover(ctx, &pk, &rsig, hash))
        return lithsm_fail(LITHSM_ERR_SIGNATURE,
                           "signature: no public key recovers from it");
    address_of(out, ctx, &pk);
    return LITHSM_OK;
}
