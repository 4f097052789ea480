/*
 * cmd_handshake.c - lithsm handshake: find a Lit network's nodes,
 * handshake with all of them in parallel and print the consensus.
 */
#include <stdlib.h>
#include <string.h>

#include "cli_net.h"

static int handshake_run(const cli_command *cmd, int argc, char **argv);

const cli_command cmd_handshake = {
    "handshake",
    "connect to a Lit network and print the handshake consensus",
    "lithsm handshake (--network NAME | --rpc URL --staking ADDR |\n"
    "                  --node URL...) [--min-nodes N] [--ca-file FILE]\n"
    "                  [--insecure] [--timeout-ms N] [--retries N]",
    cli_help_handshake,
    handshake_run,
};

/* Returns 0, -1 after --help, or an exit status. */
static int parse_options(const cli_command *cmd, int argc, char **argv,
                         cli_net_opts *net, const char ***nodes,
                         size_t *n_nodes)
{
    enum { OPT_NODE = 256 };
    static const struct option opts[] = {
        CLI_NET_LONGOPTS,
        { "node", required_argument, NULL, OPT_NODE },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c, rc = 0;

    while (rc == 0 && (c = cli_next_option(cmd, argc, argv, opts)) != -1) {
        if (cli_net_is_option(c)) {
            rc = cli_net_set(cmd, net, c, optarg);
        } else if (c == OPT_NODE) {
            rc = cli_check_node_url(cmd, optarg);
            if (rc == 0)
                rc = cli_push(cmd, nodes, n_nodes, optarg);
        } else if (c == 'h') {
            return -1;
        } else {
            rc = CLI_EXIT_USAGE;
        }
    }
    return rc;
}

static int handshake_run(const cli_command *cmd, int argc, char **argv)
{
    cli_net_opts net;
    const char **nodes = NULL;
    size_t n_nodes = 0;
    lithsm_client *client = NULL;
    char *report = NULL;
    lithsm_err err;
    int rc;

    memset(&net, 0, sizeof(net));
    rc = parse_options(cmd, argc, argv, &net, &nodes, &n_nodes);
    if (rc == -1)
        rc = cli_print_help(cmd);
    else if (rc == 0)
        rc = cli_net_connect(cmd, &net, nodes, n_nodes, &client);
    if (rc != 0 || client == NULL)
        goto done;
    rc = CLI_EXIT_FAIL;
    err = lithsm_client_report_json(&report, client);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot build the report");
        goto done;
    }
    if (cli_print_text(cmd, report) == 0)
        rc = CLI_EXIT_OK;
done:
    lithsm_free(report);
    lithsm_client_free(client);
    free(nodes);
    return rc;
}
