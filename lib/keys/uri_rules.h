/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * pin_source.h - the grammar of a PIN source (README "PINs"), in one place
 * for the library and the provider: pin_source.c is compiled into both (the
 * provider does not link liblithsm), so it uses the C library only.
 *
 *   file:PATH  the first line of the file PATH: PATH is not empty and does
 *              not start with '|' (not a command); file:///abs is /abs
 *   env:NAME   the environment variable NAME, 1 to 64 bytes without '='
 *
 * Anything else is refused, and never echoed: it may be a PIN given by
 * mistake.
 */
#ifndef LITHSM_URI_RULES_H
#define LITHSM_URI_RULES_H

typedef enum {
    LITHSM_PIN_SOURCE_INVALID = 0, /* neither form */
    LITHSM_PIN_SOURCE_BAD_NAME,    /* env: with a bad variable name */
    LITHSM_PIN_SOURCE_FILE,        /* *arg: the path */
    LITHSM_PIN_SOURCE_ENV          /* *arg: the variable's name */
} lithsm_pin_source_kind;

/* What `source` is; for the two good forms, *arg (when arg is not NULL)
 * points into `source` at the path or the variable name. */
lithsm_pin_source_kind lithsm_pin_source_parse(const char *source,
                                               const char **arg);

/* Is `source` one of the two good forms? */
int lithsm_pin_source_valid(const char *source);

/* p11-kit 0.24 stops at an empty path attribute ("a;;b", ";a", "a;")
 * without an error, silently dropping object= and the whole query
 * (module-path, pin-source): 1 if the path of `uri` ("pkcs11:...") has one,
 * so that it is refused.  The path runs to the first '?', as in p11-kit: a
 * '#' does not end it. */
int lithsm_p11_uri_has_empty_attribute(const char *uri);

#endif /* LITHSM_URI_RULES_H */
