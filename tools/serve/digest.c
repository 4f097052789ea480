/*
 * digest.c - what a signing request would have signed (serve.h): the
 * EIP-191 hash of a message, the EIP-712 digest of typed data, the
 * signing hash of a complete transaction.  Computed before the policy is
 * asked, so a bad payload is a 400 naming its field and every record of
 * a signing request holds its digest.
 */
#include <stdio.h>
#include <string.h>

#include "serve.h"

static int lib_failed(char *reason, size_t reason_len)
{
    snprintf(reason, reason_len, "%s", lithsm_last_error());
    return -1;
}

static int typed_data_digest(uint8_t digest[32], const char *text, char *reason,
                             size_t reason_len)
{
    lithsm_typed_data *td = NULL;

    if (lithsm_typed_data_parse(&td, text, strlen(text)) != LITHSM_OK)
        return lib_failed(reason, reason_len);
    lithsm_typed_data_digest(digest, td);
    lithsm_typed_data_free(td);
    return 0;
}

static int tx_digest(uint8_t digest[32], const char *text, char *reason,
                     size_t reason_len)
{
    lithsm_tx *tx = NULL;
    int rc = -1;

    /* Only complete transactions: the service fills nothing from a
     * network. */
    if (lithsm_tx_from_json(&tx, text, strlen(text)) == LITHSM_OK &&
        lithsm_tx_check_complete(tx) == LITHSM_OK &&
        lithsm_tx_signing_hash(digest, tx) == LITHSM_OK)
        rc = 0;
    else
        lib_failed(reason, reason_len);
    lithsm_tx_free(tx);
    return rc;
}

int serve_digest(uint8_t digest[32], const char *route, json_object *member,
                 char *reason, size_t reason_len)
{
    const char *text;

    if (strcmp(route, "sign/message") == 0) {
        lithsm_eip191_hash(digest,
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
    if (strcmp(route, "sign/typed-data") == 0)
        return typed_data_digest(digest, text, reason, reason_len);
    return tx_digest(digest, text, reason, reason_len);
}
