/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_eth_rpc.c - the Ethereum JSON-RPC client's reply parsing: the
 * envelope (lithsm_rpc_reply) and the quantities, on good answers and on
 * lying ones, then the client's argument checks and an endpoint that is
 * not there (nothing but a closed loopback port is contacted).  The wire
 * itself is exercised against the devnet in tests/send-tx.test.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "eth/int256.h"
#include "lithsm_rpc.h"
#include "net/net.h"
#include "tap.h"

/* Runs lithsm_rpc_reply on a 200 application/json answer `body` to id. */
static lithsm_err reply(json_object **doc, json_object **result, uint64_t id,
                        const char *body)
{
    lithsm_http_req r;

    memset(&r, 0, sizeof(r));
    r.answered = 1;
    r.status = 200;
    r.content_type = (char *)"application/json; charset=utf-8";
    r.resp = (char *)body;
    r.resp_len = strlen(body);
    return lithsm_rpc_reply(doc, result, "RPC", "http://127.0.0.1:1", id, &r);
}

static void test_envelope_good(void)
{
    json_object *doc, *result;

    ok_int_eq(reply(&doc, &result, 7,
                    "{\"jsonrpc\":\"2.0\",\"id\":7,"
                    "\"result\":\"0x7a69\"}"),
              LITHSM_OK, "a good answer");
    ok_str_eq(json_object_get_string(result), "0x7a69", "its result");
    json_object_put(doc);
    ok_int_eq(reply(&doc, &result, 3, "{\"id\":3,\"result\":null}"), LITHSM_OK,
              "a null result without jsonrpc");
    ok(result == NULL && doc != NULL, "null result, document kept");
    json_object_put(doc);
}

static void test_envelope_lies(void)
{
    static const struct {
        const char *body, *words;
    } cases[] = {
        { "{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":\"0x1\"}", "id is not 7" },
        { "{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"result\":\"0x1\"}",
          "id is not 7" },
        { "{\"jsonrpc\":\"2.0\",\"result\":\"0x1\"}", "id is not 7" },
        { "{\"jsonrpc\":\"1.0\",\"id\":7,\"result\":\"0x1\"}", "jsonrpc" },
        { "{\"jsonrpc\":\"2.0\",\"id\":7}", "no result" },
        { "[{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x1\"}]",
          "not an object" },
        { "{\"id\":7,\"result\":\"0x1\",\"error\":{\"code\":1,"
          "\"message\":\"x\"}}",
          "both an error and a result" },
        { "{\"id\":7,\"error\":{\"code\":-32000,\"message\":\"nonce too "
          "low\"}}",
          "error -32000: nonce too low" },
        { "{\"id\":7,\"error\":{\"code\":\"-32000\",\"message\":\"x\"}}",
          "without an integer code" },
        { "{\"id\":7,\"error\":\"boom\"}", "without an integer code" },
        { "{\"id\":7,\"result\":\"0x1\"} trailing", "bad JSON" },
        { "not json", "bad JSON" },
    };
    json_object *doc, *result;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lithsm_err err = reply(&doc, &result, 7, cases[i].body);

        ok_int_eq(err, LITHSM_ERR_PROTOCOL, cases[i].body);
        ok(strstr(lithsm_last_error(), cases[i].words) != NULL, cases[i].words);
        ok(doc == NULL && result == NULL, "nothing to free");
    }
}

static void test_envelope_http(void)
{
    lithsm_http_req r;
    json_object *doc, *result;

    memset(&r, 0, sizeof(r));
    r.answered = 0;
    strcpy(r.error, "Connection refused");
    ok_int_eq(lithsm_rpc_reply(&doc, &result, "RPC", "x", 1, &r),
              LITHSM_ERR_NETWORK, "no answer: NETWORK");
    r.answered = 1;
    r.status = 503;
    ok_int_eq(lithsm_rpc_reply(&doc, &result, "RPC", "x", 1, &r),
              LITHSM_ERR_NETWORK, "HTTP 503: NETWORK");
    r.status = 200;
    r.content_type = (char *)"text/html";
    r.resp = (char *)"{\"id\":1,\"result\":\"0x1\"}";
    r.resp_len = strlen(r.resp);
    ok_int_eq(lithsm_rpc_reply(&doc, &result, "RPC", "x", 1, &r),
              LITHSM_ERR_PROTOCOL, "not JSON content: PROTOCOL");
}

