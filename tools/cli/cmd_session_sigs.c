/*
 * cmd_session_sigs.c - lithsm session-sigs: SessionSigs for a list of Lit
 * nodes, as the JS SDK's getSessionSigs makes them with a wallet callback.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli_net.h"

/* Lit nodes refuse a session whose expiration is more than 30 days after
 * its issuedAt (node check_expiration_validity). */
#define SESSION_MAX_MS (30LL * 24 * 3600 * 1000)
#define DAY_MS (24LL * 3600 * 1000)

static int session_sigs_run(const cli_command *cmd, int argc, char **argv);

const cli_command cmd_session_sigs = {
    "session-sigs",
    "make SessionSigs for Lit nodes with a wallet key",
    "lithsm session-sigs --wallet FILE [--delegation FILE]...\n"
    "              --resource PREFIX://ID --ability NAME [--data JSON]\n"
    "              [--resource ... --ability ... [--data ...]]...\n"
    "              (--node URL... --nonce HASH | --network NAME |\n"
    "               --rpc URL --staking ADDR | --node URL...)\n"
    "              [--store DIR] [--expiration T] [--domain D]\n"
    "              [--statement S] [--issued-at T] [--session-issued-at T]\n"
    "              [--session-seed-file FILE] [network options]\n"
    "              [--pin-source SRC] [--module PATH]",
    cli_help_session_sigs,
    session_sigs_run,
};

/* The options collected from the command line (strings borrowed from
 * argv). */
typedef struct session_opts {
    const char *wallet, *nonce, *expiration, *domain, *statement;
    const char *issued_at, *session_issued_at, *seed_file, *store;
    cli_net_opts net;
    const char **delegations, **resources, **abilities, **datas, **nodes;
    size_t n_delegations, n_resources, n_abilities, n_datas, n_nodes;
} session_opts;

static void session_opts_free(session_opts *o)
{
    free((void *)o->delegations);
    free((void *)o->resources);
    free((void *)o->abilities);
    free((void *)o->datas);
    free((void *)o->nodes);
}

/* Keeps one --data slot per request, so that --data lands on the request
 * given just before it. */
static int sync_datas(const cli_command *cmd, session_opts *o)
{
    size_t n =
        o->n_resources > o->n_abilities ? o->n_resources : o->n_abilities;
    int rc;

    while (o->n_datas < n)
        if ((rc = cli_push(cmd, &o->datas, &o->n_datas, NULL)) != 0)
            return rc;
    return 0;
}

static int set_data(const cli_command *cmd, session_opts *o, const char *json)
{
    if (o->n_datas == 0)
        return cli_usage_error(cmd, "--data must follow its --resource");
    if (o->datas[o->n_datas - 1] != NULL)
        return cli_usage_error(cmd, "--data is given twice for request %zu",
                               o->n_datas);
    o->datas[o->n_datas - 1] = json;
    return 0;
}

