/*
 * test_node.c - the node client's pure parts: the staking ABI decoder on
 * hand-built words, the handshake reply parser, consensus, thresholds and
 * argument checks; then the wire format and the HTTP limits against a tiny
 * canned-reply server on 127.0.0.1 (a thread of this test).  Nothing but
 * loopback is contacted.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "net/net.h"
#include "tap.h"

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

static int error_has(const char *needle)
{
    int found = strstr(lithsm_last_error(), needle) != NULL;

    if (!found)
        printf("#   error: %s\n#   wanted: %s\n", lithsm_last_error(), needle);
    return found;
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

#define BH "0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac172d71505d36b62691"

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

    ok(parse(&r, 200, "text/html", good) != LITHSM_OK &&
           error_has("'text/html' is not JSON"),
       "reply: not parsed without a JSON content type");
    ok(parse(&r, 200, NULL, good) != LITHSM_OK && error_has("(none)"),
       "reply: no content type");
    ok(parse(&r, 503, "text/plain", "busy") != LITHSM_OK &&
           error_has("HTTP 503"),
       "reply: HTTP status");
    ok(parse(&r, 418, "application/json",
             "{\"errorKind\":\"Validation\",\"errorCode\":"
             "\"CoreApiMissingRequiredXRequestIdHeader\",\"status\":418}") !=
               LITHSM_OK &&
           error_has("HTTP 418 CoreApiMissingRequiredXRequestIdHeader"),
       "reply: node error code named");
    ok(parse(&r, 200, "application/json", "{\"latestBlockhash\":") !=
               LITHSM_OK &&
           error_has("bad JSON"),
       "reply: truncated JSON");
    ok(parse(&r, 200, "application/json", "\x01\x02garbage\xff") != LITHSM_OK &&
           error_has("bad JSON"),
       "reply: garbage bytes");
    ok(parse(&r, 200, "application/json", "") != LITHSM_OK &&
           error_has("empty body"),
       "reply: empty body");
    ok(parse(&r, 200, "application/json", "[1]") != LITHSM_OK &&
           error_has("not an object"),
       "reply: not an object");
    ok(parse(&r, 200, "application/json", "{\"serverPublicKey\":\"s\"}") !=
               LITHSM_OK &&
           error_has("bad blockhash"),
       "reply: no blockhash");
    ok(parse(&r, 200, "application/json", "{\"latestBlockhash\":\"0x1234\"}") !=
               LITHSM_OK &&
           error_has("bad blockhash"),
       "reply: short blockhash");
    ok(parse(&r, 200, "application/json",
             "{\"latestBlockhash\":\"0x671008e9b3092d81fc62444cb9e12ba2316acd"
             "668cf6ac172d71505d36b6269g\"}") != LITHSM_OK &&
           error_has("bad blockhash"),
       "reply: blockhash not hex");
    ok(parse(&r, 200, "application/json", "{\"latestBlockhash\":42}") !=
               LITHSM_OK &&
           error_has("bad blockhash"),
       "reply: blockhash not a string");
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

/* ------------------------------------------------------------------------
 * A canned-reply HTTP server: one thread, one connection at a time, each
 * closed after its answer.  It records the last request.
 */
enum fake_mode {
    FAKE_GOOD,      /* 200 JSON handshake / {"ok":true} */
    FAKE_503,       /* 503 every time */
    FAKE_TEXT,      /* 200 text/plain */
    FAKE_BIG_CL,    /* Content-Length over the limit */
    FAKE_BIG_STREAM /* no Content-Length, more than the limit */
};

struct fake {
    int fd;
    int port;
    enum fake_mode mode;
    volatile int stop;
    int n_requests;
    char last[16384];
    pthread_t thread;
};

