/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli_conf.h - lithsm.conf, the CLI's configuration file (doc/cli/
 * lithsm-config.txt): the system file, then the user's, or only the file
 * LITHSM_CONF names; later files override earlier ones and command-line
 * options override them all.  OpenSSL configuration syntax (NCONF), the
 * sections [lithsm] (settings) and [keys] (named keys); any other section
 * or key is an error naming the file, its line, the section and the key.
 */
#ifndef LITHSM_CLI_CONF_H
#define LITHSM_CLI_CONF_H

#include "cli.h"

/* The settings of [lithsm], in the order 'lithsm config check' prints
 * them. */
typedef enum {
    CLI_CONF_MODULE,     /* --module */
    CLI_CONF_PIN_SOURCE, /* --pin-source (file:PATH or env:NAME) */
    CLI_CONF_NETWORK,    /* --network */
    CLI_CONF_STORE,      /* session-sigs --store */
    CLI_CONF_CA_FILE,    /* --ca-file */
    CLI_CONF_TIMEOUT,    /* --timeout-ms, given in seconds */
    CLI_CONF_RETRIES,    /* --retries */
    CLI_CONF_PROXY,      /* --proxy */
    CLI_CONF_N
} cli_conf_key;

/** The key's name in the file ("pin-source"). */
const char *cli_conf_name(cli_conf_key k);

/** Reads the configuration files (once; later calls do nothing).
 *  Returns 0, or CLI_EXIT_FAIL after reporting the first error (code
 *  "CONFIG"). */
int cli_conf_load(const cli_command *cmd);

/** Frees what cli_conf_load() kept. */
void cli_conf_free(void);

/** The value the files give (timeout: in milliseconds, as --timeout-ms
 *  takes it), or NULL; *source (may be NULL) gets "FILE:LINE". */
const char *cli_conf_get(cli_conf_key k, const char **source);

/** The URI or file of a named key of [keys], or NULL when `name` is not
 *  one (a name holds no ':' or '/'); *source as above. */
const char *cli_conf_named_key(const char *name, const char **source);

/** The n-th named key (0..), its name in *name; NULL past the last. */
const char *cli_conf_key_at(size_t n, const char **name, const char **source);

/** The n-th file looked for (0..), *read set when it was read; NULL past
 *  the last. */
const char *cli_conf_file_at(size_t n, int *read);

/** The module the CLI uses when neither an option, the files nor the key's
 *  URI name one: NULL when the lithsm provider's section of openssl.cnf
 *  names one (*source: "openssl.cnf FILE"), else p11-kit's proxy when it
 *  is installed (*source: "default"), else NULL (the provider's default,
 *  SoftHSM2's module). */
const char *cli_conf_default_module(const char **source);

/** Notes (-v) on the files read and debug lines on those looked for. */
void cli_conf_notes(const cli_command *cmd);

#endif /* LITHSM_CLI_CONF_H */
