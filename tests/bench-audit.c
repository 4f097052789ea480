/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * bench-audit.c - `make bench`: durable audit appends per second and the
 * latency of one append (p50, p99) with 1, 8 and 32 threads, and the
 * group-commit factor (records per fdatasync, or per transaction), on a
 * file trail in $TMPDIR (default /tmp: the disk under it is what is
 * timed) and, when a location is given, on that PostgreSQL trail too:
 *
 *   bench-audit [postgresql://...]
 *
 * (a throwaway server: . tests/pg-lib.sh; pg_start DIR; bench-audit
 * "$PG_URI").  Prints only; nothing is asserted.
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
#define THREADS_MAX 32
/* Latencies kept per thread (the rest are counted, not kept). */
#define KEEP 100000

typedef struct job {
    lithsm_audit *a;
    double until;
    long done;
    int failed;
    double *lat; /* seconds per append, the first KEEP */
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
    double t = now_s();

    while (t < j->until) {
        double t1;

        if (lithsm_audit_append(NULL, NULL, j->a, record, sizeof(record) - 1) !=
            LITHSM_OK) {
            j->failed = 1;
            break;
        }
        t1 = now_s();
        if (j->done < KEEP)
            j->lat[j->done] = t1 - t;
        j->done++;
        t = t1;
    }
    return NULL;
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;

    return a < b ? -1 : a > b;
}

/* The p-th percentile of the latencies kept, in ms. */
static double percentile(job *jobs, int threads, double p)
{
    size_t n = 0, i;
    double *all, v;
    int t;

    for (t = 0; t < threads; t++)
        n += (size_t)(jobs[t].done < KEEP ? jobs[t].done : KEEP);
    if (n == 0 || (all = malloc(n * sizeof(*all))) == NULL)
        return 0;
    for (t = 0, i = 0; t < threads; t++) {
        size_t k = (size_t)(jobs[t].done < KEEP ? jobs[t].done : KEEP);

        memcpy(all + i, jobs[t].lat, k * sizeof(*all));
        i += k;
    }
    qsort(all, n, sizeof(*all), by_value);
    v = all[(size_t)(p * (double)(n - 1))] * 1000;
    free(all);
    return v;
}

/* Appends from `threads` threads for SECONDS; prints the rates. */
static int measure(const char *where, const char *kind, int threads)
{
    lithsm_audit *a = NULL;
    lithsm_audit_stats st;
    pthread_t th[THREADS_MAX];
    job jobs[THREADS_MAX];
    long total = 0;
    double t0, secs, p50, p99;
    uint64_t syncs;
    int i, failed = 0, is_file = strcmp(kind, "file") == 0;

    if (is_file)
        unlink(where);
    if (lithsm_audit_open(&a, NULL, where) != LITHSM_OK) {
        fprintf(stderr, "bench-audit: %s\n", lithsm_last_error());
        return 1;
    }
    t0 = now_s();
    for (i = 0; i < threads; i++) {
        jobs[i] = (job){ a, t0 + SECONDS, 0, 0, calloc(KEEP, sizeof(double)) };
        if (jobs[i].lat == NULL ||
            pthread_create(&th[i], NULL, run, &jobs[i]) != 0) {
            fprintf(stderr, "bench-audit: cannot start a thread\n");
            exit(1);
        }
    }
    for (i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        total += jobs[i].done;
        failed |= jobs[i].failed;
    }
    secs = now_s() - t0;
    p50 = percentile(jobs, threads, 0.50);
    p99 = percentile(jobs, threads, 0.99);
    for (i = 0; i < threads; i++)
        free(jobs[i].lat);
    lithsm_audit_get_stats(&st, a);
    lithsm_audit_close(a);
    if (is_file)
        unlink(where);
    /* A file trail's sync made at open is not an append's. */
    syncs = is_file && st.syncs > 0 ? st.syncs - 1 : st.syncs;
    printf("audit append, %-10s %2d thread%s: %7.0f records/s, p50 %6.2f "
           "ms, p99 %6.2f ms, %7.0f %s/s, %5.2f records each (%ld "
           "records)%s\n",
           kind, threads, threads == 1 ? " " : "s", (double)total / secs, p50,
           p99, (double)syncs / secs, is_file ? "fdatasync" : "commits",
           (double)st.appends / (double)(syncs > 0 ? syncs : 1), total,
           failed ? " FAILED" : "");
    return failed;
}

int main(int argc, char **argv)
{
    static const int counts[] = { 1, 8, 32 };
    const char *tmp = getenv("TMPDIR");
    char path[512];
    size_t i;
    int rc = 0;

    snprintf(path, sizeof(path), "%s/lithsm-bench-audit-%ld.jsonl",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp", (long)getpid());
    printf("# %zu-byte records\n", sizeof(record) - 1 + 90);
    for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        rc |= measure(path, "file", counts[i]);
    for (i = 0; argc > 1 && i < sizeof(counts) / sizeof(counts[0]); i++)
        rc |= measure(argv[1], "postgresql", counts[i]);
    return rc;
}
