/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * devnet.c - starts and stops the devnet (devnet.h): a daemon per node
 * and one for the staking RPC on loopback ports, or a bound but silent
 * port for a node that is down.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "server.h"

#define CONNECTION_LIMIT 64
#define CONNECTION_TIMEOUT_S 30
#define THREAD_STACK (512u * 1024u)

static void addr_of(const devnet *net, struct sockaddr_in *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(net->ip);
    sa->sin_port = 0;
}

/* A down node: its port is bound but never listens, so connections are
 * refused and no one else can take the port meanwhile. */
static int bind_down(devnet_node *node, char *err, size_t err_len)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);

    addr_of(node->net, &sa);
    node->down_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (node->down_fd < 0 ||
        bind(node->down_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        getsockname(node->down_fd, (struct sockaddr *)&sa, &len) != 0) {
        devnet_set_err(err, err_len, "cannot bind a port on %s: %s",
                       node->net->host, strerror(errno));
        return -1;
    }
    node->port = ntohs(sa.sin_port);
    return 0;
}

static int start_daemon(devnet_node *node, char *err, size_t err_len)
{
    devnet *net = node->net;
    struct sockaddr_in sa;
    struct MHD_OptionItem opts[8];
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_THREAD_PER_CONNECTION;
    size_t n = 0;

    addr_of(net, &sa);
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &sa };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
                                         (intptr_t)devnet_on_completed, node };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
                                         CONNECTION_LIMIT, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
                                         CONNECTION_TIMEOUT_S, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_STACK_SIZE,
                                         THREAD_STACK, NULL };
    if (node->tls) {
        flags |= MHD_USE_TLS;
        opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
                                             net->key_pem };
        opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
                                             net->cert_pem };
    }
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };

    node->daemon =
        MHD_start_daemon(flags, 0, NULL, NULL, devnet_on_request, node,
                         MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (node->daemon == NULL) {
        devnet_set_err(err, err_len, "cannot start an HTTP%s daemon on %s",
                       node->tls ? "S" : "", net->host);
        return -1;
    }
    info = MHD_get_daemon_info(node->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (info == NULL || info->port == 0) {
        devnet_set_err(err, err_len, "cannot learn the port of a daemon");
        return -1;
    }
    node->port = info->port;
    return 0;
}

static void node_url(devnet_node *node)
{
    snprintf(node->url, sizeof(node->url), "%s://%s:%u",
             node->tls ? "https" : "http", node->net->host,
             (unsigned)node->port);
}

static int parse_host(devnet *net, const char *host, char *err, size_t err_len)
{
    struct in_addr in;

    if (inet_pton(AF_INET, host, &in) != 1) {
        devnet_set_err(err, err_len, "'%s' is not an IPv4 address", host);
        return -1;
    }
    net->ip = ntohl(in.s_addr);
    if ((net->ip >> 24) != 127) {
        devnet_set_err(err, err_len,
                       "'%s' is not a loopback address (127.0.0.0/8)", host);
        return -1;
    }
    inet_ntop(AF_INET, &in, net->host, sizeof(net->host));
    return 0;
}

/* The staking address and the node addresses: random, EIP-55. */
static int make_addresses(devnet *net, char *err, size_t err_len)
{
    lithsm_eth_address staking;
    size_t i;

    if (RAND_bytes(staking.bytes, sizeof(staking.bytes)) != 1) {
        devnet_set_err(err, err_len, "the random generator failed");
        return -1;
    }
    lithsm_eth_address_to_text(net->staking, &staking);
    for (i = 0; i < net->n_nodes; i++) {
        uint8_t key[32];

        if (RAND_bytes(net->nodes[i].address, 20) != 1 ||
            RAND_bytes(key, sizeof(key)) != 1) {
            devnet_set_err(err, err_len, "the random generator failed");
            return -1;
        }
        devnet_hex_lower(net->nodes[i].server_key, key, sizeof(key));
    }
    return 0;
}

int devnet_start(devnet **out, const devnet_config *cfg, char *err,
                 size_t err_len)
{
    devnet *net;
    pthread_condattr_t attr;
    uint8_t hash[32], other[32];
    size_t i;

    *out = NULL;
    if (cfg->n_nodes < 1 || cfg->n_nodes > DEVNET_MAX_NODES ||
        cfg->min_nodes < 1 || cfg->min_nodes > cfg->n_nodes) {
        devnet_set_err(err, err_len, "bad node counts");
        return -1;
    }
    if ((net = calloc(1, sizeof(*net))) == NULL ||
        (net->nodes = calloc(cfg->n_nodes, sizeof(*net->nodes))) == NULL) {
        free(net);
        devnet_set_err(err, err_len, "out of memory");
        return -1;
    }
    net->n_nodes = cfg->n_nodes;
    net->https = cfg->https;
    net->epoch = cfg->epoch;
    net->min_nodes = cfg->min_nodes;
    net->start_s = lithsm_time_now_ms() / 1000;
    net->chain_id = cfg->chain_id != 0 ? cfg->chain_id : DEVNET_CHAIN_ID;
    net->rpc.net = net;
    net->rpc.is_rpc = 1;
    net->rpc.down_fd = -1;
    for (i = 0; i < net->n_nodes; i++) {
        net->nodes[i].net = net;
        net->nodes[i].index = i;
        net->nodes[i].fault = cfg->faults[i];
        net->nodes[i].tls = cfg->https;
        net->nodes[i].down_fd = -1;
    }
    if (pthread_condattr_init(&attr) != 0 ||
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&net->cond, &attr) != 0) {
        free(net->nodes);
        free(net);
        devnet_set_err(err, err_len, "cannot make a condition variable");
        return -1;
    }
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&net->lock, NULL);
    net->sync_ready = 1;

    /* The blockhash fault answers keccak256 of the real hash. */
    if (strlen(cfg->blockhash) != 66 ||
        lithsm_hex_decode(hash, sizeof(hash), cfg->blockhash + 2, 64) !=
            LITHSM_OK) {
        devnet_set_err(err, err_len, "the blockhash is not 0x + 64 hex");
        goto fail;
    }
    memcpy(net->blockhash, "0x", 2);
    devnet_hex_lower(net->blockhash + 2, hash, 32);
    lithsm_keccak256(other, hash, sizeof(hash));
    memcpy(net->other_blockhash, "0x", 2);
    devnet_hex_lower(net->other_blockhash + 2, other, 32);

    if ((net->chain = devnet_chain_new(net->chain_id)) == NULL) {
        devnet_set_err(err, err_len, "out of memory");
        goto fail;
    }
    if (parse_host(net, cfg->host, err, err_len) != 0 ||
        make_addresses(net, err, err_len) != 0)
        goto fail;
    if (net->https &&
        (devnet_make_cert(net, err, err_len) != 0 ||
         devnet_write_cert(net, cfg->cert_dir, err, err_len) != 0))
        goto fail;

    for (i = 0; i < net->n_nodes; i++) {
        devnet_node *node = &net->nodes[i];
        int rc = (node->fault.flags & DEVNET_FAULT_DOWN) != 0
                     ? bind_down(node, err, err_len)
                     : start_daemon(node, err, err_len);

        if (rc != 0)
            goto fail;
        node_url(node);
    }
    /* The RPC endpoint stays plain HTTP (rpc.tls is 0). */
    if (start_daemon(&net->rpc, err, err_len) != 0)
        goto fail;
    node_url(&net->rpc);
    *out = net;
    return 0;
