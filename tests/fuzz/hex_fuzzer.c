/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * hex_fuzzer.c - untrusted hex, addresses, base64url and signatures: the
 * text a peer sends as an AuthSig "sig" or "address", or a ReCap URN.
 * Round trips that must hold abort on failure, so the runner reports them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#include "fuzz.h"

static void fuzz_hex(const char *text, size_t len)
{
    static const size_t sizes[] = { 0, 1, 20, 32, 65 };
    uint8_t out[256], again[256];
    char enc[2 * 256 + 1];
    size_t i, n;

    /* Exactly 2 * size digits, or a failure. */
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        if (lithsm_hex_decode(out, sizes[i], text, len) == LITHSM_OK)
            MUST(len == 2 * sizes[i] || len == 2 * sizes[i] + 2);

    /* The size the text claims: decoding then encoding gives it back. */
    n = len / 2 > sizeof(out) ? sizeof(out) : len / 2;
    if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        n = (len - 2) / 2 > sizeof(out) ? sizeof(out) : (len - 2) / 2;
    if (lithsm_hex_decode(out, n, text, len) == LITHSM_OK) {
        MUST(lithsm_hex_encode(enc, sizeof(enc), out, n) == LITHSM_OK);
        MUST(lithsm_hex_decode(again, n, enc, 2 * n) == LITHSM_OK);
        MUST(memcmp(out, again, n) == 0);
    }
}

static void fuzz_address(const char *text)
{
    char canon[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_eth_address a, b;
    int strict;

    for (strict = 0; strict < 2; strict++) {
        if (lithsm_eth_address_parse(&a, text, strict) != LITHSM_OK)
            continue;
        /* What parses prints as EIP-55 text that parses strictly. */
        lithsm_eth_address_to_text(canon, &a);
        MUST(lithsm_eth_address_parse(&b, canon, 1) == LITHSM_OK);
        MUST(memcmp(a.bytes, b.bytes, LITHSM_ETH_ADDRESS_LEN) == 0);
        if (strict)
            MUST(strcmp(canon, text) == 0);
    }
}

static void fuzz_base64url(const char *text, size_t len)
{
    uint8_t *out = NULL;
    char *enc = NULL;
    size_t out_len = 0;

    if (lithsm_base64url_decode(&out, &out_len, text, len) == LITHSM_OK) {
        MUST(out != NULL && out[out_len] == '\0');
        if (lithsm_base64url_encode(&enc, out, out_len) == LITHSM_OK)
            lithsm_free(enc);
    }
    lithsm_free(out);
}

static void fuzz_recover(const uint8_t *data, size_t size)
{
    static const uint8_t zero_hash[32];
    lithsm_eth_address a, b;
    lithsm_eth_sig sig;

    /* The first 32 bytes are the hash, the rest the signature. */
    if (size >= 32 &&
        lithsm_eth_recover(&a, data, data + 32, size - 32) == LITHSM_OK)
        MUST(size - 32 == LITHSM_ETH_SIG_LEN);
    if (lithsm_eth_recover(&a, zero_hash, data, size) == LITHSM_OK)
        MUST(size == LITHSM_ETH_SIG_LEN);
    if (lithsm_eth_address_from_pubkey(&a, data, size) == LITHSM_OK)
        MUST(size == 65 || size == 33);
    /* r || s || hash || public key: a signature made from (r, s) is low-s
     * and recovers to that key. */
    if (size >= 64 + 32 + 33 &&
        lithsm_eth_sig_from_rs(&sig, data, data + 32, data + 64, data + 96,
                               size - 96) == LITHSM_OK) {
        MUST(sig.bytes[64] == 27 || sig.bytes[64] == 28);
        MUST(sig.bytes[32] < 0x80);
        MUST(lithsm_eth_recover(&a, data + 64, sig.bytes, 65) == LITHSM_OK);
        MUST(lithsm_eth_address_from_pubkey(&b, data + 96, size - 96) ==
             LITHSM_OK);
        MUST(memcmp(a.bytes, b.bytes, LITHSM_ETH_ADDRESS_LEN) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;

    if (size > 4096)
        return 0;
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    fuzz_hex(text, size);
    fuzz_address(text);
    fuzz_base64url(text, size);
    fuzz_recover(data, size);

    free(text);
    return 0;
}
