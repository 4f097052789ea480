/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_uri_rules.c - the pkcs11: URI rules shared by liblithsm and the
 * provider (lib/keys/uri_rules.c): empty path attributes, which p11-kit
 * 0.24 silently stops at, and where the path ends.
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "keys/uri_rules.h"
#include "tap.h"

static void test_empty_attribute(void)
{
    static const struct {
        const char *uri;
        int empty;
    } cases[] = {
        { "pkcs11:token=t;object=k", 0 },
        { "pkcs11:token=t;;object=k", 1 },
        { "pkcs11:;token=t", 1 },
        { "pkcs11:token=t;", 1 },
        { "pkcs11:token=t?a=1;;b=2", 0 }, /* the query is not the path */
        { "pkcs11:", 0 },
        { "file:token=t;;", 0 },
        /* p11-kit 0.24 has no fragment: '#' is part of the value, the
         * path runs on to '?' (found by tests/fuzz/uri_fuzzer). */
        { "pkcs11:token=t#x;;", 1 },
        { "pkcs11:token=t#x;;object=k", 1 },
        { "pkcs11:token=t;object=k#;;", 1 },
        { "pkcs11:token=t#x;object=k", 0 },
        { "pkcs11:token=t#;;?module-path=/m", 1 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ok_int_eq(lithsm_p11_uri_has_empty_attribute(cases[i].uri),
                  cases[i].empty, cases[i].uri);
}

/* The fuzz case of issue 8: refused up front with an error that says why,
 * not by p11-kit's "Unexpected or internal system error" later. */
static void test_fragment_refused(void)
{
    lithsm_token_opts opts = { "/usr/lib/softhsm/libsofthsm2.so", NULL, 0 };
    char *out = NULL;

    ok_int_eq(lithsm_p11_uri(&out, "pkcs11:token=t#x;;", &opts),
              LITHSM_ERR_PARSE, "token=t#x;; is refused");
    ok(out == NULL, "nothing is returned");
    ok(strstr(lithsm_last_error(), "empty attribute") != NULL,
       "the error names the empty attribute");
    ok_int_eq(lithsm_p11_uri(&out, "pkcs11:token=t#x", &opts), LITHSM_OK,
              "a '#' inside a value is kept, as p11-kit does");
    ok_str_eq(out,
              "pkcs11:token=t#x?module-path=/usr/lib/softhsm/libsofthsm2.so",
              "the module follows the whole path");
    free(out);
}

int main(void)
{
    test_empty_attribute();
    test_fragment_refused();
    return tap_done();
}