fail:
    devnet_stop(net);
    return -1;
}

char *devnet_start_line(const devnet *net)
{
    json_object *obj = json_object_new_object();
    json_object *nodes = json_object_new_array();
    const char *text;
    char *out = NULL;
    size_t i;

    if (obj == NULL || nodes == NULL)
        goto done;
    for (i = 0; i < net->n_nodes; i++) {
        json_object *s = json_object_new_string(net->nodes[i].url);

        if (s == NULL || json_object_array_add(nodes, s) != 0) {
            json_object_put(s);
            goto done;
        }
    }
    if (json_object_object_add(obj, "nodes", nodes) != 0)
        goto done;
    nodes = NULL;
    if (cli_json_add_str(obj, "rpc", net->rpc.url) != 0 ||
        cli_json_add_str(obj, "staking", net->staking) != 0 ||
        cli_json_add_int(obj, "chainId", (int64_t)net->chain_id) != 0 ||
        cli_json_add_int(obj, "minNodeCount", (int64_t)net->min_nodes) != 0 ||
        cli_json_add_int(obj, "epoch", (int64_t)net->epoch) != 0 ||
        cli_json_add_str(obj, "latestBlockhash", net->blockhash) != 0 ||
        (net->cert_path != NULL &&
         cli_json_add_str(obj, "caFile", net->cert_path) != 0) ||
        cli_json_add_int(obj, "pid", (int64_t)getpid()) != 0)
        goto done;
    text = json_object_to_json_string_ext(obj, JSON_FLAGS);
    if (text != NULL)
        out = strdup(text);
done:
    json_object_put(nodes);
    json_object_put(obj);
    return out;
}

void devnet_stop(devnet *net)
{
    size_t i;

    if (net == NULL)
        return;
    if (net->sync_ready) {
        /* Wake slow answers first, or stopping would wait for them. */
        pthread_mutex_lock(&net->lock);
        net->stopping = 1;
        pthread_cond_broadcast(&net->cond);
        pthread_mutex_unlock(&net->lock);
    }
    for (i = 0; i < net->n_nodes; i++) {
        if (net->nodes[i].daemon != NULL)
            MHD_stop_daemon(net->nodes[i].daemon);
        if (net->nodes[i].down_fd >= 0)
            close(net->nodes[i].down_fd);
    }
    if (net->rpc.daemon != NULL)
        MHD_stop_daemon(net->rpc.daemon);
    if (net->cert_path != NULL && net->temp_dir != NULL) {
        unlink(net->cert_path);
        rmdir(net->temp_dir);
    }
    if (net->key_pem != NULL) {
        OPENSSL_cleanse(net->key_pem, net->key_pem_len);
        free(net->key_pem);
    }
    free(net->cert_pem);
    devnet_chain_free(net->chain);
    free(net->cert_path);
    free(net->temp_dir);
    if (net->sync_ready) {
        pthread_cond_destroy(&net->cond);
        pthread_mutex_destroy(&net->lock);
    }
    free(net->nodes);
    free(net);
}
