/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_flow_procs.c - lithsm_get_session_sigs beyond one process: several
 * processes sharing one store directory, and a client connected to fake
 * nodes (child processes answering handshakes on loopback).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flow_fixture.h"
#include "tap.h"

/* ------------------------------------------------------------------------
 * Several processes sharing one store directory
 */

/* Runs `calls` flows in a child with its own store; the exit status counts
 * the failures (and, with want_pk, results on another session key or
 * wallet AuthSig). */
static pid_t spawn(int calls, int64_t now, const char *scope, int vary,
                   const result *want)
{
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        lithsm_requests *a = make_requests(0, 0), *b = make_requests(1, 0);
        lithsm_store *st = NULL;
        lithsm_flow_params p;
        int i, bad = 0;

        if (lithsm_store_file_new(&st, store_dir) != LITHSM_OK)
            _exit(100);
        for (i = 0; i < calls; i++) {
            result r;

            base_params(&p, st, vary && (i + getpid()) % 2 ? b : a, now);
            p.store_scope = scope;
            r = run(&p);
            if (r.err != LITHSM_OK || !r.all_ok)
                bad++;
            else if (want != NULL &&
                     (strcmp(r.pk, want->pk) != 0 ||
                      strcmp(r.wallet_sig, want->wallet_sig) != 0))
                bad++;
        }
        lithsm_store_free(st);
        lithsm_requests_free(a);
        lithsm_requests_free(b);
        lithsm_signer_free(wallet);
        lithsm_signer_free(other_wallet);
        _exit(bad > 99 ? 99 : bad);
    }
    return pid;
}

static int child_ok(pid_t pid)
{
    int status;

    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return 0;
    if (WEXITSTATUS(status) != 0)
        printf("#   child exit status %d\n", WEXITSTATUS(status));
    return WEXITSTATUS(status) == 0;
}

static void test_processes(lithsm_store *st)
{
    lithsm_requests *reqs = make_requests(0, 0);
    lithsm_flow_params p;
    pid_t pids[4];
    result a, b;
    int i, all = 1;

    base_params(&p, st, reqs, T0);
    p.store_scope = "mp";
    a = run(&p);
    ok_int_eq(a.err, LITHSM_OK, "processes: the parent makes an entry");
    ok(child_ok(spawn(2, T0 + HOUR, "mp", 0, &a)),
       "processes: another process reuses its session key and AuthSig");

    for (i = 0; i < 4; i++)
        pids[i] = spawn(12, T0, "race", 1, NULL);
    for (i = 0; i < 4; i++)
        all &= child_ok(pids[i]);
    ok(all, "processes: 4 processes re-signing one entry at once all get "
            "session sigs every node accepts");
    p.store_scope = "race";
    a = run(&p);
    b = run(&p);
    ok(a.err == LITHSM_OK && a.all_ok, "processes: the raced entry is usable");
    ok_str_eq(b.pk, a.pk, "processes: and reused afterwards");
    lithsm_requests_free(reqs);
}

/* ------------------------------------------------------------------------
 * Through a connected client: a fake node on loopback answers handshakes
 * (one child process per node, killed at the end).
 */
#define FAKE_HASH \
    "0x1111111111111111111111111111111111111111111111111111111111111111"

static char *find_nocase(char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay != '\0'; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return hay;
    return NULL;
}

static void serve_handshakes(int lfd)
{
    static const char body[] =
        "{\"serverPublicKey\":\"s\",\"subnetPublicKey\":\"n\","
        "\"networkPublicKey\":\"n\",\"networkPublicKeySet\":\"n\","
        "\"hdRootPubkeys\":[\"h\"],\"latestBlockhash\":\"" FAKE_HASH "\"}";
    char req[8192], head[256];

    alarm(60); /* never outlive a broken test */
    for (;;) {
        size_t len = 0;
        char *end = NULL, *cl;
        long want = 0;
        int fd = accept(lfd, NULL, NULL);

        if (fd < 0)
            continue;
        /* Read the head, then Content-Length bytes of body. */
        while (len + 1 < sizeof(req)) {
            ssize_t n = read(fd, req + len, sizeof(req) - 1 - len);

            if (n <= 0)
                break;
            len += (size_t)n;
            req[len] = '\0';
            end = strstr(req, "\r\n\r\n");
            if (end == NULL)
                continue;
            cl = find_nocase(req, "\r\ncontent-length:");
            want = cl ? strtol(cl + 17, NULL, 10) : 0;
            if ((long)(len - (size_t)(end + 4 - req)) >= want)
                break;
        }
        snprintf(head, sizeof(head),
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                 sizeof(body) - 1);
        if (write(fd, head, strlen(head)) < 0 ||
            write(fd, body, sizeof(body) - 1) < 0)
            printf("# fake node: write failed\n");
        close(fd);
    }
}

/* A fake node on 127.0.0.1, its URL in url_out; the child's pid or -1. */
static pid_t fake_node(char *url_out, size_t n)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    pid_t pid;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(lfd, 16) != 0 ||
        getsockname(lfd, (struct sockaddr *)&sa, &sl) != 0) {
        if (lfd >= 0)
            close(lfd);
        return -1;
    }
    snprintf(url_out, n, "http://127.0.0.1:%u", ntohs(sa.sin_port));
    fflush(stdout);
    pid = fork();
    if (pid == 0)
        serve_handshakes(lfd);
    close(lfd);
    return pid;
}

static void test_client(lithsm_store *st)
{
    lithsm_requests *reqs = make_requests(0, 0);
    char urls[2][64], *json = NULL;
    const char *list[2];
    lithsm_client_params cp;
    lithsm_client *client = NULL;
    lithsm_flow_params p;
    pid_t pids[2];
    int i;

    for (i = 0; i < 2; i++) {
        pids[i] = fake_node(urls[i], sizeof(urls[i]));
        list[i] = urls[i];
    }
    if (pids[0] < 0 || pids[1] < 0) {
        ok(0, "client: start two fake nodes");
        goto done;
    }
    memset(&cp, 0, sizeof(cp));
    cp.node_urls = list;
    cp.n_nodes = 2;
    cp.retries = -1;
    if (lithsm_client_connect(&client, &cp) != LITHSM_OK) {
        printf("# connect: %s\n", lithsm_last_error());
        ok(0, "client: connect to the fake nodes");
        goto done;
    }
    base_params(&p, st, reqs, 0);
    p.node_urls = NULL;
    p.n_nodes = 0;
    p.nonce = NULL;
    p.store_scope = "client";
    ok_int_eq(lithsm_get_session_sigs(&json, client, &p), LITHSM_OK,
              "client: session sigs for the connected nodes");
    ok(json != NULL && verify_nodes(json, list, 2, lithsm_time_now_ms()),
       "client: one accepted SessionSig per connected node");
    ok(json != NULL && strstr(json, "Nonce: " FAKE_HASH) != NULL,
       "client: the nonce is the handshake's latestBlockhash");

done:
    free(json);
    lithsm_client_free(client);
    for (i = 0; i < 2; i++)
        if (pids[i] > 0) {
            kill(pids[i], SIGTERM);
            waitpid(pids[i], NULL, 0);
        }
    lithsm_requests_free(reqs);
}

int main(void)
{
    lithsm_store *st = NULL;

    if (flow_setup(&st) != 0)
        return 99;
    test_processes(st);
    test_client(st);
    flow_teardown(st);
    return tap_done();
}
