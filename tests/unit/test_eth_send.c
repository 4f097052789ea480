/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_eth_send.c - the Ethereum JSON-RPC client on the wire against a
 * scripted node (a thread of this test on 127.0.0.1): each connection
 * gets the next answer of a script, "%I" replaced by the request's id and
 * "%H" by the hash of the last raw transaction sent.  Covers what the
 * devnet never answers: the eth_feeHistory fallback, a block without a
 * base fee, a reply with another id, another hash, a reverted receipt,
 * no receipt in time.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "eth/int256.h"
#include "lithsm_rpc.h"
#include "net/net.h"
#include "tap.h"

#define MAX_STEPS 16

struct node {
    int fd, port;
    const char *const *script;
    size_t n;
    char methods[MAX_STEPS][48]; /* the methods called, in order */
    size_t called;
    char hash[67];
    pthread_t thread;
};

/* Reads one request (headers, then Content-Length bytes) into buf. */
static size_t read_request(int c, char *buf, size_t cap)
{
    size_t len = 0, want = 0;
    const char *end, *cl;
    ssize_t r;

    while (len + 1 < cap) {
        r = read(c, buf + len, cap - 1 - len);
        if (r <= 0)
            break;
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end == NULL)
            continue;
        cl = strstr(buf, "Content-Length: ");
        want = (size_t)(end + 4 - buf) +
               (cl != NULL ? strtoul(cl + 16, NULL, 10) : 0);
        if (len >= want)
            break;
    }
    buf[len] = '\0';
    return len;
}

/* Notes the method and, for eth_sendRawTransaction, the hash. */
static void note(struct node *nd, const char *body)
{
    const char *m = strstr(body, "\"method\":\"");
    const char *p = strstr(body, "\"params\":[\"0x");
    uint8_t raw[4096], hash[32];
    size_t len;

    if (m != NULL && nd->called < MAX_STEPS)
        sscanf(m + 10, "%47[^\"]", nd->methods[nd->called++]);
    if (m == NULL || strncmp(m + 10, "eth_sendRawTransaction", 22) != 0 ||
        p == NULL)
        return;
    p += 13; /* past "params":["0x */
    len = (size_t)(strchr(p, '"') - p) / 2;
    if (len > sizeof(raw) ||
        lithsm_hex_decode(raw, len, p, 2 * len) != LITHSM_OK ||
        lithsm_tx_from_raw(NULL, NULL, hash, raw, len) != LITHSM_OK)
        return;
    if (lithsm_hex_encode(nd->hash + 2, 65, hash, 32) == LITHSM_OK) {
        nd->hash[0] = '0';
        nd->hash[1] = 'x';
    }
}

/* The answer of template t for request id. */
static void fill(char *out, size_t cap, const char *t, unsigned long id,
                 const char *hash)
{
    size_t o = 0;

    for (; *t != '\0' && o + 80 < cap; t++) {
        if (t[0] == '%' && t[1] == 'I') {
            o += (size_t)snprintf(out + o, cap - o, "%lu", id);
            t++;
        } else if (t[0] == '%' && t[1] == 'H') {
            o += (size_t)snprintf(out + o, cap - o, "%s", hash);
            t++;
        } else {
            out[o++] = *t;
        }
    }
    out[o] = '\0';
}

static void *serve(void *arg)
{
    struct node *nd = arg;
    char req[8192], body[4096], resp[4400];
    const char *id;
    size_t i;
    int c;
    struct pollfd p;

    for (i = 0; i < nd->n; i++) {
        p.fd = nd->fd;
        p.events = POLLIN;
        if (poll(&p, 1, 10000) != 1 || (c = accept(nd->fd, NULL, NULL)) < 0)
            break;
        read_request(c, req, sizeof(req));
        note(nd, req);
        id = strstr(req, "\"id\":");
        fill(body, sizeof(body), nd->script[i],
             id != NULL ? strtoul(id + 5, NULL, 10) : 0, nd->hash);
        snprintf(resp, sizeof(resp),
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                 strlen(body), body);
        if (write(c, resp, strlen(resp)) < 0)
            i = nd->n;
        close(c);
    }
    return NULL;
}

