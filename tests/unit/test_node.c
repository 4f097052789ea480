/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_node.c - the node client's pure parts: the staking ABI decoder on
 * hand-built words, the handshake reply parser, consensus, thresholds and
 * argument checks (the wire is in test_node_wire.c).  Nothing but
 * loopback is contacted.
 */
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "tap.h"
#include "unit/node_test.h"

#define W 32
#define MAXW 64

static uint8_t words[MAXW * W];

static void put_u64(size_t word, uint64_t v)
{
    size_t i;

    memset(words + word * W, 0, W);
    for (i = 0; i < 8; i++)
        words[word * W + W - 1 - i] = (uint8_t)(v >> (8 * i));
}

/* The reply of a network with n validators 127.0.0.<i+1>:<7470+i>, each
 * with address bytes all (i + 1) and non-zero reward/keys.  Returns its
 * length in bytes. */
static size_t build(uint64_t min_nodes, size_t n)
{
    size_t i, base;

    memset(words, 0, sizeof(words));
    put_u64(0, 3600);       /* epochLength */
    put_u64(1, 42);         /* number */
    put_u64(2, 1700003600); /* endTime */
    put_u64(3, 7);          /* retries */
    put_u64(4, 60);         /* timeout */
    put_u64(5, min_nodes);
    put_u64(6, 0xe0);
    put_u64(7, n);
    for (i = 0; i < n; i++) {
        base = 8 + 7 * i;
        put_u64(base, 0x7f000001u + (uint32_t)i);
        put_u64(base + 2, 7470 + i);
        memset(words + (base + 3) * W + 12, (int)(i + 1), 20);
        memset(words + (base + 4) * W, 0xff, W); /* reward: full uint256 */
        memset(words + (base + 5) * W, 0xaa, W);
        memset(words + (base + 6) * W, 0x55, W);
    }
    return (8 + 7 * n) * W;
}

static void test_abi_good(void)
{
    lithsm_staking st;
    char url[LITHSM_VALIDATOR_URL_MAX];
    uint8_t addr[20];
    size_t len = build(2, 3);

    ok_int_eq(lithsm_abi_decode_staking(&st, words, len), LITHSM_OK,
              "ABI: 3 validators decode");
    ok_int_eq(st.n_validators, 3, "ABI: count");
    ok_int_eq(st.min_node_count, 2, "ABI: minNodeCount");
    ok_int_eq(st.epoch_length, 3600, "ABI: epochLength");
    ok_int_eq(st.epoch_number, 42, "ABI: number");
    ok_int_eq(st.epoch_end_time, 1700003600, "ABI: endTime");
    ok_int_eq(st.epoch_retries, 7, "ABI: retries");
    ok_int_eq(st.epoch_timeout, 60, "ABI: timeout");
    ok_int_eq(st.validators[2].ip, 0x7f000003, "ABI: validator 2 ip");
    ok_int_eq(st.validators[2].port, 7472, "ABI: validator 2 port");
    memset(addr, 3, sizeof(addr));
    ok_mem_eq(st.validators[2].address, addr, 20, "ABI: validator 2 address");
    lithsm_validator_url(url, &st.validators[0], "https");
    ok_str_eq(url, "https://127.0.0.1:7470", "validator URL");
    lithsm_staking_clear(&st);
    ok(st.validators == NULL && st.n_validators == 0, "staking cleared");

    st.validators = NULL;
    {
        lithsm_validator v = { 0xc0a80a0bu, 443, { 0 } };

        lithsm_validator_url(url, &v, "http");
        ok_str_eq(url, "http://192.168.10.11:443", "validator URL big-endian");
    }
}

/* Decoding `len` bytes of `words` must fail naming `needle`. */
static void abi_bad(size_t len, const char *needle, const char *what)
{
    lithsm_staking st;
    lithsm_err err = lithsm_abi_decode_staking(&st, words, len);

    ok(err != LITHSM_OK && error_has(needle), what);
    ok(st.validators == NULL && st.n_validators == 0,
       "  ... and the output stays empty");
}

