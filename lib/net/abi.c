/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * abi.c - decodes the staking contract's
 * getActiveUnkickedValidatorStructsAndCounts() reply (lit-protocol.md 9.1).
 *
 * The reply is (Epoch, uint256 minNodeCount, Validator[]).  Epoch and
 * Validator hold only static fields, so the head is 7 words (5 for the
 * Epoch, minNodeCount, the array offset) and each validator takes 7 words
 * in place after the array count.  Solidity always encodes this one way,
 * so anything else is refused rather than guessed at.  The word helpers
 * are the ABI encoder's too (lib/eth/abi_word.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/abi.h"
#include "net/net.h"

#define WORD LITHSM_ABI_WORD
#define HEAD_WORDS 7u
#define VALIDATOR_WORDS 7u
/* Word index of the array count when the offset is the head size. */
#define COUNT_WORD HEAD_WORDS
/* 45 s: the SDK's EPOCH_PROPAGATION_DELAY. */
#define EPOCH_PROPAGATION_MS 45000u
/* The SDK's EPOCH_READY_FOR_LOCAL_DEV. */
#define EPOCH_MIN_FOR_PREVIOUS 3u

static lithsm_err get_u64(uint64_t *out, const uint8_t *data, size_t word,
                          const char *name)
{
    if (!lithsm_abi_word_read_u64(out, data, word))
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "staking ABI: word %zu (%s) does not fit 64 bits",
                           word, name);
    return LITHSM_OK;
}

static lithsm_err decode_validator(lithsm_validator *v, const uint8_t *data,
                                   size_t i)
{
    size_t base = COUNT_WORD + 1 + i * VALIDATOR_WORDS;
    const uint8_t *w = data + base * WORD;
    uint64_t port;

    if (!lithsm_abi_word_fits(w, 4))
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "staking ABI: word %zu (validator %zu ip) is wider "
                           "than uint32",
                           base, i);
    v->ip = (uint32_t)lithsm_abi_word_u64(w);
    if (v->ip == 0)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "staking ABI: word %zu (validator %zu ip) is "
                           "0.0.0.0",
                           base, i);
    if (!lithsm_abi_word_fits(w + WORD, 16))
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "staking ABI: word %zu (validator %zu ipv6) is "
                           "wider than uint128",
                           base + 1, i);
    if (!lithsm_abi_word_fits(w + 2 * WORD, 4))
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "staking ABI: word %zu (validator %zu port) is "
                           "wider than uint32",
                           base + 2, i);
    port = lithsm_abi_word_u64(w + 2 * WORD);
    if (port == 0 || port > 65535)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "staking ABI: word %zu (validator %zu port) is "
                           "%llu, not a TCP port",
                           base + 2, i, (unsigned long long)port);
    v->port = (uint16_t)port;
    if (!lithsm_abi_word_fits(w + 3 * WORD, 20))
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "staking ABI: word %zu (validator %zu nodeAddress) "
                           "is wider than an address",
                           base + 3, i);
    memcpy(v->address, w + 3 * WORD + 12, 20);
    /* reward, senderPubKey and receiverPubKey: any uint256, unused. */
    return LITHSM_OK;
}

/* The data is whole words, at least the head and the array count. */
static lithsm_err check_size(size_t *nwords, const uint8_t *data, size_t len)
{
    if (data == NULL && len > 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "staking ABI: no data");
    if (len == 0)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "staking ABI: the call returned no data (is the "
                           "staking address a contract?)");
    if (len % WORD != 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "staking ABI: %zu bytes is not a whole number of "
                           "32-byte words",
                           len);
    *nwords = len / WORD;
    if (*nwords < HEAD_WORDS + 1)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "staking ABI: truncated: %zu words, word %zu is "
                           "missing",
                           *nwords, *nwords);
    return LITHSM_OK;
}

/* Words 0-6: the Epoch, minNodeCount and the array offset. */
static lithsm_err decode_head(lithsm_staking *out, const uint8_t *data)
{
    static const char *const epoch_names[5] = { "epoch.epochLength",
                                                "epoch.number", "epoch.endTime",
                                                "epoch.retries",
                                                "epoch.timeout" };
    uint64_t *epoch_slots[5], offset;
    size_t i;
    lithsm_err err;

    epoch_slots[0] = &out->epoch_length;
    epoch_slots[1] = &out->epoch_number;
    epoch_slots[2] = &out->epoch_end_time;
    epoch_slots[3] = &out->epoch_retries;
    epoch_slots[4] = &out->epoch_timeout;
    for (i = 0; i < 5; i++) {
        err = get_u64(epoch_slots[i], data, i, epoch_names[i]);
        if (err != LITHSM_OK)
            return err;
    }
    err = get_u64(&out->min_node_count, data, 5, "minNodeCount");
    if (err != LITHSM_OK)
        return err;
    if (!lithsm_abi_word_read_u64(&offset, data, 6) ||
        offset != HEAD_WORDS * WORD)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "staking ABI: word 6 (validators offset) is not "
                           "0xe0, the end of the head");
    return LITHSM_OK;
}

/* The array count: the data holds exactly that many validators, and at
 * least minNodeCount (not 0). */
