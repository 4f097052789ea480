/*
 * lithsm_node.h - the Lit node client: networks, validator discovery,
 * the parallel handshake and its consensus (included by lithsm.h).
 */
#ifndef LITHSM_NODE_H
#define LITHSM_NODE_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lithsm_client lithsm_client;

/** Where the nodes come from: a preset network ("datil", "datil-test",
 *  "datil-dev"), a custom one (rpc_url + staking), or explicit node URLs. */
typedef struct lithsm_client_params {
    const char *network;
    const char *rpc_url;
    const char *staking;          /* "0x" + 40 hex */
    const char *const *node_urls; /* explicit nodes, no discovery */
    size_t n_nodes;
    size_t min_nodes;    /* threshold for explicit nodes; 0: all of them */
    const char *ca_file; /* trust anchors (PEM) used instead of the
                          * system CAs; NULL: system CAs */
    int insecure_tls;    /* 1: do not verify TLS (explicit opt-out) */
    long timeout_ms;     /* per request; 0: 10000 */
    int retries;         /* per node after the first try; -1: default 2 */
} lithsm_client_params;

/** Discovers the nodes (unless given), handshakes with all in parallel and
 *  succeeds when at least the threshold answered.  On failure
 *  lithsm_last_error() names every node that failed and why.
 *  Caller frees with lithsm_client_free(). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_client_connect(lithsm_client **out,
                                            const lithsm_client_params *p);

LITHSM_API void lithsm_client_free(lithsm_client *client);

/** The nodes that answered the handshake, in listed order (borrowed). */
LITHSM_API size_t lithsm_client_node_count(const lithsm_client *client);
LITHSM_API const char *lithsm_client_node_url(const lithsm_client *client,
                                              size_t i);

/** The consensus latest blockhash ("0x" + 64 hex), re-handshaking first
 *  when the cached one is older than 30 s. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_client_blockhash(lithsm_client *client,
                                              char out[67]);

/** The handshake report: {"latestBlockhash","networkPublicKey",...,
 *  "epoch","threshold","nodes":[{"url","ok","error"}...]}.  Caller frees. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_client_report_json(char **out,
                                                const lithsm_client *client);

/** Sends every node its entry of a SessionSigs map on the devnet's check
 *  route and returns [{"node","verdict","errorCode","status",...}].
 *  verdict is "accept", "reject" (errorCode and status are the node's), or
 *  "error" when the node gave no usable answer (detail says why).
 *  Caller frees. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_client_check_session_sigs(
    char **verdicts_json, lithsm_client *client, const char *session_sigs_json);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_NODE_H */