static void test_abi_bad(void)
{
    size_t len;

    len = build(2, 3);
    abi_bad(len - W, "truncated", "ABI: a missing last word");
    abi_bad(len - 1, "whole number of 32-byte words", "ABI: a missing byte");
    abi_bad(7 * W, "truncated", "ABI: no count word");
    abi_bad(0, "no data", "ABI: empty reply");

    len = build(2, 3);
    put_u64(7, 4);
    abi_bad(len, "word 7 (validator count) says 4", "ABI: count lies (+1)");
    put_u64(7, 1ull << 40);
    abi_bad(len, "word 7 (validator count)", "ABI: count lies (huge)");
    words[7 * W] = 1;
    abi_bad(len, "word 7 (validator count) does not fit", "ABI: count > 2^64");

    len = build(2, 3);
    put_u64(7, 2);
    abi_bad(len, "unexpected words after the last validator",
            "ABI: count lies (-1): trailing words");

    len = build(2, 3);
    put_u64(6, 0x40);
    abi_bad(len, "word 6 (validators offset)", "ABI: offset into the head");
    put_u64(6, 0x100);
    abi_bad(len, "word 6 (validators offset)", "ABI: offset past the count");
    put_u64(6, 0xe0);
    words[6 * W] = 0x80;
    abi_bad(len, "word 6 (validators offset)", "ABI: offset > 2^64");

    len = build(0, 3);
    abi_bad(len, "word 5 (minNodeCount) is 0", "ABI: minNodeCount 0");
    len = build(4, 3);
    abi_bad(len, "fewer than word 5 (minNodeCount) 4",
            "ABI: fewer validators than minNodeCount");
    len = build(1, 0);
    abi_bad(len, "fewer than word 5", "ABI: no validators at all");

    len = build(2, 3);
    words[1 * W + 3] = 1;
    abi_bad(len, "word 1 (epoch.number) does not fit 64 bits",
            "ABI: epoch number too wide");
    len = build(2, 3);
    words[(8 + 7) * W + 27] = 1; /* validator 1 ip, byte above uint32 */
    abi_bad(len, "word 15 (validator 1 ip) is wider than uint32",
            "ABI: ip too wide");
    len = build(2, 3);
    put_u64(8, 0);
    abi_bad(len, "word 8 (validator 0 ip) is 0.0.0.0", "ABI: ip 0.0.0.0");
    len = build(2, 3);
    put_u64(8 + 7 * 2 + 2, 70000);
    abi_bad(len, "word 24 (validator 2 port) is 70000", "ABI: port over 65535");
    put_u64(8 + 7 * 2 + 2, 0);
    abi_bad(len, "word 24 (validator 2 port) is 0", "ABI: port 0");
    len = build(2, 3);
    words[(8 + 1) * W] = 1;
    abi_bad(len, "word 9 (validator 0 ipv6)", "ABI: ipv6 too wide");
    len = build(2, 3);
    words[(8 + 3) * W + 11] = 1;
    abi_bad(len, "word 11 (validator 0 nodeAddress)", "ABI: address too wide");
}