static int parse_options(const cli_command *cmd, int argc, char **argv,
                         session_opts *o)
{
    enum {
        OPT_WALLET = 256,
        OPT_DELEGATION,
        OPT_RESOURCE,
        OPT_ABILITY,
        OPT_DATA,
        OPT_NODE,
        OPT_NONCE,
        OPT_EXPIRATION,
        OPT_DOMAIN,
        OPT_STATEMENT,
        OPT_ISSUED_AT,
        OPT_SESSION_ISSUED_AT,
        OPT_SEED_FILE,
        OPT_STORE
    };
    static const struct option opts[] = {
        { "wallet", required_argument, NULL, OPT_WALLET },
        { "delegation", required_argument, NULL, OPT_DELEGATION },
        { "resource", required_argument, NULL, OPT_RESOURCE },
        { "ability", required_argument, NULL, OPT_ABILITY },
        { "data", required_argument, NULL, OPT_DATA },
        { "node", required_argument, NULL, OPT_NODE },
        { "nonce", required_argument, NULL, OPT_NONCE },
        { "expiration", required_argument, NULL, OPT_EXPIRATION },
        { "domain", required_argument, NULL, OPT_DOMAIN },
        { "statement", required_argument, NULL, OPT_STATEMENT },
        { "issued-at", required_argument, NULL, OPT_ISSUED_AT },
        { "session-issued-at", required_argument, NULL, OPT_SESSION_ISSUED_AT },
        { "session-seed-file", required_argument, NULL, OPT_SEED_FILE },
        { "store", required_argument, NULL, OPT_STORE },
        CLI_TOKEN_OPTIONS,
        CLI_NET_LONGOPTS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c, rc = 0;

    while (rc == 0 && (c = cli_next_option(cmd, argc, argv, opts)) != -1) {
        switch (c) {
        case OPT_WALLET:
            rc = cli_set_once(cmd, &o->wallet, "--wallet", optarg);
            break;
        case OPT_DELEGATION:
            rc = cli_push(cmd, &o->delegations, &o->n_delegations, optarg);
            break;
        case OPT_RESOURCE:
            rc = cli_push(cmd, &o->resources, &o->n_resources, optarg);
            if (rc == 0)
                rc = sync_datas(cmd, o);
            break;
        case OPT_ABILITY:
            rc = cli_push(cmd, &o->abilities, &o->n_abilities, optarg);
            if (rc == 0)
                rc = sync_datas(cmd, o);
            break;
        case OPT_DATA:
            rc = set_data(cmd, o, optarg);
            break;
        case OPT_NODE:
            rc = cli_push(cmd, &o->nodes, &o->n_nodes, optarg);
            break;
        case OPT_NONCE:
            rc = cli_set_once(cmd, &o->nonce, "--nonce", optarg);
            break;
        case OPT_EXPIRATION:
            rc = cli_set_once(cmd, &o->expiration, "--expiration", optarg);
            break;
        case OPT_DOMAIN:
            rc = cli_set_once(cmd, &o->domain, "--domain", optarg);
            break;
        case OPT_STATEMENT:
            rc = cli_set_once(cmd, &o->statement, "--statement", optarg);
            break;
        case OPT_ISSUED_AT:
            rc = cli_set_once(cmd, &o->issued_at, "--issued-at", optarg);
            break;
        case OPT_SESSION_ISSUED_AT:
            rc = cli_set_once(cmd, &o->session_issued_at, "--session-issued-at",
                              optarg);
            break;
        case OPT_SEED_FILE:
            rc =
                cli_set_once(cmd, &o->seed_file, "--session-seed-file", optarg);
            break;
        case OPT_STORE:
            rc = cli_set_once(cmd, &o->store, "--store", optarg);
            break;
        case CLI_OPT_PIN_SOURCE:
        case CLI_OPT_MODULE:
            rc = cli_token_option(cmd, c, optarg);
            break;
        case 'h':
            /* -1: print the help and stop, successfully. */
            return -1;
        default:
            rc = cli_net_is_option(c) ? cli_net_set(cmd, &o->net, c, optarg)
                                      : CLI_EXIT_USAGE;
            break;
        }
    }
    return rc;
}

/* Builds the resource-ability requests; a bad one is a usage error. */
static int build_requests(const cli_command *cmd, const session_opts *o,
                          lithsm_requests **out)
{
    lithsm_requests *reqs = NULL;
    lithsm_ability ability;
    lithsm_err err;
    size_t i;

    *out = NULL;
    err = lithsm_requests_new(&reqs);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot start the request list");
        return CLI_EXIT_FAIL;
    }
    for (i = 0; i < o->n_resources; i++) {
        if (lithsm_ability_from_name(&ability, o->abilities[i]) != LITHSM_OK) {
            lithsm_requests_free(reqs);
            return cli_usage_error(cmd, "unknown ability '%s'",
                                   o->abilities[i]);
        }
        err = lithsm_requests_add(reqs, o->resources[i], o->abilities[i],
                                  o->datas[i]);
        if (err != LITHSM_OK) {
            cli_lib_error(cmd, err,
                          "request %zu (--resource '%s' --ability '%s')", i + 1,
                          o->resources[i], o->abilities[i]);
            lithsm_requests_free(reqs);
            return CLI_EXIT_USAGE;
        }
    }
    *out = reqs;
    return 0;
}

static int check_nodes(const cli_command *cmd, const session_opts *o)
{
    size_t i, j;
    int rc;

    if (o->n_nodes == 0)
        return cli_missing(cmd, "--node");
    for (i = 0; i < o->n_nodes; i++) {
        if ((rc = cli_check_node_url(cmd, o->nodes[i])) != 0)
            return rc;
        for (j = 0; j < i; j++)
            if (strcmp(o->nodes[i], o->nodes[j]) == 0)
                return cli_usage_error(cmd, "node '%s' is given twice",
                                       o->nodes[i]);
    }
    return 0;
}

