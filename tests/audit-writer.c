/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * audit-writer.c - appends records to an audit trail from several threads
 * and prints each acknowledged seq, for tests/audit.test and
 * tests/audit-pg.test (kill -9 in the middle, then every printed seq must
 * be in the trail).  LOC is a trail's location: a path, file:PATH or
 * postgresql://...
 *
 *   audit-writer LOC THREADS COUNT [keep-going]
 *                  COUNT records per thread (0: until killed); prints
 *                  "SEQ\n" on stdout once lithsm_audit_append() returned.
 *                  A failed append exits 1; with keep-going it prints
 *                  "fail CODE (probe CODE): MESSAGE" on stderr instead,
 *                  and the thread tries again 20 ms later (the same open
 *                  trail: never reopened); the first success after a
 *                  failure prints "recovered (probe CODE)" on stderr
 *   audit-writer LOC
 *                  opens the trail (cutting a torn tail), prints
 *                  {"records":N,"torn":BYTES,"last":HASH,"syncs":N},
 *                  closes
 *
 * A warning from opening goes to stderr.  Records hold a string with
 * escapes ("\"" and "\\"): a copy of the trail must keep them as they
 * are.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lithsm.h"

typedef struct job {
    lithsm_audit *a;
    int id;
    long count;
    int keep_going;
} job;

static const char *code(lithsm_err err)
{
    switch (err) {
    case LITHSM_OK:
        return "OK";
    case LITHSM_ERR_NETWORK:
        return "NETWORK";
    case LITHSM_ERR_PROTOCOL:
        return "PROTOCOL";
    case LITHSM_ERR_IO:
        return "IO";
    default:
        return "OTHER";
    }
}

/* A failed append under keep-going: said on stderr, then a pause. */
static void report_failure(const job *j, lithsm_err err)
{
    char why[600];

    snprintf(why, sizeof(why), "%s", lithsm_last_error());
    fprintf(stderr, "fail %s (probe %s): %s\n", code(err),
            code(lithsm_audit_probe(j->a)), why);
    usleep(20000);
}

static void die(const char *what)
{
    fprintf(stderr, "audit-writer: %s: %s\n", what, lithsm_last_error());
    exit(1);
}

static void *run(void *arg)
{
    const job *j = arg;
    char rec[400], out[32];
    uint64_t seq;
    long i;
    int failing = 0;

    for (i = 0; j->count == 0 || i < j->count; i++) {
        lithsm_err err;
        int n;

        snprintf(rec, sizeof(rec),
                 "{\"thread\":%d,\"i\":%ld,\"route\":\"/v1/sign/message\","
                 "\"note\":\"a \\\"quoted\\\" \\\\ word\","
                 "\"decision\":\"allow\",\"pad\":\"%0200d\"}",
                 j->id, i, 0);
        err = lithsm_audit_append(&seq, NULL, j->a, rec, strlen(rec));
        if (err != LITHSM_OK && !j->keep_going)
            die("append");
        if (err != LITHSM_OK) {
            report_failure(j, err);
            failing = 1;
            i--;
            continue;
        }
        if (failing)
            fprintf(stderr, "recovered (probe %s)\n",
                    code(lithsm_audit_probe(j->a)));
        failing = 0;
        /* One write per line: a kill leaves whole lines on stdout. */
        n = snprintf(out, sizeof(out), "%" PRIu64 "\n", seq);
        if (write(1, out, (size_t)n) != n)
            die("write to stdout");
    }
    return NULL;
}

int main(int argc, char **argv)
{
    lithsm_audit *a = NULL;
    lithsm_audit_stats st;
    pthread_t th[64];
    job jobs[64];
    char *warning = NULL;
    int i, threads;

    if (argc < 2 || argc == 3 || argc > 5 ||
        (argc == 5 && strcmp(argv[4], "keep-going") != 0)) {
        fprintf(stderr,
                "usage: audit-writer LOC [THREADS COUNT [keep-going]]\n");
        return 2;
    }
    if (lithsm_audit_open(&a, &warning, argv[1]) != LITHSM_OK)
        die("open");
    if (warning != NULL)
        fprintf(stderr, "%s\n", warning);
    lithsm_free(warning);
    if (argc == 2) {
        lithsm_audit_get_stats(&st, a);
        printf("{\"records\":%" PRIu64 ",\"torn\":%" PRIu64
               ",\"last\":\"%s\",\"syncs\":%" PRIu64 "}\n",
               st.last_seq, st.torn_bytes, st.last, st.syncs);
        lithsm_audit_close(a);
        return 0;
    }
    threads = atoi(argv[2]);
    if (threads < 1 || threads > 64)
        threads = 1;
    for (i = 0; i < threads; i++) {
        jobs[i].a = a;
        jobs[i].id = i;
        jobs[i].count = atol(argv[3]);
        jobs[i].keep_going = argc == 5;
        if (pthread_create(&th[i], NULL, run, &jobs[i]) != 0)
            die("pthread_create");
    }
    for (i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    lithsm_audit_close(a);
    return 0;
}
