/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_audit.c - the audit trail: the lines it writes (checked with
 * OpenSSL's SHA-256 here, not the module's), reopening and continuing the
 * chain, a torn tail cut, damage before it refused, the lock, refused
 * records, the probe after a failed write, and 16 threads appending at
 * once (group commit: fewer fdatasync calls than records, printed).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lithsm.h"
#include "tap.h"

#define ZERO64 \
    "0000000000000000000000000000000000000000000000000000000000000000"
#define THREADS 16
#define PER_THREAD 500

static char base[256];

/* A whole file, NUL-terminated (caller frees); *len its size. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    *len = 0;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
        *len = fread(buf, 1, (size_t)n, f);
        buf[*len] = '\0';
    }
    fclose(f);
    return buf;
}

static int put_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (f == NULL)
        return 0;
    ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static int append_raw(const char *path, const char *data)
{
    FILE *f = fopen(path, "ab");
    int ok;

    if (f == NULL)
        return 0;
    ok = fputs(data, f) >= 0;
    return fclose(f) == 0 && ok;
}

/* SHA-256 hex by OpenSSL directly. */
static void sha256_hex(char out[65], const char *s, size_t n)
{
    unsigned char md[32];
    unsigned int len = 0;
    int i;

    EVP_Digest(s, n, md, &len, EVP_sha256(), NULL);
    for (i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
}

/* The line `k` (1-based) of text, without its newline, into line. */
static int nth_line(char *line, size_t size, const char *text, int k)
{
    const char *p = text, *nl;

    for (; k > 1 && p != NULL; k--)
        p = (p = strchr(p, '\n')) != NULL ? p + 1 : NULL;
    if (p == NULL || (nl = strchr(p, '\n')) == NULL || (size_t)(nl - p) >= size)
        return 0;
    memcpy(line, p, (size_t)(nl - p));
    line[nl - p] = '\0';
    return 1;
}

static void path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", base, name);
}

static lithsm_err add(lithsm_audit *a, const char *rec, uint64_t *seq,
                      char *hash)
{
    return lithsm_audit_append(seq, hash, a, rec, strlen(rec));
}

static void test_lines(void)
{
    char path[300], hash[65], expect[65], line[400], want[400];
    lithsm_audit *a = NULL;
    char *text, *warn = (char *)1;
    uint64_t seq = 0;
    struct stat st;
    size_t len;

    path_in(path, sizeof(path), "lines.jsonl");
    ok_int_eq(lithsm_audit_open(&a, &warn, path), LITHSM_OK,
              "open a new trail");
    ok(warn == NULL, "no warning for a new trail");
    ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
       "the file is made 0600");
    ok_int_eq(add(a, "{ \"b\" : 1 ,\n \"a\" : [ 1 , \"x y\" ] }", &seq, hash),
              LITHSM_OK, "append a record with whitespace");
    ok_int_eq(seq, 1, "its seq is 1");
    ok_int_eq(add(a, "{}", &seq, hash), LITHSM_OK, "append an empty object");
    ok_int_eq(seq, 2, "seq 2");
    ok_int_eq(add(a,
                  "{\"n\":123456789012345678901234567890,\"z\":\"\\u0000\","
                  "\"k\":1,\"k\":2}",
                  &seq, hash),
              LITHSM_OK, "big numbers, \\u0000 and repeated names are kept");
    lithsm_audit_close(a);

    text = slurp(path, &len);
    ok(text != NULL && nth_line(line, sizeof(line), text, 1),
       "line 1 is there");
    ok_str_eq(line,
              "{\"seq\":1,\"prev\":\"" ZERO64 "\",\"b\":1,\"a\":[1,\"x y\"]}",
              "line 1: seq, prev of zeros, then the caller's members in order");
    sha256_hex(expect, line, strlen(line));
    ok(nth_line(line, sizeof(line), text, 2), "line 2 is there");
    snprintf(want, sizeof(want), "{\"seq\":2,\"prev\":\"%s\"}", expect);
    ok_str_eq(line, want, "line 2's prev is the SHA-256 of line 1");
    sha256_hex(expect, line, strlen(line));
    ok(nth_line(line, sizeof(line), text, 3), "line 3 is there");
    snprintf(want, sizeof(want),
             "{\"seq\":3,\"prev\":\"%s\",\"n\":123456789012345678901234567890,"
             "\"z\":\"\\u0000\",\"k\":1,\"k\":2}",
             expect);
    ok_str_eq(line, want, "line 3 keeps the record's exact text");
    sha256_hex(expect, line, strlen(line));
    ok_str_eq(hash, expect, "append gives the hash of its own line");
    ok(len > 0 && text[len - 1] == '\n', "the file ends with a newline");
    free(text);
}

