/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * uri_rules.c - the grammar of a PIN source (uri_rules.h).
 */
#include <stddef.h>
#include <string.h>

#include "keys/uri_rules.h"

/* Longest variable name accepted after env:. */
#define ENV_NAME_MAX 64

lithsm_pin_source_kind lithsm_pin_source_parse(const char *source,
                                               const char **arg)
{
    const char *rest;

    if (source == NULL)
        return LITHSM_PIN_SOURCE_INVALID;
    if (strncmp(source, "env:", 4) == 0) {
        rest = source + 4;
        /* The name the user gave, never a default one: '=' would make
         * getenv() look up something else. */
        if (rest[0] == '\0' || strlen(rest) > ENV_NAME_MAX ||
            strchr(rest, '=') != NULL)
            return LITHSM_PIN_SOURCE_BAD_NAME;
        if (arg != NULL)
            *arg = rest;
        return LITHSM_PIN_SOURCE_ENV;
    }
    /* "file:|cmd" would read a command's output in some tools. */
    if (strncmp(source, "file:", 5) != 0 || source[5] == '\0' ||
        source[5] == '|')
        return LITHSM_PIN_SOURCE_INVALID;
    rest = source + 5;
    if (strncmp(rest, "//", 2) == 0 && rest[2] == '/')
        rest += 2; /* file:///abs/path */
    if (arg != NULL)
        *arg = rest;
    return LITHSM_PIN_SOURCE_FILE;
}

int lithsm_pin_source_valid(const char *source)
{
    lithsm_pin_source_kind kind = lithsm_pin_source_parse(source, NULL);

    return kind == LITHSM_PIN_SOURCE_FILE || kind == LITHSM_PIN_SOURCE_ENV;
}

int lithsm_p11_uri_has_empty_attribute(const char *uri)
{
    const char *path = uri + strlen("pkcs11:");
    /* The path ends at '?' only: p11-kit 0.24 has no fragment, a '#' is
     * part of a value ("token=t#x;;" is the token "t#x", then ";;"). */
    size_t i, len = strcspn(path, "?");

    if (strncmp(uri, "pkcs11:", 7) != 0 || len == 0)
        return 0;
    if (path[0] == ';' || path[len - 1] == ';')
        return 1;
    for (i = 0; i + 1 < len; i++)
        if (path[i] == ';' && path[i + 1] == ';')
            return 1;
    return 0;
}
