/*
 * cmd_keygen.c - lithsm keygen: a key pair made inside a PKCS#11 token.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int keygen_run(const cli_command *cmd, int argc, char **argv);

const cli_command cmd_keygen = {
    "keygen",
    "make a secp256k1 key pair inside a PKCS#11 token",
    "lithsm keygen --token LABEL --label NAME [--curve secp256k1|P-256]\n"
    "              [--pin-source SRC] [--module PATH]",
    cli_help_keygen,
    keygen_run,
};

static int keygen_run(const cli_command *cmd, int argc, char **argv)
{
    enum { OPT_TOKEN = 256, OPT_LABEL, OPT_CURVE };
    static const struct option opts[] = {
        { "token", required_argument, NULL, OPT_TOKEN },
        { "label", required_argument, NULL, OPT_LABEL },
        { "curve", required_argument, NULL, OPT_CURVE },
        CLI_TOKEN_OPTIONS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *token = NULL, *label = NULL, *curve = NULL;
    lithsm_token_opts topts;
    lithsm_eth_address addr;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    char pubhex[2 + 2 * 65 + 1];
    uint8_t pub[65];
    char *uri = NULL;
    json_object *out = NULL;
    lithsm_err err;
    int c, rc = 0, k1;

    while (rc == 0 && (c = cli_next_option(cmd, argc, argv, opts)) != -1) {
        switch (c) {
        case OPT_TOKEN:
            rc = cli_set_once(cmd, &token, "--token", optarg);
            break;
        case OPT_LABEL:
            rc = cli_set_once(cmd, &label, "--label", optarg);
            break;
        case OPT_CURVE:
            rc = cli_set_once(cmd, &curve, "--curve", optarg);
            break;
        case CLI_OPT_PIN_SOURCE:
        case CLI_OPT_MODULE:
            rc = cli_token_option(cmd, c, optarg);
            break;
        case 'h':
            return cli_print_help(cmd);
        default:
            return CLI_EXIT_USAGE;
        }
    }
    if (rc != 0)
        return rc;
    if (token == NULL)
        return cli_missing(cmd, "--token");
    if (label == NULL)
        return cli_missing(cmd, "--label");
    if (curve == NULL)
        curve = "secp256k1";
    k1 = strcmp(curve, "secp256k1") == 0;
    if (!k1 && strcmp(curve, "P-256") != 0)
        return cli_usage_error(cmd, "--curve must be secp256k1 or P-256");

    cli_token_opts(&topts);
    err = lithsm_keygen(&uri, pub, token, label, curve, &topts);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot make key '%s' on token '%s'", label,
                      token);
        return CLI_EXIT_FAIL;
    }
    out = json_object_new_object();
    rc = out == NULL || cli_json_add_str(out, "uri", uri) != 0;
    if (rc == 0 && k1) {
        err = lithsm_eth_address_from_pubkey(&addr, pub, sizeof(pub));
        if (err != LITHSM_OK) {
            cli_lib_error(cmd, err, "the new key has no address");
            json_object_put(out);
            free(uri);
            return CLI_EXIT_FAIL;
        }
        lithsm_eth_address_to_text(text, &addr);
        rc = cli_json_add_str(out, "address", text) != 0;
    } else if (rc == 0) {
        pubhex[0] = '0', pubhex[1] = 'x';
        rc = lithsm_hex_encode(pubhex + 2, sizeof(pubhex) - 2, pub,
                               sizeof(pub)) != LITHSM_OK ||
             cli_json_add_str(out, "address", NULL) != 0 ||
             cli_json_add_str(out, "publicKey", pubhex) != 0;
    }
    free(uri);
    if (rc != 0) {
        json_object_put(out);
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    rc = cli_print_json(cmd, out);
    json_object_put(out);
    return rc;
}
