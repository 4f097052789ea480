/*
 * lithsm_flow.h - the session store and the whole getSessionSigs flow
 * (included by lithsm.h).
 */
#ifndef LITHSM_FLOW_H
#define LITHSM_FLOW_H

#ifdef __cplusplus
extern "C" {
#endif

/** A key-value store for session keys and wallet AuthSigs.  Implement the
 *  ops for another data store; values are text, keys are [a-z0-9._-]. */
typedef struct lithsm_store_ops {
    /* *value_out = NULL with LITHSM_OK when the key is absent; the value is
     * allocated with malloc and freed by liblithsm. */
    lithsm_err (*get)(void *ctx, const char *key, char **value_out);
    /* Replaces the value atomically: readers see the old or the new one. */
    lithsm_err (*put)(void *ctx, const char *key, const char *value);
    lithsm_err (*remove)(void *ctx, const char *key);
    void (*free)(void *ctx);
} lithsm_store_ops;

typedef struct lithsm_store lithsm_store;

/** A store over the caller's ops; ctx is handed to them (and to ops->free
 *  by lithsm_store_free). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_store_new(lithsm_store **out,
                                       const lithsm_store_ops *ops, void *ctx);

/** The default store: one directory, one 0600 file per key, replaced
 *  atomically, safe when several processes share it. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_store_file_new(lithsm_store **out,
                                            const char *dir);

LITHSM_API void lithsm_store_free(lithsm_store *store);

/** A caller's wallet: receives the session SIWE parameters and returns the
 *  wallet AuthSig JSON (malloc'd; liblithsm frees it). */
typedef lithsm_err (*lithsm_auth_callback)(
    char **authsig_json_out, const lithsm_session_siwe_params *params,
    void *arg);

typedef struct lithsm_flow_params {
    const char *const *node_urls; /* filled from the client when NULL */
    size_t n_nodes;
    const char *nonce;     /* filled from the client when NULL */
    lithsm_signer *wallet; /* the wallet key, or: */
    lithsm_auth_callback auth_callback;
    void *auth_arg;
    const lithsm_requests *requests;
    const char *const *capabilities; /* capacity delegations, in order */
    size_t n_capabilities;
    const char *expiration;  /* default now + 24 h */
    const char *domain;      /* default "localhost" */
    const char *statement;   /* default LITHSM_DEFAULT_STATEMENT */
    lithsm_store *store;     /* NULL: nothing is cached */
    const char *store_scope; /* e.g. the network name; default "default" */
    int64_t now_ms;          /* 0: the clock */
} lithsm_flow_params;

/** getSessionSigs: the session key and wallet AuthSig come from the store
 *  while still valid for these requests (re-signed when the SDK's
 *  checkNeedToResignSessionKey would), then one SessionSig per node.  The
 *  store holds one entry per (store_scope, wallet).  The SessionSigs expire
 *  at the requested expiration, or at a reused wallet AuthSig's own
 *  Expiration Time when that comes first.
 *  `client` may be NULL when node_urls and nonce are given.
 *  Caller frees *json_out. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_get_session_sigs(char **json_out,
                                              lithsm_client *client,
                                              const lithsm_flow_params *p);

/** What an offline run may fix beyond lithsm_flow_params, so that it can
 *  be repeated byte for byte (test vectors). */
typedef struct lithsm_offline_params {
    const lithsm_session_key *session_key; /* NULL: a new random key */
    const char *session_issued_at; /* the SessionSigs' issuedAt (RFC 3339);
                                      NULL: the wallet SIWE's Issued At */
} lithsm_offline_params;

/** getSessionSigs without a network or a store: the wallet signs a fresh
 *  AuthSig for the session key, then one SessionSig per node.  From `p`:
 *  node_urls, n_nodes and nonce are required; wallet must be a signer (no
 *  auth_callback) and store NULL (store_scope is not used); requests,
 *  capabilities, expiration, domain, statement and now_ms (the wallet
 *  SIWE's Issued At) mean what they mean for lithsm_get_session_sigs.
 *  `o` may be NULL.  The output equals lithsm_get_session_sigs' without a
 *  client and a store for the same session key and clock.
 *  Errors: LITHSM_ERR_INVALID_ARG (a parameter missing or in conflict, an
 *  expiration not after the issued times), LITHSM_ERR_PARSE (a time that
 *  is not RFC 3339), and those of the signer and lithsm_sessionsigs.
 *  Caller frees *json_out (lithsm_free). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err
lithsm_get_session_sigs_offline(char **json_out, const lithsm_flow_params *p,
                                const lithsm_offline_params *o);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_FLOW_H */
