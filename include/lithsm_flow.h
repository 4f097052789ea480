/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
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
 *  ops for another data store.  The contract of every op:
 *  - `ctx` is the one given to lithsm_store_new(); `key` is 1 to 200
 *    characters of [a-z0-9._-], not starting with '.' (checked before an
 *    op sees it), and `value` is NUL-terminated text of at most 1 MiB.
 *  - An op returns LITHSM_OK or any lithsm_err; liblithsm returns that code
 *    to its caller as it is (lithsm_last_error() cannot say more: the op
 *    has no way to set it).  get returning PARSE or RANGE says the entry is
 *    corrupt: liblithsm removes it and makes a new session.
 *  - Ops are called on the thread of the lithsm_get_session_sigs() call:
 *    a store shared by threads (or processes) needs ops that are safe
 *    concurrently.  Without a lock (lithsm_store_set_lock()) concurrent
 *    flows may each make a session and write an entry: the last write wins
 *    and every result is valid.  With one, the ops of a flow holding a
 *    key's lock (get, put, remove of that key) are called on the thread
 *    that took it, between its lock and unlock. */
typedef struct lithsm_store_ops {
    /* *value_out = NULL with LITHSM_OK when the key is absent; otherwise a
     * string allocated with malloc, which liblithsm wipes and frees (also
     * when the op fails); over 1 MiB is RANGE. */
    lithsm_err (*get)(void *ctx, const char *key, char **value_out);
    /* Replaces the value atomically: readers see the old or the new one.
     * `value` (it holds the session key's secret) is borrowed for the
     * call: copy it, and wipe the copies when they are dropped. */
    lithsm_err (*put)(void *ctx, const char *key, const char *value);
    /* Removing an absent key succeeds. */
    lithsm_err (*remove)(void *ctx, const char *key);
    /* Releases ctx; called once, by lithsm_store_free().  May be NULL. */
    void (*free)(void *ctx);
} lithsm_store_ops;

/** A session store; caller frees it with lithsm_store_free(), after the
 *  last call using it. */
typedef struct lithsm_store lithsm_store;

