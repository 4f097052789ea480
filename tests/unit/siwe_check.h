/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * siwe_check.h - the SIWE unit tests' checks: a text parses and writes
 * back identically, the error code of a parse, the last error's words.
 * Header-only, like tap.h.
 */
#ifndef LITHSM_TEST_SIWE_CHECK_H
#define LITHSM_TEST_SIWE_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lithsm.h"

/* 1 if text parses and writes back byte for byte. */
static inline int round_trips(const char *text, size_t len)
{
    lithsm_siwe_msg *m = NULL;
    char *back = NULL;
    int good;

    if (lithsm_siwe_parse(&m, text, len) != LITHSM_OK) {
        printf("# parse: %s\n", lithsm_last_error());
        return 0;
    }
    good = lithsm_siwe_to_text(&back, lithsm_siwe_msg_fields(m)) == LITHSM_OK &&
           strlen(back) == len && memcmp(back, text, len) == 0;
    lithsm_free(back);
    lithsm_siwe_msg_free(m);
    return good;
}

/* Parses text (as a buffer of exactly len bytes, no NUL after it, so an
 * over-read shows under valgrind) and returns the error code. */
static inline lithsm_err parse_err(const char *text, size_t len)
{
    lithsm_siwe_msg *m = NULL;
    char *copy = malloc(len ? len : 1);
    lithsm_err err;

    memcpy(copy, text, len);
    err = lithsm_siwe_parse(&m, copy, len);
    if ((err == LITHSM_OK) != (m != NULL))
        err = (lithsm_err)-1;
    lithsm_siwe_msg_free(m);
    free(copy);
    return err;
}

static inline lithsm_err parse_str(const char *text)
{
    return parse_err(text, strlen(text));
}

static inline int error_mentions(const char *word)
{
    return strstr(lithsm_last_error(), word) != NULL;
}

#endif /* LITHSM_TEST_SIWE_CHECK_H */
