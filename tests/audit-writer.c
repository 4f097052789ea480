/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * audit-writer.c - appends records to an audit trail from several threads
 * and prints each acknowledged seq, for tests/audit.test (kill -9 in the
 * middle, then every printed seq must be in the trail).
 *
 *   audit-writer FILE THREADS COUNT   COUNT records per thread (0: until
 *                                     killed); prints "SEQ\n" on stdout
 *                                     once lithsm_audit_append() returned
 *   audit-writer FILE                 opens the trail (cutting a torn
 *                                     tail), prints {"records":N,
 *                                     "torn":BYTES,"last":HASH}, closes
 *
 * A warning from opening goes to stderr.
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
} job;

static void die(const char *what)
{
    fprintf(stderr, "audit-writer: %s: %s\n", what, lithsm_last_error());
    exit(1);
}

static void *run(void *arg)
{
    const job *j = arg;
    char rec[320], out[32];
    uint64_t seq;
    long i;

    for (i = 0; j->count == 0 || i < j->count; i++) {
        int n;

        snprintf(rec, sizeof(rec),
                 "{\"thread\":%d,\"i\":%ld,\"route\":\"/v1/sign/message\","
                 "\"decision\":\"allow\",\"pad\":\"%0200d\"}",
                 j->id, i, 0);
        if (lithsm_audit_append(&seq, NULL, j->a, rec, strlen(rec)) !=
            LITHSM_OK)
            die("append");
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

    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: audit-writer FILE [THREADS COUNT]\n");
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
               ",\"last\":\"%s\"}\n",
               st.last_seq, st.torn_bytes, st.last);
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
        if (pthread_create(&th[i], NULL, run, &jobs[i]) != 0)
            die("pthread_create");
    }
    for (i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    lithsm_audit_close(a);
    return 0;
}