/** A store over the caller's ops (copied) and ctx (kept, handed to every
 *  op and to ops->free by lithsm_store_free).  On failure ctx stays the
 *  caller's: ops->free is not called.
 *  Returns: OK; INVALID_ARG for a NULL out or ops, or ops without get, put
 *  or remove; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_store_new(lithsm_store **out,
                                       const lithsm_store_ops *ops, void *ctx);

/** Gives `store` a lock per key, which lithsm_get_session_sigs() takes
 *  around making a new session: it reads the entry, and when there is
 *  no usable one it takes the lock, reads again (another process may have
 *  made one meanwhile) and only then signs a new one and writes it, so
 *  flows sharing the store make one session, not one each (the wallet
 *  signs once); a usable entry is used without the lock.  `lock` (called
 *  with the store's ctx and a valid key) waits for the key's lock, and
 *  should bound its wait: its errors are returned by the flow as they are
 *  (NETWORK while a database is away); `unlock` releases it, on the same
 *  thread, also when the flow failed in between.  A store without a lock
 *  (the default for lithsm_store_new()) skips both.
 *  lithsm_store_file_new() (flock on a ".lock-" file per key in its
 *  directory: processes on one host) and lithsm_store_postgres_new() (an
 *  advisory lock: every host) set their own, waiting at most 30 s;
 *  lithsm_store_wrapped_new() uses the inner store's.
 *  Returns: OK; INVALID_ARG for a NULL store, lock or unlock. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_store_set_lock(
    lithsm_store *store, lithsm_err (*lock)(void *ctx, const char *key),
    void (*unlock)(void *ctx, const char *key));

/** The default store: directory `dir` (created with mode 0700 if missing;
 *  its parent must exist), one 0600 file per key, replaced atomically, safe
 *  when several threads or processes share it.  The directory must not be
 *  a symbolic link, must belong to this user and not be writable by group
 *  or others.  Temporary files a crashed writer left (10 min old) are
 *  removed.  An entry that is a symbolic link, not a regular file, not
 *  this user's or not mode 0600 reads as corrupt (PARSE; the flow then
 *  removes it and makes a new session); removing an entry that is a
 *  directory moves it aside as ".bad-" + random hex, keeping its content.
 *  Returns: OK; INVALID_ARG for a NULL out, or dir NULL or empty; IO for a
 *  directory that cannot be created, opened or used as said; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_store_file_new(lithsm_store **out,
                                            const char *dir);

/** A store that keeps every entry of `inner` sealed under an AES-256 key
 *  in a PKCS#11 token, so that no session secret is ever at rest in
 *  plaintext.  `wrap_key_uri` is a pkcs11: URI of the key (CKO_SECRET_KEY,
 *  CKK_AES, 32 bytes, CKA_ENCRYPT and CKA_DECRYPT; e.g. made with
 *  `pkcs11-tool --login --keygen --key-type AES:32 --label store-wrap`):
 *  "pkcs11:token=T;object=store-wrap", type=secret-key being added when
 *  the URI has no type=.  It is opened here through the lithsm provider,
 *  with `opts` as lithsm_signer_open_token() takes them (may be NULL).
 *  Each put is AES-256-GCM computed by the token (C_Encrypt, CKM_AES_GCM),
 *  with a fresh random 96-bit IV and a 128-bit tag, bound to the entry's
 *  name (AAD), and written to `inner` as the text "lithsm-wrap-v1:" +
 *  base64url(IV || ciphertext || tag) + "\n"; each get decrypts it in the
 *  token (C_Decrypt).  The plaintext is never kept: liblithsm wipes the
 *  copies it makes.
 *  An entry that is not such a text (a plaintext entry written by a store
 *  without wrapping included), or that does not decrypt (a byte changed, a
 *  different key, another entry's data) reads as corrupt: PARSE, so
 *  lithsm_get_session_sigs() removes it and makes a new session.  A token
 *  that cannot be reached fails the op with PKCS11 (and
 *  lithsm_last_error_token_unavailable() is 1 when the token or module is
 *  only absent now); the key is opened again on the next op, so a token
 *  put back is used without a restart.  Nothing is ever read or written in
 *  plaintext instead.  The ops are safe to call from several threads at
 *  once when inner's are (the file store's are).
 *  Why this is the default rather than a session key living in the token
 *  as an Ed25519 key (CKM_EDDSA): a request reusing a session costs one
 *  token call (C_Decrypt) and then every node signature in software,
 *  against one C_Sign per node per request.  Measured on SoftHSM2 2.6,
 *  one thread (tests/integration/bench_wrap.c, `make bench`): a 100-node
 *  request 9.3 ms wrapped against 55 ms with C_Sign(CKM_EDDSA) (5.9x;
 *  3 nodes 0.40 against 1.6 ms), and a network HSM's per-call latency
 *  only widens that; the wrapped store's get is one C_Decrypt (about
 *  6,300 gets/s against 49,000 for the plain file store, nothing next to
 *  the signatures), and a put is dominated by the file store's fsync
 *  (0.87x of its put+get rate).  And a session key in the token would be
 *  a token object per wallet and scope, to be found, listed, expired and
 *  destroyed on tokens shared with other applications, where the AES key
 *  is one object made once.  What wrapping does not give: while a session
 *  is used its secret is in the process's memory (wiped after use), as it
 *  is without a token; at rest it is only ever sealed.
 *  On success the new store owns `inner` (lithsm_store_free() frees both);
 *  on failure `inner` stays the caller's.  Caller frees *out with
 *  lithsm_store_free().
 *  Returns: OK; INVALID_ARG for a NULL out, inner or wrap_key_uri, a URI
 *  that is not pkcs11: or has a type= other than secret-key, or opts that
 *  lithsm_signer_open_token() refuses; PARSE for a URI with an empty
 *  attribute; PKCS11 if the provider, the token or the key cannot be
 *  opened (not found, several keys match, login failed); KEY for an object
 *  that is not such a key; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_store_wrapped_new(lithsm_store **out,
                                               lithsm_store *inner,
                                               const char *wrap_key_uri,
                                               const lithsm_token_opts *opts);

/** Calls ops->free(ctx) (if set) and frees.  NULL is a no-op. */
LITHSM_API void lithsm_store_free(lithsm_store *store);

/** A caller's wallet: receives the session SIWE parameters (borrowed for
 *  the call) and `arg` (the flow's auth_arg), and sets *authsig_json_out to
 *  the wallet AuthSig JSON, allocated with malloc; liblithsm frees it, also
 *  when the callback fails.  Returns LITHSM_OK or a code that
 *  lithsm_get_session_sigs() returns as it is.  Called on the caller's
 *  thread, at most twice per flow (see lithsm_get_session_sigs). */