/* A write that fails (the file size limit reached): the probe says IO
 * with the reason, as every later append does, until the trail is
 * reopened. */
static void test_probe(void)
{
    struct rlimit was, lim;
    char path[300], record[200];
    lithsm_audit *a = NULL;
    uint64_t seq = 0;
    lithsm_err err;
    struct stat st;

    path_in(path, sizeof(path), "probe.jsonl");
    ok_int_eq(lithsm_audit_open(&a, NULL, path), LITHSM_OK, "open");
    ok_int_eq(add(a, "{\"i\":1}", &seq, NULL), LITHSM_OK, "append");
    ok_int_eq(lithsm_audit_probe(a), LITHSM_OK, "probe: OK");
    ok_int_eq(lithsm_audit_probe(NULL), LITHSM_ERR_INVALID_ARG,
              "probe(NULL): INVALID_ARG");
    memset(record, 0, sizeof(record));
    snprintf(record, sizeof(record), "{\"pad\":\"%0150d\"}", 0);
    signal(SIGXFSZ, SIG_IGN);
    if (stat(path, &st) != 0 || getrlimit(RLIMIT_FSIZE, &was) != 0) {
        ok(0, "stat and getrlimit");
        lithsm_audit_close(a);
        return;
    }
    lim = was;
    lim.rlim_cur = (rlim_t)st.st_size + 20;
    ok_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0, "file size limit set");
    err = add(a, record, &seq, NULL);
    setrlimit(RLIMIT_FSIZE, &was);
    ok_int_eq(err, LITHSM_ERR_IO, "the append over the limit fails: IO");
    ok_int_eq(lithsm_audit_probe(a), LITHSM_ERR_IO, "then probe: IO");
    ok(strstr(lithsm_last_error(), "File too large") != NULL &&
           strstr(lithsm_last_error(), "reopened") != NULL,
       "with the reason and what to do");
    ok_int_eq(add(a, "{\"i\":2}", &seq, NULL), LITHSM_ERR_IO,
              "and the next append fails too");
    lithsm_audit_close(a);
    ok_int_eq(lithsm_audit_open(&a, NULL, path), LITHSM_OK,
              "reopened (the torn tail cut)");
    ok_int_eq(lithsm_audit_probe(a), LITHSM_OK, "probe: OK again");
    lithsm_audit_close(a);
}