static void test_abi_hex(void)
{
    static const char hexdig[] = "0123456789abcdef";
    lithsm_staking st;
    size_t len = build(1, 2), i;
    char *hex = malloc(2 * len + 3);

    if (hex == NULL) {
        ok(0, "malloc");
        return;
    }
    hex[0] = '0';
    hex[1] = 'x';
    for (i = 0; i < len; i++) {
        hex[2 + 2 * i] = hexdig[words[i] >> 4];
        hex[3 + 2 * i] = hexdig[words[i] & 15];
    }
    hex[2 + 2 * len] = '\0';
    ok_int_eq(lithsm_abi_decode_staking_hex(&st, hex, 2 + 2 * len), LITHSM_OK,
              "ABI hex: decodes");
    ok_int_eq(st.n_validators, 2, "ABI hex: 2 validators");
    lithsm_staking_clear(&st);
    ok(lithsm_abi_decode_staking_hex(&st, hex, 1 + 2 * len) != LITHSM_OK &&
           error_has("odd number"),
       "ABI hex: odd digits");
    hex[10] = 'g';
    ok(lithsm_abi_decode_staking_hex(&st, hex, 2 + 2 * len) != LITHSM_OK &&
           error_has("not hex"),
       "ABI hex: not hex");
    ok(lithsm_abi_decode_staking_hex(&st, hex + 2, 2 * len) != LITHSM_OK &&
           error_has("0x-prefixed"),
       "ABI hex: no 0x");
    ok(lithsm_abi_decode_staking_hex(&st, "0x", 2) != LITHSM_OK &&
           error_has("no data"),
       "ABI hex: \"0x\" (no contract) names the likely cause");
    free(hex);
}

static void test_epoch_rule(void)
{
    lithsm_staking st;

    memset(&st, 0, sizeof(st));
    st.epoch_number = 5;
    st.epoch_length = 3600;
    st.epoch_end_time = 10000; /* started at 6400 s */
    ok_int_eq(lithsm_staking_epoch(&st, 6400000 + 44999), 4,
              "epoch: previous within 45 s of the start");
    ok_int_eq(lithsm_staking_epoch(&st, 6400000 + 45000), 5,
              "epoch: current from 45 s after the start");
    st.epoch_number = 2;
    ok_int_eq(lithsm_staking_epoch(&st, 0), 2,
              "epoch: below 3 never steps back");
    st.epoch_number = 3;
    ok_int_eq(lithsm_staking_epoch(&st, 0), 2, "epoch: 3 steps back to 2");
    st.epoch_end_time = UINT64_MAX;
    st.epoch_length = 0;
    ok_int_eq(lithsm_staking_epoch(&st, INT64_MAX), 2,
              "epoch: huge endTime does not overflow");
}

static void test_consensus(void)
{
    const char *a[] = { "a", "b", "a" };
    const char *tie[] = { "b", "a", "a", "b" };
    const char *tie2[] = { NULL, "y", "x", "x", "y" };
    const char *later[] = { "a", "b", "b" };
    const char *none[] = { NULL, NULL };
    size_t count;

    ok_int_eq(lithsm_most_common(&count, a, 3), 0, "consensus: majority");
    ok_int_eq(count, 2, "consensus: majority count");
    ok_int_eq(lithsm_most_common(&count, later, 3), 1,
              "consensus: majority not first");
    ok_int_eq(lithsm_most_common(&count, tie, 4), 0,
              "consensus: a tie goes to the earliest node's value (JS: later)");
    ok_int_eq(lithsm_most_common(&count, tie2, 5), 1,
              "consensus: tie after a NULL goes to the earliest value");
    ok_int_eq(count, 2, "consensus: tie count");
    ok_int_eq(lithsm_most_common(&count, none, 2), -1, "consensus: all NULL");
    ok_int_eq(count, 0, "consensus: all NULL count");
    ok_int_eq(lithsm_most_common(NULL, a, 0), -1, "consensus: no values");
}

static void test_quorum(void)
{
    size_t t = 99;

    ok(lithsm_node_threshold(&t, 3, 0) == LITHSM_OK && t == 3,
       "threshold: explicit nodes default to all");
    ok(lithsm_node_threshold(&t, 3, 2) == LITHSM_OK && t == 2,
       "threshold: min_nodes");
    ok(lithsm_node_threshold(&t, 3, 4) == LITHSM_ERR_INVALID_ARG &&
           error_has("more than the 3 nodes"),
       "threshold: more than the nodes");
    ok(lithsm_node_threshold(&t, 0, 0) == LITHSM_ERR_INVALID_ARG,
       "threshold: no nodes");
    ok(lithsm_quorum_met(2, 2), "quorum: met at the threshold");
    ok(lithsm_quorum_met(3, 2), "quorum: met above");
    ok(!lithsm_quorum_met(1, 2), "quorum: not met below");
    ok(!lithsm_quorum_met(0, 0), "quorum: a zero threshold is never met");
}