static void send_all(int fd, const char *p, size_t n)
{
    ssize_t w;

    while (n > 0) {
        w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Reads one request (headers + Content-Length body) into f->last. */
static void read_request(struct fake *f, int c)
{
    size_t len = 0, want = 0;
    char *end, *cl;
    ssize_t r;

    f->last[0] = '\0';
    while (len < sizeof(f->last) - 1) {
        r = recv(c, f->last + len, sizeof(f->last) - 1 - len, 0);
        if (r <= 0)
            break;
        len += (size_t)r;
        f->last[len] = '\0';
        end = strstr(f->last, "\r\n\r\n");
        if (end == NULL)
            continue;
        cl = strstr(f->last, "Content-Length: ");
        want = (size_t)(end + 4 - f->last) +
               (cl != NULL ? strtoul(cl + 16, NULL, 10) : 0);
        if (len >= want)
            break;
    }
}

static void answer(struct fake *f, int c)
{
    static char chunk[65536];
    char head[256], body[512];
    size_t i;

    if (f->mode == FAKE_503) {
        snprintf(head, sizeof(head),
                 "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n"
                 "Connection: close\r\n\r\nbusy");
        send_all(c, head, strlen(head));
        return;
    }
    if (f->mode == FAKE_BIG_CL || f->mode == FAKE_BIG_STREAM) {
        if (f->mode == FAKE_BIG_CL)
            snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Content-Length: 2000000\r\n\r\n");
        else
            snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Connection: close\r\n\r\n");
        send_all(c, head, strlen(head));
        memset(chunk, ' ', sizeof(chunk));
        for (i = 0; i < 20; i++) /* 1.25 MiB */
            send_all(c, chunk, sizeof(chunk));
        return;
    }
    if (strstr(f->last, "check_session_sig") != NULL)
        snprintf(body, sizeof(body), "{\"ok\":true}");
    else
        snprintf(body, sizeof(body),
                 "{\"serverPublicKey\":\"s%d\",\"subnetPublicKey\":\"sub\","
                 "\"networkPublicKey\":\"n\",\"networkPublicKeySet\":\"ns\","
                 "\"hdRootPubkeys\":[\"k\"],\"latestBlockhash\":\"" BH "\"}",
                 f->port);
    snprintf(head, sizeof(head),
             "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n",
             f->mode == FAKE_TEXT ? "text/plain" : "application/json",
             strlen(body));
    send_all(c, head, strlen(head));
    send_all(c, body, strlen(body));
}

static void *fake_main(void *arg)
{
    struct fake *f = arg;
    struct pollfd pfd;
    int c;

    while (!f->stop) {
        pfd.fd = f->fd;
        pfd.events = POLLIN;
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        c = accept(f->fd, NULL, NULL);
        if (c < 0)
            continue;
        read_request(f, c);
        f->n_requests++;
        answer(f, c);
        shutdown(c, SHUT_WR);
        close(c);
    }
    return NULL;
}

static int fake_start(struct fake *f, enum fake_mode mode)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);

    memset(f, 0, sizeof(*f));
    f->mode = mode;
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (f->fd < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(f->fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(f->fd, 16) != 0 ||
        getsockname(f->fd, (struct sockaddr *)&a, &alen) != 0) {
        close(f->fd);
        return -1;
    }
    f->port = ntohs(a.sin_port);
    if (pthread_create(&f->thread, NULL, fake_main, f) != 0) {
        close(f->fd);
        return -1;
    }
    return 0;
}

static void fake_stop(struct fake *f)
{
    f->stop = 1;
    pthread_join(f->thread, NULL);
    close(f->fd);
}

/* The value of header `name` in a recorded request, into out. */
static void header_value(char *out, size_t len, const char *req,
                         const char *name)
{
    const char *p = strstr(req, name);

    out[0] = '\0';
    if (p == NULL)
        return;
    p += strlen(name);
    snprintf(out, len, "%.*s", (int)strcspn(p, "\r\n"), p);
}

static const char *body_of(const char *req)
{
    const char *p = strstr(req, "\r\n\r\n");

    return p != NULL ? p + 4 : "";
}

static int hex64(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static void test_wire(void)
{
    struct fake f[3];
    char urls[3][40], id[3][64], challenge[3][65];
    const char *nodes[3] = { urls[0], urls[1], urls[2] };
    lithsm_client_params p;
    lithsm_client *c = NULL;
    char *report = NULL, *verdicts = NULL, sigs[512];
    size_t i;
    int started = 0;

    for (i = 0; i < 3; i++) {
        if (fake_start(&f[i], FAKE_GOOD) != 0)
            break;
        started++;
        snprintf(urls[i], sizeof(urls[i]), "http://127.0.0.1:%d", f[i].port);
    }
    if (!ok(started == 3, "wire: 3 fake nodes listen on loopback"))
        goto stop;
    memset(&p, 0, sizeof(p));
    p.node_urls = nodes;
    p.n_nodes = 3;
    p.timeout_ms = 10000;
    p.retries = 0;
    ok_int_eq(lithsm_client_connect(&c, &p), LITHSM_OK, "wire: connect");
    if (c == NULL)
        goto stop;
    ok_int_eq(lithsm_client_node_count(c), 3, "wire: 3 nodes connected");
    ok_str_eq(lithsm_client_node_url(c, 2), urls[2], "wire: node URLs kept");
    ok(lithsm_client_node_url(c, 3) == NULL, "wire: node index past the end");
    for (i = 0; i < 3; i++) {
        const char *b = body_of(f[i].last);

        ok(strncmp(f[i].last, "POST /web/handshake/ HTTP/1.1\r\n", 31) == 0,
           "wire: POST /web/handshake/ with the trailing slash");
        ok(strstr(f[i].last, "\r\nContent-Type: application/json\r\n") &&
               strstr(f[i].last, "\r\nAccept: application/json\r\n") &&
               strstr(f[i].last, "\r\nX-Lit-SDK-Version: 7.4.0\r\n") &&
               strstr(f[i].last, "\r\nX-Lit-SDK-Type: Typescript\r\n"),
           "wire: the SDK's headers");
        ok(strstr(f[i].last, "Expect:") == NULL, "wire: no Expect header");
        header_value(id[i], sizeof(id[i]), f[i].last, "X-Request-Id: ");
        ok(strncmp(id[i], "lit_", 4) == 0 && strlen(id[i]) == 36,
           "wire: X-Request-Id lit_ + 32 hex");
        ok(strncmp(b, "{\"clientPublicKey\":\"test\",\"challenge\":\"", 39) ==
                   0 &&
               hex64(b + 39) && strcmp(b + 103, "\",\"epoch\":null}") == 0,
           "wire: body {clientPublicKey, challenge 64 hex, epoch null}");
        snprintf(challenge[i], sizeof(challenge[i]), "%.64s", b + 39);
    }
    ok(strcmp(id[0], id[1]) == 0 && strcmp(id[1], id[2]) == 0,
       "wire: one X-Request-Id for all nodes");
    ok(strcmp(challenge[0], challenge[2]) == 0,
       "wire: one challenge for all nodes");

    ok_int_eq(lithsm_client_report_json(&report, c), LITHSM_OK, "wire: report");
    if (report != NULL) {
        ok(strstr(report, "{\"latestBlockhash\":\"" BH "\"") == report,
           "report: consensus blockhash first");
        ok(strstr(report, "\"hdRootPubkeys\":[\"k\"],\"epoch\":null,"
                          "\"threshold\":3,\"connected\":3,") != NULL,
           "report: hdRootPubkeys, epoch, threshold, connected");
        ok(strstr(report, id[0]) != NULL, "report: the request id");
        ok(strstr(report, "\"ok\":true,\"error\":null,\"latestBlockhash\":") !=
               NULL,
           "report: per-node status");
        ok(strstr(report, "\"disagrees\":[]") != NULL,
           "report: serverPublicKey differs per node without disagreeing");
    }

    /* The check route: each node gets exactly its own entry. */
    snprintf(sigs, sizeof(sigs),
             "{\"%s\":{\"sig\":\"a\",\"derivedVia\":\"litSessionSignViaNacl\","
             "\"signedMessage\":\"{\\\"x\\\":\\\"\\u00e9/\\\"}\","
             "\"address\":\"b\",\"algo\":\"ed25519\"},"
             "\"%s\":{\"sig\":\"c\"}}",
             urls[0], urls[1]);
    ok_int_eq(lithsm_client_check_session_sigs(&verdicts, c, sigs), LITHSM_OK,
              "check: sent");
    ok(strncmp(f[0].last, "POST /web/lithsm/check_session_sig/v1 HTTP/1.1\r\n",
               48) == 0,
       "check: the devnet's route");
    ok_str_eq(body_of(f[0].last),
              "{\"authSig\":{\"sig\":\"a\",\"derivedVia\":"
              "\"litSessionSignViaNacl\",\"signedMessage\":"
              "\"{\\\"x\\\":\\\"\xc3\xa9/\\\"}\",\"address\":\"b\","
              "\"algo\":\"ed25519\"}}",
              "check: the entry sent as JSON.stringify writes it");
    ok_str_eq(body_of(f[1].last), "{\"authSig\":{\"sig\":\"c\"}}",
              "check: node 1 gets its own entry");
    ok_int_eq(f[2].n_requests, 1, "check: a node with no entry gets nothing");
    if (verdicts != NULL)
        ok(strstr(verdicts, "\"verdict\":\"accept\",\"errorCode\":null,"
                            "\"status\":200,\"detail\":null}") != NULL,
           "check: accept verdicts");
    lithsm_free(verdicts);
    verdicts = NULL;
    ok(lithsm_client_check_session_sigs(&verdicts, c, "[]") ==
               LITHSM_ERR_PARSE &&
           verdicts == NULL,
       "check: not a map");
    ok(lithsm_client_check_session_sigs(&verdicts, c, "{\"http://x/y\":{}}") ==
           LITHSM_ERR_PARSE,
       "check: a key that is not a node URL");
stop:
    lithsm_free(report);
    lithsm_client_free(c);
    for (i = 0; i < (size_t)started; i++)
        fake_stop(&f[i]);
}

/* One good node plus one of `mode`, threshold 1: the report entry of the
 * second node must contain `needle`. */
static void limit_case(enum fake_mode mode, int retries, const char *needle,
                       int want_requests, const char *what)
{
    struct fake good, bad;
    char u0[40], u1[40];
    const char *nodes[2] = { u0, u1 };
    lithsm_client_params p;
    lithsm_client *c = NULL;
    char *report = NULL;
    const char *e;

    if (fake_start(&good, FAKE_GOOD) != 0) {
        ok(0, what);
        return;
    }
    if (fake_start(&bad, mode) != 0) {
        fake_stop(&good);
        ok(0, what);
        return;
    }
    snprintf(u0, sizeof(u0), "http://127.0.0.1:%d", good.port);
    snprintf(u1, sizeof(u1), "http://127.0.0.1:%d", bad.port);
    memset(&p, 0, sizeof(p));
    p.node_urls = nodes;
    p.n_nodes = 2;
    p.min_nodes = 1;
    p.timeout_ms = 10000;
    p.retries = retries;
    if (lithsm_client_connect(&c, &p) == LITHSM_OK &&
        lithsm_client_report_json(&report, c) == LITHSM_OK) {
        e = strstr(report, u1);
        ok(e != NULL && strstr(e, needle) != NULL, what);
        if (e == NULL || strstr(e, needle) == NULL)
            printf("#   report: %.600s\n", report);
        ok_int_eq(lithsm_client_node_count(c), 1, "  ... only the good node");
    } else {
        ok(0, what);
        printf("#   %s\n", lithsm_last_error());
    }
    if (want_requests > 0)
        ok_int_eq(bad.n_requests, want_requests, "  ... requests made");
    lithsm_free(report);
    lithsm_client_free(c);
    fake_stop(&bad);
    fake_stop(&good);
}

static void test_limits(void)
{
    limit_case(FAKE_503, 2, "\"ok\":false,\"error\":\"HTTP 503\"", 3,
               "HTTP 503: retried twice, then reported");
    limit_case(FAKE_503, 0, "\"attempts\":1,", 1, "HTTP 503: no retry asked");
    limit_case(FAKE_TEXT, 2, "content type 'text/plain' is not JSON", 1,
               "text/plain: not parsed, not retried");
    limit_case(FAKE_BIG_CL, 0, "response larger than 1048576 bytes", 0,
               "oversized body (Content-Length): refused");
    limit_case(FAKE_BIG_STREAM, 0, "response larger than 1048576 bytes", 0,
               "oversized body (streamed): cut at the limit");
}

/* Many failed nodes: the message stays within the detail buffer. */
static void test_long_failure(void)
{
    char urls[14][40];
    const char *nodes[14];
    lithsm_client_params p;
    lithsm_client *c = NULL;
    size_t i;

    for (i = 0; i < 14; i++) {
        snprintf(urls[i], sizeof(urls[i]), "http://127.0.0.%zu:1", i + 1);
        nodes[i] = urls[i];
    }
    memset(&p, 0, sizeof(p));
    p.node_urls = nodes;
    p.n_nodes = 14;
    p.timeout_ms = 5000;
    ok(lithsm_client_connect(&c, &p) == LITHSM_ERR_NETWORK,
       "14 refusing nodes: connect fails");
    ok(error_has("0 of 14 nodes answered, 14 needed: http://127.0.0.1:1: "
                 "connection refused;") &&
           error_has(" more") && strlen(lithsm_last_error()) < 500,
       "14 refusing nodes: the list ends with 'and N more'");
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
    test_wire();
    test_limits();
    test_long_failure();
    return tap_done();
}