static void test_reopen(void)
{
    char path[300], hash[65], h3[65], line[400], expect[65];
    lithsm_audit_report rep;
    lithsm_audit_stats st;
    lithsm_audit *a = NULL;
    uint64_t seq = 0;
    char *text;
    size_t len;
    int i;

    path_in(path, sizeof(path), "reopen.jsonl");
    ok_int_eq(lithsm_audit_open(&a, NULL, path), LITHSM_OK, "open");
    for (i = 0; i < 3; i++)
        if (add(a, "{\"i\":1}", &seq, h3) != LITHSM_OK)
            break;
    ok_int_eq(i, 3, "3 appends");
    lithsm_audit_close(a);
    ok_int_eq(lithsm_audit_open(&a, NULL, path), LITHSM_OK, "reopen");
    lithsm_audit_get_stats(&st, a);
    ok_int_eq(st.last_seq, 3, "the reopened trail knows its last seq");
    ok_str_eq(st.last, h3, "and the hash of its last line");
    ok_int_eq(st.torn_bytes, 0, "nothing was cut");
    ok_int_eq(add(a, "{\"i\":2}", &seq, hash), LITHSM_OK,
              "append after reopen");
    ok_int_eq(seq, 4, "the chain continues with seq 4");
    lithsm_audit_close(a);
    text = slurp(path, &len);
    ok(text != NULL && nth_line(line, sizeof(line), text, 3), "line 3");
    sha256_hex(expect, line, strlen(line));
    ok_str_eq(expect, h3, "line 3 hashes to what its append gave");
    ok(nth_line(line, sizeof(line), text, 4) && strncmp(line + 17, h3, 64) == 0,
       "line 4's prev is line 3's hash");
    free(text);
    ok_int_eq(lithsm_audit_verify(&rep, path, 0, NULL), LITHSM_OK, "verify");
    ok_int_eq(rep.problem, LITHSM_AUDIT_OK, "the trail is intact");
    ok_int_eq(rep.records, 4, "4 records");
    ok_str_eq(rep.last, hash, "verify's last is the last append's hash");
    ok_int_eq(lithsm_audit_verify(&rep, path, 3, h3), LITHSM_OK,
              "verify with an anchor");
    ok_int_eq(rep.problem, LITHSM_AUDIT_OK, "the anchor matches line 3");
    ok_int_eq(lithsm_audit_verify(&rep, path, 5, h3), LITHSM_OK,
              "verify with an anchor past the end");
    ok_int_eq(rep.problem, LITHSM_AUDIT_ANCHOR, "a cut trail is found");
    ok_int_eq(lithsm_audit_verify(&rep, path, 4, h3), LITHSM_OK,
              "verify with a wrong anchor");
    ok(rep.problem == LITHSM_AUDIT_ANCHOR && rep.seq == 4 && rep.line == 4,
       "the anchor names record 4");
}

/* A trail of n records {"i":k} at path (made anew). */
static int make_trail(const char *path, int n)
{
    lithsm_audit *a = NULL;
    char rec[32];
    int i;

    unlink(path);
    if (lithsm_audit_open(&a, NULL, path) != LITHSM_OK)
        return 0;
    for (i = 1; i <= n; i++) {
        snprintf(rec, sizeof(rec), "{\"i\":%d}", i);
        if (add(a, rec, NULL, NULL) != LITHSM_OK)
            break;
    }
    lithsm_audit_close(a);
    return i == n + 1;
}

/* Opens a trail with a torn tail `tail` appended; checks the cut. */
static void check_torn(const char *path, const char *tail, const char *what)
{
    char *warn = NULL, *text;
    lithsm_audit_stats st;
    lithsm_audit_report rep;
    lithsm_audit *a = NULL;
    size_t before, after;
    uint64_t seq = 0;

    ok(make_trail(path, 3), what);
    free(slurp(path, &before));
    ok(append_raw(path, tail), "a torn tail is added");
    ok_int_eq(lithsm_audit_verify(&rep, path, 0, NULL), LITHSM_OK, "verify");
    ok(rep.problem == LITHSM_AUDIT_TORN && rep.seq == 4 && rep.line == 4,
       "verify calls line 4 torn");
    ok_int_eq(lithsm_audit_open(&a, &warn, path), LITHSM_OK, "the trail opens");
    ok(warn != NULL && strstr(warn, "line 4") != NULL, "with a warning");
    if (warn != NULL)
        printf("# warning: %s\n", warn);
    lithsm_free(warn);
    lithsm_audit_get_stats(&st, a);
    ok_int_eq(st.torn_bytes, strlen(tail), "the stats count the bytes cut");
    text = slurp(path, &after);
    free(text);
    ok_int_eq(after, before, "the file is back to its last whole line");
    ok_int_eq(add(a, "{\"i\":4}", &seq, NULL), LITHSM_OK, "append");
    ok_int_eq(seq, 4, "the cut record's seq is given again");
    lithsm_audit_close(a);
    ok_int_eq(lithsm_audit_verify(&rep, path, 0, NULL), LITHSM_OK, "verify");
    ok(rep.problem == LITHSM_AUDIT_OK && rep.records == 4,
       "the chain verifies with 4 records");
}

static void test_torn(void)
{
    char path[300];

    path_in(path, sizeof(path), "torn.jsonl");
    check_torn(path, "{\"seq\":4,\"prev\":\"00", "no newline");
    check_torn(path, "{\"seq\":4,\"prev\":\n", "not JSON, newline");
    check_torn(path, "\n", "an empty last line");
}

