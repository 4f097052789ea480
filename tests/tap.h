/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * tap.h - a tiny TAP producer for the unit tests (automake's tap-driver).
 *
 * Each check prints "ok N - what" or "not ok N - what" with both values;
 * tap_done() prints the plan and returns the exit status.
 */
#ifndef LITHSM_TAP_H
#define LITHSM_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *what, const char *file, int line)
{
    tap_n++;
    if (!cond)
        tap_failed++;
    printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, what);
    if (!cond)
        printf("# failed at %s:%d\n", file, line);
    return cond;
}

#define ok(cond, what) tap_ok((cond) != 0, (what), __FILE__, __LINE__)

#define ok_int_eq(a, b, what)                                               \
    do {                                                                    \
        long long tap_a = (long long)(a), tap_b = (long long)(b);           \
        if (!tap_ok(tap_a == tap_b, (what), __FILE__, __LINE__))            \
            printf("#   %s = %lld\n#   %s = %lld\n", #a, tap_a, #b, tap_b); \
    } while (0)

#define ok_str_eq(a, b, what)                                           \
    do {                                                                \
        const char *tap_a = (a), *tap_b = (b);                          \
        int tap_eq = tap_a && tap_b && strcmp(tap_a, tap_b) == 0;       \
        if (!tap_ok(tap_eq, (what), __FILE__, __LINE__))                \
            printf("#   got:      %s\n#   expected: %s\n",              \
                   tap_a ? tap_a : "(null)", tap_b ? tap_b : "(null)"); \
    } while (0)

#define ok_mem_eq(a, b, n, what) ok(memcmp((a), (b), (n)) == 0, (what))

static inline int tap_done(void)
{
    printf("1..%d\n", tap_n);
    if (tap_failed)
        printf("# %d of %d checks failed\n", tap_failed, tap_n);
    return tap_failed ? 1 : 0;
}

#endif /* LITHSM_TAP_H */
