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
    "NAME\n"
    "    lithsm handshake - connect to a Lit network and print the\n"
    "    handshake consensus\n"
    "\n"
    "SYNOPSIS\n"
    "    lithsm handshake --network NAME [OPTION]...\n"
    "    lithsm handshake --rpc URL --staking ADDR [OPTION]...\n"
    "    lithsm handshake --node URL [--node URL]... [OPTION]...\n"
    "\n"
    "DESCRIPTION\n"
    "    Finds the nodes of a Lit network, as the Lit JS SDK does, by\n"
    "    calling the staking contract's\n"
    "    getActiveUnkickedValidatorStructsAndCounts() over JSON-RPC (or\n"
    "    takes the nodes given), then POSTs the SDK's handshake to every\n"
    "    node in parallel.  Each request has its own timeout and is retried\n"
    "    a bounded number of times with backoff.  The handshake succeeds\n"
    "    when at least the threshold of nodes answered: the network's\n"
    "    minNodeCount, or for --node all the nodes unless --min-nodes says\n"
    "    fewer.  Prints one JSON object:\n"
    "\n"
    "        {\"latestBlockhash\":HASH,\"networkPublicKey\":...,\n"
    "         \"networkPublicKeySet\":...,\"subnetPublicKey\":...,\n"
    "         \"hdRootPubkeys\":[...],\n"
    "         \"epoch\":N|null,\"threshold\":N,\"connected\":N,\n"
    "         \"requestId\":\"lit_...\",\"network\":NAME|\"custom\"|null,\n"
    "         \"handshakeAt\":TIME,\n"
    "         \"nodes\":[{\"url\":URL,\"ok\":true|false,\"error\":TEXT|null,\n"
    "                   \"latestBlockhash\":HASH|null,\n"
    "                   \"serverPublicKey\":KEY|null,\"ms\":N,\n"
    "                   \"attempts\":N,\"disagrees\":[FIELD...]}...]}\n"
    "\n"
    "    Each consensus field is the value most nodes gave; a tie goes to\n"
    "    the value of the earliest listed node (the JS SDK takes the later\n"
    "    one).  serverPublicKey is each node's own key, so it is listed per\n"
    "    node.  A node whose answer is\n"
    "    unusable (timeout, refused connection, HTTP error, bad JSON, bad\n"
    "    blockhash) has ok false and says why in error.  A node that\n"
    "    answered but differs from the consensus stays connected and lists\n"
    "    the fields in disagrees.\n"
    "\n"
    "    Discovered nodes are reached over https.  The one exception is a\n"
    "    local devnet without TLS: for a custom network whose RPC URL is\n"
    "    http://127.x.x.x, validators on 127.0.0.0/8 are reached over http\n"
    "    unless --ca-file or --insecure is given.\n"
    "\n"
    "OPTIONS\n"
    "    --network NAME     A preset network: datil, datil-test or\n"
    "                       datil-dev (staking contracts on Yellowstone,\n"
    "                       chain 175188).\n"
    "    --rpc URL          The JSON-RPC endpoint of a custom network;\n"
    "                       needs --staking.\n"
    "    --staking ADDR     The staking contract of a custom network\n"
    "                       (0x + 40 hex).\n"
    "    --node URL         A node to use without discovery\n"
    "                       (https://host:port, no trailing slash).\n"
    "                       Repeatable.  No epoch is sent.\n"
    "    --min-nodes N      How many nodes must answer.  For --node,\n"
    "                       default all of them; for a network, it can only\n"
    "                       raise minNodeCount.\n"
    "    --ca-file FILE     Trust the PEM certificates in FILE instead of\n"
    "                       the system's.\n"
    "    --insecure         Do not verify TLS certificates (tests only).\n"
    "    --timeout-ms N     The time limit of each request; default 10000.\n"
    "    --retries N        Further tries of a request after a connection\n"
    "                       failure, timeout or HTTP 502/503/504; default 2.\n"
    "    -h, --help         Show this page.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 when at least the threshold of nodes answered, 1 otherwise (the\n"
    "    error names every failed node and why), 2 on a usage error.\n"
    "\n"
    "EXAMPLES\n"
    "    The consensus of the Datil network:\n"
    "\n"
    "        lithsm handshake --network datil\n"
    "\n"
    "    A local devnet, with two of its three nodes enough:\n"
    "\n"
    "        lithsm devnet --nodes 3 > devnet.json &\n"
    "        sleep 1\n"
    "        RPC=$(sed 's/.*\"rpc\":\"\\([^\"]*\\)\".*/\\1/' devnet.json)\n"
    "        STAKING=$(sed 's/.*\"staking\":\"\\([^\"]*\\)\".*/\\1/' "
    "devnet.json)\n"
    "        lithsm handshake --rpc \"$RPC\" --staking \"$STAKING\" \\\n"
    "            --min-nodes 2 --timeout-ms 2000\n"
    "\n"
    "    Two explicit nodes, both required:\n"
    "\n"
    "        lithsm handshake --node https://node1.example:7470 \\\n"
    "            --node https://node2.example:7470\n",
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