static void test_quantities(void)
{
    static const char *const bad[] = {
        "0x",
        "0x00",
        "0x01",
        "1",
        "0X1",
        "0xg",
        "-0x1",
        "",
        "0x 1",
        "0x1 ",
        "x1",
        "0x1.5",
        "0x1000000000000000000000000000000000000000000000000000000000000000"
        "0",
    };
    uint8_t v[32], want[32];
    uint64_t u;
    size_t i;
    json_object *j;

    ok_int_eq(lithsm_rpc_quantity(v, "0x0", 3, "q"), LITHSM_OK, "0x0");
    lithsm_uint256_from_u64(want, 0);
    ok_mem_eq(v, want, 32, "0x0 is zero");
    ok_int_eq(lithsm_rpc_quantity(v, "0x7A69", 6, "q"), LITHSM_OK,
              "upper-case digits");
    lithsm_uint256_from_u64(want, 31337);
    ok_mem_eq(v, want, 32, "0x7A69 is 31337");
    memset(want, 0xff, 32);
    ok_int_eq(lithsm_rpc_quantity(v,
                                  "0xffffffffffffffffffffffffffffffff"
                                  "ffffffffffffffffffffffffffffffff",
                                  66, "q"),
              LITHSM_OK, "2^256 - 1");
    ok_mem_eq(v, want, 32, "all ones");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ok_int_eq(lithsm_rpc_quantity(v, bad[i], strlen(bad[i]), "gasPrice"),
                  LITHSM_ERR_PROTOCOL, bad[i]);
        ok(strstr(lithsm_last_error(), "gasPrice") != NULL, "names it");
    }
    j = json_object_new_int(5);
    ok_int_eq(lithsm_rpc_quantity_json(v, j, "q"), LITHSM_ERR_PROTOCOL,
              "a JSON number is no quantity");
    json_object_put(j);
    j = json_object_new_string("0x10000000000000000");
    ok_int_eq(lithsm_rpc_u64_json(&u, j, "nonce"), LITHSM_ERR_PROTOCOL,
              "2^64 does not fit a u64");
    json_object_put(j);
    j = json_object_new_string("0xffffffffffffffff");
    ok_int_eq(lithsm_rpc_u64_json(&u, j, "nonce"), LITHSM_OK, "2^64 - 1 fits");
    ok(u == UINT64_MAX, "its value");
    json_object_put(j);
}

#define HASH \
    "0x"     \
    "ab"     \
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"

/* lithsm_rpc_receipt_check on the JSON text of a receipt. */
static lithsm_err receipt(int *status, const char *text)
{
    json_object *r = json_tokener_parse(text);
    lithsm_err err = lithsm_rpc_receipt_check(status, r, HASH, "rpc");

    json_object_put(r);
    return err;
}

