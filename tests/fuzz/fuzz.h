/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * fuzz.h - what every harness in tests/fuzz shares: the libFuzzer entry
 * point (main.c drives it without libFuzzer) and MUST, which aborts so the
 * runner, or libFuzzer, reports a broken property as a crash.
 */
#ifndef LITHSM_TESTS_FUZZ_H
#define LITHSM_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUST(cond)   \
    do {             \
        if (!(cond)) \
            abort(); \
    } while (0)

#endif
