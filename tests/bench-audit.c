/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * bench-audit.c - `make bench`: durable audit appends per second with 1
 * and 8 threads, and the group-commit factor (records per fdatasync), on
 * a trail in $TMPDIR (default /tmp: the disk under it is what is timed).
 * Prints only; nothing is asserted.
 *
 * The record is about the size the signing service writes for a signed
 * EIP-191 message (caller, route, key, message, digest, signature).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lithsm.h"

#define SECONDS 2.0

typedef struct job {
    lithsm_audit *a;
    double until;
    long done;
    int failed;
} job;

static const char record[] =
    "{\"time\":\"2026-12-05T07:00:00.000Z\",\"caller\":\"CN=admin,O=custody\","
    "\"route\":\"/v1/sign/message\",\"key\":\"wallet\",\"message\":\"Sign in "
    "to example.com\",\"digest\":\"0x6d81a7b5dd1b2f5cdb7ab4a7f1f4cbc1b3a8f1"
    "a1e7d2b6a9ff6ad3c2dc2b1a53\",\"decision\":\"allow\",\"rule\":\"admin\","
    "\"signature\":\"0x2bd2c5cf6c0a3e8c0e7e0c1b0b7c8d9e0f1a2b3c4d5e6f708192"
    "a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c"
    "5d6e7f8091a1c\"}";

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
    job *j = arg;

    while (now_s() < j->until) {
        if (lithsm_audit_append(NULL, NULL, j->a, record, sizeof(record) - 1) !=
            LITHSM_OK) {
            j->failed = 1;
            break;
        }
        j->done++;
    }
    return NULL;
}

/* Appends from `threads` threads for SECONDS; prints the rates. */
static int measure(const char *path, int threads)
{
    lithsm_audit *a = NULL;
    lithsm_audit_stats st;
    pthread_t th[8];
    job jobs[8];
    long total = 0;
    double t0, secs;
    int i, failed = 0;

    unlink(path);
    if (lithsm_audit_open(&a, NULL, path) != LITHSM_OK) {
        fprintf(stderr, "bench-audit: %s\n", lithsm_last_error());
        return 1;
    }
    t0 = now_s();
    for (i = 0; i < threads; i++) {
        jobs[i] = (job){ a, t0 + SECONDS, 0, 0 };
        pthread_create(&th[i], NULL, run, &jobs[i]);
    }
    for (i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        total += jobs[i].done;
        failed |= jobs[i].failed;
    }
    secs = now_s() - t0;
    lithsm_audit_get_stats(&st, a);
    lithsm_audit_close(a);
    unlink(path);
    /* The sync made at open is not an append's. */
    printf("audit append, %d thread%s: %8.0f durable records/s, %7.0f "
           "fdatasync/s, %5.2f records per fdatasync (%ld records, %zu "
           "bytes each)%s\n",
           threads, threads == 1 ? " " : "s", (double)total / secs,
           (double)(st.syncs - 1) / secs,
           (double)st.appends / (double)(st.syncs > 1 ? st.syncs - 1 : 1),
           total, sizeof(record) - 1 + 90, failed ? " FAILED" : "");
    return failed;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[512];
    int rc;

    snprintf(path, sizeof(path), "%s/lithsm-bench-audit-%ld.jsonl",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp", (long)getpid());
    rc = measure(path, 1);
    rc |= measure(path, 8);
    return rc;
}
