/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * files.h - the unit tests' whole-file reads and writes (store entries
 * put back, torn or filled with garbage).  Header-only, like tap.h.
 */
#ifndef LITHSM_TEST_FILES_H
#define LITHSM_TEST_FILES_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A file's first 64 KiB, NUL-terminated (caller frees), or NULL. */
static inline char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = calloc(1, 1 << 16);
    n = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    return buf;
}

/* 1 when path now holds exactly the len bytes of data.  A new file is
 * made 0600, as the store makes its entries (it refuses others). */
static inline int write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    int ok;

    if (f == NULL) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

#endif /* LITHSM_TEST_FILES_H */
