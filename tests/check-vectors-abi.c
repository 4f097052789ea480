/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * check-vectors-abi.c - the abi-calls.json cases of tests/check-vectors:
 * the selector and calldata of a signature and its JSON arguments.  A case
 * whose expected value is {"error": true} must be refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-vectors.h"

/* Compares b[0..n) as "0x" + lowercase hex with the expected text. */
static int expect_hex(vcase *c, const char *what, const uint8_t *b, size_t n,
                      const char *want)
{
    size_t cap = 2 * n + 3;
    char *hex = malloc(cap);
    int ok;

    if (hex == NULL)
        return vec_fail(c, "%s: out of memory", what);
    ok = vec_hex_of(hex, cap, b, n) && vec_expect_str(c, what, hex, want);
    free(hex);
    return ok;
}

int check_abi_call(vcase *c, json_object *in, json_object *ex)
{
    const char *sig = vec_str(in, "signature");
    json_object *error = vec_get(ex, "error");
    char *args = vec_stringify(vec_get(in, "args"));
    lithsm_abi_function *f = NULL;
    uint8_t *data = NULL, selector[4];
    size_t len = 0;
    lithsm_err err;
    int ok;

    if (sig == NULL || args == NULL) {
        free(args);
        return vec_fail(c, "no inputs.signature or inputs.args");
    }
    err = lithsm_abi_function_parse(&f, sig);
    if (err == LITHSM_OK)
        err = lithsm_abi_encode_json(&data, &len, f, args, strlen(args));
    free(args);
    if (json_object_get_boolean(error)) {
        ok = err != LITHSM_OK ||
             vec_fail(c, "encoded what the vector says must be refused");
    } else if (err != LITHSM_OK) {
        ok = vec_lib_fail(c, "call data", err);
    } else {
        /* The vectors' signatures are canonical: parsing keeps them. */
        ok = vec_expect_str(c, "canonical signature",
                            lithsm_abi_function_canonical(f), sig);
        lithsm_abi_function_selector(selector, f);
        ok = ok &&
             expect_hex(c, "selector", selector, 4, vec_str(ex, "selector"));
        ok =
            ok && expect_hex(c, "calldata", data, len, vec_str(ex, "calldata"));
        ok = ok && (lithsm_abi_selector(selector, sig) == LITHSM_OK ||
                    vec_fail(c, "lithsm_abi_selector failed"));
        ok = ok && expect_hex(c, "lithsm_abi_selector", selector, 4,
                              vec_str(ex, "selector"));
    }
    lithsm_free(data);
    lithsm_abi_function_free(f);
    return ok;
}
