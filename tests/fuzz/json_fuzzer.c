/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * json_fuzzer.c - untrusted JSON: the strict parser, then the verifier,
 * which takes a whole SessionSig from a peer.
 */
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "util/util.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_object *o = NULL;
    lithsm_verify_result r;
    lithsm_buf b;

    if (lithsm_json_parse(&o, (const char *)data, size, "fuzz") == LITHSM_OK) {
        /* What parses must write back without trouble. */
        lithsm_buf_init(&b);
        lithsm_buf_json_value(&b, o);
        lithsm_buf_free(&b);
        json_object_put(o);
    }
    /* Any verdict is fine; only a crash or a leak is a finding. */
    if (lithsm_verify_session_sig(&r, (const char *)data, size,
                                  "https://127.0.0.1:7470", 1717243500000LL,
                                  60000) != LITHSM_OK)
        return 0;
    return r.word == NULL; /* every verdict has its reason word */
}
