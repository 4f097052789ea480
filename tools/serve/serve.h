/*
 * serve.h - the inside of lithsm-serve, the signing service ('lithsm
 * serve'): config.c (the configuration file), main.c (start, the start
 * line, signals, drain), keys.c (the keys, their tokens' outages),
 * tls.c (mTLS and the caller's identity),
 * respond.c (answers, logs, audit records) and routes.c (the routes).
 *
 * One libmicrohttpd daemon with a thread per connection.  After start the
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

/* Defaults of the [serve] limits. */
#define SERVE_MAX_BODY_DEFAULT (64u * 1024u)
#define SERVE_MAX_BODY_LIMIT (8u * 1024u * 1024u)
#define SERVE_MAX_CONNECTIONS_DEFAULT 32u
#define SERVE_MAX_CONNECTIONS_LIMIT 1024u
#define SERVE_TIMEOUT_DEFAULT 30u

/* One key of [keys]. */
typedef struct serve_key {
    char *name;
    char *uri; /* a pkcs11: URI or a PEM path (resolved) */
    lithsm_signer *signer;
    pthread_mutex_t lock; /* signers have no lock of their own */
    int lock_ok;
    char address[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
} serve_key;

/* What the configuration file says (config.c). */
typedef struct serve_config {
    char host[64];
    uint16_t port;
    char *tls_cert, *tls_key, *client_ca, *audit, *policy;
    char *module, *pin_source;
    size_t max_body;
    unsigned max_connections;
    unsigned request_timeout_s;
    serve_key *keys;
    size_t n_keys;
} serve_config;

typedef struct serve {
    serve_config cfg;
    lithsm_audit *audit;
    lithsm_policy *policy; /* swapped on SIGHUP under policy_lock */
    pthread_mutex_t policy_lock;
    struct MHD_Daemon *daemon;
    char *cert_pem, *key_pem, *ca_pem;
    size_t key_pem_len;
    uint16_t port;
    atomic_uint in_flight;   /* requests between first call and completed */
    atomic_int audit_failed; /* an append failed: the trail is unusable */
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

/* Signs p with key k and makes the answer the CLI prints for the same
 * work.  Returns 0, or an HTTP status (503 when the token is not
 * available, else 500) with reason. */
int serve_payload_sign(json_object **answer, serve_payload *p, serve_key *k,
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
    const char *caller;      /* "subject:<DN>" */
    const char *fingerprint; /* 64 hex */
    unsigned status;
    const char *route;     /* "healthz", "sign/message", ... */
    const char *key;       /* NULL: none */
    json_object *request;  /* borrowed: the parsed body, or NULL */
    const char *digest;    /* 0x + 64 hex, or NULL */
    const char *decision;  /* "allowed", "denied", "refused", "unavailable" */
    const char *rule;      /* NULL: none */
    const char *signature; /* NULL: nothing signed */
    json_object *answer;   /* owned: the response body */
    int retry_after;       /* 1: a Retry-After header (a 503 when full) */
} serve_outcome;

/* Appends the audit record of `o` (durable), then queues the answer; a
 * failed append answers 503 instead, marks the trail failed and forgets
 * any signature.  Releases o->answer. */
enum MHD_Result serve_finish(serve *s, struct MHD_Connection *conn,
                             serve_outcome *o);

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
 * the lowercase hex SHA-256 of its certificate's DER into fingerprint.
 * Returns 0, or -1 when the connection has no verified certificate. */
int serve_caller(struct MHD_Connection *conn, char *subject, size_t subject_len,
                 char fingerprint[65]);

/* ---- routes.c */

enum MHD_Result serve_on_request(void *cls, struct MHD_Connection *conn,
                                 const char *url, const char *method,
                                 const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls);
void serve_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                        enum MHD_RequestTerminationCode toe);

#endif /* LITHSM_SERVE_H */
