/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_address.c - lithsm address: the Ethereum address of a key.
 */
#include "cli.h"

typedef struct address_opts {
    const char *key;
} address_opts;

static int address_option(const cli_command *cmd, void *opts, int c,
                          const char *arg)
{
    address_opts *o = opts;

    return cli_set_once(cmd, &o->key, "--key", arg);
}

static int address_check(const cli_command *cmd, void *opts)
{
    const address_opts *o = opts;

    return o->key == NULL ? cli_missing(cmd, "--key") : 0;
}

static int address_exec(const cli_command *cmd, void *opts)
{
    const address_opts *o = opts;
    lithsm_signer *signer = NULL;
    lithsm_eth_address addr;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    int rc;

    if ((rc = cli_open_signer(cmd, "key", o->key, &signer)) != 0)
        return rc;
    lithsm_signer_address(&addr, signer);
    lithsm_signer_free(signer);
    lithsm_eth_address_to_text(text, &addr);
    return cli_print_fields(cmd, "address", text, (const char *)NULL);
}

static const struct option address_longopts[] = {
    { "key", required_argument, NULL, 'k' },
    CLI_TOKEN_OPTIONS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps address_steps = {
    address_longopts, sizeof(address_opts), address_option,
    address_check,    address_exec,         NULL,
};

static int address_main(const cli_command *cmd, int argc, char **argv)
{
    return cli_run(cmd, &address_steps, argc, argv);
}

const cli_command cmd_address = {
    "address",
    "print the Ethereum address of a secp256k1 key",
    "lithsm address --key FILE|URI [--pin-source SRC] [--module PATH]",
    cli_help_address,
    address_main,
};
