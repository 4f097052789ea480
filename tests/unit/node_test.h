/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * node_test.h - what test_node.c and test_node_wire.c share: the
 * blockhash their canned replies carry and a check of the last error.
 */
#ifndef LITHSM_NODE_TEST_H
#define LITHSM_NODE_TEST_H

#include <stdio.h>
#include <string.h>

#include "lithsm.h"

#define BH "0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac172d71505d36b62691"

/* 1 when lithsm_last_error() holds needle; says what it holds when not. */
static inline int error_has(const char *needle)
{
    int found = strstr(lithsm_last_error(), needle) != NULL;

    if (!found)
        printf("#   error: %s\n#   wanted: %s\n", lithsm_last_error(), needle);
    return found;
}

#endif /* LITHSM_NODE_TEST_H */
