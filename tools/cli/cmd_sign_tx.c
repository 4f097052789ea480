/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_sign_tx.c - lithsm sign-tx: signs an Ethereum transaction (legacy
 * EIP-155, EIP-2930 or EIP-1559) given as JSON and prints
 * {"raw","hash","from"}.
 *
 * The run is four steps, each its own function, so that sending
 * (tools/cli/cli_send_tx.c: fill what the file leaves out from an RPC
 * node, send, wait for the receipt) goes between them without changing
 * them: load the transaction, open the key, sign, print.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_send_tx.h"

typedef struct sign_tx_opts {
    const char *key, *tx_file;
    cli_send_opts send; /* --send and its options (cli_send_tx.c) */
} sign_tx_opts;

static int sign_tx_option(const cli_command *cmd, void *opts, int c,
                          const char *arg)
{
    sign_tx_opts *o = opts;

    if (c == 'k')
        return cli_set_once(cmd, &o->key, "--key", arg);
    if (cli_send_is_option(c))
        return cli_send_set(cmd, &o->send, c, arg);
    return cli_set_once(cmd, &o->tx_file, "--tx", arg);
}

static int sign_tx_check(const cli_command *cmd, void *opts)
{
    sign_tx_opts *o = opts;

    if (o->key == NULL)
        return cli_missing(cmd, "--key");
    if (o->tx_file == NULL)
        return cli_missing(cmd, "--tx");
    if (strcmp(o->key, "-") == 0 && strcmp(o->tx_file, "-") == 0)
        return cli_usage_error(cmd, "--key and --tx cannot both be '-' "
                                    "(standard input)");
    return cli_send_check(cmd, &o->send);
}

/* Step 1: the transaction of the file ("-": standard input). */
static int load_tx(const cli_command *cmd, const char *path, lithsm_tx **out)
{
    char *text = NULL;
    size_t len = 0;
    lithsm_err err;
    int rc;

    if ((rc = cli_read_file(cmd, "transaction file", path, &text, &len)) != 0)
        return rc;
    err = lithsm_tx_from_json(out, text, len);
    free(text);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot use the transaction file '%s'", path);
        return cli_exit_for(err);
    }
    return 0;
}

/* Step 3: signs a complete transaction. */
static int sign_tx(const cli_command *cmd, const char *key, lithsm_tx *tx,
                   lithsm_signer *signer)
{
    lithsm_err err = lithsm_tx_sign(NULL, NULL, NULL, NULL, tx, signer);

    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot sign with the key '%s'", key);
        return cli_exit_for(err);
    }
    return 0;
}

/* Step 4: {"raw","hash","from"} on one line. */
static int print_signed(const cli_command *cmd, const lithsm_tx *tx)
{
    char *json = NULL;
    lithsm_err err = lithsm_tx_signed_json(&json, tx);
    int rc;

    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot write the signed transaction");
        return CLI_EXIT_FAIL;
    }
    rc = cli_print_text(cmd, json);
    lithsm_free(json);
    return rc;
}

int cli_sign_tx_run(const cli_command *cmd, const char *key,
                    const cli_send_opts *send, lithsm_tx *tx)
{
    lithsm_signer *signer = NULL;
    int rc;

    rc = cli_open_signer(cmd, "key", key, &signer); /* step 2 */
    if (rc == 0 && send->send)
        rc = cli_send_run(cmd, send, key, tx, signer);
    else if (rc == 0)
        rc = sign_tx(cmd, key, tx, signer);
    if (rc == 0 && !send->send)
        rc = print_signed(cmd, tx);
    lithsm_signer_free(signer);
    return rc;
}

static int sign_tx_exec(const cli_command *cmd, void *opts)
{
    const sign_tx_opts *o = opts;
    lithsm_tx *tx = NULL;
    lithsm_err err;
    int rc;

    if ((rc = load_tx(cmd, o->tx_file, &tx)) != 0)
        return rc;
    /* Without sending, the file must give every field: say which one is
     * missing before a token asks for its PIN. */
    if (!o->send.send && (err = lithsm_tx_check_complete(tx)) != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot use the transaction file '%s'",
                      o->tx_file);
        lithsm_tx_free(tx);
        return CLI_EXIT_FAIL;
    }
    rc = cli_sign_tx_run(cmd, o->key, &o->send, tx);
    lithsm_tx_free(tx);
    return rc;
}

static const struct option sign_tx_longopts[] = {
    { "key", required_argument, NULL, 'k' },
    { "tx", required_argument, NULL, 't' },
    CLI_TOKEN_OPTIONS,
    CLI_SEND_LONGOPTS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps sign_tx_steps = {
    sign_tx_longopts, sizeof(sign_tx_opts), sign_tx_option,
    sign_tx_check,    sign_tx_exec,         NULL,
};

static int sign_tx_main(const cli_command *cmd, int argc, char **argv)
{
    return cli_run(cmd, &sign_tx_steps, argc, argv);
}

const cli_command cmd_sign_tx = {
    "sign-tx",
    "sign an Ethereum transaction (EIP-155, EIP-2930, EIP-1559)",
    "lithsm sign-tx --key FILE|URI --tx FILE\n"
    "              [--send --rpc URL [--max-fee WEI] [--timeout SEC]\n"
    "               [--ca-file PEM | --insecure] [--timeout-ms MS]\n"
    "               [--proxy URL]] [--pin-source SRC] [--module PATH]",
    cli_help_sign_tx,
    sign_tx_main,
};
