/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * abi_fuzzer.c - untrusted staking RPC answers: the ABI words of
 * getActiveUnkickedValidatorStructsAndCounts(), as raw words and as the
 * RPC's "0x..." text.  What decodes must hold the promised invariants, and
 * the text and raw forms must agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

#include "fuzz.h"

/* A decoded reply is what abi.c promises; a failed one is empty. */
static void check(const lithsm_staking *s, lithsm_err err, size_t len)
{
    char url[LITHSM_VALIDATOR_URL_MAX];
    size_t i;

    if (err != LITHSM_OK) {
        MUST(s->validators == NULL && s->n_validators == 0);
        MUST(s->min_node_count == 0 && s->epoch_number == 0);
        return;
    }
    MUST(len == (8 + 7 * s->n_validators) * 32);
    MUST(s->min_node_count >= 1 && s->n_validators >= s->min_node_count);
    MUST(s->n_validators <= LITHSM_MAX_VALIDATORS);
    MUST(s->validators != NULL);
    for (i = 0; i < s->n_validators; i++) {
        MUST(s->validators[i].ip != 0 && s->validators[i].port != 0);
        lithsm_validator_url(url, &s->validators[i], "https");
        MUST(strncmp(url, "https://", 8) == 0);
    }
    /* Any epoch fields, any clock: no overflow trap, a sane answer. */
    MUST(lithsm_staking_epoch(s, 0) <= s->epoch_number);
    MUST(lithsm_staking_epoch(s, INT64_MAX) <= s->epoch_number);
    MUST(lithsm_staking_epoch(s, -1) <= s->epoch_number);
}

static int same(const lithsm_staking *a, const lithsm_staking *b)
{
    return a->epoch_length == b->epoch_length &&
           a->epoch_number == b->epoch_number &&
           a->epoch_end_time == b->epoch_end_time &&
           a->epoch_retries == b->epoch_retries &&
           a->epoch_timeout == b->epoch_timeout &&
           a->min_node_count == b->min_node_count &&
           a->n_validators == b->n_validators &&
           (a->n_validators == 0 ||
            memcmp(a->validators, b->validators,
                   a->n_validators * sizeof(*a->validators)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lithsm_staking raw, text, again;
    lithsm_err err;
    uint8_t *bytes;
    size_t n;

    /* The bytes as ABI words. */
    err = lithsm_abi_decode_staking(&raw, data, size);
    check(&raw, err, size);
    lithsm_staking_clear(&raw);

    /* The bytes as the RPC's result text: when it decodes, the words it
     * names decode to the same thing. */
    err = lithsm_abi_decode_staking_hex(&text, (const char *)data, size);
    if (err == LITHSM_OK) {
        MUST(size >= 2 && (size - 2) % 2 == 0);
        n = (size - 2) / 2;
        check(&text, err, n);
        bytes = malloc(n);
        if (bytes != NULL) {
            MUST(lithsm_hex_decode(bytes, n, (const char *)data, size) ==
                 LITHSM_OK);
            MUST(lithsm_abi_decode_staking(&again, bytes, n) == LITHSM_OK);
            MUST(same(&text, &again));
            lithsm_staking_clear(&again);
            free(bytes);
        }
    } else {
        check(&text, err, 0);
    }
    lithsm_staking_clear(&text);
    return 0;
}