static lithsm_err parse(lithsm_hs_reply *r, long status, const char *ct,
                        const char *body)
{
    return lithsm_hs_reply_parse(r, status, ct, body,
                                 body != NULL ? strlen(body) : 0);
}

static void test_reply(void)
{
    lithsm_hs_reply r;
    const char *good =
        "{\"serverPublicKey\":\"s\",\"subnetPublicKey\":\"sub\","
        "\"networkPublicKey\":\"n\",\"networkPublicKeySet\":\"ns\","
        "\"hdRootPubkeys\":[\"k1\",\"k2\"],\"attestation\":null,"
        "\"latestBlockhash\":\"" BH "\",\"clientSdkVersion\":\"7.4.0\"}";
    /* Replies refused, and the words the error must hold. */
    const struct {
        long status;
        const char *content_type, *body, *error, *what;
    } refused[] = {
        { 200, "text/html", good, "'text/html' is not JSON",
          "reply: not parsed without a JSON content type" },
        { 200, NULL, good, "(none)", "reply: no content type" },
        { 503, "text/plain", "busy", "HTTP 503", "reply: HTTP status" },
        { 418, "application/json",
          "{\"errorKind\":\"Validation\",\"errorCode\":"
          "\"CoreApiMissingRequiredXRequestIdHeader\",\"status\":418}",
          "HTTP 418 CoreApiMissingRequiredXRequestIdHeader",
          "reply: node error code named" },
        { 200, "application/json", "{\"latestBlockhash\":", "bad JSON",
          "reply: truncated JSON" },
        { 200, "application/json", "\x01\x02garbage\xff", "bad JSON",
          "reply: garbage bytes" },
        { 200, "application/json", "", "empty body", "reply: empty body" },
        { 200, "application/json", "[1]", "not an object",
          "reply: not an object" },
        { 200, "application/json", "{\"serverPublicKey\":\"s\"}",
          "bad blockhash", "reply: no blockhash" },
        { 200, "application/json", "{\"latestBlockhash\":\"0x1234\"}",
          "bad blockhash", "reply: short blockhash" },
        { 200, "application/json",
          "{\"latestBlockhash\":\"0x671008e9b3092d81fc62444cb9e12ba2316acd"
          "668cf6ac172d71505d36b6269g\"}",
          "bad blockhash", "reply: blockhash not hex" },
        { 200, "application/json", "{\"latestBlockhash\":42}", "bad blockhash",
          "reply: blockhash not a string" },
    };
    size_t i;

    ok_int_eq(parse(&r, 200, "application/json", good), LITHSM_OK,
              "reply: good");
    ok_str_eq(r.fields[LITHSM_HS_BLOCKHASH], BH, "reply: latestBlockhash");
    ok_str_eq(r.fields[LITHSM_HS_SUBNET_PK], "sub", "reply: subnetPublicKey");
    ok_str_eq(r.fields[LITHSM_HS_HD_ROOT_PUBKEYS], "[\"k1\",\"k2\"]",
              "reply: hdRootPubkeys as JSON text");
    lithsm_hs_reply_clear(&r);
    ok_int_eq(parse(&r, 200, "application/json; charset=utf-8", good),
              LITHSM_OK, "reply: JSON content type with parameters");
    lithsm_hs_reply_clear(&r);

    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        ok(parse(&r, refused[i].status, refused[i].content_type,
                 refused[i].body) != LITHSM_OK &&
               error_has(refused[i].error),
           refused[i].what);
    ok_int_eq(parse(&r, 200, "application/json",
                    "{\"latestBlockhash\":\"" BH "\",\"serverPublicKey\":1,"
                    "\"hdRootPubkeys\":\"x\"}"),
              LITHSM_OK, "reply: fields of the wrong type are ignored");
    ok(r.fields[LITHSM_HS_SERVER_PK] == NULL &&
           r.fields[LITHSM_HS_HD_ROOT_PUBKEYS] == NULL,
       "reply: ... and read as absent");
    lithsm_hs_reply_clear(&r);

    ok(lithsm_blockhash_valid(BH), "blockhash: valid");
    ok(!lithsm_blockhash_valid(BH "0"), "blockhash: too long");
    ok(!lithsm_blockhash_valid(NULL), "blockhash: NULL");
    ok(lithsm_content_type_is_json("Application/JSON"), "content type: case");
    ok(!lithsm_content_type_is_json("application/jsonp"),
       "content type: jsonp");
    ok(!lithsm_content_type_is_json("text/json"), "content type: text/json");
}

