/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * keccak.c - Keccak-256 and the EIP-191 personal_sign hash.
 *
 * Ethereum uses the original Keccak submission: the same permutation as
 * SHA3-256 but the padding byte 0x01 instead of SHA-3's 0x06.  nettle's
 * public sha3_permute() gives the permutation; the sponge is built here.
 */
#include <stdio.h>
#include <string.h>

#include <nettle/sha3.h>

#include "eth/eth.h"

/* Rate of Keccak-256: 1600 - 2 * 256 bits = 136 bytes = 17 lanes. */
#define KECCAK256_RATE 136

typedef struct keccak_ctx {
    struct sha3_state state;
    uint8_t block[KECCAK256_RATE]; /* pending bytes of a partial block */
    size_t n;                      /* how many bytes of block are used */
} keccak_ctx;

static uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
           (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* XORs one full block into the state (little-endian lanes) and permutes. */
static void keccak_absorb(keccak_ctx *ctx, const uint8_t *block)
{
    size_t i;

    for (i = 0; i < KECCAK256_RATE / 8; i++)
        ctx->state.a[i] ^= load_le64(block + 8 * i);
    sha3_permute(&ctx->state);
}

static void keccak_init(keccak_ctx *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
}

static void keccak_update(keccak_ctx *ctx, const uint8_t *in, size_t len)
{
    if (ctx->n > 0) {
        size_t take = KECCAK256_RATE - ctx->n;

        if (take > len)
            take = len;
        memcpy(ctx->block + ctx->n, in, take);
        ctx->n += take;
        in += take;
        len -= take;
        if (ctx->n < KECCAK256_RATE)
            return;
        keccak_absorb(ctx, ctx->block);
        ctx->n = 0;
    }
    while (len >= KECCAK256_RATE) {
        keccak_absorb(ctx, in);
        in += KECCAK256_RATE;
        len -= KECCAK256_RATE;
    }
    if (len > 0) {
        memcpy(ctx->block, in, len);
        ctx->n = len;
    }
}

static void keccak_final(keccak_ctx *ctx, uint8_t out[32])
{
    size_t i;

    /* Keccak pad10*1 with domain byte 0x01 (not SHA-3's 0x06). */
    memset(ctx->block + ctx->n, 0, KECCAK256_RATE - ctx->n);
    ctx->block[ctx->n] ^= 0x01;
    ctx->block[KECCAK256_RATE - 1] ^= 0x80;
    keccak_absorb(ctx, ctx->block);

    for (i = 0; i < 32; i++)
        out[i] = (uint8_t)(ctx->state.a[i / 8] >> (8 * (i % 8)));
    /* The state may have absorbed a secret-derived message; wipe it. */
    lithsm_memzero(ctx, sizeof(*ctx));
}

void lithsm_keccak256(uint8_t out[32], const uint8_t *in, size_t in_len)
{
    keccak_ctx ctx;

    keccak_init(&ctx);
    if (in_len > 0)
        keccak_update(&ctx, in, in_len);
    keccak_final(&ctx, out);
}

void lithsm_eip191_hash(uint8_t out[32], const uint8_t *msg, size_t msg_len)
{
    static const char prefix[] = "\x19"
                                 "Ethereum Signed Message:\n";
    char len_text[24];
    int n;
    keccak_ctx ctx;

    /* The decimal byte length, as ethers' hashMessage writes it. */
    n = snprintf(len_text, sizeof(len_text), "%zu", msg_len);
    keccak_init(&ctx);
    keccak_update(&ctx, (const uint8_t *)prefix, sizeof(prefix) - 1);
    keccak_update(&ctx, (const uint8_t *)len_text, (size_t)n);
    if (msg_len > 0)
        keccak_update(&ctx, msg, msg_len);
    keccak_final(&ctx, out);
}