/* Starts a node answering script[0..n) and opens a client of it. */
static lithsm_rpc *start(struct node *nd, const char *const *script, size_t n)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    lithsm_rpc *rpc = NULL;
    char url[40];

    memset(nd, 0, sizeof(*nd));
    nd->script = script;
    nd->n = n;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    nd->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (nd->fd < 0 || bind(nd->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(nd->fd, 8) != 0 ||
        getsockname(nd->fd, (struct sockaddr *)&sa, &len) != 0 ||
        pthread_create(&nd->thread, NULL, serve, nd) != 0) {
        fprintf(stderr, "cannot start the scripted node\n");
        exit(99);
    }
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(sa.sin_port));
    if (lithsm_rpc_open(&rpc, url, NULL) != LITHSM_OK)
        exit(99);
    return rpc;
}

static void stop(struct node *nd, lithsm_rpc *rpc)
{
    lithsm_rpc_free(rpc);
    shutdown(nd->fd, SHUT_RDWR);
    pthread_join(nd->thread, NULL);
    close(nd->fd);
}

#define R(x) "{\"jsonrpc\":\"2.0\",\"id\":%I,\"result\":" x "}"

static int is_u64(const uint8_t v[32], uint64_t want)
{
    uint64_t got;

    return lithsm_uint256_to_u64(&got, v) && got == want;
}

static void test_fee_fallback(void)
{
    static const char *const script[] = {
        R("\"0x5\""),
        R("{\"number\":\"0x1\",\"baseFeePerGas\":\"0x10\"}"),
        "{\"jsonrpc\":\"2.0\",\"id\":%I,\"error\":{\"code\":-32601,"
        "\"message\":\"the method eth_maxPriorityFeePerGas does not exist\"}}",
        R("{\"oldestBlock\":\"0x1\",\"reward\":[[\"0x3\"]]}"),
    };
    struct node nd;
    lithsm_rpc *rpc = start(&nd, script, 4);
    lithsm_rpc_fees f;

    ok_int_eq(lithsm_rpc_fee_data(&f, rpc), LITHSM_OK,
              "fee data without eth_maxPriorityFeePerGas");
    stop(&nd, rpc);
    ok_str_eq(nd.methods[3], "eth_feeHistory", "falls back on eth_feeHistory");
    ok(is_u64(f.gas_price, 5) && is_u64(f.base_fee, 16) &&
           is_u64(f.max_priority_fee, 3) && f.has_eip1559,
       "gasPrice 5, base fee 16, priority 3");
    ok(is_u64(f.max_fee, 35), "maxFeePerGas = 2 * 16 + 3");
}

static void test_no_base_fee(void)
{
    static const char *const script[] = { R("\"0x7\""),
                                          R("{\"number\":\"0x1\"}") };
    struct node nd;
    lithsm_rpc *rpc = start(&nd, script, 2);
    lithsm_rpc_fees f;

    ok_int_eq(lithsm_rpc_fee_data(&f, rpc), LITHSM_OK, "a pre-London block");
    stop(&nd, rpc);
    ok(!f.has_eip1559 && is_u64(f.gas_price, 7), "gas price only");
}

static void test_other_id(void)
{
    static const char *const script[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":\"0x1\"}",
        R("\"0x01\""),
    };
    struct node nd;
    lithsm_rpc *rpc = start(&nd, script, 2);
    uint64_t v;

    ok_int_eq(lithsm_rpc_chain_id(&v, rpc), LITHSM_ERR_PROTOCOL,
              "an answer with another id");
    ok(strstr(lithsm_last_error(), "id is not 1") != NULL &&
           strstr(lithsm_last_error(), "eth_chainId") != NULL,
       "says so, naming the method");
    ok_int_eq(lithsm_rpc_chain_id(&v, rpc), LITHSM_ERR_PROTOCOL,
              "a chain id with a leading zero");
    stop(&nd, rpc);
}