/* Reads an AuthSig file; *text points into *buf (trimmed).  Returns 0 or
 * CLI_EXIT_FAIL. */
static int read_delegation(const cli_command *cmd, const char *path, char **buf,
                           const char **text)
{
    static const char *const fields[] = { "sig", "derivedVia", "signedMessage",
                                          "address" };
    char what[512];
    json_object *obj = NULL, *v;
    size_t len, i;
    char *p;

    *text = NULL;
    if (cli_read_file(cmd, "delegation file", path, buf, &len) != 0)
        return CLI_EXIT_FAIL;
    snprintf(what, sizeof(what), "delegation file '%s'", path);
    if (cli_parse_json(cmd, what, *buf, len, &obj) != 0)
        goto fail;
    if (!json_object_is_type(obj, json_type_object)) {
        cli_error(cmd, "%s: not a JSON object (an AuthSig)", what);
        goto fail;
    }
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (!json_object_object_get_ex(obj, fields[i], &v) ||
            !json_object_is_type(v, json_type_string)) {
            cli_error(cmd, "%s: not an AuthSig (no string \"%s\")", what,
                      fields[i]);
            goto fail;
        }
    }
    json_object_put(obj);

    /* The library takes the object's text; surrounding space is noise. */
    p = *buf;
    while (*p != '\0' && isspace((unsigned char)*p))
        p++;
    while (len > 0 && isspace((unsigned char)(*buf)[len - 1]))
        (*buf)[--len] = '\0';
    *text = p;
    return 0;
fail:
    json_object_put(obj);
    free(*buf);
    *buf = NULL;
    return CLI_EXIT_FAIL;
}

/* The session key: from a seed file (wiped after use) or random. */
static int make_session_key(const cli_command *cmd, const char *seed_file,
                            lithsm_session_key **out)
{
    char *text = NULL;
    size_t len = 0, start = 0, end;
    uint8_t seed[32];
    lithsm_err err;
    int rc = CLI_EXIT_FAIL;

    *out = NULL;
    if (seed_file == NULL) {
        err = lithsm_session_key_generate(out);
        if (err != LITHSM_OK) {
            cli_lib_error(cmd, err, "cannot make a session key");
            return CLI_EXIT_FAIL;
        }
        return 0;
    }
    if (cli_read_file(cmd, "session seed file", seed_file, &text, &len) != 0)
        return CLI_EXIT_FAIL;
    end = len;
    while (start < end && isspace((unsigned char)text[start]))
        start++;
    while (end > start && isspace((unsigned char)text[end - 1]))
        end--;
    /* The seed's digits are never echoed: the message names the file. */
    if (lithsm_hex_decode(seed, sizeof(seed), text + start, end - start) !=
        LITHSM_OK) {
        cli_error(cmd, "session seed file '%s' does not hold 64 hex digits",
                  seed_file);
        goto done;
    }
    err = lithsm_session_key_from_seed(out, seed);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot use the session seed in '%s'",
                      seed_file);
        goto done;
    }
    rc = 0;
done:
    cli_wipe(seed, sizeof(seed));
    cli_free_secret(text, len);
    return rc;
}

/* The times: wallet Issued At (default now), expiration (default +24 h,
 * the same value for the wallet SIWE and the SessionSigs), session
 * issuedAt (default the wallet's). */
typedef struct session_times {
    char iat[LITHSM_TIME_LEN + 1];
    char exp[LITHSM_TIME_LEN + 1];
    char session_iat[LITHSM_TIME_LEN + 1];
} session_times;

