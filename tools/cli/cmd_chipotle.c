/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_chipotle.c - lithsm chipotle: Lit Chipotle ChainSecured accounts
 * (doc/lit-networks.md).  `proof` writes the signed EIP-712 body an API
 * route takes; `tx` builds an AccountConfig write with the ABI encoder
 * and hands it to sign-tx's steps (sign, or fill, sign, send and wait).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_send_tx.h"

/* ---------------------------------------------------------------- proof */

typedef struct proof_opts {
    const char *key, *type, *chain_id, *issued_at, *new_admin;
    lithsm_chipotle_proof_params params; /* filled by proof_check */
    lithsm_eth_address admin;
} proof_opts;

enum { OPT_TYPE = 0x3001, OPT_CHAIN_ID, OPT_ISSUED_AT, OPT_NEW_ADMIN };

static int proof_option(const cli_command *cmd, void *opts, int c,
                        const char *arg)
{
    proof_opts *o = opts;

    switch (c) {
    case 'k':
        return cli_set_once(cmd, &o->key, "--key", arg);
    case OPT_TYPE:
        return cli_set_once(cmd, &o->type, "--type", arg);
    case OPT_CHAIN_ID:
        return cli_set_once(cmd, &o->chain_id, "--chain-id", arg);
    case OPT_ISSUED_AT:
        return cli_set_once(cmd, &o->issued_at, "--issued-at", arg);
    default:
        return cli_set_once(cmd, &o->new_admin, "--new-admin", arg);
    }
}

/* A decimal number of at most 2^53 - 1 with no sign or leading zero. */
static int parse_count(const char *text, uint64_t *out)
{
    uint64_t v = 0;
    size_t i, n = strlen(text);

    if (n == 0 || n > 16 || (n > 1 && text[0] == '0'))
        return 0;
    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)text[i]))
            return 0;
        v = v * 10 + (uint64_t)(text[i] - '0');
    }
    *out = v;
    return v <= 9007199254740991ULL;
}

/* --chain-id: 1 to 2^53 - 1 (a JSON number in the typed data). */
static int check_chain_id(const cli_command *cmd, const char *text,
                          uint64_t *out)
{
    if (!parse_count(text, out) || *out == 0)
        return cli_usage_error(cmd,
                               "option '--chain-id': '%s' is not a chain id "
                               "(1 to 2^53 - 1)",
                               text);
    return 0;
}

/* --issued-at: unix seconds, or an RFC 3339 time. */
static int parse_issued_at(const cli_command *cmd, const char *text,
                           int64_t *out)
{
    char canonical[LITHSM_TIME_LEN + 1];
    uint64_t s;
    int64_t ms;
    int rc;

    if (parse_count(text, &s)) {
        if (s == 0)
            return cli_usage_error(cmd, "option '--issued-at': 0 is not a "
                                        "time of signing");
        *out = (int64_t)s;
        return 0;
    }
    if ((rc = cli_parse_time(cmd, "--issued-at", text, canonical, &ms)) != 0)
        return rc;
    if (ms < 1000)
        return cli_usage_error(cmd, "option '--issued-at': not after 1970");
    *out = ms / 1000;
    return 0;
}

