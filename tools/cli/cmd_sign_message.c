/*
 * cmd_sign_message.c - lithsm sign-message: an EIP-191 personal_sign.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int sign_message_run(const cli_command *cmd, int argc, char **argv);

const cli_command cmd_sign_message = {
    "sign-message",
    "sign a message with EIP-191 (personal_sign)",
    "lithsm sign-message --key FILE|URI (--message TEXT | --message-file "
    "FILE)\n"
    "              [--pin-source SRC] [--module PATH]",
    cli_help_sign_message,
    sign_message_run,
};

static int sign_message_run(const cli_command *cmd, int argc, char **argv)
{
    static const struct option opts[] = {
        { "key", required_argument, NULL, 'k' },
        { "message", required_argument, NULL, 'm' },
        { "message-file", required_argument, NULL, 'f' },
        CLI_TOKEN_OPTIONS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *key = NULL, *message = NULL, *message_file = NULL;
    char *file_text = NULL;
    const uint8_t *msg;
    size_t msg_len, file_len = 0;
    lithsm_signer *signer = NULL;
    lithsm_eth_sig sig;
    uint8_t hash[32];
    char hex[2 + 2 * LITHSM_ETH_SIG_LEN + 1];
    lithsm_err err;
    int c, rc;

    while ((c = cli_next_option(cmd, argc, argv, opts)) != -1) {
        switch (c) {
        case 'k':
            rc = cli_set_once(cmd, &key, "--key", optarg);
            break;
        case 'm':
            /* An empty message is a valid message. */
            if (message != NULL)
                return cli_usage_error(
                    cmd, "option '--message' is given more than once");
            message = optarg;
            rc = 0;
            break;
        case 'f':
            rc = cli_set_once(cmd, &message_file, "--message-file", optarg);
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
        if (rc != 0)
            return rc;
    }
    if (key == NULL)
        return cli_missing(cmd, "--key");
    if (message != NULL && message_file != NULL)
        return cli_usage_error(cmd,
                               "give --message or --message-file, not both");
    if (message == NULL && message_file == NULL)
        return cli_missing(cmd, "--message");

    if (message_file != NULL) {
        if ((rc = cli_read_file(cmd, "message file", message_file, &file_text,
                                &file_len)) != 0)
            return rc;
        msg = (const uint8_t *)file_text;
        msg_len = file_len;
    } else {
        msg = (const uint8_t *)message;
        msg_len = strlen(message);
    }

    if ((rc = cli_open_signer(cmd, "key", key, &signer)) != 0)
        goto done;
    lithsm_eip191_hash(hash, msg, msg_len);
    err = lithsm_signer_sign_digest(&sig, signer, hash);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot sign with the key '%s'", key);
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    hex[0] = '0';
    hex[1] = 'x';
    err = lithsm_hex_encode(hex + 2, sizeof(hex) - 2, sig.bytes,
                            sizeof(sig.bytes));
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot encode the signature");
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    rc = cli_print_text(cmd, hex);
done:
    lithsm_signer_free(signer);
    free(file_text);
    return rc;
}
