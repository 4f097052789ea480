/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli_net.h - the network options shared by session-sigs and verify
 * (--network, --rpc/--staking, --min-nodes, --ca-file, --insecure,
 * --timeout-ms, --retries, --proxy) and the connection they describe.
 */
#ifndef LITHSM_CLI_NET_H
#define LITHSM_CLI_NET_H

#include "cli.h"

/* getopt values of the network options, clear of the commands' own. */
enum {
    CLI_NET_NETWORK = 0x1000,
    CLI_NET_RPC,
    CLI_NET_STAKING,
    CLI_NET_MIN_NODES,
    CLI_NET_CA_FILE,
    CLI_NET_INSECURE,
    CLI_NET_TIMEOUT_MS,
    CLI_NET_RETRIES,
    CLI_NET_PROXY
};

/* The struct option lines for a command's option table. */
#define CLI_NET_LONGOPTS                                               \
    { "network", required_argument, NULL, CLI_NET_NETWORK },           \
        { "rpc", required_argument, NULL, CLI_NET_RPC },               \
        { "staking", required_argument, NULL, CLI_NET_STAKING },       \
        { "min-nodes", required_argument, NULL, CLI_NET_MIN_NODES },   \
        { "ca-file", required_argument, NULL, CLI_NET_CA_FILE },       \
        { "insecure", no_argument, NULL, CLI_NET_INSECURE },           \
        { "timeout-ms", required_argument, NULL, CLI_NET_TIMEOUT_MS }, \
        { "proxy", required_argument, NULL, CLI_NET_PROXY },           \
    {                                                                  \
        "retries", required_argument, NULL, CLI_NET_RETRIES            \
    }

typedef struct cli_net_opts {
    const char *network, *rpc, *staking, *ca_file;
    const char *min_nodes, *timeout_ms, *retries, *proxy;
    int insecure;
} cli_net_opts;

/** 1 when getopt value `c` is a network option. */
int cli_net_is_option(int c);

/** Stores network option `c`.  Returns 0 or CLI_EXIT_USAGE. */
int cli_net_set(const cli_command *cmd, cli_net_opts *o, int c,
                const char *arg);

/** 1 when --network, --rpc or --staking was given. */
int cli_net_has_network(const cli_net_opts *o);

/** 1 when any network option was given. */
int cli_net_any(const cli_net_opts *o);

/** Fills what the options leave out from lithsm.conf: network (unless a
 *  network option or `n_nodes` nodes are given), ca-file (unless
 *  --insecure), timeout, retries, proxy; notes each (-v). */
void cli_net_conf(const cli_command *cmd, cli_net_opts *o, size_t n_nodes);

/** Checks the options, with cli_net_conf()'s additions, and fills the
 *  library's connection parameters (they borrow from `o`, lithsm.conf's
 *  values and `nodes`).  Returns 0 or CLI_EXIT_USAGE. */
int cli_net_params(const cli_command *cmd, const cli_net_opts *o,
                   const char *const *nodes, size_t n_nodes,
                   lithsm_client_params *p);

/** Connects with checked parameters; warns on stderr about every node that
 *  failed.  Returns 0, CLI_EXIT_TEMPFAIL when the network could not be
 *  reached (too few nodes answered) or CLI_EXIT_FAIL. */
int cli_net_open(const cli_command *cmd, const lithsm_client_params *p,
                 lithsm_client **out);

/** Connects to the network (or to the explicit `nodes`), after checking
 *  the options; warns on stderr about every node that failed.
 *  Returns 0, CLI_EXIT_USAGE, CLI_EXIT_TEMPFAIL or CLI_EXIT_FAIL. */
int cli_net_connect(const cli_command *cmd, const cli_net_opts *o,
                    const char *const *nodes, size_t n_nodes,
                    lithsm_client **out);

#endif /* LITHSM_CLI_NET_H */
