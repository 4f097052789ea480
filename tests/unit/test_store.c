/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_store.c - the key-value store: the file store (modes, refusals,
 * garbage, several processes at once) and a caller's own ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "store/store.h"
#include "tap.h"
#include "files.h"

static char base[256];

static void path_of(char *out, size_t n, const char *a, const char *b)
{
    snprintf(out, n, "%s/%s%s%s", base, a, b ? "/" : "", b ? b : "");
}

static int mode_of(const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return -1;
    return (int)(st.st_mode & 07777);
}

static int count_prefixed(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

static int count_temp_files(const char *dir)
{
    return count_prefixed(dir, ".tmp-");
}

static void rm_rf(const char *path)
{
    char cmd[600];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", path);
}

static void test_round_trip(void)
{
    char dir[300], file[400];
    lithsm_store *st = NULL;
    char *v = NULL;

    path_of(dir, sizeof(dir), "s", NULL);
    ok_int_eq(lithsm_store_file_new(&st, dir), LITHSM_OK,
              "file store in a new directory");
    ok_int_eq(mode_of(dir), 0700, "the directory is created 0700");

    ok_int_eq(lithsm_store_get(st, "absent", &v), LITHSM_OK,
              "get of an absent key succeeds");
    ok(v == NULL, "and gives NULL");
    ok_int_eq(lithsm_store_put(st, "net.0xabc.session", "hello"), LITHSM_OK,
              "put");
    ok_int_eq(lithsm_store_get(st, "net.0xabc.session", &v), LITHSM_OK, "get");
    ok_str_eq(v, "hello", "get gives the value put");
    free(v);
    path_of(file, sizeof(file), "s", "net.0xabc.session");
    ok_int_eq(mode_of(file), 0600, "the entry file is 0600");
    ok_int_eq(lithsm_store_put(st, "net.0xabc.session", "second, longer"),
              LITHSM_OK, "put again");
    ok_int_eq(lithsm_store_get(st, "net.0xabc.session", &v), LITHSM_OK,
              "get again");
    ok_str_eq(v, "second, longer", "the new value replaced the old one");
    free(v);
    ok_int_eq(lithsm_store_put(st, "empty", ""), LITHSM_OK, "put \"\"");
    ok_int_eq(lithsm_store_get(st, "empty", &v), LITHSM_OK, "get \"\"");
    ok_str_eq(v, "", "an empty value is kept (not absent)");
    free(v);
    ok_int_eq(count_temp_files(dir), 0, "no temporary file is left");
    ok_int_eq(lithsm_store_remove(st, "net.0xabc.session"), LITHSM_OK,
              "remove");
    ok_int_eq(lithsm_store_get(st, "net.0xabc.session", &v), LITHSM_OK,
              "get after remove");
    ok(v == NULL, "the key is gone");
    ok_int_eq(lithsm_store_remove(st, "net.0xabc.session"), LITHSM_OK,
              "removing an absent key succeeds");
    lithsm_store_free(st);
    lithsm_store_free(NULL);

    /* Reopening an existing directory keeps its entries. */
    ok_int_eq(lithsm_store_file_new(&st, dir), LITHSM_OK,
              "reopen the existing directory");
    ok_int_eq(lithsm_store_get(st, "empty", &v), LITHSM_OK, "get after reopen");
    ok_str_eq(v, "", "the entry survived");
    free(v);
    lithsm_store_free(st);
}

static void test_bad_keys(void)
{
    static const char *const bad[] = {
        "",     ".",   "..",   ".hidden",     ".tmp-0123", "Upper", "a/b",
        "../x", "a b", "a\nb", "caf\xc3\xa9", "key*",      "a:b",
    };
    char dir[300], longkey[LITHSM_STORE_KEY_MAX + 2];
    lithsm_store *st = NULL;
    char *v = NULL, what[120];
    size_t i;
    int all = 1;

    path_of(dir, sizeof(dir), "keys", NULL);
    if (lithsm_store_file_new(&st, dir) != LITHSM_OK) {
        ok(0, "file store for key tests");
        return;
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (lithsm_store_put(st, bad[i], "x") != LITHSM_ERR_INVALID_ARG ||
            lithsm_store_get(st, bad[i], &v) != LITHSM_ERR_INVALID_ARG ||
            lithsm_store_remove(st, bad[i]) != LITHSM_ERR_INVALID_ARG) {
            snprintf(what, sizeof(what), "key #%zu refused", i);
            ok(0, what);
            all = 0;
        }
        ok(v == NULL, "no value for a refused key");
    }
    ok(all, "every invalid key name is refused by put, get and remove");
    ok(strstr(lithsm_last_error(), "key") != NULL,
       "the message names the key problem");
    ok_int_eq(lithsm_store_get(st, NULL, &v), LITHSM_ERR_INVALID_ARG,
              "NULL key refused");
    memset(longkey, 'a', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    ok_int_eq(lithsm_store_put(st, longkey, "x"), LITHSM_ERR_INVALID_ARG,
              "a key of LITHSM_STORE_KEY_MAX + 1 characters is refused");
    longkey[LITHSM_STORE_KEY_MAX] = '\0';
    ok_int_eq(lithsm_store_put(st, longkey, "x"), LITHSM_OK,
              "a key of LITHSM_STORE_KEY_MAX characters is accepted");
    ok_int_eq(lithsm_store_put(st, "a-b_c.9", "x"), LITHSM_OK,
              "a key with '-', '_', '.' and digits is accepted");
    ok_int_eq(lithsm_store_put(st, "k", NULL), LITHSM_ERR_INVALID_ARG,
              "a NULL value is refused");
    ok_int_eq(lithsm_store_put(NULL, "k", "v"), LITHSM_ERR_INVALID_ARG,
              "a NULL store is refused");
    lithsm_store_free(st);
}

/* Writes data as the raw file of `key` in the store under "g" (a TAP
 * check named `what`), then reads `key` through the store into *v. */
static lithsm_err get_written(lithsm_store *st, const char *key,
                              const void *data, size_t len, const char *what,
                              char **v)
{
    char file[400];

    path_of(file, sizeof(file), "g", key);
    ok(write_file(file, data, len), what);
    return lithsm_store_get(st, key, v);
}

static void test_garbage(void)
{
    char dir[300], file[400], target[400];
    lithsm_store *st = NULL;
    char *v = NULL, *big;
    static const char torn[] = "{\"sessionKey\":\"ab";

    path_of(dir, sizeof(dir), "g", NULL);
    if (lithsm_store_file_new(&st, dir) != LITHSM_OK) {
        ok(0, "file store for garbage tests");
        return;
    }
    ok_int_eq(get_written(st, "torn", torn, sizeof(torn) - 1,
                          "write a torn entry", &v),
              LITHSM_OK,
              "a torn entry is read (the flow decides what it is worth)");
    ok_str_eq(v, torn, "as it is");
    free(v);
    v = NULL;

    ok_int_eq(get_written(st, "bin", "\xff\xfe\x01\x80", 4,
                          "write binary garbage", &v),
              LITHSM_OK, "binary garbage is read");
    ok(v != NULL && memcmp(v, "\xff\xfe\x01\x80", 5) == 0, "byte for byte");
    free(v);
    v = NULL;

    ok_int_eq(get_written(st, "nul", "ab\0cd", 5,
                          "write an entry with a NUL byte", &v),
              LITHSM_ERR_PARSE, "a NUL byte is a parse error");
    ok(v == NULL, "and no value");

    big = malloc(LITHSM_STORE_VALUE_MAX + 2);
    if (big != NULL) {
        memset(big, 'x', LITHSM_STORE_VALUE_MAX + 1);
        big[LITHSM_STORE_VALUE_MAX + 1] = '\0';
        ok_int_eq(get_written(st, "big", big, LITHSM_STORE_VALUE_MAX + 1,
                              "write an oversized entry", &v),
                  LITHSM_ERR_RANGE,
                  "an entry over the limit is refused on read");
        ok(v == NULL, "and no value");
        ok_int_eq(lithsm_store_put(st, "big", big), LITHSM_ERR_RANGE,
                  "a value over the limit is refused on write");
        big[LITHSM_STORE_VALUE_MAX] = '\0';
        ok_int_eq(lithsm_store_put(st, "big", big), LITHSM_OK,
                  "a value at the limit is written");
        ok_int_eq(lithsm_store_get(st, "big", &v), LITHSM_OK, "and read back");
        ok(v != NULL && strlen(v) == LITHSM_STORE_VALUE_MAX, "whole");
        free(v);
        v = NULL;
        free(big);
    }

    path_of(target, sizeof(target), "g", "bin");
    path_of(file, sizeof(file), "g", "link");
    ok(symlink(target, file) == 0, "plant a symbolic link as an entry");
    ok_int_eq(lithsm_store_get(st, "link", &v), LITHSM_ERR_PARSE,
              "a symbolic link entry is not followed");
    ok_int_eq(lithsm_store_put(st, "link", "new"), LITHSM_OK,
              "put replaces the link itself");
    ok_int_eq(mode_of(file) & 0777, 0600, "with a plain 0600 file");
    ok_int_eq(lithsm_store_get(st, "bin", &v), LITHSM_OK,
              "the link's target is untouched");
    ok(v != NULL && memcmp(v, "\xff\xfe\x01\x80", 5) == 0, "byte for byte");
    free(v);
    v = NULL;

    path_of(file, sizeof(file), "g", "fifo");
    ok(mkfifo(file, 0600) == 0, "plant a FIFO as an entry");
    ok_int_eq(lithsm_store_get(st, "fifo", &v), LITHSM_ERR_PARSE,
              "a FIFO is refused without blocking");
    ok_int_eq(lithsm_store_remove(st, "fifo"), LITHSM_OK, "and can be removed");

    path_of(file, sizeof(file), "g", "adir");
    ok(mkdir(file, 0700) == 0, "plant a directory as an entry");
    ok_int_eq(lithsm_store_get(st, "adir", &v), LITHSM_ERR_PARSE,
              "a directory entry is refused");
    ok(strstr(lithsm_last_error(), "adir") != NULL &&
           strstr(lithsm_last_error(), "is a directory") != NULL,
       "the message names the entry and says it is a directory");
    ok_int_eq(lithsm_store_put(st, "adir", "x"), LITHSM_ERR_IO,
              "writing over it fails");
    ok_int_eq(count_temp_files(dir), 0,
              "the failed write left no temporary file");
    ok_int_eq(lithsm_store_remove(st, "adir"), LITHSM_OK,
              "removing it moves it aside");
    ok_int_eq(count_prefixed(dir, ".bad-"), 1, "as one .bad-* directory");
    ok_int_eq(lithsm_store_put(st, "adir", "x"), LITHSM_OK,
              "then the entry can be written again");
    ok_int_eq(lithsm_store_get(st, "adir", &v), LITHSM_OK, "and read");
    ok_str_eq(v, "x", "as written");
    free(v);
    lithsm_store_free(st);
}

/* Entries the store did not write as it does: another mode or owner. */
static void test_entry_modes(void)
{
    char dir[300], file[400];
    lithsm_store *st = NULL;
    char *v = NULL;

    path_of(dir, sizeof(dir), "modes", NULL);
    if (lithsm_store_file_new(&st, dir) != LITHSM_OK) {
        ok(0, "file store for entry modes");
        return;
    }
    ok_int_eq(lithsm_store_put(st, "k", "v"), LITHSM_OK, "an entry");
    path_of(file, sizeof(file), "modes", "k");
    ok(chmod(file, 0644) == 0, "made readable by others");
    ok_int_eq(lithsm_store_get(st, "k", &v), LITHSM_ERR_PARSE,
              "an entry of mode 0644 reads as corrupt");
    ok(v == NULL, "with no value");
    ok(strstr(lithsm_last_error(), "mode 0644") != NULL, "saying its mode");
    ok_int_eq(lithsm_store_remove(st, "k"), LITHSM_OK, "and is removed");
    ok(access(file, F_OK) != 0, "gone");
    ok_int_eq(lithsm_store_put(st, "k", "v"), LITHSM_OK, "written again");
    ok(chmod(file, 0400) == 0, "made read-only");
    ok_int_eq(lithsm_store_get(st, "k", &v), LITHSM_ERR_PARSE,
              "an entry of mode 0400 reads as corrupt too");
    if (geteuid() == 0) {
        ok(chmod(file, 0600) == 0 && chown(file, 65534, 65534) == 0,
           "give the entry to nobody");
        ok_int_eq(lithsm_store_get(st, "k", &v), LITHSM_ERR_PARSE,
                  "an entry of another user reads as corrupt");
        ok(strstr(lithsm_last_error(), "uid 65534") != NULL,
           "naming its owner");
    } else {
        printf("# not root: the other-owner entry is not tested\n");
    }
    ok_int_eq(lithsm_store_remove(st, "k"), LITHSM_OK, "it is removed");
    path_of(file, sizeof(file), "modes", "raw");
    ok(write_file(file, "raw", 3), "an entry written 0600 by hand");
    ok_int_eq(lithsm_store_get(st, "raw", &v), LITHSM_OK, "reads");
    free(v);
    lithsm_store_free(st);
}

static void test_refused_dirs(void)
{
    char dir[300], link[300], file[300], sub[400];
    lithsm_store *st = NULL;

    path_of(dir, sizeof(dir), "real", NULL);
    ok(mkdir(dir, 0700) == 0, "make a directory");
    path_of(link, sizeof(link), "alias", NULL);
    ok(symlink(dir, link) == 0, "and a symbolic link to it");
    ok_int_eq(lithsm_store_file_new(&st, link), LITHSM_ERR_IO,
              "a symbolic link is refused");
    ok(strstr(lithsm_last_error(), "symbolic link") != NULL,
       "the message says it is a symbolic link");
    ok(st == NULL, "no store");

    ok(chmod(dir, 0777) == 0, "make the directory world-writable");
    ok_int_eq(lithsm_store_file_new(&st, dir), LITHSM_ERR_IO,
              "a world-writable directory is refused");
    ok(strstr(lithsm_last_error(), "writable") != NULL,
       "the message says it is writable by others");
    ok(chmod(dir, 0770) == 0, "make it group-writable");
    ok_int_eq(lithsm_store_file_new(&st, dir), LITHSM_ERR_IO,
              "a group-writable directory is refused");
    ok(chmod(dir, 0750) == 0, "group-readable but not writable");
    ok_int_eq(lithsm_store_file_new(&st, dir), LITHSM_OK, "is accepted");
    lithsm_store_free(st);
    st = NULL;

    if (geteuid() == 0) {
        ok(chown(dir, 65534, 65534) == 0, "give the directory to nobody");
        ok_int_eq(lithsm_store_file_new(&st, dir), LITHSM_ERR_IO,
                  "a directory owned by someone else is refused");
        ok(strstr(lithsm_last_error(), "uid") != NULL,
           "the message names the owner");
    } else {
        printf("# not root: the other-owner case is not tested\n");
    }

    path_of(file, sizeof(file), "plain", NULL);
    ok(write_file(file, "x", 1), "make a regular file");
    ok_int_eq(lithsm_store_file_new(&st, file), LITHSM_ERR_IO,
              "a regular file is refused");
    ok(strstr(lithsm_last_error(), "not a directory") != NULL,
       "the message says it is not a directory");
    snprintf(sub, sizeof(sub), "%s/missing/deeper", base);
    ok_int_eq(lithsm_store_file_new(&st, sub), LITHSM_ERR_IO,
              "a directory whose parent is missing is an I/O error");
    ok_int_eq(lithsm_store_file_new(&st, ""), LITHSM_ERR_INVALID_ARG,
              "an empty path is refused");
    ok_int_eq(lithsm_store_file_new(&st, NULL), LITHSM_ERR_INVALID_ARG,
              "a NULL path is refused");
    ok_int_eq(lithsm_store_file_new(NULL, dir), LITHSM_ERR_INVALID_ARG,
              "a NULL output is refused");
}

/* ------------------------------------------------------------------------
 * A caller's own store: a few slots in memory.
 */
#define MEM_SLOTS 4

typedef struct mem_store {
    char *keys[MEM_SLOTS];
    char *values[MEM_SLOTS];
    int frees, gets, puts, removes;
    int big; /* get answers an oversized value */
} mem_store;

static int mem_find(mem_store *m, const char *key)
{
    int i;

    for (i = 0; i < MEM_SLOTS; i++)
        if (m->keys[i] != NULL && strcmp(m->keys[i], key) == 0)
            return i;
    return -1;
}

static lithsm_err mem_get(void *ctx, const char *key, char **value_out)
{
    mem_store *m = ctx;
    int i = mem_find(m, key);

    m->gets++;
    if (m->big) {
        *value_out = malloc(LITHSM_STORE_VALUE_MAX + 2);
        if (*value_out == NULL)
            return LITHSM_ERR_NOMEM;
        memset(*value_out, 'y', LITHSM_STORE_VALUE_MAX + 1);
        (*value_out)[LITHSM_STORE_VALUE_MAX + 1] = '\0';
        return LITHSM_OK;
    }
    *value_out = i < 0 ? NULL : strdup(m->values[i]);
    return LITHSM_OK;
}

static lithsm_err mem_put(void *ctx, const char *key, const char *value)
{
    mem_store *m = ctx;
    int i = mem_find(m, key);

    m->puts++;
    if (i < 0)
        for (i = 0; i < MEM_SLOTS && m->keys[i] != NULL; i++)
            ;
    if (i >= MEM_SLOTS)
        return LITHSM_ERR_RANGE;
    if (m->keys[i] == NULL)
        m->keys[i] = strdup(key);
    free(m->values[i]);
    m->values[i] = strdup(value);
    return LITHSM_OK;
}

static lithsm_err mem_remove(void *ctx, const char *key)
{
    mem_store *m = ctx;
    int i = mem_find(m, key);

    m->removes++;
    if (i >= 0) {
        free(m->keys[i]);
        free(m->values[i]);
        m->keys[i] = m->values[i] = NULL;
    }
    return LITHSM_OK;
}

static void mem_free(void *ctx)
{
    mem_store *m = ctx;
    int i;

    m->frees++;
    for (i = 0; i < MEM_SLOTS; i++) {
        free(m->keys[i]);
        free(m->values[i]);
        m->keys[i] = m->values[i] = NULL;
    }
}

static void test_custom_ops(void)
{
    static const lithsm_store_ops ops = { mem_get, mem_put, mem_remove,
                                          mem_free };
    lithsm_store_ops partial = ops;
    mem_store m;
    lithsm_store *st = NULL;
    char *v = NULL;

    memset(&m, 0, sizeof(m));
    partial.remove = NULL;
    ok_int_eq(lithsm_store_new(&st, &partial, &m), LITHSM_ERR_INVALID_ARG,
              "ops without remove are refused");
    ok_int_eq(lithsm_store_new(&st, NULL, &m), LITHSM_ERR_INVALID_ARG,
              "NULL ops are refused");
    ok_int_eq(m.frees, 0, "a refused store does not free the caller's ctx");

    ok_int_eq(lithsm_store_new(&st, &ops, &m), LITHSM_OK, "custom store");
    ok_int_eq(lithsm_store_put(st, "a.b", "one"), LITHSM_OK, "put through ops");
    ok_int_eq(lithsm_store_get(st, "a.b", &v), LITHSM_OK, "get through ops");
    ok_str_eq(v, "one", "the value comes back");
    free(v);
    v = NULL;
    ok_int_eq(lithsm_store_put(st, "Bad", "x"), LITHSM_ERR_INVALID_ARG,
              "the key rule holds for custom stores too");
    ok_int_eq(m.puts, 1, "the ops never saw the bad key");
    ok_int_eq(lithsm_store_remove(st, "a.b"), LITHSM_OK, "remove through ops");
    ok_int_eq(lithsm_store_get(st, "a.b", &v), LITHSM_OK, "get after remove");
    ok(v == NULL, "absent");
    m.big = 1;
    ok_int_eq(lithsm_store_get(st, "a.b", &v), LITHSM_ERR_RANGE,
              "an oversized value from the ops is refused");
    ok(v == NULL, "and freed");
    m.big = 0;
    lithsm_store_free(st);
    ok_int_eq(m.frees, 1, "lithsm_store_free calls ops->free once");
}

/* ------------------------------------------------------------------------
 * Several processes at once: every value checks itself, so a torn read
 * shows; each child's last write of its own key must survive.
 */
#define CHILDREN 4
#define ROUNDS 200

static void make_value(char *out, size_t n, int child, int round)
{
    char payload[4096];
    uint8_t md[32];
    size_t len, i, k;

    len = (size_t)snprintf(payload, sizeof(payload), "c%d-r%d-", child, round);
    /* Lengths vary a lot so a mix of two values would show. */
    k = 16 + (size_t)((child * 977 + round * 131) % 3000);
    for (i = 0; i < k && len + 1 < sizeof(payload); i++)
        payload[len++] = (char)('a' + (child + round + (int)i) % 26);
    payload[len] = '\0';
    SHA256((const uint8_t *)payload, len, md);
    snprintf(out, n, "{\"payload\":\"%s\",\"sha256\":\"", payload);
    if (lithsm_hex_encode(out + strlen(out), n - strlen(out), md, 32) == 0)
        snprintf(out + strlen(out), n - strlen(out), "\"}");
}

/* 1 if the value is whole: its sha256 matches its payload. */
static int value_whole(const char *v, int *child, int *round)
{
    const char *p, *q, *h;
    uint8_t md[32];
    char hex[65];

    if (strncmp(v, "{\"payload\":\"", 12) != 0)
        return 0;
    p = v + 12;
    q = strchr(p, '"');
    if (q == NULL || strncmp(q, "\",\"sha256\":\"", 12) != 0)
        return 0;
    h = q + 12;
    if (strlen(h) != 66 || strcmp(h + 64, "\"}") != 0)
        return 0;
    SHA256((const uint8_t *)p, (size_t)(q - p), md);
    if (lithsm_hex_encode(hex, sizeof(hex), md, 32) != 0 ||
        strncmp(hex, h, 64) != 0)
        return 0;
    return sscanf(p, "c%d-r%d-", child, round) == 2;
}

static int child_main(const char *dir, int me)
{
    lithsm_store *st = NULL;
    char value[8192], own[32], other[32];
    int r, bad = 0, c, rr;

    if (lithsm_store_file_new(&st, dir) != LITHSM_OK)
        return 100;
    snprintf(own, sizeof(own), "child-%d", me);
    snprintf(other, sizeof(other), "child-%d", (me + 1) % CHILDREN);
    for (r = 0; r < ROUNDS; r++) {
        char *v = NULL;

        make_value(value, sizeof(value), me, r);
        if (lithsm_store_put(st, own, value) != LITHSM_OK ||
            lithsm_store_put(st, "shared", value) != LITHSM_OK) {
            bad++;
            continue;
        }
        /* Our own key: nobody else writes it, so it is our last value. */
        if (lithsm_store_get(st, own, &v) != LITHSM_OK || v == NULL ||
            !value_whole(v, &c, &rr) || c != me || rr != r)
            bad++;
        free(v);
        v = NULL;
        if (lithsm_store_get(st, "shared", &v) != LITHSM_OK || v == NULL ||
            !value_whole(v, &c, &rr))
            bad++;
        free(v);
        v = NULL;
        if (lithsm_store_get(st, other, &v) != LITHSM_OK ||
            (v != NULL && !value_whole(v, &c, &rr)))
            bad++;
        free(v);
    }
    lithsm_store_free(st);
    return bad > 99 ? 99 : bad;
}

static void test_processes(void)
{
    char dir[300], what[100];
    pid_t pids[CHILDREN];
    lithsm_store *st = NULL;
    int i, status;

    path_of(dir, sizeof(dir), "mp", NULL);
    if (lithsm_store_file_new(&st, dir) != LITHSM_OK) {
        ok(0, "file store for the process test");
        return;
    }
    fflush(stdout);
    for (i = 0; i < CHILDREN; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(child_main(dir, i));
    }
    for (i = 0; i < CHILDREN; i++) {
        if (pids[i] < 0) {
            ok(0, "fork");
            continue;
        }
        snprintf(what, sizeof(what),
                 "child %d: %d rounds of put/get, no torn or lost value", i,
                 ROUNDS);
        ok(waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) &&
               WEXITSTATUS(status) == 0,
           what);
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
            printf("#   %d bad reads or writes\n", WEXITSTATUS(status));
    }
    for (i = 0; i < CHILDREN; i++) {
        char key[32], *v = NULL;
        int c = -1, r = -1;

        snprintf(key, sizeof(key), "child-%d", i);
        snprintf(what, sizeof(what), "child %d's last value is stored", i);
        ok(lithsm_store_get(st, key, &v) == LITHSM_OK && v != NULL &&
               value_whole(v, &c, &r) && c == i && r == ROUNDS - 1,
           what);
        free(v);
    }
    {
        char *v = NULL;
        int c = -1, r = -1;

        ok(lithsm_store_get(st, "shared", &v) == LITHSM_OK && v != NULL &&
               value_whole(v, &c, &r) && r == ROUNDS - 1,
           "the shared key holds one child's last value, whole");
        free(v);
    }
    ok_int_eq(count_temp_files(dir), 0, "no temporary file is left");
    lithsm_store_free(st);
}

/* A writer that died before its rename leaves a ".tmp-*" file that may hold
 * a session secret: the next opening removes it once it is stale, and
 * leaves a young one (another process may be writing it) alone. */
static void test_stale_temps(void)
{
    char dir[300], stale[400], young[400];
    struct timespec old[2] = { { 0, 0 }, { 0, 0 } };
    lithsm_store *st = NULL;
    FILE *f;

    path_of(dir, sizeof(dir), "stale", NULL);
    ok_int_eq(lithsm_store_file_new(&st, dir), LITHSM_OK, "a store");
    lithsm_store_free(st);
    path_of(stale, sizeof(stale), "stale", ".tmp-deadwriter");
    path_of(young, sizeof(young), "stale", ".tmp-livewriter");
    if ((f = fopen(stale, "w")) != NULL)
        fclose(f);
    if ((f = fopen(young, "w")) != NULL)
        fclose(f);
    old[0].tv_sec = old[1].tv_sec = time(NULL) - 3600;
    ok(utimensat(AT_FDCWD, stale, old, 0) == 0, "one temp file an hour old");
    ok_int_eq(count_temp_files(dir), 2, "two temp files before");
    ok_int_eq(lithsm_store_file_new(&st, dir), LITHSM_OK, "reopen");
    ok(access(stale, F_OK) != 0, "the stale one is removed");
    ok(access(young, F_OK) == 0, "the young one is kept");
    lithsm_store_free(st);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(base, sizeof(base), "%s/lithsm-store-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(base) == NULL) {
        printf("Bail out! cannot make a temporary directory\n");
        return 99;
    }
    umask(022);
    test_round_trip();
    test_bad_keys();
    test_garbage();
    test_entry_modes();
    test_refused_dirs();
    test_custom_ops();
    test_processes();
    test_stale_temps();
    rm_rf(base);
    return tap_done();
}
