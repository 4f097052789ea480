/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * typed_data_fuzzer.c - untrusted EIP-712 typed-data JSON: what parses
 * keeps the promised relations between its hashes and reads the same a
 * second time; what is refused says so naming typed data, and leaves
 * nothing behind.
 */
#include <stdint.h>
#include <string.h>

#include "lithsm.h"

#include "fuzz.h"

static void check(const lithsm_typed_data *td, const uint8_t *data, size_t size)
{
    lithsm_typed_data *again = NULL;
    uint8_t pre[66], h[32], d[32], th[32];
    const char *primary = lithsm_typed_data_primary_type(td);
    const char *chain = lithsm_typed_data_domain_chain_id(td);
    char *enc = NULL;

    pre[0] = 0x19;
    pre[1] = 0x01;
    lithsm_typed_data_domain_separator(pre + 2, td);
    lithsm_typed_data_struct_hash(pre + 34, td);
    lithsm_keccak256(h, pre, sizeof(pre));
    lithsm_typed_data_digest(d, td);
    MUST(memcmp(h, d, 32) == 0);
    MUST(lithsm_typed_data_encode_type(&enc, td) == LITHSM_OK);
    MUST(strncmp(enc, primary, strlen(primary)) == 0 &&
         enc[strlen(primary)] == '(');
    lithsm_keccak256(h, (const uint8_t *)enc, strlen(enc));
    lithsm_typed_data_type_hash(th, td);
    MUST(memcmp(h, th, 32) == 0);
    lithsm_free(enc);
    MUST(strcmp(primary, "EIP712Domain") != 0);
    MUST(chain == NULL ||
         (chain[0] != '\0' && strspn(chain, "0123456789") == strlen(chain) &&
          (chain[0] != '0' || chain[1] == '\0')));
    MUST(lithsm_typed_data_parse(&again, (const char *)data, size) ==
         LITHSM_OK);
    lithsm_typed_data_digest(h, again);
    MUST(memcmp(h, d, 32) == 0);
    lithsm_typed_data_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lithsm_typed_data *td = NULL;
    lithsm_err err = lithsm_typed_data_parse(&td, (const char *)data, size);

    if (err != LITHSM_OK) {
        MUST(td == NULL);
        MUST(strncmp(lithsm_last_error(), "typed data", 10) == 0);
        return 0;
    }
    MUST(td != NULL);
    check(td, data, size);
    lithsm_typed_data_free(td);
    return 0;
}
