/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_node.h - the Lit node client: networks, validator discovery,
 * the parallel handshake and its consensus (included by lithsm.h).
 */
#ifndef LITHSM_NODE_H
#define LITHSM_NODE_H

#ifdef __cplusplus
extern "C" {
#endif

/** A connection to a set of Lit nodes: their URLs, the handshake's
 *  consensus and an HTTP client.  Caller frees it with lithsm_client_free().
 *  No lock: while a call takes it non-const, no other call may use it. */
typedef struct lithsm_client lithsm_client;

/** Where the nodes come from: give exactly one of `network`, `rpc_url`
 *  with `staking`, or `node_urls` with `n_nodes`.  Strings are copied. */
typedef struct lithsm_client_params {
    /* A preset ("datil", "datil-test", "datil-dev"): its staking contract
     * on the Yellowstone chain lists the validators; or NULL. */
    const char *network;
    const char *rpc_url; /* a custom chain's JSON-RPC URL, http(s)://... */
    const char *staking; /* its staking contract: "0x" + 40 hex (EIP-55 if
                          * mixed case) */
    const char *const *node_urls; /* explicit nodes, no discovery: each
                                   * passes lithsm_node_url_check(), no
                                   * URL twice, at most 1024 */
    size_t n_nodes;
    /* The handshakes needed: explicit nodes: min_nodes (<= n_nodes), 0
     * for all; a network: its minimum node count, raised to min_nodes
     * (<= the validators). */
    size_t min_nodes;
    const char *ca_file; /* trust anchors (PEM) used instead of the
                          * system CAs; NULL: system CAs */
    int insecure_tls;    /* 1: do not verify TLS (explicit opt-out) */
    long timeout_ms;     /* per request, 0..600000; 0: 10000 */
    int retries;         /* per node after the first try, 0..10; -1: 2 */
    /* Added last (the struct carries no size: a caller built against an
     * older header must be rebuilt before it links this library).
     * NULL: no proxy at all, whatever http_proxy, https_proxy, ALL_PROXY
     * or no_proxy say (a signing tool does not follow the environment);
     * else the proxy for every request, as libcurl reads it
     * ("http://host:port", "socks5h://host:port"). */
    const char *proxy;
} lithsm_client_params;

/** Discovers the nodes (unless given), handshakes with all in parallel and
 *  succeeds when at least the threshold (min_nodes) answered; the nodes
 *  that failed stay out.  Discovered validators are reached over https
 *  (http for a loopback devnet RPC given by URL without ca_file or
 *  insecure_tls).  Caller frees *out with lithsm_client_free().
 *  Returns: OK; INVALID_ARG for a NULL, not exactly one node source, an
 *  unknown network, an RPC URL not http(s) or a staking address that does
 *  not parse, a node URL refused or repeated, min_nodes above the nodes,
 *  timeout_ms or retries out of range; NETWORK when libcurl cannot be
 *  loaded or fails, the RPC cannot be reached or answers an HTTP error, or
 *  fewer than the threshold answered (lithsm_last_error() names each node
 *  that failed and why); PROTOCOL for an RPC answer that is not a JSON-RPC
 *  result, no contract, a minimum node count of 0 or above the
 *  validators, an IP 0.0.0.0 or a bad port, or a validator listed twice; PARSE for a result that is not
 *  the staking ABI (hex, length, offsets); RANGE for over 1024 nodes, or a
 *  value too wide; CRYPTO if the random generator fails; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_client_connect(lithsm_client **out,
                                            const lithsm_client_params *p);

/** Frees the client and its connections.  NULL is a no-op. */
LITHSM_API void lithsm_client_free(lithsm_client *client);

/** The nodes that answered the last handshake, in listed order: their
 *  count (0 for a NULL client), and URL i (NULL for a NULL client or i out
 *  of range), borrowed: valid until lithsm_client_free(); a re-handshake
 *  (lithsm_client_blockhash) may change the list. */
LITHSM_API size_t lithsm_client_node_count(const lithsm_client *client);
LITHSM_API const char *lithsm_client_node_url(const lithsm_client *client,
                                              size_t i);

/** The consensus latest blockhash ("0x" + 64 hex, NUL-terminated; out
 *  needs 67 bytes), handshaking again first when the cached one is 30 s
 *  old (or the clock went back).  If that fails, the client keeps its
 *  previous handshake.
 *  Returns: OK; INVALID_ARG for a NULL; NETWORK, CRYPTO or NOMEM as the
 *  handshake of lithsm_client_connect(); PROTOCOL if the nodes agree on no
 *  valid blockhash. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_client_blockhash(lithsm_client *client,
                                              char out[67]);

/** The last handshake as JSON: the consensus "latestBlockhash",
 *  "networkPublicKey", "networkPublicKeySet", "subnetPublicKey",
 *  "hdRootPubkeys" (each null when no node gave it), "epoch" (null for explicit nodes),
 *  "threshold", "connected", "requestId", "network" (null for explicit
 *  nodes), "handshakeAt" (RFC 3339), and "nodes": [{"url","ok","error",
 *  "latestBlockhash","serverPublicKey","ms","attempts","disagrees"}...],
 *  disagrees listing the consensus fields the node answered otherwise.
 *  Caller frees *out.
 *  Returns: OK; INVALID_ARG for a NULL; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_client_report_json(char **out,
                                                const lithsm_client *client);

/** Sends each node of a SessionSigs map (JSON text, {node URL:
 *  SessionSig}) its own entry on the lithsm devnet's check route (real Lit
 *  nodes have none) and writes [{"node","verdict","errorCode","status",
 *  "detail"}...] in the map's order.  verdict is "accept", "reject"
 *  (errorCode and status are the node's), or "error" when the node gave no
 *  usable answer (detail says why; status 0 when it did not answer): a
 *  node's failure is a verdict, not an error.  Caller frees.
 *  Returns: OK; INVALID_ARG for a NULL; PARSE for text not JSON, not a
 *  non-empty object, a key not a node URL or an entry not an object; RANGE
 *  for text over 4 MiB or an integer beyond 2^53; NETWORK if libcurl
 *  fails; CRYPTO if the random generator fails; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_client_check_session_sigs(
    char **verdicts_json, lithsm_client *client, const char *session_sigs_json);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_NODE_H */
