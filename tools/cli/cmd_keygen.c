/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_keygen.c - lithsm keygen: a key pair made inside a PKCS#11 token.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_TOKEN = 256, OPT_LABEL, OPT_CURVE };

typedef struct keygen_opts {
    const char *token, *label, *curve;
} keygen_opts;

static int keygen_option(const cli_command *cmd, void *opts, int c,
                         const char *arg)
{
    keygen_opts *o = opts;

    if (c == OPT_TOKEN)
        return cli_set_once(cmd, &o->token, "--token", arg);
    if (c == OPT_LABEL)
        return cli_set_once(cmd, &o->label, "--label", arg);
    return cli_set_once(cmd, &o->curve, "--curve", arg);
}

static int keygen_check(const cli_command *cmd, void *opts)
{
    keygen_opts *o = opts;

    if (o->token == NULL)
        return cli_missing(cmd, "--token");
    if (o->label == NULL)
        return cli_missing(cmd, "--label");
    if (o->curve == NULL)
        o->curve = "secp256k1";
    if (strcmp(o->curve, "secp256k1") != 0 && strcmp(o->curve, "P-256") != 0)
        return cli_usage_error(cmd, "--curve must be secp256k1 or P-256");
    return 0;
}

/* {"uri","address"} for a secp256k1 key; {"uri","address":null,
 * "publicKey"} for a P-256 key, which has no Ethereum address. */
static int print_key(const cli_command *cmd, const char *uri,
                     const uint8_t pub[65], int k1)
{
    lithsm_eth_address addr;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    char pubhex[2 + 2 * 65 + 1] = "0x";
    lithsm_err err;

    if (k1) {
        err = lithsm_eth_address_from_pubkey(&addr, pub, 65);
        if (err != LITHSM_OK) {
            cli_lib_error(cmd, err, "the new key has no address");
            return CLI_EXIT_FAIL;
        }
        lithsm_eth_address_to_text(text, &addr);
        return cli_print_fields(cmd, "uri", uri, "address", text,
                                (const char *)NULL);
    }
    if (lithsm_hex_encode(pubhex + 2, sizeof(pubhex) - 2, pub, 65) !=
        LITHSM_OK) {
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    return cli_print_fields(cmd, "uri", uri, "address", (const char *)NULL,
                            "publicKey", pubhex, (const char *)NULL);
}

static int keygen_exec(const cli_command *cmd, void *opts)
{
    const keygen_opts *o = opts;
    lithsm_token_opts topts;
    uint8_t pub[65];
    char *uri = NULL;
    lithsm_err err;
    int rc;

    cli_token_opts(cmd, &topts, NULL);
    err = lithsm_keygen(&uri, pub, o->token, o->label, o->curve, &topts);
    if (lithsm_token_config_warning() != NULL)
        cli_warn(cmd, "%s", lithsm_token_config_warning());
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot make key '%s' on token '%s'", o->label,
                      o->token);
        return cli_exit_for(err);
    }
    rc = print_key(cmd, uri, pub, strcmp(o->curve, "secp256k1") == 0);
    lithsm_free(uri);
    return rc;
}

static const struct option keygen_longopts[] = {
    { "token", required_argument, NULL, OPT_TOKEN },
    { "label", required_argument, NULL, OPT_LABEL },
    { "curve", required_argument, NULL, OPT_CURVE },
    CLI_TOKEN_OPTIONS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps keygen_steps = {
    keygen_longopts, sizeof(keygen_opts), keygen_option,
    keygen_check,    keygen_exec,         NULL,
};

static int keygen_main(const cli_command *cmd, int argc, char **argv)
{
    return cli_run(cmd, &keygen_steps, argc, argv);
}

const cli_command cmd_keygen = {
    "keygen",
    "make a secp256k1 key pair inside a PKCS#11 token",
    "lithsm keygen --token LABEL --label NAME [--curve secp256k1|P-256]\n"
    "              [--pin-source SRC] [--module PATH]",
    cli_help_keygen,
    keygen_main,
};