/* Changes byte `at` of the file to c (0: flips its low bit); opening must then fail naming
 * record `seq`, and leave the file as it is. */
static void check_damage(const char *path, size_t at, char c, uint64_t seq,
                         lithsm_audit_problem want, const char *what)
{
    lithsm_audit_report rep;
    lithsm_audit *a = NULL;
    char name[40], *text, *again;
    size_t len, len2;

    ok(make_trail(path, 4), what);
    text = slurp(path, &len);
    if (text == NULL || at >= len) {
        ok(0, "the trail is long enough");
        free(text);
        return;
    }
    text[at] = c != 0 ? c : (char)(text[at] ^ 1);
    ok(put_file(path, text, len), "one byte is changed");
    ok_int_eq(lithsm_audit_open(&a, NULL, path), LITHSM_ERR_PARSE,
              "the trail is refused");
    snprintf(name, sizeof(name), "record %" PRIu64 " ", seq);
    ok(strstr(lithsm_last_error(), name) != NULL, "the error names the record");
    printf("# %s\n", lithsm_last_error());
    again = slurp(path, &len2);
    ok(again != NULL && len2 == len && memcmp(again, text, len) == 0,
       "the file is left as it was");
    ok_int_eq(lithsm_audit_verify(&rep, path, 0, NULL), LITHSM_OK, "verify");
    ok(rep.problem == want && rep.seq == seq && rep.line == seq,
       "verify names the same record and problem");
    free(text);
    free(again);
}

static void test_damage(void)
{
    char path[300], *text;
    size_t len, line2, line3;

    path_in(path, sizeof(path), "damage.jsonl");
    ok(make_trail(path, 4), "a trail of 4");
    text = slurp(path, &len);
    line2 = text != NULL ? (size_t)(strchr(text, '\n') - text) + 1 : 0;
    line3 = text != NULL ? (size_t)(strchr(text + line2, '\n') - text) + 1 : 0;
    free(text);
    /* Line 2 ends with "i":2}\n: its value is 3 bytes before line 3. */
    check_damage(path, line3 - 3, '7', 3, LITHSM_AUDIT_BAD_PREV,
                 "a value changed in line 2: line 3's prev fails");
    check_damage(path, line2, '[', 2, LITHSM_AUDIT_BAD_JSON,
                 "line 2 made not JSON");
    check_damage(path, line2 + 7, '5', 2, LITHSM_AUDIT_BAD_SEQ,
                 "line 2's seq changed");
    check_damage(path, line3 + 20, 0, 3, LITHSM_AUDIT_BAD_PREV,
                 "line 3's prev changed");
    ok(len > line3, "the trail had 4 lines");
}

static void test_lock(void)
{
    char path[300], other[310];
    lithsm_audit *a = NULL, *b = NULL;
    pid_t pid;
    int status = -1;

    path_in(path, sizeof(path), "lock.jsonl");
    ok_int_eq(lithsm_audit_open(&a, NULL, path), LITHSM_OK, "open");
    snprintf(other, sizeof(other), "file:%s/other.jsonl", base);
    ok_int_eq(lithsm_audit_open(&b, NULL, other), LITHSM_OK,
              "a second trail elsewhere (file:PATH) opens");
    lithsm_audit_close(b);
    b = NULL;
    ok_int_eq(lithsm_audit_open(&b, NULL, path), LITHSM_ERR_IO,
              "a second open of the same file is refused");
    ok(strstr(lithsm_last_error(), path) != NULL &&
           strstr(lithsm_last_error(), "in use") != NULL,
       "the error names the file and says it is in use");
    ok(b == NULL, "nothing is returned");
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        lithsm_audit *c = NULL;

        _exit(lithsm_audit_open(&c, NULL, path) == LITHSM_ERR_IO ? 0 : 1);
    }
    ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0,
       "another process is refused too");
    lithsm_audit_close(a);
    ok_int_eq(lithsm_audit_open(&b, NULL, path), LITHSM_OK,
              "after close it opens again");
    lithsm_audit_close(b);
}

