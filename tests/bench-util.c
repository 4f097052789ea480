/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * bench-util.c - the clock, rates and anchor figures of the bench programs
 * (bench-util.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <json-c/json.h>

#include "bench-util.h"
#include "util/util.h"

double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void die(const char *what, lithsm_err err)
{
    fprintf(stderr, "bench: %s: %s (%s)\n", what, lithsm_strerror(err),
            lithsm_last_error());
    exit(1);
}

double rate(work_fn fn, void *arg)
{
    double t0 = now_s(), t;
    long n = 0;

    do {
        fn(arg);
        n++;
        t = now_s() - t0;
    } while (t < REP_SECONDS);
    return (double)n / t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double median(double *v, double *spread)
{
    qsort(v, REPS, sizeof(*v), cmp_double);
    *spread = (v[REPS - 1] - v[0]) / v[REPS / 2];
    return v[REPS / 2];
}

double anchor_figure(const char *path, double fallback, ...)
{
    FILE *f;
    static char text[1 << 16];
    size_t n;
    json_object *o = NULL, *v;
    const char *key;
    va_list ap;
    int found = 1;

    if (path == NULL || (f = fopen(path, "rb")) == NULL)
        return fallback;
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    if (lithsm_json_parse(&o, text, n, "anchor") != LITHSM_OK)
        return fallback;
    v = o;
    va_start(ap, fallback);
    while (found && (key = va_arg(ap, const char *)) != NULL)
        found = json_object_object_get_ex(v, key, &v);
    va_end(ap);
    if (found && (json_object_is_type(v, json_type_double) ||
                  json_object_is_type(v, json_type_int)))
        fallback = json_object_get_double(v);
    json_object_put(o);
    return fallback;
}
