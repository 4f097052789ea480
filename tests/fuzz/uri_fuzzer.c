/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * uri_fuzzer.c - untrusted pkcs11: URIs, up to the point where a module
 * would be loaded: p11-kit's parser (the provider's first step), then the
 * URI lithsm builds from a URI and lithsm_token_opts (lib/keys/token.c),
 * whose PIN-source rules must hold for whatever p11-kit later reads:
 *  - a pin-source option is only file:PATH or env:NAME, never echoed;
 *  - it is refused when the URI has its own pin-source or pin-value, so
 *    the URI p11-kit parses has exactly the option's pin-source and no
 *    pin-value; the same for module-path;
 *  - the percent-encoding of the options decodes back to the same bytes;
 *  - lithsm_pin_source_check accepts those two forms only, never echoing.
 * Input: the text after "pkcs11:"; also used as a module path and a PIN
 * source.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/uri.h>

#include "keys/keys.h"

#include "fuzz.h"

#define MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define PIN_SOURCE "file:/etc/lithsm/token pin"
/* The fixed text of lithsm_p11_uri's messages: a value found in them is
 * not an echo. */
#define MESSAGES                                                           \
    "pkcs11: not a pkcs11: URI; the PIN source must be file:PATH or "      \
    "env:NAME; a PIN source is given both in the URI and as an option; a " \
    "module is given both in the URI (module-path) and as an option"

/* p11-kit's view of text, or NULL when it does not parse. */
static P11KitUri *p11_parse(const char *text)
{
    P11KitUri *u = p11_kit_uri_new();

    if (u != NULL &&
        p11_kit_uri_parse(text, P11_KIT_URI_FOR_ANY, u) != P11_KIT_URI_OK) {
        p11_kit_uri_free(u);
        u = NULL;
    }
    return u;
}

/* p11-kit's parser alone: what parses formats and parses again. */
static void fuzz_p11kit(const char *uri)
{
    P11KitUri *u = p11_parse(uri), *again;
    char *text = NULL;

    if (u == NULL)
        return;
    if (p11_kit_uri_format(u, P11_KIT_URI_FOR_ANY, &text) == P11_KIT_URI_OK) {
        again = p11_parse(text);
        MUST(again != NULL);
        p11_kit_uri_free(again);
        free(text);
    }
    p11_kit_uri_free(u);
}

/* p11-kit 0.24 drops everything after an empty path attribute
 * ("pkcs11:token=a;;object=b?module-path=/x" reads as token=a alone, the
 * query included, without an error): lithsm must refuse such URIs. */
static int p11kit_drops_rest(const char *uri)
{
    size_t path = strcspn(uri, "?");
    const char *p = strstr(uri, ";;");

    return uri[7] == ';' || (p != NULL && (size_t)(p - uri) < path);
}

/* lithsm_p11_uri(uri, opts): when it succeeds and p11-kit reads both the
 * URI given and the result, the result has the options' values and no
 * PIN. */
static void fuzz_opts(const char *uri, const char *module,
                      const char *pin_source)
{
    lithsm_token_opts opts = { module, pin_source, 0 };
    P11KitUri *before, *after;
    char *out = NULL;
    const char *v;

    if (lithsm_p11_uri(&out, uri, &opts) != LITHSM_OK) {
        MUST(out == NULL);
        /* Never echoes a value: it may be a PIN given by mistake. */
        if (pin_source != NULL && strlen(pin_source) >= 4 &&
            strstr(MESSAGES, pin_source) == NULL)
            MUST(strstr(lithsm_last_error(), pin_source) == NULL);
        return;
    }
    MUST(out != NULL && strncmp(out, uri, strlen(uri)) == 0);
    MUST(!p11kit_drops_rest(uri));
    if (pin_source != NULL)
        MUST((strncmp(pin_source, "file:", 5) == 0 && pin_source[5]) ||
             (strncmp(pin_source, "env:", 4) == 0 && pin_source[4]));
    before = p11_parse(uri);
    after = p11_parse(out);
    /* p11-kit may refuse the result of a URI it reads (it takes a path
     * ending in an empty attribute, "token=a;;", but not "token=a;;?x=y"):
     * that fails closed.  What it reads must carry the options. */
    if (before != NULL && after != NULL) {
        if (pin_source != NULL) {
            v = p11_kit_uri_get_pin_source(after);
            MUST(v != NULL && strcmp(v, pin_source) == 0);
            /* lithsm never adds a pin-value (and refuses a URI that has
             * one beside the option). */
            MUST(p11_kit_uri_get_pin_value(after) == NULL ||
                 p11_kit_uri_get_pin_value(before) != NULL);
        }
        if (module != NULL) {
            v = p11_kit_uri_get_module_path(after);
            MUST(v != NULL && strcmp(v, module) == 0);
        }
    }
    p11_kit_uri_free(before);
    p11_kit_uri_free(after);
    lithsm_memzero(out, strlen(out));
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const bad_sources[] = {
        "123456", "file:", "env:", "", "pin:123456", "|/bin/cat"
    };
    lithsm_token_opts opts = { NULL, NULL, 0 };
    char *uri, *text, *out = NULL;
    size_t i;

    if (size > 4096 || memchr(data, '\0', size) != NULL)
        return 0;
    uri = malloc(size + 8);
    if (uri == NULL)
        return 0;
    memcpy(uri, "pkcs11:", 7);
    memcpy(uri + 7, data, size);
    uri[size + 7] = '\0';
    text = uri + 7;

    fuzz_p11kit(uri);

    /* The input as the URI. */
    fuzz_opts(uri, NULL, NULL);
    fuzz_opts(uri, MODULE, NULL);
    fuzz_opts(uri, NULL, PIN_SOURCE);
    fuzz_opts(uri, MODULE, "env:LITHSM_PIN");
    for (i = 0; i < sizeof(bad_sources) / sizeof(bad_sources[0]); i++) {
        MUST(lithsm_pin_source_check(bad_sources[i]) == LITHSM_ERR_INVALID_ARG);
        opts.pin_source = bad_sources[i];
        MUST(lithsm_p11_uri(&out, uri, &opts) == LITHSM_ERR_INVALID_ARG);
        MUST(out == NULL);
    }

    /* The input as a PIN source: only the two forms pass, and a refusal
     * never echoes it. */
    if (lithsm_pin_source_check(text) == LITHSM_OK)
        MUST(strncmp(text, "file:", 5) == 0 || strncmp(text, "env:", 4) == 0);
    else if (size >= 4 && strstr(MESSAGES, text) == NULL)
        MUST(strstr(lithsm_last_error(), text) == NULL);

    /* The input as the options: encoded, then decoded by p11-kit, to the
     * same bytes. */
    fuzz_opts("pkcs11:token=t;object=k", text, NULL);
    fuzz_opts("pkcs11:token=t;object=k", NULL, text);
    opts.pin_source = text;
    MUST(lithsm_p11_uri(&out, "pkcs11:token=t?pin-source=file:/x", &opts) ==
         LITHSM_ERR_INVALID_ARG);
    MUST(lithsm_p11_uri(&out, "pkcs11:token=t?x=1&pin-value=1", &opts) ==
         LITHSM_ERR_INVALID_ARG);

    free(uri);
    return 0;
}
