/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_sign_message.c - lithsm sign-message: an EIP-191 personal_sign.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct sign_opts {
    const char *key, *message, *message_file;
} sign_opts;

static int sign_option(const cli_command *cmd, void *opts, int c,
                       const char *arg)
{
    sign_opts *o = opts;

    if (c == 'k')
        return cli_set_once(cmd, &o->key, "--key", arg);
    if (c == 'f')
        return cli_set_once(cmd, &o->message_file, "--message-file", arg);
    /* --message: an empty message is a valid message. */
    if (o->message != NULL)
        return cli_usage_error(cmd,
                               "option '--message' is given more than once");
    o->message = arg;
    return 0;
}

static int sign_check(const cli_command *cmd, void *opts)
{
    const sign_opts *o = opts;

    if (o->key == NULL)
        return cli_missing(cmd, "--key");
    if (o->message != NULL && o->message_file != NULL)
        return cli_usage_error(cmd,
                               "give --message or --message-file, not both");
    if (o->message == NULL && o->message_file == NULL)
        return cli_missing(cmd, "--message");
    return 0;
}

/* Signs the message's EIP-191 hash and prints 0x + r || s || v. */
static int sign_and_print(const cli_command *cmd, const char *key,
                          const uint8_t *msg, size_t msg_len)
{
    lithsm_signer *signer = NULL;
    lithsm_eth_sig sig;
    uint8_t hash[32];
    char hex[2 + 2 * LITHSM_ETH_SIG_LEN + 1] = "0x";
    lithsm_err err;
    int rc;

    if ((rc = cli_open_signer(cmd, "key", key, &signer)) != 0)
        return rc;
    lithsm_eip191_hash(hash, msg, msg_len);
    err = lithsm_signer_sign_digest(&sig, signer, hash);
    lithsm_signer_free(signer);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot sign with the key '%s'", key);
        return cli_exit_for(err);
    }
    err = lithsm_hex_encode(hex + 2, sizeof(hex) - 2, sig.bytes,
                            sizeof(sig.bytes));
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot encode the signature");
        return CLI_EXIT_FAIL;
    }
    return cli_print_text(cmd, hex);
}

static int sign_exec(const cli_command *cmd, void *opts)
{
    const sign_opts *o = opts;
    char *file_text = NULL;
    size_t file_len = 0;
    int rc;

    if (o->message_file == NULL)
        return sign_and_print(cmd, o->key, (const uint8_t *)o->message,
                              strlen(o->message));
    if ((rc = cli_read_file(cmd, "message file", o->message_file, &file_text,
                            &file_len)) != 0)
        return rc;
    rc = sign_and_print(cmd, o->key, (const uint8_t *)file_text, file_len);
    free(file_text);
    return rc;
}

static const struct option sign_longopts[] = {
    { "key", required_argument, NULL, 'k' },
    { "message", required_argument, NULL, 'm' },
    { "message-file", required_argument, NULL, 'f' },
    CLI_TOKEN_OPTIONS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps sign_steps = {
    sign_longopts, sizeof(sign_opts), sign_option, sign_check, sign_exec, NULL,
};

static int sign_main(const cli_command *cmd, int argc, char **argv)
{
    return cli_run(cmd, &sign_steps, argc, argv);
}

const cli_command cmd_sign_message = {
    "sign-message",
    "sign a message with EIP-191 (personal_sign)",
    "lithsm sign-message --key FILE|URI (--message TEXT | --message-file "
    "FILE)\n"
    "              [--pin-source SRC] [--module PATH]",
    cli_help_sign_message,
    sign_main,
};
