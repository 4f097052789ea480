/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_session_sigs.c - lithsm session-sigs: SessionSigs for a list of Lit
 * nodes, as the JS SDK's getSessionSigs makes them with a wallet callback.
 * The library does the whole flow: lithsm_get_session_sigs connected or
 * with a store, lithsm_get_session_sigs_offline otherwise.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli_conf.h"
#include "cli_net.h"
#include "cli_siwe.h"
#include "util/safe_file.h"

/* Lit nodes refuse a session whose expiration is more than 30 days after
 * its issuedAt (node check_expiration_validity). */
#define SESSION_MAX_MS (30LL * 24 * 3600 * 1000)
#define DAY_MS (24LL * 3600 * 1000)

enum {
    OPT_WALLET = 256,
    OPT_DELEGATION,
    OPT_RESOURCE,
    OPT_ABILITY,
    OPT_DATA,
    OPT_NODE,
    OPT_SESSION_ISSUED_AT,
    OPT_SEED_FILE,
    OPT_STORE
};

/* The options (strings borrowed from argv), then what check makes of
 * them. */
typedef struct session_opts {
    const char *wallet, *session_issued_at, *seed_file, *store;
    cli_siwe_opts siwe;
    cli_net_opts net;
    const char **delegations, **resources, **abilities, **datas, **nodes;
    size_t n_delegations, n_resources, n_abilities, n_datas, n_nodes;
    int connected; /* no --nonce: the network gives nonce and nodes */
    lithsm_client_params net_params;
    /* The wallet SIWE's times (the expiration, default +24 h, is the
     * SessionSigs' too) and the SessionSigs' issuedAt (default the
     * wallet's). */
    cli_siwe_times t;
    char session_iat[LITHSM_TIME_LEN + 1];
    lithsm_requests *reqs;
} session_opts;

/* ------------------------------------------------------------------------
 * parse
 */

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

/* A request half: --resource or --ability. */
static int push_request(const cli_command *cmd, session_opts *o, int c,
                        const char *arg)
{
    int rc;

    if (c == OPT_RESOURCE)
        rc = cli_push(cmd, &o->resources, &o->n_resources, arg);
    else
        rc = cli_push(cmd, &o->abilities, &o->n_abilities, arg);
    return rc != 0 ? rc : sync_datas(cmd, o);
}

static int session_option(const cli_command *cmd, void *opts, int c,
                          const char *arg)
{
    session_opts *o = opts;

    switch (c) {
    case OPT_WALLET:
        return cli_set_once(cmd, &o->wallet, "--wallet", arg);
    case OPT_DELEGATION:
        return cli_push(cmd, &o->delegations, &o->n_delegations, arg);
    case OPT_RESOURCE:
    case OPT_ABILITY:
        return push_request(cmd, o, c, arg);
    case OPT_DATA:
        return set_data(cmd, o, arg);
    case OPT_NODE:
        return cli_push(cmd, &o->nodes, &o->n_nodes, arg);
    case OPT_SESSION_ISSUED_AT:
        return cli_set_once(cmd, &o->session_issued_at, "--session-issued-at",
                            arg);
    case OPT_SEED_FILE:
        return cli_set_once(cmd, &o->seed_file, "--session-seed-file", arg);
    case OPT_STORE:
        return cli_set_once(cmd, &o->store, "--store", arg);
    default:
        return cli_siwe_is_option(c) ? cli_siwe_set(cmd, &o->siwe, c, arg)
                                     : cli_net_set(cmd, &o->net, c, arg);
    }
}

/* ------------------------------------------------------------------------
 * check
 */

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

/* The wallet, the requests paired up, and where nonce and nodes come
 * from: --node with --nonce offline, else the network. */
