/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * bench-util.h - what the `make bench` programs share: a clock, rates
 * measured in interleaved rounds, medians, and figures read from a JS
 * anchor JSON of the same run.
 */
#ifndef LITHSM_BENCH_UTIL_H
#define LITHSM_BENCH_UTIL_H

#include "lithsm.h"

/* Rounds per figure, and the length of one round. */
#define REPS 5
#define REP_SECONDS 0.25

typedef void (*work_fn)(void *arg);

/* Monotonic seconds. */
double now_s(void);

/* Prints "bench: what: error (detail)" and exits 1. */
void die(const char *what, lithsm_err err);

/* Runs fn(arg) for at least REP_SECONDS and returns calls per second. */
double rate(work_fn fn, void *arg);

/* Median and spread ((max - min) / median) of REPS rates; sorts v. */
double median(double *v, double *spread);

/* The number in the JSON file `path` under the member names that follow
 * (up to a NULL), or `fallback` when there is no file or no such number. */
double anchor_figure(const char *path, double fallback, ...)
    __attribute__((sentinel));

#endif /* LITHSM_BENCH_UTIL_H */
