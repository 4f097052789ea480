/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * digest.c - what a signing request signs (serve.h): the EIP-191 hash of
 * a message, the EIP-712 digest of typed data, the signing hash of a
 * complete transaction; computed before the policy is asked, so a bad
 * payload is a 400 naming its field and every record of a signing
 * request holds its digest.  The signing itself is sign.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

static int lib_failed(char *reason, size_t reason_len)
{
    snprintf(reason, reason_len, "%s", lithsm_last_error());
    return -1;
}

int serve_payload_prepare(serve_payload *p, const char *route,
                          json_object *member, char *reason, size_t reason_len)
{
    const char *text;

    memset(p, 0, sizeof(*p));
    p->route = route;
    p->member = member;
    if (strcmp(route, "sign/message") == 0) {
        lithsm_eip191_hash(p->digest,
                           (const uint8_t *)json_object_get_string(member),
                           (size_t)json_object_get_string_len(member));
        return 0;
    }
    /* json-c writes numbers back with the text they were read with. */
    text = json_object_to_json_string_ext(member, SERVE_JSON_FLAGS);
    if (text == NULL) {
        snprintf(reason, reason_len, "out of memory");
        return -1;
    }
    if (strcmp(route, "sign/typed-data") == 0) {
        if (lithsm_typed_data_parse(&p->td, text, strlen(text)) != LITHSM_OK)
            return lib_failed(reason, reason_len);
        lithsm_typed_data_digest(p->digest, p->td);
        return 0;
    }
    /* Only complete transactions: the service fills nothing from a
     * network. */
    if (lithsm_tx_from_json(&p->tx, text, strlen(text)) != LITHSM_OK ||
        lithsm_tx_check_complete(p->tx) != LITHSM_OK ||
        lithsm_tx_signing_hash(p->digest, p->tx) != LITHSM_OK)
        return lib_failed(reason, reason_len);
    return 0;
}

void serve_payload_free(serve_payload *p)
{
    lithsm_typed_data_free(p->td);
    lithsm_tx_free(p->tx);
    free(p->signature);
    memset(p, 0, sizeof(*p));
}
