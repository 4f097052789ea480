/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * libpq.c - loads libpq on first use and fills pg_pq (libpq.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define PG_LIBPQ_NO_REDIRECT
#include "pg/libpq.h"

pg_libpq pg_pq;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[256]; /* "" when loaded */

static void load(void)
{
    void *lib = dlopen(PG_LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL);

    if (lib == NULL) {
        snprintf(load_error, sizeof(load_error),
                 "postgresql: cannot load %s (install the Debian package "
                 "libpq5)",
                 PG_LIBPQ_SONAME);
        return;
    }
#define PG_LIBPQ_RESOLVE(name)                                               \
    if ((*(void **)&pg_pq.name = dlsym(lib, #name)) == NULL) {               \
        snprintf(load_error, sizeof(load_error), "postgresql: %s has no %s", \
                 PG_LIBPQ_SONAME, #name);                                    \
        return;                                                              \
    }
    PG_LIBPQ_FUNCTIONS(PG_LIBPQ_RESOLVE)
#undef PG_LIBPQ_RESOLVE
    /* lib stays loaded for the life of the process. */
}

lithsm_err pg_libpq_load(void)
{
    pthread_once(&load_once, load);
    if (load_error[0] != '\0')
        return lithsm_fail(LITHSM_ERR_IO, "%s", load_error);
    return LITHSM_OK;
}
