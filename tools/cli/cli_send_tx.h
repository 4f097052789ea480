/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli_send_tx.h - the --send step of 'lithsm sign-tx': its options
 * (--send, --rpc, --max-fee, --timeout and the shared --ca-file,
 * --insecure, --proxy, --timeout-ms of cli_net.h), their checks, and the
 * run that fills, signs, sends and prints {"raw","hash","from","receipt"}.
 */
#ifndef LITHSM_CLI_SEND_TX_H
#define LITHSM_CLI_SEND_TX_H

#include "cli_net.h"

/* getopt values of the options of its own, clear of cli_net.h's. */
enum { CLI_SEND_SEND = 0x1100, CLI_SEND_MAX_FEE, CLI_SEND_TIMEOUT };

/* The struct option lines for sign-tx's option table. */
#define CLI_SEND_LONGOPTS                                              \
    { "send", no_argument, NULL, CLI_SEND_SEND },                      \
        { "rpc", required_argument, NULL, CLI_NET_RPC },               \
        { "max-fee", required_argument, NULL, CLI_SEND_MAX_FEE },      \
        { "timeout", required_argument, NULL, CLI_SEND_TIMEOUT },      \
        { "ca-file", required_argument, NULL, CLI_NET_CA_FILE },       \
        { "insecure", no_argument, NULL, CLI_NET_INSECURE },           \
        { "timeout-ms", required_argument, NULL, CLI_NET_TIMEOUT_MS }, \
    {                                                                  \
        "proxy", required_argument, NULL, CLI_NET_PROXY                \
    }

typedef struct cli_send_opts {
    int send;
    const char *max_fee, *timeout;
    cli_net_opts net; /* rpc, ca_file, insecure, timeout_ms, proxy */
    /* set by cli_send_check() */
    uint8_t cap[32];
    int has_cap;
    long receipt_ms, request_ms;
} cli_send_opts;

/** 1 when getopt value `c` is one of the options above. */
int cli_send_is_option(int c);

/** Stores option `c`.  Returns 0 or CLI_EXIT_USAGE. */
int cli_send_set(const cli_command *cmd, cli_send_opts *o, int c,
                 const char *arg);

/** Checks the options: --send needs --rpc, the others need --send; reads
 *  --max-fee (wei, decimal) and --timeout (seconds).  Returns 0 or
 *  CLI_EXIT_USAGE. */
int cli_send_check(const cli_command *cmd, cli_send_opts *o);

/** Fills what tx leaves out from the RPC, signs with `signer`, sends,
 *  waits for the receipt and prints {"raw","hash","from","receipt"}.  A
 *  reverted transaction is printed, then reported as an error.  Returns
 *  0, CLI_EXIT_TEMPFAIL (the node could not be reached or no receipt came
 *  in time) or CLI_EXIT_FAIL. */
int cli_send_run(const cli_command *cmd, const cli_send_opts *o,
                 const char *key, lithsm_tx *tx, lithsm_signer *signer);

/** sign-tx's run on a transaction already built (sign-tx's file,
 *  chipotle tx): opens the key, then signs and prints {"raw","hash",
 *  "from"}, or with send->send fills, signs, sends and prints with the
 *  receipt.  Returns 0, CLI_EXIT_TEMPFAIL or CLI_EXIT_FAIL. */
int cli_sign_tx_run(const cli_command *cmd, const char *key,
                    const cli_send_opts *send, lithsm_tx *tx);

#endif /* LITHSM_CLI_SEND_TX_H */