static int resolve_times(const cli_command *cmd, const session_opts *o,
                         session_times *t)
{
    int64_t iat_ms, exp_ms, siat_ms;
    lithsm_err err;
    int rc;

    if (o->issued_at != NULL) {
        if ((rc = cli_parse_time(cmd, "--issued-at", o->issued_at, t->iat,
                                 &iat_ms)) != 0)
            return rc;
    } else {
        iat_ms = lithsm_time_now_ms();
        if ((err = lithsm_time_format(t->iat, iat_ms)) != LITHSM_OK) {
            cli_lib_error(cmd, err, "cannot format the current time");
            return CLI_EXIT_FAIL;
        }
    }
    if (o->expiration != NULL) {
        if ((rc = cli_parse_time(cmd, "--expiration", o->expiration, t->exp,
                                 &exp_ms)) != 0)
            return rc;
    } else {
        exp_ms = iat_ms + DAY_MS;
        if ((err = lithsm_time_format(t->exp, exp_ms)) != LITHSM_OK) {
            cli_lib_error(cmd, err, "cannot compute the default expiration");
            return CLI_EXIT_USAGE;
        }
    }
    if (o->session_issued_at != NULL) {
        if ((rc = cli_parse_time(cmd, "--session-issued-at",
                                 o->session_issued_at, t->session_iat,
                                 &siat_ms)) != 0)
            return rc;
    } else {
        memcpy(t->session_iat, t->iat, sizeof(t->iat));
        siat_ms = iat_ms;
    }
    if (exp_ms <= iat_ms || exp_ms <= siat_ms)
        return cli_usage_error(cmd, "the expiration %s is not after issued-at",
                               t->exp);
    if (exp_ms - siat_ms > SESSION_MAX_MS)
        return cli_usage_error(cmd,
                               "a session over 30 days is refused by nodes");
    return 0;
}

/* The library's getSessionSigs: connected to the network (or the --node
 * list without --nonce), or offline with --store; the session key and the
 * wallet AuthSig come from the store while they are still good. */
static int run_flow(const cli_command *cmd, const session_opts *o,
                    const session_times *t, const lithsm_requests *reqs,
                    const char *const *caps, size_t n_caps, int connected)
{
    lithsm_client *client = NULL;
    lithsm_store *store = NULL;
    lithsm_signer *wallet = NULL;
    lithsm_flow_params fp;
    char *out = NULL;
    int64_t iat_ms = 0;
    lithsm_err err;
    int rc;

    if (o->session_issued_at != NULL || o->seed_file != NULL)
        return cli_usage_error(cmd, "--session-issued-at and "
                                    "--session-seed-file are for offline use "
                                    "(--node with --nonce) without --store");
    if (o->issued_at != NULL && lithsm_time_parse(&iat_ms, t->iat) != LITHSM_OK)
        return cli_usage_error(cmd, "bad --issued-at %s", o->issued_at);
    if (o->store != NULL) {
        err = lithsm_store_file_new(&store, o->store);
        if (err != LITHSM_OK) {
            cli_lib_error(cmd, err, "cannot use the store '%s'", o->store);
            return CLI_EXIT_FAIL;
        }
    }
    if ((rc = cli_open_signer(cmd, "wallet key", o->wallet, &wallet)) != 0)
        goto done;
    if (connected &&
        (rc = cli_net_connect(cmd, &o->net, o->n_nodes > 0 ? o->nodes : NULL,
                              o->n_nodes, &client)) != 0)
        goto done;

    memset(&fp, 0, sizeof(fp));
    if (!connected) {
        fp.node_urls = o->nodes;
        fp.n_nodes = o->n_nodes;
        fp.nonce = o->nonce;
    }
    fp.wallet = wallet;
    fp.requests = reqs;
    fp.capabilities = caps;
    fp.n_capabilities = n_caps;
    fp.expiration = o->expiration != NULL ? t->exp : NULL;
    fp.domain = o->domain;
    fp.statement = o->statement;
    fp.store = store;
    fp.store_scope = o->net.network;
    fp.now_ms = iat_ms;
    err = lithsm_get_session_sigs(&out, client, &fp);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot make the SessionSigs");
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    rc = cli_print_text(cmd, out);
done:
    lithsm_free(out);
    lithsm_client_free(client);
    lithsm_signer_free(wallet);
    lithsm_store_free(store);
    return rc;
}