static int check_sources(const cli_command *cmd, session_opts *o)
{
    int rc;

    if (o->wallet == NULL)
        return cli_missing(cmd, "--wallet");
    if (o->n_resources == 0 && o->n_abilities == 0)
        return cli_missing(cmd, "--resource/--ability");
    if (o->n_resources != o->n_abilities)
        return cli_usage_error(
            cmd, "%zu --resource but %zu --ability (they pair up)",
            o->n_resources, o->n_abilities);
    /* Without --nonce, --node or a network option (or lithsm.conf's
     * network) means: connect. */
    o->connected = o->siwe.nonce == NULL &&
                   (o->n_nodes > 0 || cli_net_has_network(&o->net) ||
                    cli_conf_get(CLI_CONF_NETWORK, NULL) != NULL);
    if (!o->connected && cli_net_any(&o->net))
        return cli_usage_error(cmd, "--nonce is for offline use with --node; "
                                    "connected, the nonce is the nodes' "
                                    "blockhash");
    /* Connected to a network, the network lists the nodes. */
    if ((!o->connected || o->n_nodes > 0) && (rc = check_nodes(cmd, o)) != 0)
        return rc;
    if (o->connected)
        return 0;
    if (o->siwe.nonce == NULL)
        return cli_missing(cmd, "--nonce");
    return cli_check_nonce(cmd, o->siwe.nonce);
}

static int check_times(const cli_command *cmd, session_opts *o)
{
    cli_siwe_times *t = &o->t;
    int64_t siat_ms;
    int rc;

    if ((rc = cli_siwe_times_get(cmd, &o->siwe, DAY_MS, t)) != 0)
        return rc;
    siat_ms = t->iat_ms;
    memcpy(o->session_iat, t->iat, sizeof(t->iat));
    if (o->session_issued_at != NULL &&
        (rc = cli_parse_time(cmd, "--session-issued-at", o->session_issued_at,
                             o->session_iat, &siat_ms)) != 0)
        return rc;
    if (t->exp_ms <= t->iat_ms || t->exp_ms <= siat_ms)
        return cli_usage_error(cmd, "the expiration %s is not after issued-at",
                               t->exp);
    if (t->exp_ms - siat_ms > SESSION_MAX_MS)
        return cli_usage_error(cmd,
                               "a session over 30 days is refused by nodes");
    return 0;
}

