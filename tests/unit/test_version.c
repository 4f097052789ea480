/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_version.c - lithsm_version(), the LITHSM_VERSION_* macros of
 * lithsm.h and configure.ac's version agree; the shared library exports
 * lithsm_version; `lithsm --version` prints it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "lithsm.h"
#include "tap.h"

static const char *builddir(void)
{
    const char *dir = getenv("top_builddir");

    return dir != NULL && dir[0] != '\0' ? dir : ".";
}

static void test_macros(void)
{
    char text[64];

    ok_str_eq(lithsm_version(), PACKAGE_VERSION,
              "lithsm_version() is configure.ac's version");
    snprintf(text, sizeof text, "%d.%d.%d", LITHSM_VERSION_MAJOR,
             LITHSM_VERSION_MINOR, LITHSM_VERSION_PATCH);
    ok_str_eq(text, PACKAGE_VERSION,
              "LITHSM_VERSION_MAJOR.MINOR.PATCH in lithsm.h equal "
              "configure.ac's version");
}

/* The shared library's exported symbol (libtool's build copy), not the
 * internal copy this test links. */
static void test_exported(void)
{
    char path[4096];
    const char *(*fn)(void);
    void *lib;

    snprintf(path, sizeof path, "%s/lib/.libs/liblithsm.so", builddir());
    lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!ok(lib != NULL, "the shared liblithsm loads")) {
        printf("#   %s: %s\n", path, dlerror());
        return;
    }
    *(void **)&fn = dlsym(lib, "lithsm_version");
    ok(fn != NULL, "liblithsm.so exports lithsm_version");
    if (fn != NULL)
        ok_str_eq(fn(), PACKAGE_VERSION,
                  "the shared library's lithsm_version()");
    dlclose(lib);
}

static void test_cli(void)
{
    char cmd[4200], expected[128], line[256] = "";
    FILE *p;
    int status;

    snprintf(cmd, sizeof cmd, "'%s/tools/lithsm' --version", builddir());
    snprintf(expected, sizeof expected, "lithsm %s\n", lithsm_version());
    p = popen(cmd, "r");
    if (!ok(p != NULL, "lithsm --version runs"))
        return;
    if (fgets(line, sizeof line, p) == NULL)
        line[0] = '\0';
    ok(fgetc(p) == EOF, "lithsm --version prints one line");
    status = pclose(p);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "lithsm --version exits 0");
    ok_str_eq(line, expected, "lithsm --version prints lithsm_version()");
}

int main(void)
{
    test_macros();
    test_exported();
    test_cli();
    return tap_done();
}