static int proof_check(const cli_command *cmd, void *opts)
{
    proof_opts *o = opts;
    uint64_t chain_id = LITHSM_CHIPOTLE_CHAIN_ID;
    int64_t issued_at = 0;

    if (o->key == NULL)
        return cli_missing(cmd, "--key");
    if (o->type == NULL)
        return cli_missing(cmd, "--type");
    if (o->chain_id != NULL && check_chain_id(cmd, o->chain_id, &chain_id))
        return CLI_EXIT_USAGE;
    if (o->issued_at != NULL &&
        parse_issued_at(cmd, o->issued_at, &issued_at) != 0)
        return CLI_EXIT_USAGE;
    if (!lithsm_chipotle_is_proof_type(o->type))
        return cli_usage_error(cmd,
                               "option '--type': '%s' is not "
                               "CreateWallet, ConvertAccount, "
                               "AddUsageApiKey or BillingAuth",
                               o->type);
    if (o->new_admin != NULL && strcmp(o->type, "ConvertAccount") != 0)
        return cli_usage_error(cmd, "--new-admin belongs to --type "
                                    "ConvertAccount only");
    if (o->new_admin != NULL &&
        lithsm_eth_address_parse(&o->admin, o->new_admin, 0) != LITHSM_OK)
        return cli_usage_error(cmd, "option '--new-admin': %s",
                               lithsm_last_error());
    o->params.type = o->type;
    o->params.chain_id = chain_id;
    o->params.issued_at_s = issued_at;
    o->params.new_admin = o->new_admin != NULL ? &o->admin : NULL;
    return 0;
}

static int proof_run(const cli_command *cmd, void *opts)
{
    const proof_opts *o = opts;
    lithsm_signer *signer = NULL;
    char *body = NULL;
    lithsm_err err;
    int rc;

    if ((rc = cli_open_signer(cmd, "key", o->key, &signer)) != 0)
        return rc;
    err = lithsm_chipotle_proof(&body, signer, &o->params);
    lithsm_signer_free(signer);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot sign the %s proof", o->type);
        return cli_exit_for(err);
    }
    rc = cli_print_text(cmd, body);
    lithsm_free(body);
    return rc;
}