/* The resource-ability requests; a bad one is a usage error. */
static int build_requests(const cli_command *cmd, session_opts *o)
{
    lithsm_ability ability;
    lithsm_err err;
    size_t i;

    err = lithsm_requests_new(&o->reqs);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot start the request list");
        return CLI_EXIT_FAIL;
    }
    for (i = 0; i < o->n_resources; i++) {
        if (lithsm_ability_from_name(&ability, o->abilities[i]) != LITHSM_OK)
            return cli_usage_error(cmd, "unknown ability '%s'",
                                   o->abilities[i]);
        err = lithsm_requests_add(o->reqs, o->resources[i], o->abilities[i],
                                  o->datas[i]);
        if (err != LITHSM_OK) {
            cli_lib_error(cmd, err,
                          "request %zu (--resource '%s' --ability '%s')", i + 1,
                          o->resources[i], o->abilities[i]);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

static int session_check(const cli_command *cmd, void *opts)
{
    session_opts *o = opts;
    const char *src;
    int rc;

    if ((rc = check_sources(cmd, o)) != 0 || (rc = check_times(cmd, o)) != 0 ||
        (rc = build_requests(cmd, o)) != 0)
        return rc;
    if (o->store == NULL && o->session_issued_at == NULL &&
        o->seed_file == NULL &&
        (o->store = cli_conf_get(CLI_CONF_STORE, &src)) != NULL)
        cli_note(cmd, 1, "store %s (from %s)", o->store, src);
    if ((o->connected || o->store != NULL) &&
        (o->session_issued_at != NULL || o->seed_file != NULL))
        return cli_usage_error(cmd, "--session-issued-at and "
                                    "--session-seed-file are for offline use "
                                    "(--node with --nonce) without --store");
    if (!o->connected)
        return 0;
    return cli_net_params(cmd, &o->net, o->n_nodes > 0 ? o->nodes : NULL,
                          o->n_nodes, &o->net_params);
}

/* ------------------------------------------------------------------------
 * run
 */

/* What a run holds, released by run_free(). */
typedef struct session_run {
    char **bufs;       /* the delegation files' text */
    const char **caps; /* the delegations, trimmed, in order */
    lithsm_session_key *skey;
    lithsm_store *store;
    lithsm_signer *wallet;
    lithsm_client *client;
} session_run;

/* The text without the white space around it: the end is cut off with
 * NULs, the start returned, *len made the length left. */
static char *trim(char *text, size_t *len)
{
    while (*len > 0 && isspace((unsigned char)text[*len - 1]))
        text[--*len] = '\0';
    while (*len > 0 && isspace((unsigned char)*text)) {
        text++;
        --*len;
    }
    return text;
}

/* Reads an AuthSig file; *text points into *buf.  Returns 0 or
 * CLI_EXIT_FAIL. */
static int read_delegation(const cli_command *cmd, const char *path, char **buf,
                           const char **text)
{
    static const char *const fields[] = { "sig", "derivedVia", "signedMessage",
                                          "address" };
    char what[512];
    json_object *obj = NULL, *v;
    size_t len, i;

    if (cli_read_file(cmd, "delegation file", path, buf, &len) != 0)
        return CLI_EXIT_FAIL;
    snprintf(what, sizeof(what), "delegation file '%s'", path);
    if (cli_parse_json(cmd, what, *buf, len, &obj) != 0)
        return CLI_EXIT_FAIL;
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
    *text = trim(*buf, &len);
    return 0;
fail:
    json_object_put(obj);
    return CLI_EXIT_FAIL;
}

static int read_delegations(const cli_command *cmd, const session_opts *o,
                            session_run *r)
{
    size_t i;
    int rc;

    r->bufs = calloc(o->n_delegations + 1, sizeof(*r->bufs));
    r->caps = calloc(o->n_delegations + 1, sizeof(*r->caps));
    if (r->bufs == NULL || r->caps == NULL) {
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    for (i = 0; i < o->n_delegations; i++)
        if ((rc = read_delegation(cmd, o->delegations[i], &r->bufs[i],
                                  &r->caps[i])) != 0)
            return rc;
    return 0;
}

/* The session key of a seed file (wiped after use). */
static int read_session_key(const cli_command *cmd, const char *seed_file,
                            lithsm_session_key **out)
{
    char *text = NULL;
    const char *hex;
    size_t len = 0, hex_len;
    uint8_t seed[32];
    lithsm_err err;
    int rc = CLI_EXIT_FAIL;

    if (cli_read_secret_file(cmd, "session seed file", seed_file, &text,
                             &len) != 0)
        return CLI_EXIT_FAIL;
    lithsm_lock_secret(seed, sizeof(seed));
    hex_len = len;
    hex = trim(text, &hex_len);
    /* The seed's digits are never echoed: the message names the file. */
    if (lithsm_hex_decode(seed, sizeof(seed), hex, hex_len) != LITHSM_OK) {
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
    lithsm_wipe(seed, sizeof(seed));
    lithsm_unlock_secret(seed, sizeof(seed));
    cli_free_file(text, len);
    return rc;
}

/* Files, store, keys and network, in that order. */
static int run_open(const cli_command *cmd, const session_opts *o,
                    session_run *r)
{
    lithsm_err err;
    int rc;

    if ((rc = read_delegations(cmd, o, r)) != 0)
        return rc;
    if (o->seed_file != NULL &&
        (rc = read_session_key(cmd, o->seed_file, &r->skey)) != 0)
        return rc;
    if (o->store != NULL) {
        err = lithsm_store_file_new(&r->store, o->store);
        if (err != LITHSM_OK) {
            cli_lib_error(cmd, err, "cannot use the store '%s'", o->store);
            return CLI_EXIT_FAIL;
        }
    }
    if ((rc = cli_open_signer(cmd, "wallet key", o->wallet, &r->wallet)) != 0)
        return rc;
    if (o->connected)
        return cli_net_open(cmd, &o->net_params, &r->client);
    return 0;
}

static void run_free(const session_opts *o, session_run *r)
{
    size_t i;

    lithsm_client_free(r->client);
    lithsm_signer_free(r->wallet);
    lithsm_store_free(r->store);
    lithsm_session_key_free(r->skey);
    for (i = 0; r->bufs != NULL && i < o->n_delegations; i++)
        free(r->bufs[i]);
    free(r->bufs);
    free((void *)r->caps);
}

/* The library's getSessionSigs: connected to the network (or the --node
 * list without --nonce), or with --store, the session key and the wallet
 * AuthSig coming from the store while they are still good; else offline,
 * with the session key and issuedAt the options may fix. */
static lithsm_err make_session_sigs(char **out, const session_opts *o,
                                    const session_run *r)
{
    lithsm_flow_params fp;
    lithsm_offline_params off;

    memset(&fp, 0, sizeof(fp));
    if (!o->connected) {
        fp.node_urls = o->nodes;
        fp.n_nodes = o->n_nodes;
        fp.nonce = o->siwe.nonce;
    }
    fp.wallet = r->wallet;
    fp.requests = o->reqs;
    fp.capabilities = r->caps;
    fp.n_capabilities = o->n_delegations;
    fp.expiration = o->siwe.expiration != NULL ? o->t.exp : NULL;
    fp.domain = o->siwe.domain;
    fp.statement = o->siwe.statement;
    fp.store = r->store;
    fp.store_scope = o->net_params.network; /* NULL unless connected */
    fp.now_ms = o->siwe.issued_at != NULL ? o->t.iat_ms : 0;
    if (o->connected || r->store != NULL)
        return lithsm_get_session_sigs(out, r->client, &fp);

    memset(&off, 0, sizeof(off));
    off.session_key = r->skey;
    off.session_issued_at =
        o->session_issued_at != NULL ? o->session_iat : NULL;
    return lithsm_get_session_sigs_offline(out, &fp, &off);
}

static int session_exec(const cli_command *cmd, void *opts)
{
    const session_opts *o = opts;
    session_run r;
    char *out = NULL;
    lithsm_err err;
    int rc;

    memset(&r, 0, sizeof(r));
    if ((rc = run_open(cmd, o, &r)) == 0) {
        err = make_session_sigs(&out, o, &r);
        if (err != LITHSM_OK) {
            cli_lib_error(cmd, err, "cannot make the SessionSigs");
            rc = cli_exit_for(err);
        } else {
            rc = cli_print_text(cmd, out);
        }
    }
    lithsm_free(out);
    run_free(o, &r);
    return rc;
}

static void session_done(void *opts)
{
    session_opts *o = opts;

    lithsm_requests_free(o->reqs);
    free((void *)o->delegations);
    free((void *)o->resources);
    free((void *)o->abilities);
    free((void *)o->datas);
    free((void *)o->nodes);
}

static const struct option session_longopts[] = {
    { "wallet", required_argument, NULL, OPT_WALLET },
    { "delegation", required_argument, NULL, OPT_DELEGATION },
    { "resource", required_argument, NULL, OPT_RESOURCE },
    { "ability", required_argument, NULL, OPT_ABILITY },
    { "data", required_argument, NULL, OPT_DATA },
    { "node", required_argument, NULL, OPT_NODE },
    CLI_SIWE_LONGOPTS,
    { "session-issued-at", required_argument, NULL, OPT_SESSION_ISSUED_AT },
    { "session-seed-file", required_argument, NULL, OPT_SEED_FILE },
    { "store", required_argument, NULL, OPT_STORE },
    CLI_TOKEN_OPTIONS,
    CLI_NET_LONGOPTS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps session_steps = {
    session_longopts, sizeof(session_opts), session_option,
    session_check,    session_exec,         session_done,
};

static int session_main(const cli_command *cmd, int argc, char **argv)
{
    return cli_run(cmd, &session_steps, argc, argv);
}

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
    session_main,
};