typedef lithsm_err (*lithsm_auth_callback)(
    char **authsig_json_out, const lithsm_session_siwe_params *params,
    void *arg);

/** What lithsm_get_session_sigs() signs; pointers are borrowed for the
 *  call; NULL / 0 members take the default said. */
typedef struct lithsm_flow_params {
    const char *const *node_urls; /* filled from the client when NULL; each
                                   * passes lithsm_node_url_check() */
    size_t n_nodes;               /* > 0 when node_urls is given */
    const char *nonce;     /* latest blockhash; from the client when NULL */
    lithsm_signer *wallet; /* the wallet key, or (exactly one of the two): */
    lithsm_auth_callback auth_callback;
    void *auth_arg; /* handed to auth_callback, not used otherwise */
    const lithsm_requests *requests; /* required: 1 or more requests */
    /* AuthSig JSON of capacity delegations, in order (the wallet AuthSig
     * comes after them); not NULL when n_capabilities > 0. */
    const char *const *capabilities;
    size_t n_capabilities;
    const char *expiration;  /* RFC 3339, after now; default now + 24 h */
    const char *domain;      /* default "localhost" */
    const char *statement;   /* default LITHSM_DEFAULT_STATEMENT */
    lithsm_store *store;     /* NULL: nothing is cached */
    const char *store_scope; /* e.g. the network name, [a-z0-9._-] not
                              * starting with '.'; default "default" */
    int64_t now_ms;          /* 0: the clock; the Issued At and issuedAt */
} lithsm_flow_params;

/** getSessionSigs: the session key and wallet AuthSig come from the store
 *  while still valid for these requests (re-signed when the SDK's
 *  checkNeedToResignSessionKey would), then one SessionSig per node.  The
 *  store holds one entry per (store_scope, wallet), written when the key or
 *  the AuthSig is new.  The SessionSigs expire at the requested expiration,
 *  or at a reused wallet AuthSig's own Expiration Time when that comes
 *  first.  An auth callback's AuthSig is checked like a stored one; if it
 *  fails, the callback is called once more and that AuthSig is used.
 *  `client` may be NULL when node_urls and nonce are given.
 *  Caller frees *json_out (lithsm_free).
 *  Returns: OK; INVALID_ARG for a NULL json_out or p, no request, both or
 *  neither of wallet and auth_callback, n_capabilities without
 *  capabilities, node_urls with n_nodes 0, an expiration not after now, no
 *  nonce (or no node_urls) and no client, or a store_scope that makes no
 *  store key; PARSE for an expiration not RFC 3339; RANGE for now_ms
 *  outside the years 0000-9999 or a store entry over 1 MiB; PROTOCOL for a
 *  client without nodes, or a second callback AuthSig that is not an
 *  object with string sig, signedMessage and address; what
 *  lithsm_client_blockhash(), lithsm_wallet_authsig(),
 *  lithsm_sessionsigs(), the auth callback and the store's ops return (the
 *  file store's: IO); CRYPTO if no session key can be made; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_get_session_sigs(char **json_out,
                                              lithsm_client *client,
                                              const lithsm_flow_params *p);

/** What an offline run may fix beyond lithsm_flow_params, so that it can
 *  be repeated byte for byte (test vectors).  Both members may be NULL. */
typedef struct lithsm_offline_params {
    /* Borrowed for the call; NULL: a new random key. */
    const lithsm_session_key *session_key;
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
 *  Caller frees *json_out (lithsm_free).
 *  Returns: OK; INVALID_ARG for a NULL json_out or p, a store or an
 *  auth_callback, no wallet, no request, no node_urls, n_nodes or nonce,
 *  n_capabilities without capabilities, or an expiration not after both
 *  issued times; PARSE for an expiration or session_issued_at not RFC
 *  3339; RANGE for now_ms outside the years 0000-9999; what
 *  lithsm_session_key_generate(), lithsm_wallet_authsig() and
 *  lithsm_sessionsigs() return; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err
lithsm_get_session_sigs_offline(char **json_out, const lithsm_flow_params *p,
                                const lithsm_offline_params *o);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_FLOW_H */