static const struct option proof_longopts[] = {
    { "key", required_argument, NULL, 'k' },
    { "type", required_argument, NULL, OPT_TYPE },
    { "chain-id", required_argument, NULL, OPT_CHAIN_ID },
    { "issued-at", required_argument, NULL, OPT_ISSUED_AT },
    { "new-admin", required_argument, NULL, OPT_NEW_ADMIN },
    CLI_TOKEN_OPTIONS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps proof_steps = {
    proof_longopts, sizeof(proof_opts), proof_option,
    proof_check,    proof_run,          NULL,
};

/* ------------------------------------------------------------------- tx */

#define MAX_ARGS 32

typedef struct tx_opts {
    const char *function, *contract, *chain_id, *key;
    const char *args[MAX_ARGS]; /* --arg NAME=VALUE, as given */
    size_t n_args;
    cli_send_opts send;
} tx_opts;

enum { OPT_FUNCTION = 0x3101, OPT_ARG, OPT_CONTRACT, OPT_TX_CHAIN_ID };

static int tx_option(const cli_command *cmd, void *opts, int c, const char *arg)
{
    tx_opts *o = opts;

    if (cli_send_is_option(c))
        return cli_send_set(cmd, &o->send, c, arg);
    switch (c) {
    case 'k':
        return cli_set_once(cmd, &o->key, "--key", arg);
    case OPT_FUNCTION:
        return cli_set_once(cmd, &o->function, "--function", arg);
    case OPT_CONTRACT:
        return cli_set_once(cmd, &o->contract, "--contract", arg);
    case OPT_TX_CHAIN_ID:
        return cli_set_once(cmd, &o->chain_id, "--chain-id", arg);
    default:
        if (o->n_args == MAX_ARGS)
            return cli_usage_error(cmd, "more than %d --arg options", MAX_ARGS);
        if (strchr(arg, '=') == NULL)
            return cli_usage_error(cmd,
                                   "option '--arg': '%s' is not "
                                   "NAME=VALUE",
                                   arg);
        o->args[o->n_args++] = arg;
        return 0;
    }
}

/* The value of --arg `name`=..., or NULL. */
static const char *arg_value(const tx_opts *o, const char *name)
{
    size_t i, n = strlen(name);

    for (i = 0; i < o->n_args; i++)
        if (strncmp(o->args[i], name, n) == 0 && o->args[i][n] == '=')
            return o->args[i] + n + 1;
    return NULL;
}

/* Every --arg names a parameter of the function, once. */
static int check_args(const cli_command *cmd, const tx_opts *o,
                      const char *const *names)
{
    size_t i, j;

    for (i = 0; i < o->n_args; i++) {
        size_t len = strcspn(o->args[i], "=");

        for (j = 0; names[j] != NULL; j++)
            if (strlen(names[j]) == len &&
                strncmp(names[j], o->args[i], len) == 0)
                break;
        if (names[j] == NULL)
            return cli_usage_error(cmd,
                                   "option '--arg': %s has no "
                                   "parameter '%.*s'",
                                   o->function, (int)len, o->args[i]);
        for (j = 0; j < i; j++)
            if (strncmp(o->args[j], o->args[i], len + 1) == 0)
                return cli_usage_error(cmd,
                                       "option '--arg': '%.*s' is "
                                       "given more than once",
                                       (int)len, o->args[i]);
    }
    for (j = 0; names[j] != NULL; j++)
        if (arg_value(o, names[j]) == NULL)
            return cli_usage_error(cmd, "missing --arg %s=VALUE (%s)", names[j],
                                   o->function);
    return 0;
}

static int tx_check(const cli_command *cmd, void *opts)
{
    tx_opts *o = opts;
    const char *const *names;
    lithsm_eth_address contract;
    uint64_t chain_id;
    int rc;

    if (o->function == NULL)
        return cli_missing(cmd, "--function");
    if (lithsm_chipotle_function(o->function, &names) == NULL)
        return cli_usage_error(cmd,
                               "option '--function': '%s' is not "
                               "newChainSecuredAccount, "
                               "registerWalletDerivation or "
                               "setUsageApiKey",
                               o->function);
    if ((rc = check_args(cmd, o, names)) != 0)
        return rc;
    if (o->contract != NULL &&
        lithsm_eth_address_parse(&contract, o->contract, 0) != LITHSM_OK)
        return cli_usage_error(cmd, "option '--contract': %s",
                               lithsm_last_error());
    if (o->chain_id != NULL && check_chain_id(cmd, o->chain_id, &chain_id))
        return CLI_EXIT_USAGE;
    if (o->key == NULL && o->send.send)
        return cli_missing(cmd, "--key");
    if (o->key != NULL && !o->send.send)
        return cli_usage_error(cmd, "--key signs what --send sends; to sign "
                                    "offline, give this transaction with its "
                                    "nonce, gas and fees to 'lithsm sign-tx'");
    return cli_send_check(cmd, &o->send);
}

/* The calldata of the call, as "0x" + hex (caller frees), or NULL. */
static char *call_data_hex(const cli_command *cmd, const tx_opts *o)
{
    const char *const *names;
    const char *words[MAX_ARGS];
    lithsm_abi_function *f = NULL;
    uint8_t *data = NULL;
    size_t n = 0, len = 0;
    char *hex = NULL;
    lithsm_err err;

    err = lithsm_abi_function_parse(
        &f, lithsm_chipotle_function(o->function, &names));
    for (; err == LITHSM_OK && names[n] != NULL; n++)
        words[n] = arg_value(o, names[n]);
    if (err == LITHSM_OK)
        err = lithsm_abi_encode_words(&data, &len, f, words, n);
    lithsm_abi_function_free(f);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot encode the call to %s", o->function);
        return NULL;
    }
    hex = cli_hex_of(cmd, data, len);
    lithsm_free(data);
    return hex;
}

/* The transaction in sign-tx's file form: an EIP-1559 call of the
 * contract, nonce, gas and fees left for --send (or the user) to fill. */
