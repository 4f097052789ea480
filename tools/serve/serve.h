/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * serve.h - the inside of lithsm-serve, the signing service ('lithsm
 * serve'): config.c (the configuration file), main.c (start, the start
 * line, signals, drain), keys.c (the keys, their tokens' outages),
 * tls.c (mTLS and the caller's identity), respond.c (answers, logs,
 * audit records), routes.c (the routes), digest.c and sign.c (what a
 * signing route signs, and its signature), lit.c (the Lit routes:
 * session-sigs, delegations), metrics.c (GET /metrics), notify.c
 * (systemd's sd_notify), body.c (a signing request's members) and
 * listen.c (the unix socket and its callers' uids), pg.c (the PostgreSQL
 * locations: --migrate, the shared rate limits, the databases'
 * readiness).
 *
 * One libmicrohttpd daemon with a thread per connection for TLS, and one
 * more for the unix socket when configured.  After start the
 * configuration and the opened keys do not change; the mutable shared
 * things are the in-flight counter and the audit flag (atomics) and the
 * audit trail (its own lock).
 */
#ifndef LITHSM_SERVE_H
#define LITHSM_SERVE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "lithsm.h"

#include "common/command.h"

#define SERVE_JSON_FLAGS \
    (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define SERVE_JSON_DEPTH 64 /* of a request body */

/* Defaults of the [serve] limits. */
#define SERVE_MAX_BODY_DEFAULT (64u * 1024u)
#define SERVE_MAX_BODY_LIMIT (8u * 1024u * 1024u)
#define SERVE_MAX_CONNECTIONS_DEFAULT 32u
#define SERVE_MAX_CONNECTIONS_LIMIT 1024u
#define SERVE_TIMEOUT_DEFAULT 30u
#define SERVE_UNIX_MODE_DEFAULT 0660u

/* One key of [keys]. */
typedef struct serve_key {
    char *name;
    char *uri; /* a pkcs11: URI or a PEM path (resolved) */
    lithsm_signer *signer;
    /* Read-held to sign or probe (signing is thread-safe: requests for
     * one key run in parallel on the token's sessions), write-held to
     * replace the signer (keys.c reopening a token). */
    pthread_rwlock_t lock;
    int lock_ok;
    char address[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
} serve_key;

/* One [network.NAME] section: where the nodes come from (config.c), and
 * the one client every request naming it shares (lit.c). */
typedef struct serve_network {
    char *name;
    char *preset, *rpc, *staking, *ca_file, *proxy;
    char **nodes;
    size_t n_nodes, min_nodes; /* min_nodes 0: the library's default */
    long timeout_ms;           /* 0: the library's default */
    int retries;               /* -1: the library's default */
    int insecure;
    lithsm_client *client; /* NULL until connected */
    pthread_mutex_t lock;  /* the client has no lock of its own */
    int lock_ok;
} serve_network;

/* What the configuration file says (config.c). */
typedef struct serve_config {
    char host[64]; /* "": no TLS listener */
    uint16_t port;
    char *listen_unix; /* NULL: no unix socket */
    unsigned listen_unix_mode;
    int listen_unix_mode_set;
    char *tls_cert, *tls_key, *client_ca, *audit, *policy;
    char *module, *pin_source;
    size_t max_body;
    unsigned max_connections;
    unsigned request_timeout_s;
    serve_key *keys;
    size_t n_keys;
    char *store; /* the session store's folder or postgresql://, or NULL */
    char *store_wrap_key; /* the token AES key sealing it, or NULL */
    serve_network *networks;
    size_t n_networks;
    char *rate_limits; /* postgresql:// of the shared buckets, or NULL */
    char instance[65]; /* this instance's name in audit records */
} serve_config;

typedef struct serve_metrics serve_metrics;

/* The parts that may live in PostgreSQL (pg.c, metrics.c). */
typedef enum serve_db_part {
    SERVE_DB_AUDIT,
    SERVE_DB_STORE,
    SERVE_DB_RATES,
    SERVE_DB_PARTS
} serve_db_part;

/* The last probe of each database part (pg.c): why[i] "" when it
 * answered. */
typedef struct serve_db_state {
    pthread_mutex_t lock;
    int lock_ok;
    int64_t probed_ms; /* monotonic; 0: never */
    char why[SERVE_DB_PARTS][256];
} serve_db_state;

typedef struct serve {
    serve_config cfg;
    serve_metrics *metrics; /* metrics.c: its own lock */
    lithsm_audit *audit;
    lithsm_store *store;   /* sessions (lit.c); NULL: none kept */
    lithsm_policy *policy; /* swapped on SIGHUP under policy_lock */
    lithsm_rates *rates;   /* shared buckets of every policy, or NULL */
    serve_db_state db;     /* pg.c */
    pthread_mutex_t policy_lock;
    struct MHD_Daemon *daemon;      /* TLS; NULL when not configured */
    struct MHD_Daemon *unix_daemon; /* listen.c */
    int unix_fd;                    /* its listening socket, or -1 */
    int unix_bound;                 /* 1: the socket file is ours */
    unsigned long long unix_dev, unix_ino;
    char *cert_pem, *key_pem, *ca_pem;
    size_t key_pem_len;
    uint16_t port;
    atomic_uint in_flight;   /* requests between first call and completed */
    atomic_int audit_failed; /* an append to the file trail failed: it is
                                unusable until restarted (a PostgreSQL
                                trail recovers by itself) */
} serve;

/* ---- config.c */

/* Reads `path` (OpenSSL configuration syntax, parsed by NCONF) into *cfg;
 * on failure writes the reason into err (naming section/key) and returns
 * -1.  Relative paths in it are taken from the file's folder. */
int serve_config_load(serve_config *cfg, const char *path, char *err,
                      size_t err_len);
void serve_config_free(serve_config *cfg);

/* The key called name, or NULL. */
serve_key *serve_find_key(serve *s, const char *name);

/* ---- pg.c */

/* 1 when `where` is a PostgreSQL location (postgresql:// or
 * postgres://). */
int serve_is_pg(const char *where);

/* `where` as messages may show it: a PostgreSQL location without its
 * password, query and fragment; anything else as it is. */
void serve_redact(char *out, size_t size, const char *where);

/* Checks the PostgreSQL location of [serve] `key`: no password in it.
 * Returns 0, or -1 with err naming the key (and the redacted form). */
int serve_pg_check(const char *key, const char *uri, char *err, size_t err_len);

/* --migrate: creates or upgrades the schema at every PostgreSQL location
 * of cfg and prints {"migrated":[{"key","from","to"},...]}.  Returns
 * CLI_EXIT_OK, or CLI_EXIT_FAIL after cli_error naming the key. */
int serve_migrate(const cli_command *cmd, const serve_config *cfg);

/* Opens rate_limits (when configured) and gives it to s->policy. */
int serve_rates_open(const cli_command *cmd, serve *s);

/* /readyz: adds "audit" (true, or why not) and, for each part on
 * PostgreSQL, "store" and "rate_limits", to obj; the probes run at most
 * once a second.  Returns 1 when every part is ready, 0 when one is not,
 * -1 when obj cannot be filled. */
int serve_db_ready(serve *s, json_object *obj);

/* ---- digest.c */

/* A signing request's payload: route, its member (borrowed), what the
 * member parsed into, the digest it signs, and the signature given out
 * (for the audit record: the raw transaction for a transaction). */
typedef struct serve_payload {
    const char *route;
    json_object *member;
    lithsm_typed_data *td;
    lithsm_tx *tx;
    uint8_t digest[32];
    char *signature;
} serve_payload;

/* Parses the member of a signing route ("sign/message": the message
 * string, "sign/typed-data": the typed data, "sign/transaction": a
 * complete transaction) and computes its digest.  Returns 0, or -1 with
 * reason naming the bad field. */
int serve_payload_prepare(serve_payload *p, const char *route,
                          json_object *member, char *reason, size_t reason_len);
void serve_payload_free(serve_payload *p);

/* ---- sign.c */

/* Signs p with key k and makes the answer the CLI prints for the same
 * work.  Returns 0, or an HTTP status (503 when the token is not
 * available, else 500) with reason. */
int serve_payload_sign(json_object **answer, serve_payload *p, serve_key *k,
                       char *reason, size_t reason_len);

/* ---- body.c */

/* A signing route: its path, audit name and the one member besides "key"
 * its body holds. */
typedef struct serve_sign_route {
    const char *path, *name, *member;
    json_type type;
} serve_sign_route;

#define SERVE_N_SIGN_ROUTES 3
extern const serve_sign_route serve_sign_routes[SERVE_N_SIGN_ROUTES];

/* Checks a signing request's body (parsed JSON): an object of "key" (a
 * string) and the route's member (of its type); nothing else.  Returns 0
 * with both set (borrowed from body), or -1 with reason naming the field;
 * *key_out is set as soon as "key" is known good. */
int serve_sign_body_check(const char **key_out, json_object **member_out,
                          const serve_sign_route *r, json_object *body,
                          char *reason, size_t reason_len);

/* ---- keys.c */

/* Opens every key of [keys] once and learns its address (keys.c: how a
 * token that goes away is noticed and how it comes back).  Returns 0, or
 * -1 after cli_error naming the key. */
int serve_keys_open(const cli_command *cmd, serve *s);
void serve_keys_close(void);

/* One signature with `signer`, under the key's lock. */
typedef lithsm_err serve_sign_fn(void *arg, lithsm_signer *signer);

/* Signs with key k through fn.  When its token is not available, opens
 * the token keys again (at most once a second) and tries once more.
 * Returns 0, or 503 (token not available) or 500 with reason. */
int serve_key_sign(serve_key *k, serve_sign_fn *fn, void *arg, char *reason,
                   size_t reason_len);

/* /readyz: probes the token keys (at most once a second; the answer is
 * reused meanwhile), opening them again when one is down; adds
 * "name": "ok" or why not, per key, to obj.  Returns 1 when every key is
 * available, 0 when one is not, -1 when obj cannot be filled. */
int serve_keys_ready(json_object *obj);

/* ---- respond.c */

/* One JSON log line on stderr: {"time","level","msg"} plus `key`: value
 * when key is not NULL (a URI given as value is redacted by the caller). */
void serve_log(const char *level, const char *msg, const char *key,
               const char *value);

/* What one request did, for its audit record and answer. */
typedef struct serve_outcome {
    const char *caller;      /* "subject:<DN>", or "uid:<n>" (unix) */
    const char *fingerprint; /* 64 hex; NULL on the unix socket */
    unsigned status;
    const char *route;       /* "healthz", "sign/message", ... */
    const char *key;         /* NULL: none */
    json_object *request;    /* borrowed: the parsed body, or NULL */
    const char *digest;      /* 0x + 64 hex, or NULL */
    const char *decision;    /* "allowed", "denied", "refused", "unavailable" */
    const char *rule;        /* NULL: none */
    const char *signature;   /* NULL: nothing signed */
    const char *session_key; /* session-sigs: the session public key */
    json_object *answer;     /* owned: the response body */
    int retry_after;         /* 1: a Retry-After header (a 503 when full) */
    char *text;              /* owned: a text/plain body sent instead of
                              answer (GET /metrics), or NULL */
    uint64_t started;        /* serve_metrics_now() when the request began */
    const char *client;      /* the policy caller matched, "" or NULL: none */
} serve_outcome;

/* Appends the audit record of `o` (durable), then queues the answer; a
 * failed append answers 503 instead (with Retry-After on PostgreSQL),
 * marks a file trail failed and forgets any signature; counts it
 * (metrics.c).  healthz, readyz and metrics still answer when a
 * PostgreSQL trail is away.  Releases o->answer and o->text. */
enum MHD_Result serve_finish(serve *s, struct MHD_Connection *conn,
                             serve_outcome *o);

/* An answer that is the library's JSON text as it is (byte for byte what
 * the CLI prints, without its newline: signed JSON is never serialised
 * again), copied; NULL when memory runs out. */
json_object *serve_raw_answer(const char *text);

/* {"error":code,"reason":reason} (reason may be NULL), or NULL. */
json_object *serve_error_body(const char *code, const char *reason);

/* ---- tls.c */

/* Reads the PEM files of the certificate, its key and the client CA. */
int serve_tls_load(serve *s, char *err, size_t err_len);

/* Called by libmicrohttpd when a connection starts: makes the TLS
 * handshake require a client certificate that verifies against the
 * client CA. */
void serve_on_connection(void *cls, struct MHD_Connection *conn,
                         void **socket_context,
                         enum MHD_ConnectionNotificationCode toe);

/* The caller of a connection: "subject:<RFC 4514 DN>" into subject and
 * the lowercase hex SHA-256 of its certificate's DER into fingerprint;
 * on the unix socket "uid:<n>" and "" (serve_unix_caller).  Returns 0,
 * or -1 when the connection has no verified certificate. */
int serve_caller(struct MHD_Connection *conn, char *subject, size_t subject_len,
                 char fingerprint[65]);

/* ---- listen.c */

/* listen_unix_mode = octal mode (0 to 0777) into cfg. */
int serve_listen_mode_parse(serve_config *cfg, const char *v, char *err,
                            size_t err_len);

/* What to listen on: listen (with tls_cert, tls_key and client_ca) and/or
 * listen_unix.  Returns 0, or -1 with err naming the key. */
int serve_listen_check(const serve_config *cfg, char *err, size_t err_len);

/* The daemon options the TLS and unix daemons share (request callbacks,
 * limits, timeout, thread stack): writes SERVE_DAEMON_OPTIONS items at
 * opts and returns how many. */
#define SERVE_DAEMON_OPTIONS 4
size_t serve_daemon_options(struct MHD_OptionItem *opts, serve *s);

/* Makes the unix socket (when configured) and its daemon, without TLS.
 * Refuses a path that exists and is not a socket, or a socket someone
 * listens on; removes a stale one of ours. */
int serve_unix_start(const cli_command *cmd, serve *s);

/* Stops taking connections on the unix socket and removes its file. */
void serve_unix_quiesce(serve *s);

/* Stops the unix daemon (after the drain) and removes its file. */
void serve_unix_stop(serve *s);

/* The caller of a unix socket connection: "uid:<n>" from SO_PEERCRED,
 * fingerprint "".  Returns 1 when conn is on the unix socket and caller
 * is set, 0 when it is not (a TLS connection), -1 when the kernel does not
 * say who it is. */
int serve_unix_caller(struct MHD_Connection *conn, char *caller,
                      size_t caller_len, char fingerprint[65]);

/* ---- routes.c */

/* One request (routes.c's own). */
typedef struct serve_request serve_request;

/* Asks the policy about `req` on `route` with `key`: 1 when allowed
 * (o->rule set), else 0 after the 403 (or the 400 of a body the policy
 * cannot read) is made in o. */
int serve_ask_policy(serve *s, serve_request *req, const char *route,
                     const char *key, serve_outcome *o);

enum MHD_Result serve_on_request(void *cls, struct MHD_Connection *conn,
                                 const char *url, const char *method,
                                 const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls);
void serve_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                        enum MHD_RequestTerminationCode toe);

/* ---- metrics.c */

/* The counters of GET /metrics, made once at start; NULL: no memory. */
serve_metrics *serve_metrics_new(void);
void serve_metrics_free(serve_metrics *m);

/* A monotonic clock in ns: a request's start (serve_outcome.started). */
uint64_t serve_metrics_now(void);

/* Counts a finished request: its route, the status sent (503 when
 * audit_ok is 0: the trail refused its record), client, latency, a policy
 * denial, a token error, the audit append.  No allocation.  s->metrics
 * NULL: nothing. */
void serve_metrics_record(serve *s, const serve_outcome *o, int audit_ok);

/* Counts a request the database of `part` failed (it was answered 503).
 * s->metrics NULL: nothing. */
void serve_metrics_db_error(serve *s, serve_db_part part);

/* The Prometheus text (format 0.0.4) of every counter, freed with
 * free(); NULL when out of memory. */
char *serve_metrics_text(serve *s);

/* ---- notify.c */

typedef enum serve_notify_state {
    SERVE_NOTIFY_READY,     /* after the start line; after a reload */
    SERVE_NOTIFY_RELOADING, /* SIGHUP: before the policy is reloaded */
    SERVE_NOTIFY_STOPPING,  /* the drain starts */
} serve_notify_state;

/* Tells systemd (Type=notify, $NOTIFY_SOCKET; nothing when it is not set)
 * the state, with STATUS= and, when ready, MAINPID=.  A failure is
 * logged, never fatal. */
void serve_notify(serve *s, serve_notify_state state);

/* ---- lit.c */

/* What a Lit route signed, for its audit record (kept by the request). */
typedef struct serve_signed {
    char digest[2 + 64 + 1]; /* the EIP-191 hash of the SIWE signed */
    char signature[2 + 130 + 1];
    char session_key[64 + 1];
} serve_signed;

/* Opens the session store and connects to the networks (a network that
 * cannot be reached yet is tried again on its first request).  Returns
 * 0, or -1 after reporting. */
int serve_lit_open(const cli_command *cmd, serve *s);
void serve_lit_close(serve *s);

/* POST /v1/session-sigs and /v1/delegations: 1 when url is one of them
 * (o is then the answer), else 0. */
int serve_lit_answer(serve *s, serve_request *req, const char *url,
                     const char *method, const char *body, size_t len,
                     serve_signed *sig, serve_outcome *o);

#endif /* LITHSM_SERVE_H */