static void test_urls(void)
{
    ok_int_eq(lithsm_node_url_check("https://1.2.3.4:443"), LITHSM_OK,
              "URL: https");
    ok_int_eq(lithsm_node_url_check("http://127.0.0.1:7470"), LITHSM_OK,
              "URL: http");
    ok(lithsm_node_url_check("http://127.0.0.1:7470/") != LITHSM_OK &&
           error_has("path"),
       "URL: trailing slash");
    ok(lithsm_node_url_check("ftp://x") != LITHSM_OK, "URL: ftp");
    ok(lithsm_node_url_check("http://") != LITHSM_OK, "URL: no host");
    ok(lithsm_node_url_check("http://a b") != LITHSM_OK, "URL: space");
}

static void test_connect_args(void)
{
    const char *nodes[] = { "http://127.0.0.1:1", "http://127.0.0.1:1" };
    lithsm_client_params p;
    lithsm_client *c = (lithsm_client *)&p;

    memset(&p, 0, sizeof(p));
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_INVALID_ARG && c == NULL,
       "connect: nothing given");
    p.network = "datil";
    p.node_urls = nodes;
    p.n_nodes = 1;
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_INVALID_ARG &&
           error_has("exactly one"),
       "connect: network and nodes together");
    p.node_urls = NULL;
    p.n_nodes = 0;
    p.network = "mainnet";
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_INVALID_ARG &&
           error_has("unknown network 'mainnet'"),
       "connect: unknown network");
    p.network = NULL;
    p.rpc_url = "http://127.0.0.1:1";
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_INVALID_ARG &&
           error_has("both"),
       "connect: RPC without staking");
    p.staking = "0x21d636d95eE71150c0c3Ffa79268c989a329d1Ce";
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_INVALID_ARG &&
           error_has("checksum"),
       "connect: staking address with a bad checksum");
    p.rpc_url = NULL;
    p.staking = NULL;
    p.node_urls = nodes;
    p.n_nodes = 2;
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_INVALID_ARG &&
           error_has("given twice"),
       "connect: a node given twice");
    p.n_nodes = 1;
    p.min_nodes = 2;
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_INVALID_ARG,
       "connect: min_nodes above the node count");
    p.min_nodes = 0;
    p.retries = 11;
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_INVALID_ARG,
       "connect: too many retries");
    p.retries = 0;
    p.timeout_ms = -1;
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_INVALID_ARG,
       "connect: negative timeout");

    /* Port 1 on loopback: refused at once, so below the threshold. */
    p.timeout_ms = 5000;
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_NETWORK && c == NULL,
       "connect: the only node refuses");
    ok(error_has("0 of 1 nodes answered, 1 needed") &&
           error_has("http://127.0.0.1:1: connection refused"),
       "connect: the error names the node and why");
}

int main(void)
{
    test_abi_good();
    test_abi_bad();
    test_abi_hex();
    test_epoch_rule();
    test_consensus();
    test_quorum();
    test_reply();
    test_urls();
    test_connect_args();
    return tap_done();
}