static int session_sigs_run(const cli_command *cmd, int argc, char **argv)
{
    session_opts o;
    session_times t;
    lithsm_requests *reqs = NULL;
    lithsm_session_key *skey = NULL;
    lithsm_signer *wallet = NULL;
    lithsm_session_siwe_params siwe;
    lithsm_sessionsigs_params sp;
    char **bufs = NULL;
    const char **caps = NULL;
    char *wallet_authsig = NULL, *out = NULL;
    char pubhex[65];
    size_t i, n_caps = 0;
    lithsm_err err;
    int rc, connected;

    memset(&o, 0, sizeof(o));
    rc = parse_options(cmd, argc, argv, &o);
    if (rc == -1) {
        rc = cli_print_help(cmd);
        goto done;
    }
    if (rc != 0)
        goto done;

    /* Check every option before a key or file is touched. */
    if (o.wallet == NULL) {
        rc = cli_missing(cmd, "--wallet");
        goto done;
    }
    if (o.n_resources == 0 && o.n_abilities == 0) {
        rc = cli_missing(cmd, "--resource/--ability");
        goto done;
    }
    if (o.n_resources != o.n_abilities) {
        rc = cli_usage_error(cmd,
                             "%zu --resource but %zu --ability (they pair up)",
                             o.n_resources, o.n_abilities);
        goto done;
    }
    /* Without --nonce, --node or a network option means: connect. */
    connected =
        o.nonce == NULL && (o.n_nodes > 0 || cli_net_has_network(&o.net));
    if (!connected && cli_net_any(&o.net)) {
        rc = cli_usage_error(cmd, "--nonce is for offline use with --node; "
                                  "connected, the nonce is the nodes' "
                                  "blockhash");
        goto done;
    }
    /* Connected to a network, the network lists the nodes. */
    if ((!connected || o.n_nodes > 0) && (rc = check_nodes(cmd, &o)) != 0)
        goto done;
    if (!connected && o.nonce == NULL) {
        rc = cli_missing(cmd, "--nonce");
        goto done;
    }
    if (!connected && (rc = cli_check_nonce(cmd, o.nonce)) != 0)
        goto done;
    if ((rc = resolve_times(cmd, &o, &t)) != 0)
        goto done;
    if ((rc = build_requests(cmd, &o, &reqs)) != 0)
        goto done;

    /* The capabilities: the delegations in order, the wallet's last. */
    bufs = calloc(o.n_delegations + 1, sizeof(*bufs));
    caps = calloc(o.n_delegations + 1, sizeof(*caps));
    if (bufs == NULL || caps == NULL) {
        cli_error(cmd, "out of memory");
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    for (i = 0; i < o.n_delegations; i++) {
        if ((rc = read_delegation(cmd, o.delegations[i], &bufs[i],
                                  &caps[n_caps])) != 0)
            goto done;
        n_caps++;
    }
    if (connected || o.store != NULL) {
        rc = run_flow(cmd, &o, &t, reqs, caps, n_caps, connected);
        goto done;
    }

    if ((rc = make_session_key(cmd, o.seed_file, &skey)) != 0)
        goto done;
    lithsm_session_key_public_hex(pubhex, skey);
    if ((rc = cli_open_signer(cmd, "wallet key", o.wallet, &wallet)) != 0)
        goto done;

    memset(&siwe, 0, sizeof(siwe));
    siwe.session_pubkey_hex = pubhex;
    siwe.requests = reqs;
    siwe.nonce = o.nonce;
    siwe.domain = o.domain;
    siwe.statement = o.statement;
    siwe.issued_at = t.iat;
    siwe.expiration = t.exp;
    err = lithsm_wallet_authsig(&wallet_authsig, wallet, &siwe);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot make the wallet AuthSig");
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    caps[n_caps++] = wallet_authsig;

    memset(&sp, 0, sizeof(sp));
    sp.node_urls = o.nodes;
    sp.n_nodes = o.n_nodes;
    sp.requests = reqs;
    sp.capabilities = caps;
    sp.n_capabilities = n_caps;
    sp.issued_at = t.session_iat;
    sp.expiration = t.exp;
    err = lithsm_sessionsigs(&out, skey, &sp);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot make the SessionSigs");
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    rc = cli_print_text(cmd, out);
done:
    lithsm_free(out);
    lithsm_free(wallet_authsig);
    lithsm_signer_free(wallet);
    lithsm_session_key_free(skey);
    if (bufs != NULL)
        for (i = 0; i < o.n_delegations; i++)
            free(bufs[i]);
    free(bufs);
    free((void *)caps);
    lithsm_requests_free(reqs);
    session_opts_free(&o);
    return rc;
}