static lithsm_err decode_count(uint64_t *count, const uint8_t *data,
                               size_t nwords, uint64_t min_node_count)
{
    size_t need;
    lithsm_err err;

    err = get_u64(count, data, COUNT_WORD, "validator count");
    if (err != LITHSM_OK)
        return err;
    if (*count > LITHSM_MAX_VALIDATORS)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "staking ABI: word %u (validator count) is %llu, "
                           "more than %u",
                           COUNT_WORD, (unsigned long long)*count,
                           LITHSM_MAX_VALIDATORS);
    need = COUNT_WORD + 1 + (size_t)*count * VALIDATOR_WORDS;
    if (need > nwords)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "staking ABI: truncated: word %u (validator count) "
                           "says %llu validators, which need %zu words, but "
                           "the data has %zu",
                           COUNT_WORD, (unsigned long long)*count, need,
                           nwords);
    if (need < nwords)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "staking ABI: %zu unexpected words after the last "
                           "validator (from word %zu)",
                           nwords - need, need);
    if (min_node_count == 0)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "staking ABI: word 5 (minNodeCount) is 0");
    if (*count < min_node_count)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "staking ABI: word %u (validator count) is %llu, "
                           "fewer than word 5 (minNodeCount) %llu",
                           COUNT_WORD, (unsigned long long)*count,
                           (unsigned long long)min_node_count);
    return LITHSM_OK;
}

lithsm_err lithsm_abi_decode_staking(lithsm_staking *out, const uint8_t *data,
                                     size_t len)
{
    uint64_t count = 0;
    size_t nwords = 0, i;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "staking ABI: no output");
    memset(out, 0, sizeof(*out));
    err = check_size(&nwords, data, len);
    if (err != LITHSM_OK)
        return err;
    err = decode_head(out, data);
    if (err == LITHSM_OK)
        err = decode_count(&count, data, nwords, out->min_node_count);
    if (err != LITHSM_OK)
        goto fail;
    out->validators = calloc((size_t)count, sizeof(*out->validators));
    if (out->validators == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "staking ABI: out of memory");
        goto fail;
    }
    for (i = 0; i < count; i++) {
        err = decode_validator(&out->validators[i], data, i);
        if (err != LITHSM_OK)
            goto fail;
    }
    out->n_validators = (size_t)count;
    return LITHSM_OK;

fail:
    lithsm_staking_clear(out);
    return err;
}

lithsm_err lithsm_abi_decode_staking_hex(lithsm_staking *out, const char *hex,
                                         size_t len)
{
    uint8_t *bytes;
    size_t n;
    lithsm_err err;

    if (out == NULL || hex == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "staking ABI: no data");
    memset(out, 0, sizeof(*out));
    if (len < 2 || hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X'))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "staking ABI: the RPC result is not 0x-prefixed "
                           "hex");
    n = (len - 2) / 2;
    if ((len - 2) % 2 != 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "staking ABI: the RPC result has an odd number of "
                           "hex digits");
    if (n == 0)
        return lithsm_abi_decode_staking(out, NULL, 0);
    if (n > (HEAD_WORDS + 1 + LITHSM_MAX_VALIDATORS * VALIDATOR_WORDS) * WORD)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "staking ABI: the RPC result of %zu bytes is too "
                           "large",
                           n);
    bytes = malloc(n);
    if (bytes == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "staking ABI: out of memory");
    err = lithsm_hex_decode(bytes, n, hex, len);
    if (err != LITHSM_OK)
        err = lithsm_fail(LITHSM_ERR_PARSE,
                          "staking ABI: the RPC result is not hex");
    else
        err = lithsm_abi_decode_staking(out, bytes, n);
    free(bytes);
    return err;
}

void lithsm_staking_clear(lithsm_staking *s)
{
    if (s == NULL)
        return;
    free(s->validators);
    memset(s, 0, sizeof(*s));
}

uint64_t lithsm_staking_epoch(const lithsm_staking *s, int64_t now_ms)
{
    uint64_t start, limit_ms;

    if (s->epoch_number < EPOCH_MIN_FOR_PREVIOUS)
        return s->epoch_number;
    start = s->epoch_end_time > s->epoch_length
                ? s->epoch_end_time - s->epoch_length
                : 0;
    /* Nodes need a while to see a new epoch: use the previous one until
     * 45 s after the current one started. */
    if (start > (UINT64_MAX - EPOCH_PROPAGATION_MS) / 1000)
        return s->epoch_number - 1;
    limit_ms = start * 1000 + EPOCH_PROPAGATION_MS;
    if (now_ms < 0 || (uint64_t)now_ms < limit_ms)
        return s->epoch_number - 1;
    return s->epoch_number;
}

void lithsm_validator_url(char out[LITHSM_VALIDATOR_URL_MAX],
                          const lithsm_validator *v, const char *scheme)
{
    snprintf(out, LITHSM_VALIDATOR_URL_MAX, "%.5s://%u.%u.%u.%u:%u", scheme,
             (unsigned)(v->ip >> 24), (unsigned)((v->ip >> 16) & 0xff),
             (unsigned)((v->ip >> 8) & 0xff), (unsigned)(v->ip & 0xff),
             (unsigned)v->port);
}
