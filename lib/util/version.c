/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * version.c - lithsm_version(): the version configure.ac gives the build.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "util/util.h"

const char *lithsm_version(void)
{
    return PACKAGE_VERSION;
}
