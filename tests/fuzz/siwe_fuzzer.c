/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * siwe_fuzzer.c - untrusted SIWE text (every capability of a SessionSig
 * carries one): the strict parser, then the writer on what it parsed, which
 * must give back the identical bytes (a Lit node hashes its own
 * re-serialization, so a message that parses but writes back differently
 * would be accepted here and rejected there).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lithsm_siwe_msg *msg = NULL;
    char *text = NULL;

    if (lithsm_siwe_parse(&msg, (const char *)data, size) != LITHSM_OK)
        return 0;
    if (lithsm_siwe_to_text(&text, lithsm_siwe_msg_fields(msg)) != LITHSM_OK ||
        strlen(text) != size || memcmp(text, data, size) != 0)
        abort(); /* the round-trip property is broken: a real bug */
    lithsm_free(text);
    lithsm_siwe_msg_free(msg);
    return 0;
}
