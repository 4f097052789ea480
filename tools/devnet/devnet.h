/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * devnet.h - a local network of Lit-compatible node endpoints: the server
 * of the lithsm-devnet program ('lithsm devnet' runs it), as its command
 * line (cmd_devnet.c) starts and stops it.
 *
 * Every node is its own libmicrohttpd daemon on a loopback port, all in one
 * process, plus one JSON-RPC daemon that answers the staking contract's
 * validator query.  The nodes answer the handshake like a Datil node and
 * check SessionSigs with lithsm_verify_session_sig() on the devnet's own
 * route /web/lithsm/check_session_sig/v1.
 */
#ifndef LITHSM_DEVNET_H
#define LITHSM_DEVNET_H

#include <stddef.h>
#include <stdint.h>

#define DEVNET_MAX_NODES 200
#define DEVNET_CHAIN_ID 31337
/* Request bodies larger than this get HTTP 413. */
#define DEVNET_MAX_BODY (1024u * 1024u)
/* The longest --fault I:slow=MS delay. */
#define DEVNET_MAX_SLOW_MS 600000u

/* Fault bits of one node; they combine, except that a down node never
 * answers at all. */
#define DEVNET_FAULT_DOWN 0x01u      /* port bound, never listening */
#define DEVNET_FAULT_SLOW 0x02u      /* every answer waits slow_ms */
#define DEVNET_FAULT_BLOCKHASH 0x04u /* another latestBlockhash */
#define DEVNET_FAULT_GARBAGE 0x08u   /* 200 with a body that is not JSON */
#define DEVNET_FAULT_CLOSE 0x10u     /* connection closed, no answer */

typedef struct devnet_fault {
    unsigned flags;
    unsigned slow_ms;
} devnet_fault;

typedef struct devnet_config {
    size_t n_nodes;             /* 1 .. DEVNET_MAX_NODES */
    const char *host;           /* IPv4 dotted quad in 127.0.0.0/8 */
    int https;                  /* 1: TLS with a fresh self-signed cert */
    const char *cert_dir;       /* where the cert goes; NULL: a temp dir */
    uint64_t epoch;             /* the staking epoch number */
    size_t min_nodes;           /* 1 .. n_nodes */
    const char *blockhash;      /* "0x" + 64 hex */
    const devnet_fault *faults; /* n_nodes entries */
    uint64_t chain_id;          /* eth_chainId; 0: DEVNET_CHAIN_ID */
} devnet_config;

typedef struct devnet devnet;

/** Starts every daemon.  Returns 0, or -1 with a message in err.  Callers
 *  block SIGTERM/SIGINT first: the daemons' threads inherit the mask. */
int devnet_start(devnet **out, const devnet_config *cfg, char *err,
                 size_t err_len);

/** The JSON start line (no newline); free() it.  NULL when memory runs
 *  out. */
char *devnet_start_line(const devnet *net);

/** Stops every daemon, wakes slow answers, removes a temporary cert and
 *  frees.  NULL is a no-op. */
void devnet_stop(devnet *net);

#endif /* LITHSM_DEVNET_H */
