/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_handshake.c - lithsm handshake: find a Lit network's nodes,
 * handshake with all of them in parallel and print the consensus.
 */
#include <stdlib.h>
#include <string.h>

#include "cli_net.h"

enum { OPT_NODE = 256 };

typedef struct handshake_opts {
    cli_net_opts net;
    const char **nodes;
    size_t n_nodes;
    lithsm_client_params params; /* from check */
} handshake_opts;

static int handshake_option(const cli_command *cmd, void *opts, int c,
                            const char *arg)
{
    handshake_opts *o = opts;
    int rc;

    if (c != OPT_NODE)
        return cli_net_set(cmd, &o->net, c, arg);
    if ((rc = cli_check_node_url(cmd, arg)) != 0)
        return rc;
    return cli_push(cmd, &o->nodes, &o->n_nodes, arg);
}

static int handshake_check(const cli_command *cmd, void *opts)
{
    handshake_opts *o = opts;

    return cli_net_params(cmd, &o->net, o->nodes, o->n_nodes, &o->params);
}

static int handshake_exec(const cli_command *cmd, void *opts)
{
    const handshake_opts *o = opts;
    lithsm_client *client = NULL;
    char *report = NULL;
    lithsm_err err;
    int rc;

    if ((rc = cli_net_open(cmd, &o->params, &client)) != 0)
        return rc;
    err = lithsm_client_report_json(&report, client);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot build the report");
        rc = CLI_EXIT_FAIL;
    } else {
        rc = cli_print_text(cmd, report);
    }
    lithsm_free(report);
    lithsm_client_free(client);
    return rc;
}

static void handshake_done(void *opts)
{
    handshake_opts *o = opts;

    free(o->nodes);
}

static const struct option handshake_longopts[] = {
    CLI_NET_LONGOPTS,
    { "node", required_argument, NULL, OPT_NODE },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps handshake_steps = {
    handshake_longopts, sizeof(handshake_opts), handshake_option,
    handshake_check,    handshake_exec,         handshake_done,
};

static int handshake_main(const cli_command *cmd, int argc, char **argv)
{
    return cli_run(cmd, &handshake_steps, argc, argv);
}

const cli_command cmd_handshake = {
    "handshake",
    "connect to a Lit network and print the handshake consensus",
    "lithsm handshake (--network NAME | --rpc URL --staking ADDR |\n"
    "                  --node URL...) [--min-nodes N] [--ca-file FILE]\n"
    "                  [--insecure] [--timeout-ms N] [--retries N]\n"
    "                  [--proxy URL]",
    cli_help_handshake,
    handshake_main,
};
