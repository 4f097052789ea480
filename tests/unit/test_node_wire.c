/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_node_wire.c - the node client on the wire: the handshake's
 * requests, the report, the check route and the HTTP limits against a
 * tiny canned-reply server on 127.0.0.1 (a thread of this test).  Nothing
 * but loopback is contacted.
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
#include "unit/node_test.h"

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

/* The three handshake requests: the route, the SDK's headers, one
 * request id and one challenge for all. */
static void wire_handshake(struct fake f[3], char id[3][64])
{
    char challenge[3][65];
    size_t i;

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
}

static void wire_report(const lithsm_client *c, const char *id)
{
    char *report = NULL;

    ok_int_eq(lithsm_client_report_json(&report, c), LITHSM_OK, "wire: report");
    if (report != NULL) {
        ok(strstr(report, "{\"latestBlockhash\":\"" BH "\"") == report,
           "report: consensus blockhash first");
        ok(strstr(report, "\"hdRootPubkeys\":[\"k\"],\"epoch\":null,"
                          "\"threshold\":3,\"connected\":3,") != NULL,
           "report: hdRootPubkeys, epoch, threshold, connected");
        ok(strstr(report, id) != NULL, "report: the request id");
        ok(strstr(report, "\"ok\":true,\"error\":null,\"latestBlockhash\":") !=
               NULL,
           "report: per-node status");
        ok(strstr(report, "\"disagrees\":[]") != NULL,
           "report: serverPublicKey differs per node without disagreeing");
    }
    lithsm_free(report);
}

/* The check route: each node gets exactly its own entry. */
static void wire_check(struct fake f[3], char urls[3][40], lithsm_client *c)
{
    char *verdicts = NULL, sigs[512];

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
}

static void test_wire(void)
{
    struct fake f[3];
    char urls[3][40], id[3][64];
    const char *nodes[3] = { urls[0], urls[1], urls[2] };
    lithsm_client_params p;
    lithsm_client *c = NULL;
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
    wire_handshake(f, id);
    wire_report(c, id[0]);
    wire_check(f, urls, c);
stop:
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
    test_wire();
    test_limits();
    test_long_failure();
    return tap_done();
}
