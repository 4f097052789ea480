/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * config.c - the provider's openssl.cnf section, checked at load.
 *
 * OpenSSL 3.0 drops the errors of a provider that fails to initialise from
 * openssl.cnf, and a later OSSL_PROVIDER_load (openssl -provider lithsm)
 * then loads a fresh instance without the section: a bad value would be
 * ignored without a word.  So a bad section does not fail the load: the
 * provider loads "unconfigured" (status 0), says why once on stderr, and
 * raises the same LITHSM_R_CONFIG error, naming the key, for every key it
 * is asked to find or make (lithsm_prov_config_ok).
 *
 * The core answers only the keys a provider asks for by name, so a
 * misspelt key cannot be seen in general; the usual mistakes are asked for
 * and refused: a PIN written in the file, pkcs11-provider's key names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/params.h>

#include "keys/uri_rules.h"
#include "lithsm_prov.h"

/* Keys the section must not have, and what to write instead. */
static const struct {
    const char *key;
    const char *hint;
} refused[] = {
    { "pin", "a PIN is never written in openssl.cnf: use pin-source = "
             "file:PATH or env:NAME" },
    { "pin-value", "a PIN is never written in openssl.cnf: use pin-source = "
                   "file:PATH or env:NAME" },
    { "user-pin", "a PIN is never written in openssl.cnf: use pin-source = "
                  "file:PATH or env:NAME" },
    { "pkcs11-module-token-pin", "that is pkcs11-provider's key: lithsm "
                                 "reads pin-source = file:PATH or env:NAME" },
    { "pin_source", "did you mean pin-source?" },
    { "pkcs11-module-path", "that is pkcs11-provider's key: lithsm reads "
                            "module-path" },
    { "module_path", "did you mean module-path?" },
};

#define N_REFUSED (sizeof(refused) / sizeof(refused[0]))

static void config_error(lithsm_provctx *pc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void config_error(lithsm_provctx *pc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(pc->config_error, sizeof(pc->config_error), fmt, ap);
    va_end(ap);
}

/* A module-path must name a readable regular file by its absolute path. */
static void check_module_path(lithsm_provctx *pc, const char *path)
{
    struct stat st;

    if (path[0] != '/')
        config_error(pc, "%s '%.200s' is not an absolute path",
                     LITHSM_PROV_PARAM_MODULE_PATH, path);
    else if (stat(path, &st) != 0 || access(path, R_OK) != 0)
        config_error(pc,
                     "%s '%.200s' cannot be read (no such file, or "
                     "not readable)",
                     LITHSM_PROV_PARAM_MODULE_PATH, path);
    else if (!S_ISREG(st.st_mode))
        config_error(pc, "%s '%.200s' is not a regular file",
                     LITHSM_PROV_PARAM_MODULE_PATH, path);
}

/* Copies a configuration string; an empty value counts as unset. */
static int config_dup(char **out, const char *value)
{
    *out = NULL;
    if (value == NULL || *value == '\0')
        return 1;
    *out = strdup(value);
    return *out != NULL;
}

int lithsm_prov_config_load(lithsm_provctx *pc,
                            OSSL_FUNC_core_get_params_fn *get_params)
{
    const char *found[N_REFUSED];
    char *module_path = NULL, *pin_source = NULL;
    OSSL_PARAM p[N_REFUSED + 3];
    size_t i;

    if (get_params == NULL)
        return 1;
    p[0] = OSSL_PARAM_construct_utf8_ptr(LITHSM_PROV_PARAM_MODULE_PATH,
                                         &module_path, 0);
    p[1] = OSSL_PARAM_construct_utf8_ptr(LITHSM_PROV_PARAM_PIN_SOURCE,
                                         &pin_source, 0);
    for (i = 0; i < N_REFUSED; i++) {
        found[i] = NULL;
        p[i + 2] = OSSL_PARAM_construct_utf8_ptr(refused[i].key,
                                                 (char **)&found[i], 0);
    }
    p[N_REFUSED + 2] = OSSL_PARAM_construct_end();
    if (!get_params(pc->handle, p))
        return 0;
    if (!config_dup(&pc->module_path, module_path) ||
        !config_dup(&pc->pin_source, pin_source))
        return 0;
    for (i = 0; i < N_REFUSED && pc->config_error[0] == '\0'; i++)
        if (found[i] != NULL) /* never echoed: it may be a PIN */
            config_error(pc, "key '%s' is refused (%s)", refused[i].key,
                         refused[i].hint);
    if (pc->config_error[0] == '\0' && pc->pin_source != NULL &&
        !lithsm_pin_source_valid(pc->pin_source))
        config_error(pc, "%s must be file:PATH or env:NAME%s",
                     LITHSM_PROV_PARAM_PIN_SOURCE,
                     strchr(pc->pin_source, ':') == NULL
                         ? " (a PIN is never written in openssl.cnf)"
                         : "");
    if (pc->config_error[0] == '\0' && pc->module_path != NULL)
        check_module_path(pc, pc->module_path);
    if (pc->config_error[0] != '\0')
        fprintf(stderr,
                "lithsm provider: bad configuration in openssl.cnf: %s; the "
                "provider loads but refuses to work until it is fixed\n",
                pc->config_error);
    return 1;
}

int lithsm_prov_config_ok(const lithsm_provctx *pc)
{
    if (pc->config_error[0] == '\0')
        return 1;
    LITHSM_RAISE(pc, LITHSM_R_CONFIG,
                 "bad provider configuration in openssl.cnf: %s",
                 pc->config_error);
    return 0;
}
