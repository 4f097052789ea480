/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * errors.c - error codes, the per-thread detail message, secret wiping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util/util.h"

static _Thread_local char lithsm_detail[512];

const char *lithsm_strerror(lithsm_err err)
{
    switch (err) {
    case LITHSM_OK:
        return "success";
    case LITHSM_ERR_INVALID_ARG:
        return "invalid argument";
    case LITHSM_ERR_NOMEM:
        return "out of memory";
    case LITHSM_ERR_PARSE:
        return "malformed input";
    case LITHSM_ERR_CRYPTO:
        return "cryptographic library failure";
    case LITHSM_ERR_KEY:
        return "unusable key";
    case LITHSM_ERR_SIGNATURE:
        return "invalid signature";
    case LITHSM_ERR_IO:
        return "input/output error";
    case LITHSM_ERR_RANGE:
        return "value out of range";
    case LITHSM_ERR_PKCS11:
        return "PKCS#11 failure";
    case LITHSM_ERR_NETWORK:
        return "network failure";
    case LITHSM_ERR_PROTOCOL:
        return "protocol error";
    }
    return "unknown error";
}

const char *lithsm_last_error(void)
{
    return lithsm_detail;
}

lithsm_err lithsm_fail(lithsm_err err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(lithsm_detail, sizeof(lithsm_detail), fmt, ap);
    va_end(ap);
    return err;
}

void lithsm_free(void *p)
{
    free(p);
}

void lithsm_memzero(void *p, size_t len)
{
    if (p != NULL)
        OPENSSL_cleanse(p, len);
}

char *lithsm_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}