/* Files the trail must not be: a symbolic link, one others can write. */
static void test_files(void)
{
    char path[300], link[310];
    lithsm_audit *a = NULL;

    path_in(path, sizeof(path), "mode.jsonl");
    ok(make_trail(path, 1), "a trail");
    ok(chmod(path, 0620) == 0, "made group-writable");
    ok_int_eq(lithsm_audit_open(&a, NULL, path), LITHSM_ERR_IO,
              "a group-writable trail is refused");
    ok(strstr(lithsm_last_error(), "0620") != NULL, "the error gives the mode");
    ok(chmod(path, 0600) == 0, "made 0600 again");
    snprintf(link, sizeof(link), "%s.link", path);
    ok(symlink(path, link) == 0, "a symbolic link to it");
    ok_int_eq(lithsm_audit_open(&a, NULL, link), LITHSM_ERR_IO,
              "a symbolic link is refused");
    ok(strstr(lithsm_last_error(), "symbolic link") != NULL,
       "the error says why");
    ok_int_eq(lithsm_audit_open(&a, NULL, base), LITHSM_ERR_IO,
              "a directory is refused");
}

static void test_refusals(void)
{
    static const struct {
        const char *rec;
        lithsm_err err;
        const char *what;
    } bad[] = {
        { "", LITHSM_ERR_PARSE, "empty text" },
        { "[1]", LITHSM_ERR_PARSE, "an array" },
        { "{\"a\":1", LITHSM_ERR_PARSE, "an unfinished object" },
        { "{\"a\":1} {}", LITHSM_ERR_PARSE, "two objects" },
        { "{\"a\":01}", LITHSM_ERR_PARSE, "a leading zero" },
        { "{\"a\":NaN}", LITHSM_ERR_PARSE, "NaN" },
        { "{'a':1}", LITHSM_ERR_PARSE, "single quotes" },
        { "{\"a\":\"\xc3\x28\"}", LITHSM_ERR_PARSE, "invalid UTF-8" },
        { "{\"a\":\"\\ud800\"}", LITHSM_ERR_PARSE, "a lone surrogate" },
        { "{\"a\":\"x\ny\"}", LITHSM_ERR_PARSE, "a raw newline in a string" },
        { "{\"seq\":1}", LITHSM_ERR_INVALID_ARG, "a member named seq" },
        { "{\"a\":1,\"prev\":\"x\"}", LITHSM_ERR_INVALID_ARG,
          "one named prev" },
        { "{\"\\u0073eq\":1}", LITHSM_ERR_INVALID_ARG, "seq written escaped" },
    };
    char path[300], deep[2 * 300 + 8];
    lithsm_audit_stats st;
    lithsm_audit *a = NULL, *other = NULL;
    size_t i;

    path_in(path, sizeof(path), "refuse.jsonl");
    ok_int_eq(lithsm_audit_open(&a, NULL, path), LITHSM_OK, "open");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ok_int_eq(add(a, bad[i].rec, NULL, NULL), bad[i].err, bad[i].what);
    memset(deep, 0, sizeof(deep));
    strcpy(deep, "{\"a\":");
    memset(deep + 5, '[', 300);
    memset(deep + 305, ']', 300);
    deep[605] = '}';
    ok_int_eq(add(a, deep, NULL, NULL), LITHSM_ERR_RANGE, "nesting over 256");
    ok_int_eq(add(a, "{\"seqs\":1,\"a\":{\"seq\":2}}", NULL, NULL), LITHSM_OK,
              "seq below the top level and seqs are fine");
    ok_int_eq(lithsm_audit_open(&other, NULL, "postgresql://u:secret@h/db"),
              LITHSM_ERR_INVALID_ARG, "postgresql:// is not built");
    ok(strstr(lithsm_last_error(), "postgresql") != NULL &&
           strstr(lithsm_last_error(), "secret") == NULL,
       "the error names the scheme, not the password");
    lithsm_audit_get_stats(&st, a);
    ok_int_eq(st.appends, 1, "only the good record was written");
    lithsm_audit_close(a);
}