static void test_receipts(void)
{
    static const struct {
        const char *text, *words;
    } lies[] = {
        { "{\"transactionHash\":\"0x00\",\"blockNumber\":\"0x1\","
          "\"status\":\"0x1\"}",
          "not for" },
        { "{\"blockNumber\":\"0x1\",\"status\":\"0x1\"}", "not for" },
        { "{\"transactionHash\":\"" HASH "\",\"status\":\"0x1\"}",
          "no blockNumber" },
        { "{\"transactionHash\":\"" HASH "\",\"blockNumber\":\"0x01\","
          "\"status\":\"0x1\"}",
          "receipt blockNumber" },
        { "{\"transactionHash\":\"" HASH "\",\"blockNumber\":\"0x1\"}",
          "no status" },
        { "{\"transactionHash\":\"" HASH "\",\"blockNumber\":\"0x1\","
          "\"status\":\"0x2\"}",
          "neither 0x0 nor 0x1" },
        { "{\"transactionHash\":\"" HASH "\",\"blockNumber\":\"0x1\","
          "\"status\":1}",
          "receipt status" },
        { "[]", "not an object" },
    };
    int status = -1;
    size_t i;

    ok_int_eq(receipt(&status, "{\"transactionHash\":\"" HASH "\","
                               "\"blockNumber\":\"0x10\",\"status\":\"0x1\"}"),
              LITHSM_OK, "a good receipt");
    ok_int_eq(status, 1, "status 1");
    ok_int_eq(receipt(&status, "{\"transactionHash\":\"0xAB0123456789ABCDEF0123"
                               "456789abcdef0123456789abcdef0123456789abcd\","
                               "\"blockNumber\":\"0x10\",\"status\":\"0x0\"}"),
              LITHSM_OK, "a reverted one, its hash in upper case");
    ok_int_eq(status, 0, "status 0");
    for (i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        ok_int_eq(receipt(&status, lies[i].text), LITHSM_ERR_PROTOCOL,
                  lies[i].text);
        ok(strstr(lithsm_last_error(), lies[i].words) != NULL, lies[i].words);
    }
}

/* A loopback port that nobody listens on: bound, then closed. */
static int closed_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
        return 1;
    port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

static void test_client(void)
{
    lithsm_rpc *rpc = NULL;
    lithsm_rpc_opts o;
    char url[64], *s = NULL;
    uint64_t id;
    int status;

    ok_int_eq(lithsm_rpc_open(&rpc, "ftp://127.0.0.1/", NULL),
              LITHSM_ERR_INVALID_ARG, "ftp:// refused");
    ok_int_eq(lithsm_rpc_open(&rpc, "https://user:secret@example.org/k",
                              NULL) == LITHSM_OK,
              1, "https with credentials opens (nothing sent)");
    lithsm_rpc_free(rpc);
    ok_int_eq(lithsm_rpc_open(&rpc, "gopher://key@h/secret-path", NULL),
              LITHSM_ERR_INVALID_ARG, "bad scheme");
    ok(strstr(lithsm_last_error(), "secret-path") == NULL,
       "the URL's path is not shown");
    memset(&o, 0, sizeof(o));
    o.timeout_ms = 2000;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/apikey123", closed_port());
    ok_int_eq(lithsm_rpc_open(&rpc, url, &o), LITHSM_OK, "open");
    ok_int_eq(lithsm_rpc_chain_id(&id, rpc), LITHSM_ERR_NETWORK,
              "nobody there: NETWORK");
    ok_int_eq(lithsm_rpc_call(&s, rpc, "eth_blockNumber", NULL),
              LITHSM_ERR_NETWORK, "a generic call: NETWORK too");
    ok(s == NULL, "and no result");
    ok_int_eq(lithsm_rpc_call(&s, rpc, NULL, NULL), LITHSM_ERR_INVALID_ARG,
              "a NULL method");
    ok(strstr(lithsm_last_error(), "apikey123") == NULL,
       "the key in the path is not shown");
    ok_int_eq(lithsm_rpc_wait_receipt(&s, &status, rpc, "0x12", 1000),
              LITHSM_ERR_INVALID_ARG, "a short hash");
    ok_int_eq(lithsm_rpc_send_raw(&s, rpc, "0xzz"), LITHSM_ERR_INVALID_ARG,
              "raw not hex");
    ok_int_eq(lithsm_rpc_estimate_gas(&id, rpc, "[1]"), LITHSM_ERR_INVALID_ARG,
              "call not an object");
    lithsm_rpc_free(rpc);
}

int main(void)
{
    test_envelope_good();
    test_envelope_lies();
    test_envelope_http();
    test_quantities();
    test_receipts();
    test_client();
    return tap_done();
}
