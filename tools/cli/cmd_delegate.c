/*
 * cmd_delegate.c - lithsm delegate: a capacity-credit delegation AuthSig
 * (the SDK's createCapacityDelegationAuthSig).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A uint256 token id has at most 78 decimal digits. */
#define TOKEN_ID_MAX_DIGITS 78

static int delegate_run(const cli_command *cmd, int argc, char **argv);

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
    delegate_run,
};

/* Token ids are decimal strings in the ReCap (nft_id). */
static int check_token_id(const cli_command *cmd, const char *id)
{
    size_t n = strlen(id);

    if (n == 0 || n > TOKEN_ID_MAX_DIGITS || strspn(id, "0123456789") != n)
        return cli_usage_error(
            cmd, "option '--capacity-token-id': '%s' is not decimal", id);
    return 0;
}

static int check_delegatee(const cli_command *cmd, const char *text)
{
    lithsm_eth_address addr;
    lithsm_err err;

    err = lithsm_eth_address_parse(&addr, text, 0);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "option '--delegatee': '%s' is not an address",
                      text);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static int delegate_run(const cli_command *cmd, int argc, char **argv)
{
    enum {
        OPT_KEY = 256,
        OPT_TOKEN,
        OPT_ANY_TOKEN,
        OPT_DELEGATEE,
        OPT_NO_DELEGATEES,
        OPT_USES,
        OPT_EXPIRATION,
        OPT_DOMAIN,
        OPT_STATEMENT,
        OPT_NONCE,
        OPT_ISSUED_AT
    };
    static const struct option opts[] = {
        { "key", required_argument, NULL, OPT_KEY },
        { "capacity-token-id", required_argument, NULL, OPT_TOKEN },
        { "any-capacity-token", no_argument, NULL, OPT_ANY_TOKEN },
        { "delegatee", required_argument, NULL, OPT_DELEGATEE },
        { "no-delegatees", no_argument, NULL, OPT_NO_DELEGATEES },
        { "uses", required_argument, NULL, OPT_USES },
        { "expiration", required_argument, NULL, OPT_EXPIRATION },
        { "domain", required_argument, NULL, OPT_DOMAIN },
        { "statement", required_argument, NULL, OPT_STATEMENT },
        { "nonce", required_argument, NULL, OPT_NONCE },
        { "issued-at", required_argument, NULL, OPT_ISSUED_AT },
        CLI_TOKEN_OPTIONS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *key = NULL, *token = NULL, *uses = NULL, *expiration = NULL;
    const char *domain = NULL, *statement = NULL, *nonce = NULL;
    const char *issued_at = NULL;
    const char **delegatees = NULL;
    size_t n_delegatees = 0, i;
    int any_token = 0, no_delegatees = 0;
    char iat_text[LITHSM_TIME_LEN + 1], exp_text[LITHSM_TIME_LEN + 1];
    char uses_text[24];
    int64_t iat_ms, exp_ms;
    uint64_t uses_n;
    lithsm_delegation_params params;
    lithsm_signer *owner = NULL;
    char *authsig = NULL;
    lithsm_err err;
    int c, rc = 0;

    while (rc == 0 && (c = cli_next_option(cmd, argc, argv, opts)) != -1) {
        switch (c) {
        case OPT_KEY:
            rc = cli_set_once(cmd, &key, "--key", optarg);
            break;
        case OPT_TOKEN:
            rc = cli_set_once(cmd, &token, "--capacity-token-id", optarg);
            break;
        case OPT_ANY_TOKEN:
            any_token = 1;
            break;
        case OPT_DELEGATEE:
            rc = cli_push(cmd, &delegatees, &n_delegatees, optarg);
            break;
        case OPT_NO_DELEGATEES:
            no_delegatees = 1;
            break;
        case OPT_USES:
            rc = cli_set_once(cmd, &uses, "--uses", optarg);
            break;
        case OPT_EXPIRATION:
            rc = cli_set_once(cmd, &expiration, "--expiration", optarg);
            break;
        case OPT_DOMAIN:
            rc = cli_set_once(cmd, &domain, "--domain", optarg);
            break;
        case OPT_STATEMENT:
            rc = cli_set_once(cmd, &statement, "--statement", optarg);
            break;
        case OPT_NONCE:
            rc = cli_set_once(cmd, &nonce, "--nonce", optarg);
            break;
        case OPT_ISSUED_AT:
            rc = cli_set_once(cmd, &issued_at, "--issued-at", optarg);
            break;
        case CLI_OPT_PIN_SOURCE:
        case CLI_OPT_MODULE:
            rc = cli_token_option(cmd, c, optarg);
            break;
        case 'h':
            rc = cli_print_help(cmd);
            goto done;
        default:
            rc = CLI_EXIT_USAGE;
            break;
        }
    }
    if (rc != 0)
        goto done;

    /* Check every value before the key is touched. */
    if (key == NULL) {
        rc = cli_missing(cmd, "--key");
        goto done;
    }
    if (token != NULL && any_token) {
        rc = cli_usage_error(
            cmd, "give --capacity-token-id or --any-capacity-token, not both");
        goto done;
    }
    if (token == NULL && !any_token) {
        rc = cli_missing(cmd, "--capacity-token-id");
        goto done;
    }
    if (token != NULL && (rc = check_token_id(cmd, token)) != 0)
        goto done;
    if (no_delegatees && n_delegatees > 0) {
        rc = cli_usage_error(cmd, "--delegatee contradicts --no-delegatees");
        goto done;
    }
    for (i = 0; i < n_delegatees; i++)
        if ((rc = check_delegatee(cmd, delegatees[i])) != 0)
            goto done;
    if (uses != NULL) {
        if ((rc = cli_parse_u64(cmd, "--uses", uses, &uses_n)) != 0)
            goto done;
        snprintf(uses_text, sizeof(uses_text), "%" PRIu64, uses_n);
    }
    if (nonce == NULL) {
        rc = cli_missing(cmd, "--nonce");
        goto done;
    }
    if ((rc = cli_check_nonce(cmd, nonce)) != 0)
        goto done;
    if (issued_at != NULL) {
        rc = cli_parse_time(cmd, "--issued-at", issued_at, iat_text, &iat_ms);
        if (rc != 0)
            goto done;
    } else {
        /* One clock reading for the check below and the SIWE. */
        iat_ms = lithsm_time_now_ms();
        err = lithsm_time_format(iat_text, iat_ms);
        if (err != LITHSM_OK) {
            cli_lib_error(cmd, err, "cannot format the current time");
            rc = CLI_EXIT_FAIL;
            goto done;
        }
    }
    if (expiration != NULL) {
        rc = cli_parse_time(cmd, "--expiration", expiration, exp_text, &exp_ms);
        if (rc != 0)
            goto done;
        if (exp_ms <= iat_ms) {
            rc = cli_usage_error(
                cmd, "the expiration %s is not after issued-at", exp_text);
            goto done;
        }
    }

    memset(&params, 0, sizeof(params));
    params.capacity_token_id = token;
    params.delegatees = delegatees;
    params.n_delegatees = n_delegatees;
    params.delegatees_given = n_delegatees > 0 || no_delegatees;
    params.uses = uses != NULL ? uses_text : NULL;
    params.nonce = nonce;
    params.domain = domain;
    params.statement = statement;
    params.issued_at = iat_text;
    params.expiration = expiration != NULL ? exp_text : NULL;

    if ((rc = cli_open_signer(cmd, "key", key, &owner)) != 0)
        goto done;
    err = lithsm_delegation_authsig(&authsig, NULL, owner, &params);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot make the delegation");
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    rc = cli_print_text(cmd, authsig);
done:
    lithsm_free(authsig);
    lithsm_signer_free(owner);
    free((void *)delegatees);
    return rc;
}
