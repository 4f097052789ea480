/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * recap_fuzzer.c - untrusted ReCaps (every wallet SIWE carries one) and
 * access-control conditions.  The bytes are tried four ways: as a whole
 * "urn:recap:" string, as the base64url payload after that prefix, as the
 * ReCap JSON itself (encoded here, so mutations reach the JSON checks), and
 * as a conditions JSON array.  A ReCap that decodes must encode and decode
 * again to the same JSON: a decoder that accepts what the encoder cannot
 * reproduce would let two parties read one ReCap differently.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lithsm.h"

#include "fuzz.h"

#define PREFIX "urn:recap:"
#define PREFIX_LEN (sizeof(PREFIX) - 1)

/* Runs every query on a decoded ReCap and checks the round trip. */
static void exercise(const lithsm_recap *r)
{
    char *json = NULL, *urn = NULL, *st = NULL, *json2 = NULL, *nb = NULL;
    lithsm_recap *back = NULL;
    int i;

    if (lithsm_recap_json(&json, r) != LITHSM_OK ||
        lithsm_recap_urn(&urn, r) != LITHSM_OK ||
        lithsm_recap_statement(&st, r) != LITHSM_OK)
        abort();
    if (lithsm_recap_decode(&back, urn) != LITHSM_OK ||
        lithsm_recap_json(&json2, back) != LITHSM_OK ||
        strcmp(json, json2) != 0)
        abort(); /* the round-trip property is broken: a real bug */
    for (i = 0; i <= (int)LITHSM_ABILITY_RATE_LIMIT_INCREASE_AUTH; i++) {
        lithsm_ability ab = (lithsm_ability)i;

        (void)lithsm_recap_covers(r, lithsm_ability_prefix(ab), "*", ab);
        (void)lithsm_recap_covers(r, lithsm_ability_prefix(ab), "1234", ab);
    }
    if (lithsm_recap_restrictions(&nb, r, "lit-ratelimitincrease://*",
                                  "Auth/Auth") == LITHSM_OK)
        lithsm_free(nb);
    lithsm_recap_free(back);
    lithsm_free(json);
    lithsm_free(json2);
    lithsm_free(urn);
    lithsm_free(st);
}

static void try_urn(const char *urn)
{
    lithsm_recap *r = NULL;

    if (lithsm_recap_decode(&r, urn) == LITHSM_OK) {
        exercise(r);
        lithsm_recap_free(r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf, *text, *canon = NULL, *b64 = NULL, *urn;
    char hash[65];

    buf = malloc(PREFIX_LEN + size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, PREFIX, PREFIX_LEN);
    memcpy(buf + PREFIX_LEN, data, size);
    buf[PREFIX_LEN + size] = '\0';
    text = buf + PREFIX_LEN; /* the bytes alone, cut at a NUL */

    try_urn(text);
    try_urn(buf);
    if (lithsm_base64url_encode(&b64, data, size) == LITHSM_OK) {
        urn = malloc(PREFIX_LEN + strlen(b64) + 1);
        if (urn != NULL) {
            memcpy(urn, PREFIX, PREFIX_LEN);
            memcpy(urn + PREFIX_LEN, b64, strlen(b64) + 1);
            try_urn(urn);
            free(urn);
        }
        lithsm_free(b64);
    }
    if (lithsm_acc_hash(hash, &canon, text) == LITHSM_OK)
        lithsm_free(canon);
    free(buf);
    return 0;
}