static json_object *tx_object(const tx_opts *o, const char *data_hex)
{
    json_object *tx = json_object_new_object();

    json_object_object_add(tx, "type", json_object_new_int(2));
    json_object_object_add(
        tx, "chainId",
        json_object_new_string(o->chain_id ? o->chain_id : "8453"));
    json_object_object_add(
        tx, "to",
        json_object_new_string(o->contract ? o->contract
                                           : LITHSM_CHIPOTLE_ACCOUNT_CONFIG));
    json_object_object_add(tx, "value", json_object_new_string("0"));
    json_object_object_add(tx, "data", json_object_new_string(data_hex));
    return tx;
}

static int tx_run(const cli_command *cmd, void *opts)
{
    const tx_opts *o = opts;
    json_object *obj;
    const char *text;
    lithsm_tx *tx = NULL;
    char *data_hex;
    lithsm_err err;
    int rc;

    if ((data_hex = call_data_hex(cmd, o)) == NULL)
        return CLI_EXIT_FAIL;
    obj = tx_object(o, data_hex);
    free(data_hex);
    if (o->key == NULL) { /* no key: the transaction, for sign-tx */
        rc = cli_print_json(cmd, obj);
        json_object_put(obj);
        return rc;
    }
    text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
    err = lithsm_tx_from_json(&tx, text, strlen(text));
    json_object_put(obj);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot build the transaction");
        return CLI_EXIT_FAIL;
    }
    rc = cli_sign_tx_run(cmd, o->key, &o->send, tx);
    lithsm_tx_free(tx);
    return rc;
}

static const struct option tx_longopts[] = {
    { "function", required_argument, NULL, OPT_FUNCTION },
    { "arg", required_argument, NULL, OPT_ARG },
    { "contract", required_argument, NULL, OPT_CONTRACT },
    { "chain-id", required_argument, NULL, OPT_TX_CHAIN_ID },
    { "key", required_argument, NULL, 'k' },
    CLI_TOKEN_OPTIONS,
    CLI_SEND_LONGOPTS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps tx_steps = {
    tx_longopts, sizeof(tx_opts), tx_option, tx_check, tx_run, NULL,
};

/* ------------------------------------------------------------ dispatch */

static const cli_command cmd_chipotle_proof = {
    "chipotle proof",
    "sign a Chipotle ChainSecured EIP-712 proof",
    "lithsm chipotle proof --key FILE|URI --type TYPE [--chain-id N]\n"
    "              [--issued-at T] [--new-admin ADDRESS]\n"
    "              [--pin-source SRC] [--module PATH]",
    cli_help_chipotle,
    NULL,
};

static const cli_command cmd_chipotle_tx = {
    "chipotle tx",
    "build (and send) a Chipotle AccountConfig transaction",
    "lithsm chipotle tx --function NAME --arg NAME=VALUE...\n"
    "              [--contract ADDRESS] [--chain-id N]\n"
    "              [--key FILE|URI --send --rpc URL [--max-fee WEI]\n"
    "               [--timeout SEC] [--ca-file PEM | --insecure]\n"
    "               [--timeout-ms MS] [--proxy URL]]\n"
    "              [--pin-source SRC] [--module PATH]",
    cli_help_chipotle,
    NULL,
};

static int chipotle_main(const cli_command *cmd, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "proof") == 0)
        return cli_run(&cmd_chipotle_proof, &proof_steps, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "tx") == 0)
        return cli_run(&cmd_chipotle_tx, &tx_steps, argc - 1, argv + 1);
    if (argc == 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return cli_print_help(cmd);
    if (argc < 2)
        return cli_usage_error(cmd, "say what to make: proof or tx");
    return cli_usage_error(cmd, "unknown subcommand '%s' (proof or tx)",
                           argv[1]);
}

const cli_command cmd_chipotle = {
    "chipotle",
    "sign Lit Chipotle ChainSecured proofs and transactions",
    "lithsm chipotle proof --key FILE|URI --type TYPE [OPTION]...\n"
    "       lithsm chipotle tx --function NAME --arg NAME=VALUE... "
    "[OPTION]...",
    cli_help_chipotle,
    chipotle_main,
};
