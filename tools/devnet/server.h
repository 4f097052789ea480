/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * server.h - the inside of the devnet server, shared by its files:
 * devnet.c (start, stop), routes.c (the node routes), rpc.c (the staking
 * JSON-RPC), respond.c (answers and request bodies) and tls.c (the
 * certificate).  Not used by cmd_devnet.c, which only sees devnet.h.
 *
 * One libmicrohttpd daemon per node, each with its own polling thread and
 * one thread per connection, so a slow node never holds up another.  The
 * handlers only read the devnet's configuration, which does not change
 * after start; the shared mutable things are the stop flag that wakes
 * slow answers (under net->lock) and the Ethereum check's state
 * (chain.c, under its own lock).
 */
#ifndef LITHSM_DEVNET_SERVER_H
#define LITHSM_DEVNET_SERVER_H

#include <arpa/inet.h>
#include <pthread.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "lithsm.h"

#include "common/command.h"
#include "devnet.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

typedef struct devnet_chain devnet_chain;

typedef struct devnet_node {
    devnet *net;
    size_t index;
    int is_rpc;
    int tls;
    devnet_fault fault;
    struct MHD_Daemon *daemon;
    int down_fd; /* a down node's bound, never listening socket */
    uint16_t port;
    char url[64];
    uint8_t address[20];
    char server_key[65];
} devnet_node;

struct devnet {
    size_t n_nodes;
    devnet_node *nodes;
    devnet_node rpc;
    int https;
    char host[INET_ADDRSTRLEN];
    uint32_t ip; /* host byte order */
    uint64_t epoch;
    size_t min_nodes;
    int64_t start_s;
    char blockhash[67];
    char other_blockhash[67]; /* what a blockhash-fault node answers */
    char staking[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    uint64_t chain_id;
    devnet_chain *chain; /* its own lock */
    char *cert_pem;
    char *key_pem;
    size_t key_pem_len;
    char *cert_path;
    char *temp_dir; /* made by us: removed at stop */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int sync_ready;
    int stopping;
};

/* One request's body as it arrives. */
typedef struct request {
    char *body;
    size_t len;
    int too_large;
    int answered; /* a response was queued before the body came */
} request;

/* ---- respond.c */

/* vsnprintf into err. */
void devnet_set_err(char *err, size_t err_len, const char *fmt, ...)
    CLI_PRINTF(3, 4);

/* Lowercase hex of n bytes, NUL-terminated (out holds 2n + 1). */
void devnet_hex_lower(char *out, const uint8_t *in, size_t n);

/* Queues an answer with a copy of body. */
enum MHD_Result devnet_respond(struct MHD_Connection *conn, unsigned status,
                               const char *type, const char *body, size_t len);

/* Answers with a json-c value and releases it; a NULL value (memory ran
 * out while building it) closes the connection. */
enum MHD_Result devnet_respond_json(struct MHD_Connection *conn,
                                    unsigned status, json_object *obj);

/* The Lit node error body (lit-api-core error/handler.rs):
 * {"errorKind","errorCode","status","message","correlationId","details"},
 * details holding detail1 and detail2 when not NULL. */
enum MHD_Result devnet_respond_error(struct MHD_Connection *conn,
                                     unsigned status, const char *kind,
                                     const char *code, const char *message,
                                     const char *correlation_id,
                                     const char *detail1, const char *detail2);

/* A request header, or NULL. */
const char *devnet_header(struct MHD_Connection *conn, const char *name);

/* Parses a request body strictly: one JSON value, UTF-8, bounded depth,
 * no NUL, nothing after it but white space.  NULL when it is not JSON. */
json_object *devnet_parse_body(const request *req);

/* ---- routes.c: libmicrohttpd's callbacks of every daemon */

enum MHD_Result devnet_on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls);
void devnet_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe);

/* ---- rpc.c */

/* Answers a JSON-RPC 2.0 request to the staking endpoint. */
enum MHD_Result devnet_rpc(devnet_node *node, struct MHD_Connection *conn,
                           const request *req);

/* A JSON-RPC error object for id (NULL: null), or NULL when memory runs
 * out. */
json_object *devnet_rpc_error(json_object *id, int code, const char *message);

/* ---- chain.c: the Ethereum methods of the RPC endpoint (a check, not a
 * chain) */

/* A fresh state for chain_id, or NULL when memory runs out. */
devnet_chain *devnet_chain_new(uint64_t chain_id);
void devnet_chain_free(devnet_chain *c);

/* Answers `method` when chain.c knows it (*handled 1; NULL when memory
 * ran out), else sets *handled to 0.  Thread-safe. */
json_object *devnet_chain_rpc(devnet_chain *c, const char *method,
                              json_object *id, json_object *params,
                              int *handled);

/* ---- chipotle.c: the Chipotle ChainSecured proof check */

/* 1 when url is one of the /core/v1/ routes chipotle.c answers. */
int devnet_chipotle_route(const char *url);

/* Checks a ChainSecured proof POSTed to `url` as the Chipotle API server
 * does, and answers. */
enum MHD_Result devnet_chipotle(devnet_node *node, struct MHD_Connection *conn,
                                const char *url, const char *method,
                                const request *req);

/* ---- tls.c */

/* A fresh P-256 key and a self-signed certificate for the devnet's IP,
 * valid from an hour ago for a year, both as PEM in memory. */
int devnet_make_cert(devnet *net, char *err, size_t err_len);

/* Writes the certificate (public) to cert_dir, or to a new directory of
 * our own under $TMPDIR, so clients can pass it as --ca-file. */
int devnet_write_cert(devnet *net, const char *cert_dir, char *err,
                      size_t err_len);

#endif /* LITHSM_DEVNET_SERVER_H */
