/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * abi_sig_fuzzer.c - function signatures and their arguments: the input
 * is a signature, a newline, then the arguments as one JSON array, or as
 * command-line words one per line.  A signature that parses has a
 * canonical form that parses to itself, with the same selector; calldata
 * that encodes is the selector and whole words, the same each time.
 */
#include <stdlib.h>
#include <string.h>

#include "eth/abi.h"

#include "fuzz.h"

/* The properties of a parsed signature. */
static void check_function(const lithsm_abi_function *f)
{
    lithsm_abi_function *again = NULL;
    const char *canon = lithsm_abi_function_canonical(f);
    uint8_t sel[4], sel2[4], hash[32];

    MUST(canon != NULL && strlen(canon) <= LITHSM_ABI_MAX_SIGNATURE);
    MUST(strchr(canon, ' ') == NULL);
    lithsm_abi_function_selector(sel, f);
    lithsm_keccak256(hash, (const uint8_t *)canon, strlen(canon));
    MUST(memcmp(sel, hash, 4) == 0);
    MUST(lithsm_abi_function_parse(&again, canon) == LITHSM_OK);
    MUST(strcmp(lithsm_abi_function_canonical(again), canon) == 0);
    lithsm_abi_function_selector(sel2, again);
    MUST(memcmp(sel, sel2, 4) == 0);
    MUST(lithsm_abi_function_n_args(again) == lithsm_abi_function_n_args(f));
    lithsm_abi_function_free(again);
}

static void check_calldata(const lithsm_abi_function *f, lithsm_err err,
                           const uint8_t *data, size_t len)
{
    uint8_t sel[4];

    if (err != LITHSM_OK) {
        MUST(data == NULL && len == 0);
        MUST(lithsm_last_error()[0] != '\0');
        return;
    }
    lithsm_abi_function_selector(sel, f);
    MUST(len >= 4 && (len - 4) % 32 == 0 && len <= LITHSM_ABI_MAX_CALLDATA);
    MUST(memcmp(data, sel, 4) == 0);
    MUST(lithsm_abi_function_n_args(f) > 0 || len == 4);
}

/* The lines of text[0..len) as NUL-terminated words (at most 64). */
static size_t split_words(char *text, size_t len, const char **words)
{
    size_t n = 0, i, start = 0;

    for (i = 0; i <= len && n < 64; i++)
        if (i == len || text[i] == '\n') {
            text[i] = '\0';
            words[n++] = text + start;
            start = i + 1;
        }
    return n;
}

static void run_args(const lithsm_abi_function *f, const char *args, size_t len)
{
    uint8_t *data = NULL, *data2 = NULL;
    size_t n = 0, n2 = 0, nw;
    const char *words[64];
    char *copy;
    lithsm_err err;

    err = lithsm_abi_encode_json(&data, &n, f, args, len);
    check_calldata(f, err, data, n);
    if (err == LITHSM_OK) {
        MUST(lithsm_abi_encode_json(&data2, &n2, f, args, len) == LITHSM_OK);
        MUST(n2 == n && memcmp(data, data2, n) == 0);
        lithsm_free(data2);
    }
    lithsm_free(data);

    copy = malloc(len + 1);
    if (copy == NULL)
        return;
    memcpy(copy, args, len);
    copy[len] = '\0';
    nw = len == 0 ? 0 : split_words(copy, len, words);
    data = NULL;
    n = 0;
    err = lithsm_abi_encode_words(&data, &n, f, words, nw);
    check_calldata(f, err, data, n);
    lithsm_free(data);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t sig_len = nl ? (size_t)(nl - data) : size;
    lithsm_abi_function *f = NULL;
    char *sig = malloc(sig_len + 1);
    lithsm_err err;

    if (sig == NULL)
        return 0;
    memcpy(sig, data, sig_len);
    sig[sig_len] = '\0';
    err = lithsm_abi_function_parse(&f, sig);
    free(sig);
    if (err != LITHSM_OK) {
        MUST(f == NULL);
        return 0;
    }
    check_function(f);
    if (nl != NULL)
        run_args(f, (const char *)nl + 1, size - sig_len - 1);
    lithsm_abi_function_free(f);
    return 0;
}
