/*
 * cmd_handshake.c - lithsm handshake: find a Lit network's nodes,
 * handshake with all of them in parallel and print the consensus.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Bounds of the numeric options (the library checks them too). */
#define TIMEOUT_MS_MAX 600000u
#define RETRIES_MAX 10u
#define MIN_NODES_MAX 1024u

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

typedef struct handshake_opts {
    const char *network, *rpc, *staking, *ca_file;
    const char *min_nodes, *timeout_ms, *retries;
    const char **nodes;
    size_t n_nodes;
    int insecure;
} handshake_opts;

/* Returns 0, -1 after --help, or an exit status. */
static int parse_options(const cli_command *cmd, int argc, char **argv,
                         handshake_opts *o)
{
    enum {
        OPT_NETWORK = 256,
        OPT_RPC,
        OPT_STAKING,
        OPT_NODE,
        OPT_MIN_NODES,
        OPT_CA_FILE,
        OPT_INSECURE,
        OPT_TIMEOUT_MS,
        OPT_RETRIES
    };
    static const struct option opts[] = {
        {"network", required_argument, NULL, OPT_NETWORK},
        {"rpc", required_argument, NULL, OPT_RPC},
        {"staking", required_argument, NULL, OPT_STAKING},
        {"node", required_argument, NULL, OPT_NODE},
        {"min-nodes", required_argument, NULL, OPT_MIN_NODES},
        {"ca-file", required_argument, NULL, OPT_CA_FILE},
        {"insecure", no_argument, NULL, OPT_INSECURE},
        {"timeout-ms", required_argument, NULL, OPT_TIMEOUT_MS},
        {"retries", required_argument, NULL, OPT_RETRIES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, rc = 0;

    while (rc == 0 && (c = cli_next_option(cmd, argc, argv, opts)) != -1) {
        switch (c) {
        case OPT_NETWORK:
            rc = cli_set_once(cmd, &o->network, "--network", optarg);
            break;
        case OPT_RPC:
            rc = cli_set_once(cmd, &o->rpc, "--rpc", optarg);
            break;
        case OPT_STAKING:
            rc = cli_set_once(cmd, &o->staking, "--staking", optarg);
            break;
        case OPT_NODE:
            rc = cli_check_node_url(cmd, optarg);
            if (rc == 0)
                rc = cli_push(cmd, &o->nodes, &o->n_nodes, optarg);
            break;
        case OPT_MIN_NODES:
            rc = cli_set_once(cmd, &o->min_nodes, "--min-nodes", optarg);
            break;
        case OPT_CA_FILE:
            rc = cli_set_once(cmd, &o->ca_file, "--ca-file", optarg);
            break;
        case OPT_INSECURE:
            o->insecure = 1;
            break;
        case OPT_TIMEOUT_MS:
            rc = cli_set_once(cmd, &o->timeout_ms, "--timeout-ms", optarg);
            break;
        case OPT_RETRIES:
            rc = cli_set_once(cmd, &o->retries, "--retries", optarg);
            break;
        case 'h':
            return -1;
        default:
            rc = CLI_EXIT_USAGE;
            break;
        }
    }
    return rc;
}

/* A bounded decimal option into *out; 0 or CLI_EXIT_USAGE. */
static int parse_bounded(const cli_command *cmd, const char *name,
                         const char *text, uint64_t lo, uint64_t hi,
                         uint64_t *out)
{
    if (cli_parse_u64(cmd, name, text, out) != 0)
        return CLI_EXIT_USAGE;
    if (*out < lo || *out > hi)
        return cli_usage_error(cmd, "option '%s': %s is not in %llu..%llu",
                               name, text, (unsigned long long)lo,
                               (unsigned long long)hi);
    return 0;
}

/* Fills the library's parameters; 0 or CLI_EXIT_USAGE. */
static int make_params(const cli_command *cmd, const handshake_opts *o,
                       lithsm_client_params *p)
{
    uint64_t v;
    int modes = (o->network != NULL) + (o->rpc != NULL || o->staking != NULL) +
                (o->n_nodes > 0);

    if (modes == 0)
        return cli_usage_error(cmd, "give --network, --rpc with --staking, "
                                    "or --node");
    if (modes > 1)
        return cli_usage_error(cmd, "--network, --rpc/--staking and --node "
                                    "exclude each other");
    if ((o->rpc != NULL) != (o->staking != NULL))
        return cli_missing(cmd, o->rpc != NULL ? "--staking" : "--rpc");
    if (o->insecure && o->ca_file != NULL)
        return cli_usage_error(cmd, "--insecure and --ca-file exclude each "
                                    "other");
    memset(p, 0, sizeof(*p));
    p->network = o->network;
    p->rpc_url = o->rpc;
    p->staking = o->staking;
    p->node_urls = o->n_nodes > 0 ? o->nodes : NULL;
    p->n_nodes = o->n_nodes;
    p->ca_file = o->ca_file;
    p->insecure_tls = o->insecure;
    p->retries = -1;
    if (o->min_nodes != NULL) {
        if (parse_bounded(cmd, "--min-nodes", o->min_nodes, 1, MIN_NODES_MAX,
                          &v) != 0)
            return CLI_EXIT_USAGE;
        if (o->n_nodes > 0 && v > o->n_nodes)
            return cli_usage_error(cmd,
                                   "--min-nodes %s is more than the %zu "
                                   "nodes given",
                                   o->min_nodes, o->n_nodes);
        p->min_nodes = (size_t)v;
    }
    if (o->timeout_ms != NULL) {
        if (parse_bounded(cmd, "--timeout-ms", o->timeout_ms, 1, TIMEOUT_MS_MAX,
                          &v) != 0)
            return CLI_EXIT_USAGE;
        p->timeout_ms = (long)v;
    }
    if (o->retries != NULL) {
        if (parse_bounded(cmd, "--retries", o->retries, 0, RETRIES_MAX, &v) !=
            0)
            return CLI_EXIT_USAGE;
        p->retries = (int)v;
    }
    return 0;
}

static int handshake_run(const cli_command *cmd, int argc, char **argv)
{
    handshake_opts o;
    lithsm_client_params p;
    lithsm_client *client = NULL;
    char *report = NULL;
    lithsm_err err;
    int rc;

    memset(&o, 0, sizeof(o));
    rc = parse_options(cmd, argc, argv, &o);
    if (rc == -1) {
        free(o.nodes);
        return cli_print_help(cmd);
    }
    if (rc == 0)
        rc = make_params(cmd, &o, &p);
    if (rc != 0) {
        free(o.nodes);
        return rc;
    }

    rc = CLI_EXIT_FAIL;
    err = lithsm_client_connect(&client, &p);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot connect");
        goto done;
    }
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
    free(o.nodes);
    return rc;
}