typedef struct worker {
    lithsm_audit *a;
    int id;
    uint64_t seqs[PER_THREAD];
    int failed;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    char rec[64];
    int i;

    for (i = 0; i < PER_THREAD; i++) {
        snprintf(rec, sizeof(rec), "{\"t\":%d,\"i\":%d}", w->id, i);
        if (add(w->a, rec, &w->seqs[i], NULL) != LITHSM_OK) {
            w->failed = 1;
            break;
        }
    }
    return NULL;
}

/* Each line holds the record its append was given the seq of. */
static int lines_match(const char *path, worker *ws, int n)
{
    size_t len, total = (size_t)n * PER_THREAD;
    char *text = slurp(path, &len), *p = text, want[64];
    const char **at = calloc(total + 1, sizeof(*at));
    int t, i, good = text != NULL && at != NULL;

    for (i = 1; good && (size_t)i <= total; i++) {
        at[i] = p;
        p = strchr(p, '\n');
        good = p != NULL;
        p = p != NULL ? p + 1 : NULL;
    }
    for (t = 0; good && t < n; t++)
        for (i = 0; good && i < PER_THREAD; i++) {
            uint64_t s = ws[t].seqs[i];

            snprintf(want, sizeof(want), "\"t\":%d,\"i\":%d}\n", t, i);
            good = s >= 1 && s <= total &&
                   strncmp(strstr(at[s], "\",") + 2, want, strlen(want)) == 0;
        }
    free((void *)at);
    free(text);
    return good;
}

static void test_threads(void)
{
    static worker ws[THREADS];
    static unsigned char seen[THREADS * PER_THREAD + 1];
    char path[300];
    pthread_t th[THREADS];
    lithsm_audit_report rep;
    lithsm_audit_stats st;
    lithsm_audit *a = NULL;
    int t, i, started = 0, failed = 0, gapless = 1;
    struct timespec t0, t1;
    double secs;

    path_in(path, sizeof(path), "threads.jsonl");
    ok_int_eq(lithsm_audit_open(&a, NULL, path), LITHSM_OK, "open");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (t = 0; t < THREADS; t++) {
        ws[t].a = a;
        ws[t].id = t;
        if (pthread_create(&th[t], NULL, work, &ws[t]) == 0)
            started++;
    }
    for (t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    ok_int_eq(started, THREADS, "16 threads ran");
    for (t = 0; t < THREADS; t++) {
        failed += ws[t].failed;
        for (i = 0; i < PER_THREAD; i++) {
            uint64_t s = ws[t].seqs[i];

            if (s < 1 || s > THREADS * PER_THREAD || seen[s]++)
                gapless = 0;
            if (i > 0 && s <= ws[t].seqs[i - 1])
                gapless = 0;
        }
    }
    ok_int_eq(failed, 0, "no append failed");
    ok(gapless, "the seqs are 1..8000, each once, rising in each thread");
    lithsm_audit_get_stats(&st, a);
    lithsm_audit_close(a);
    ok_int_eq(st.appends, THREADS * PER_THREAD, "8000 appends counted");
    /* One fdatasync at open, then one per batch. */
    printf("# %d threads x %d durable appends: %.2f s, %.0f appends/s, "
           "%" PRIu64 " fdatasync calls (%.1f records per sync)\n",
           THREADS, PER_THREAD, secs, st.appends / secs, st.syncs - 1,
           (double)st.appends / (double)(st.syncs - 1));
    ok(st.syncs - 1 < st.appends, "group commit: fewer syncs than records");
    ok(lines_match(path, ws, THREADS),
       "each line holds the record its seq was given to");
    ok_int_eq(lithsm_audit_verify(&rep, path, 0, NULL), LITHSM_OK, "verify");
    ok(rep.problem == LITHSM_AUDIT_OK && rep.records == THREADS * PER_THREAD,
       "the chain of 8000 verifies");
    ok_str_eq(rep.last, st.last, "verify's last is the trail's last");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char cmd[300];

    snprintf(base, sizeof(base), "%s/lithsm-audit-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(base) == NULL) {
        printf("Bail out! cannot make a temporary directory: %s\n",
               strerror(errno));
        return 99;
    }
    test_lines();
    test_reopen();
    test_probe();
    test_torn();
    test_damage();
    test_lock();
    test_files();
    test_refusals();
    test_threads();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", base);
    return tap_done();
}
