/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_delegate.c - lithsm delegate: a capacity-credit delegation AuthSig
 * (the SDK's createCapacityDelegationAuthSig).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli_siwe.h"

/* A uint256 token id has at most 78 decimal digits. */
#define TOKEN_ID_MAX_DIGITS 78

enum {
    OPT_KEY = 256,
    OPT_TOKEN,
    OPT_ANY_TOKEN,
    OPT_DELEGATEE,
    OPT_NO_DELEGATEES,
    OPT_USES
};

typedef struct delegate_opts {
    const char *key, *token, *uses;
    cli_siwe_opts siwe;
    const char **delegatees;
    size_t n_delegatees;
    int any_token, no_delegatees;
    /* From check: the times and --uses in the canonical form. */
    cli_siwe_times t;
    char uses_text[24];
} delegate_opts;

static int delegate_option(const cli_command *cmd, void *opts, int c,
                           const char *arg)
{
    delegate_opts *o = opts;

    switch (c) {
    case OPT_KEY:
        return cli_set_once(cmd, &o->key, "--key", arg);
    case OPT_TOKEN:
        return cli_set_once(cmd, &o->token, "--capacity-token-id", arg);
    case OPT_ANY_TOKEN:
        o->any_token = 1;
        return 0;
    case OPT_DELEGATEE:
        return cli_push(cmd, &o->delegatees, &o->n_delegatees, arg);
    case OPT_NO_DELEGATEES:
        o->no_delegatees = 1;
        return 0;
    case OPT_USES:
        return cli_set_once(cmd, &o->uses, "--uses", arg);
    default:
        return cli_siwe_set(cmd, &o->siwe, c, arg);
    }
}

/* Token ids are decimal strings in the ReCap (nft_id). */
static int check_token(const cli_command *cmd, const delegate_opts *o)
{
    size_t n;

    if (o->token != NULL && o->any_token)
        return cli_usage_error(
            cmd, "give --capacity-token-id or --any-capacity-token, not both");
    if (o->token == NULL && !o->any_token)
        return cli_missing(cmd, "--capacity-token-id");
    if (o->token == NULL)
        return 0;
    n = strlen(o->token);
    if (n == 0 || n > TOKEN_ID_MAX_DIGITS ||
        strspn(o->token, "0123456789") != n)
        return cli_usage_error(
            cmd, "option '--capacity-token-id': '%s' is not decimal", o->token);
    return 0;
}

static int check_delegatees(const cli_command *cmd, const delegate_opts *o)
{
    lithsm_eth_address addr;
    lithsm_err err;
    size_t i;

    if (o->no_delegatees && o->n_delegatees > 0)
        return cli_usage_error(cmd, "--delegatee contradicts --no-delegatees");
    for (i = 0; i < o->n_delegatees; i++) {
        err = lithsm_eth_address_parse(&addr, o->delegatees[i], 0);
        if (err != LITHSM_OK) {
            cli_lib_error(cmd, err,
                          "option '--delegatee': '%s' is not an address",
                          o->delegatees[i]);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

/* The values are checked in the order of the synopsis, before the key is
 * touched. */
static int delegate_check(const cli_command *cmd, void *opts)
{
    delegate_opts *o = opts;
    uint64_t uses;
    int rc;

    if (o->key == NULL)
        return cli_missing(cmd, "--key");
    if ((rc = check_token(cmd, o)) != 0 || (rc = check_delegatees(cmd, o)) != 0)
        return rc;
    if (o->uses != NULL) {
        if ((rc = cli_parse_u64(cmd, "--uses", o->uses, &uses)) != 0)
            return rc;
        snprintf(o->uses_text, sizeof(o->uses_text), "%" PRIu64, uses);
    }
    if (o->siwe.nonce == NULL)
        return cli_missing(cmd, "--nonce");
    if ((rc = cli_check_nonce(cmd, o->siwe.nonce)) != 0 ||
        (rc = cli_siwe_times_get(cmd, &o->siwe, 0, &o->t)) != 0)
        return rc;
    if (o->siwe.expiration != NULL && o->t.exp_ms <= o->t.iat_ms)
        return cli_usage_error(cmd, "the expiration %s is not after issued-at",
                               o->t.exp);
    return 0;
}

static int delegate_exec(const cli_command *cmd, void *opts)
{
    const delegate_opts *o = opts;
    lithsm_delegation_params params;
    lithsm_signer *owner = NULL;
    char *authsig = NULL;
    lithsm_err err;
    int rc;

    memset(&params, 0, sizeof(params));
    params.capacity_token_id = o->token;
    params.delegatees = o->delegatees;
    params.n_delegatees = o->n_delegatees;
    params.delegatees_given = o->n_delegatees > 0 || o->no_delegatees;
    params.uses = o->uses != NULL ? o->uses_text : NULL;
    params.nonce = o->siwe.nonce;
    params.domain = o->siwe.domain;
    params.statement = o->siwe.statement;
    params.issued_at = o->t.iat;
    params.expiration = o->siwe.expiration != NULL ? o->t.exp : NULL;

    if ((rc = cli_open_signer(cmd, "key", o->key, &owner)) != 0)
        return rc;
    err = lithsm_delegation_authsig(&authsig, NULL, owner, &params);
    lithsm_signer_free(owner);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot make the delegation");
        return cli_exit_for(err);
    }
    rc = cli_print_text(cmd, authsig);
    lithsm_free(authsig);
    return rc;
}

static void delegate_done(void *opts)
{
    delegate_opts *o = opts;

    free((void *)o->delegatees);
}

static const struct option delegate_longopts[] = {
    { "key", required_argument, NULL, OPT_KEY },
    { "capacity-token-id", required_argument, NULL, OPT_TOKEN },
    { "any-capacity-token", no_argument, NULL, OPT_ANY_TOKEN },
    { "delegatee", required_argument, NULL, OPT_DELEGATEE },
    { "no-delegatees", no_argument, NULL, OPT_NO_DELEGATEES },
    { "uses", required_argument, NULL, OPT_USES },
    CLI_SIWE_LONGOPTS,
    CLI_TOKEN_OPTIONS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps delegate_steps = {
    delegate_longopts, sizeof(delegate_opts), delegate_option,
    delegate_check,    delegate_exec,         delegate_done,
};

static int delegate_main(const cli_command *cmd, int argc, char **argv)
{
    return cli_run(cmd, &delegate_steps, argc, argv);
}

const cli_command cmd_delegate = {
    "delegate",
    "delegate capacity credits (a capacity delegation AuthSig)",
    "lithsm delegate --key FILE (--capacity-token-id ID | "
    "--any-capacity-token)\n"
    "              [--delegatee ADDR]... [--no-delegatees] [--uses N]\n"
    "              [--expiration T] [--domain D] [--statement S]\n"
    "              --nonce HASH [--issued-at T] [--pin-source SRC] "
    "[--module PATH]",
    cli_help_delegate,
    delegate_main,
};
