/*
 * cmd_address.c - lithsm address: the Ethereum address of a key.
 */
#include "cli.h"

static int address_run(const cli_command *cmd, int argc, char **argv);

const cli_command cmd_address = {
    "address",
    "print the Ethereum address of a secp256k1 key",
    "lithsm address --key FILE|URI [--pin-source SRC] [--module PATH]",
    cli_help_address,
    address_run,
};

static int address_run(const cli_command *cmd, int argc, char **argv)
{
    static const struct option opts[] = {
        { "key", required_argument, NULL, 'k' },
        CLI_TOKEN_OPTIONS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *key = NULL;
    lithsm_signer *signer = NULL;
    lithsm_eth_address addr;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    json_object *out;
    int c, rc;

    while ((c = cli_next_option(cmd, argc, argv, opts)) != -1) {
        switch (c) {
        case 'k':
            if ((rc = cli_set_once(cmd, &key, "--key", optarg)) != 0)
                return rc;
            break;
        case CLI_OPT_PIN_SOURCE:
        case CLI_OPT_MODULE:
            if ((rc = cli_token_option(cmd, c, optarg)) != 0)
                return rc;
            break;
        case 'h':
            return cli_print_help(cmd);
        default:
            return CLI_EXIT_USAGE;
        }
    }
    if (key == NULL)
        return cli_missing(cmd, "--key");

    if ((rc = cli_open_signer(cmd, "key", key, &signer)) != 0)
        return rc;
    lithsm_signer_address(&addr, signer);
    lithsm_signer_free(signer);
    lithsm_eth_address_to_text(text, &addr);

    out = json_object_new_object();
    if (out == NULL || cli_json_add_str(out, "address", text) != 0) {
        json_object_put(out);
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    rc = cli_print_json(cmd, out);
    json_object_put(out);
    return rc;
}