/* A complete type 2 transaction on chain 5, signed by a fixed key. */
static lithsm_err send_tx(const char *const *script, size_t n,
                          lithsm_rpc_sent *sent, long timeout_ms,
                          struct node *nd)
{
    static const char tx_json[] =
        "{\"type\":2,\"chainId\":5,\"nonce\":0,\"gasLimit\":21000,"
        "\"to\":\"0x1111111111111111111111111111111111111111\","
        "\"maxFeePerGas\":\"10\",\"maxPriorityFeePerGas\":\"1\"}";
    uint8_t secret[32];
    lithsm_signer *signer = NULL;
    lithsm_tx *tx = NULL;
    lithsm_rpc_send_opts o;
    lithsm_rpc *rpc = start(nd, script, n);
    lithsm_err err;

    memset(secret, 0x11, sizeof(secret));
    memset(&o, 0, sizeof(o));
    o.receipt_timeout_ms = timeout_ms;
    if (lithsm_signer_from_secret(&signer, secret) != LITHSM_OK ||
        lithsm_tx_from_json(&tx, tx_json, strlen(tx_json)) != LITHSM_OK)
        exit(99);
    err = lithsm_rpc_send_tx(sent, rpc, tx, signer, &o);
    lithsm_tx_free(tx);
    lithsm_signer_free(signer);
    stop(nd, rpc);
    return err;
}

static void test_send(void)
{
    static const char *const reverted[] = {
        R("\"0x5\""),
        R("\"%H\""),
        R("null"),
        R("{\"transactionHash\":\"%H\",\"blockNumber\":\"0x7\","
          "\"status\":\"0x0\"}"),
    };
    static const char *const other_hash[] = {
        R("\"0x5\""),
        R("\"0x0000000000000000000000000000000000000000000000000000000000"
          "000001\""),
    };
    static const char *const never[] = {
        R("\"0x5\""), R("\"%H\""), R("null"), R("null"),
        R("null"),    R("null"),   R("null"),
    };
    static const char *const other_chain[] = { R("\"0x1\"") };
    lithsm_rpc_sent sent;
    struct node nd;

    ok_int_eq(send_tx(reverted, 4, &sent, 5000, &nd), LITHSM_OK,
              "a reverted transaction is sent and its receipt read");
    ok_int_eq(sent.status, 0, "status 0");
    ok(sent.receipt != NULL && strstr(sent.receipt, "\"0x7\"") != NULL,
       "the receipt as the node gave it");
    ok_str_eq(sent.hash, nd.hash, "the hash of the raw transaction sent");
    ok_str_eq(nd.methods[3], "eth_getTransactionReceipt", "polled twice");
    lithsm_rpc_sent_clear(&sent);

    ok_int_eq(send_tx(other_hash, 2, &sent, 5000, &nd), LITHSM_ERR_PROTOCOL,
              "the node answers another hash");
    ok(strstr(lithsm_last_error(), "answered the hash") != NULL, "says so");

    ok_int_eq(send_tx(never, 7, &sent, 300, &nd), LITHSM_ERR_NETWORK,
              "no receipt in time");
    ok(strstr(lithsm_last_error(), "no receipt") != NULL &&
           strstr(lithsm_last_error(), "was sent") != NULL,
       "says so, and that it was sent");
    ok(sent.raw == NULL && sent.receipt == NULL, "nothing left to free");

    ok_int_eq(send_tx(other_chain, 1, &sent, 300, &nd), LITHSM_ERR_INVALID_ARG,
              "another chain");
    ok(strstr(lithsm_last_error(), "chainId 5") != NULL &&
           strstr(lithsm_last_error(), "(1)") != NULL,
       "names both chain ids");
    ok_int_eq((int)nd.called, 1, "nothing but eth_chainId was called");
}

int main(void)
{
    test_fee_fallback();
    test_no_base_fee();
    test_other_id();
    test_send();
    return tap_done();
}
