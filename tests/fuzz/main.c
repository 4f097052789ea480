/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * main.c - runs a libFuzzer-style target without libFuzzer (as p11-kit's
 * fuzz/main.c does), so every harness also runs in `make check`.
 *
 *   <target>_fuzzer [-n MUTATIONS] FILE|DIR...
 *
 * Each file is fed as is, then MUTATIONS times with deterministic mutations
 * (bit flips, byte changes, truncation, duplication), so a plain build finds
 * shallow crashes and leaks; the same file links with -fsanitize=fuzzer for
 * deep runs (configure --enable-fuzzing is not needed for that).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    /* xorshift64*: reproducible runs, no libc rand() state */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static void run_mutations(const uint8_t *seed, size_t len, long rounds)
{
    size_t cap = len * 2 + 16;
    uint8_t *buf = malloc(cap);
    long r;

    if (buf == NULL)
        return;
    for (r = 0; r < rounds; r++) {
        size_t n = len, i, edits = 1 + rng() % 4;

        memcpy(buf, seed, len);
        for (i = 0; i < edits; i++) {
            size_t at = n ? rng() % n : 0;

            switch (rng() % 6) {
            case 0: /* flip a bit */
                if (n)
                    buf[at] ^= (uint8_t)(1u << (rng() % 8));
                break;
            case 1: /* any byte */
                if (n)
                    buf[at] = (uint8_t)rng();
                break;
            case 2: /* an interesting byte */
                if (n)
                    buf[at] =
                        (const uint8_t[]){ 0,   '\n', '"', '\\', 0xff,
                                           '{', ':',  '/', '=' }[rng() % 9];
                break;
            case 3: /* truncate */
                n = at;
                break;
            case 4: /* delete one byte */
                if (n) {
                    memmove(buf + at, buf + at + 1, n - at - 1);
                    n--;
                }
                break;
            case 5: /* duplicate a chunk */
                if (n && n + (n - at) <= cap) {
                    size_t k = (rng() % (n - at)) + 1;

                    if (n + k <= cap) {
                        memmove(buf + at + k, buf + at, n - at);
                        n += k;
                    }
                }
                break;
            }
        }
        LLVMFuzzerTestOneInput(buf, n);
    }
    free(buf);
}

static int run_file(const char *path, long rounds)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data;
    long size;

    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return 1;
    }
    data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
        free(data);
        fclose(f);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data, (size_t)size);
    run_mutations(data, (size_t)size, rounds);
    free(data);
    return 0;
}

static int run_path(const char *path, long rounds, int *files)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*files)++;
        return run_file(path, rounds);
    }
    d = opendir(path);
    if (d == NULL)
        return 1;
    while ((e = readdir(d)) != NULL) {
        char sub[4096];

        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        rc |= run_path(sub, rounds, files);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    long rounds = 2000;
    int i = 1, rc = 0, files = 0;

    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        rounds = strtol(argv[2], NULL, 10);
        i = 3;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: %s [-n MUTATIONS] FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (; i < argc; i++)
        rc |= run_path(argv[i], rounds, &files);
    if (files == 0) {
        fprintf(stderr, "no corpus files found\n");
        return 1;
    }
    printf("%d corpus files, %ld mutations each: no crash\n", files, rounds);
    return rc;
}
