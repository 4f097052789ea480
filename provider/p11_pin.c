/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * p11_pin.c - the PIN of a token: the first line of a pin-source=file:PATH
 * file, the variable of pin-source=env:NAME (grammar: keys/uri_rules.h),
 * else the application's passphrase callback (a prompt).  The PIN goes
 * straight into the caller's buffer, wiped after login; it is never put in
 * a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "keys/uri_rules.h"
#include "util/safe_file.h"
#include "p11.h"

static void raise_needs_pin(lithsm_provctx *pc, const char *token)
{
    LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                 "token \"%s\" needs a PIN: give pin-source=file:PATH "
                 "or env:NAME in the URI or the provider configuration",
                 token);
}

/* Asks the application's passphrase callback (a prompt) for the PIN. */
static int prompt_pin(lithsm_provctx *pc, const lithsm_pin *src,
                      const char *token, char *pin, size_t size)
{
    OSSL_PARAM params[2];
    char info[80];
    size_t len = 0;

    snprintf(info, sizeof(info), "PIN of PKCS#11 token \"%s\"", token);
    params[0] =
        OSSL_PARAM_construct_utf8_string(OSSL_PASSPHRASE_PARAM_INFO, info, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!src->cb(pin, size - 1, &len, params, src->cbarg) || len == 0 ||
        len >= size) {
        raise_needs_pin(pc, token);
        return 0;
    }
    pin[len] = '\0';
    pin[strcspn(pin, "\r\n")] = '\0';
    return 1;
}

/* pin-source=env:NAME: the variable the user named (never a default one,
 * since the environment is visible to other processes of the user). */
static int read_pin_env(lithsm_provctx *pc, const char *name, char *pin,
                        size_t size)
{
    const char *value;
    size_t len;

    value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN variable %s is not set or empty", name);
        return 0;
    }
    len = strcspn(value, "\r\n");
    if (len == 0 || len >= size - 1) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN variable %s: empty or longer than %u bytes", name,
                     (unsigned)(size - 2));
        return 0;
    }
    memcpy(pin, value, len);
    pin[len] = '\0';
    return 1;
}

/* A PIN file holds the PIN on its first line; anything much larger is not
 * a PIN file. */
#define PIN_FILE_MAX 4096u

/* Keeps the first line of the file's text as the PIN. */
static int first_line_pin(lithsm_provctx *pc, const char *text,
                          const char *path, char *pin, size_t size)
{
    size_t len = strcspn(text, "\r\n");

    if (len >= size - 1) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN file %s: first line longer than %u bytes", path,
                     (unsigned)(size - 2));
        return 0;
    }
    if (len == 0) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE, "PIN file %s: empty PIN", path);
        return 0;
    }
    memcpy(pin, text, len);
    pin[len] = '\0';
    return 1;
}

/* pin-source=file:PATH.  The file must be a regular file (a FIFO is never
 * waited on), owner-only, owned by the user, in a folder nobody else can
 * write (safe_file.h): a PIN readable by others is a leaked PIN. */
static int read_pin_file(lithsm_provctx *pc, const char *path, char *pin,
                         size_t size)
{
    lithsm_file_status st;
    char *text = NULL;
    size_t len = 0;
    int err = 0, ok;

    st = lithsm_file_read(path, LITHSM_FILE_SECRET, PIN_FILE_MAX, &text, &len,
                          &err);
    if (st != LITHSM_FILE_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE, "PIN file %s: %s", path,
                     lithsm_file_problem(st, err));
        return 0;
    }
    ok = first_line_pin(pc, text, path, pin, size);
    lithsm_file_free(text, len);
    return ok;
}

int lithsm_read_pin(lithsm_provctx *pc, const lithsm_pin *src,
                    const char *token, char *pin, size_t size)
{
    const char *source = src != NULL ? src->source : NULL;
    const char *arg = NULL;

    /* The caller's buffer stays out of swap where the system allows (it
     * is wiped after login; the stack page stays locked, which is fine). */
    lithsm_lock_secret(pin, size);
    if (source == NULL && src != NULL && src->cb != NULL)
        return prompt_pin(pc, src, token, pin, size);
    if (source == NULL) {
        raise_needs_pin(pc, token);
        return 0;
    }
    switch (lithsm_pin_source_parse(source, &arg)) {
    case LITHSM_PIN_SOURCE_ENV:
        return read_pin_env(pc, arg, pin, size);
    case LITHSM_PIN_SOURCE_FILE:
        return read_pin_file(pc, arg, pin, size);
    case LITHSM_PIN_SOURCE_BAD_NAME:
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "pin-source env:NAME: bad variable name");
        return 0;
    default:
        /* The value is not echoed: it may be a PIN put there by mistake. */
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "pin-source must be file:PATH or env:NAME (other forms "
                     "are refused)");
        return 0;
    }
}
