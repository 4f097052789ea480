/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * abi_word.c - 32-byte ABI words: what the staking decoder reads (fields
 * that fit a width, offsets and counts) and what the encoder writes.
 */
#include <string.h>

#include "eth/abi.h"
#include "eth/int256.h"

int lithsm_abi_word_fits(const uint8_t *w, size_t bytes)
{
    size_t i;

    for (i = 0; i < LITHSM_ABI_WORD - bytes; i++)
        if (w[i] != 0)
            return 0;
    return 1;
}

uint64_t lithsm_abi_word_u64(const uint8_t *w)
{
    uint64_t v = 0;
    size_t i;

    for (i = LITHSM_ABI_WORD - 8; i < LITHSM_ABI_WORD; i++)
        v = (v << 8) | w[i];
    return v;
}

int lithsm_abi_word_read_u64(uint64_t *out, const uint8_t *data, size_t index)
{
    const uint8_t *w = data + index * LITHSM_ABI_WORD;

    if (!lithsm_abi_word_fits(w, 8))
        return 0;
    *out = lithsm_abi_word_u64(w);
    return 1;
}

void lithsm_abi_word_put_u64(uint8_t *w, uint64_t v)
{
    lithsm_uint256_from_u64(w, v);
}

size_t lithsm_abi_word_pad(size_t n)
{
    return (LITHSM_ABI_WORD - n % LITHSM_ABI_WORD) % LITHSM_ABI_WORD;
}
