/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_store_wrap.c - the wrapped session store (lithsm_store_wrapped_new)
 * on a SoftHSM2 token, through the lithsm provider.  Run by
 * tests/integration/wrap.sh, which makes the token and passes:
 *
 *   LITHSM_TEST_WRAP_URI    the store's AES-256 key, with pin-source
 *   LITHSM_TEST_OTHER_URI   another AES-256 key on the same token
 *   LITHSM_TEST_EC_URI      an EC key (not a wrap key), without type=
 *   LITHSM_TEST_ABSENT_URI  a key on a token that is not there
 *   LITHSM_TEST_AES128_URI  an AES-128 key (refused: not AES-256)
 *   LITHSM_TEST_TOKENDIR    SoftHSM2's token directory (moved away and back)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "unit/flow_fixture.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);

    if (v == NULL || *v == '\0') {
        printf("Bail out! %s not set (run tests/integration/wrap.sh)\n", name);
        exit(99);
    }
    return v;
}

/* write_file() of a string. */
static int write_text(const char *path, const char *text)
{
    return write_file(path, text, strlen(text));
}

/* A wrapped store over a new file store in `dir`, with key `uri`. */
static lithsm_err wrapped(lithsm_store **out, const char *dir, const char *uri)
{
    lithsm_store *inner = NULL;
    lithsm_err err = lithsm_store_file_new(&inner, dir);

    if (err == LITHSM_OK)
        err = lithsm_store_wrapped_new(out, inner, uri, NULL);
    if (err != LITHSM_OK)
        lithsm_store_free(inner);
    return err;
}

/* The session secret (hex) of the entry, read through the wrapped store. */
static int entry_secret(char hex[129], lithsm_store *st, const char *name)
{
    char *value = NULL;
    const char *p;
    size_t n = 0;

    hex[0] = '\0';
    if (lithsm_store_get(st, name, &value) != LITHSM_OK || value == NULL)
        return 0;
    p = strstr(value, "\"sessionKey\":\"");
    if (p != NULL) {
        p += strlen("\"sessionKey\":\"");
        n = strcspn(p, "\"");
        if (n == 64 || n == 128)
            memcpy(hex, p, n);
        hex[n == 64 || n == 128 ? n : 0] = '\0';
    }
    lithsm_free(value);
    return hex[0] != '\0';
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s != NULL ? s + 1 : path;
}

static void test_round_trip(lithsm_store *st)
{
    char *v1 = NULL, *v2 = NULL, *back = NULL, path[512];

    ok(lithsm_store_put(st, "rt.one", "{\"a\":\"secret\"}\n") == LITHSM_OK,
       "put through the wrapped store");
    ok(lithsm_store_get(st, "rt.one", &back) == LITHSM_OK && back != NULL &&
           strcmp(back, "{\"a\":\"secret\"}\n") == 0,
       "get gives back the plaintext");
    lithsm_free(back);
    back = NULL;
    ok(lithsm_store_get(st, "rt.absent", &back) == LITHSM_OK && back == NULL,
       "an absent entry is absent");
    snprintf(path, sizeof(path), "%s/rt.one", store_dir);
    v1 = read_file(path);
    ok(lithsm_store_put(st, "rt.one", "{\"a\":\"secret\"}\n") == LITHSM_OK &&
           (v2 = read_file(path)) != NULL && v1 != NULL && strcmp(v1, v2) != 0,
       "the same value sealed twice differs (random IV)");
    ok(v1 != NULL && strncmp(v1, "lithsm-wrap-v1:", 15) == 0 &&
           strstr(v1, "secret") == NULL,
       "the file holds the envelope, not the value");
    /* The same bytes under another name: the AAD binds the name. */
    snprintf(path, sizeof(path), "%s/rt.two", store_dir);
    ok(v1 != NULL && write_text(path, v1), "entry copied to another name");
    ok_int_eq(lithsm_store_get(st, "rt.two", &back), LITHSM_ERR_PARSE,
              "an entry moved to another name reads as corrupt");
    free(v1);
    free(v2);
}

/* Byte `at` of the entry file flipped to another base64url letter. */
static int flip(const char *path, size_t at)
{
    char *text = read_file(path);
    int ok_ = text != NULL && strlen(text) > at;

    if (ok_) {
        text[at] = text[at] == 'A' ? 'B' : 'A';
        ok_ = write_text(path, text);
    }
    free(text);
    return ok_;
}

/* The flow over the wrapped store: cached, never plaintext on disk, a
 * changed entry replaced by a new session. */
static void test_flow(lithsm_store *st, const lithsm_requests *reqs)
{
    lithsm_flow_params p;
    result r1, r2, r3, r4;
    char path[512], secret[129], upper[129];
    char *text;
    size_t i;

    base_params(&p, st, reqs, 0);
    r1 = run(&p);
    r2 = run(&p);
    ok(r1.err == LITHSM_OK && r2.err == LITHSM_OK && r1.all_ok && r2.all_ok,
       "session sigs with the wrapped store, twice");
    ok_str_eq(r2.pk, r1.pk, "the second call reuses the cached session key");
    entry_path(path, sizeof(path), wallet, "test");
    text = read_file(path);
    ok(entry_secret(secret, st, base_name(path)),
       "the entry decrypts to a session entry");
    for (i = 0; secret[i] != '\0'; i++)
        upper[i] = (char)(secret[i] >= 'a' ? secret[i] - 32 : secret[i]);
    upper[i] = '\0';
    ok(text != NULL && strncmp(text, "lithsm-wrap-v1:", 15) == 0,
       "the entry file is sealed (lithsm-wrap-v1:)");
    ok(text != NULL && secret[0] != '\0' && strstr(text, secret) == NULL &&
           strstr(text, upper) == NULL,
       "the file does not hold the session secret's hex");
    ok(text != NULL && strstr(text, "sessionKey") == NULL &&
           strstr(text, "walletSig") == NULL && strstr(text, r1.pk) == NULL &&
           strchr(text, '{') == NULL,
       "the file does not hold the plaintext JSON");
    free(text);

    ok(flip(path, 40), "one byte of the entry changed");
    r3 = run(&p);
    ok(r3.err == LITHSM_OK && r3.all_ok, "the flow goes on after the change");
    ok(strcmp(r3.pk, r1.pk) != 0,
       "a changed entry reads as corrupt: a new session key");
    r4 = run(&p);
    ok_str_eq(r4.pk, r3.pk, "and the new session is cached, sealed again");

    ok(write_text(path, "{\"sessionKey\":\"00\"}\n"),
       "a plaintext entry put in its place");
    r1 = run(&p);
    ok(r1.err == LITHSM_OK && strcmp(r1.pk, r4.pk) != 0,
       "a plaintext entry is never read: a new session key");
    text = read_file(path);
    ok(text != NULL && strncmp(text, "lithsm-wrap-v1:", 15) == 0,
       "and the plaintext entry was replaced by a sealed one");
    free(text);
}

/* Another AES key of the token cannot read the entries. */
static void test_other_key(lithsm_store *st, const lithsm_requests *reqs)
{
    lithsm_store *other = NULL;
    lithsm_flow_params p;
    result mine, theirs, back;
    char path[512];
    char *v = NULL;

    base_params(&p, st, reqs, 0);
    mine = run(&p);
    ok(wrapped(&other, store_dir, env("LITHSM_TEST_OTHER_URI")) == LITHSM_OK,
       "a second wrapped store on the same directory, another key");
    entry_path(path, sizeof(path), wallet, "test");
    ok_int_eq(lithsm_store_get(other, base_name(path), &v), LITHSM_ERR_PARSE,
              "an entry sealed by another key reads as corrupt");
    lithsm_free(v);
    p.store = other;
    theirs = run(&p);
    ok(theirs.err == LITHSM_OK && strcmp(theirs.pk, mine.pk) != 0,
       "with the other key the flow makes a new session");
    p.store = st;
    back = run(&p);
    ok(back.err == LITHSM_OK && strcmp(back.pk, theirs.pk) != 0,
       "and the first key does not read the other key's entry either");
    lithsm_store_free(other);
}

static void test_refused(void)
{
    lithsm_store *st = NULL, *inner = NULL;
    lithsm_err err;

    err = wrapped(&st, store_dir, env("LITHSM_TEST_ABSENT_URI"));
    ok(err == LITHSM_ERR_PKCS11 && lithsm_last_error_token_unavailable() &&
           st == NULL,
       "a token that is not there: PKCS11, token unavailable, no store");
    printf("# %s\n", lithsm_last_error());
    err = wrapped(&st, store_dir, env("LITHSM_TEST_EC_URI"));
    ok(err == LITHSM_ERR_PKCS11 && st == NULL,
       "an EC key's name is not a wrap key (no AES key by that name)");
    printf("# %s\n", lithsm_last_error());
    err = wrapped(&st, store_dir, env("LITHSM_TEST_AES128_URI"));
    ok(err == LITHSM_ERR_PKCS11 && st == NULL, "an AES-128 key is refused");
    err = wrapped(&st, store_dir, "pkcs11:token=x;object=y;type=private");
    ok(err == LITHSM_ERR_INVALID_ARG && st == NULL,
       "a URI of another type= is refused");
    err = wrapped(&st, store_dir, "/etc/passwd");
    ok(err == LITHSM_ERR_INVALID_ARG, "a URI that is not pkcs11: is refused");
    ok(lithsm_store_file_new(&inner, store_dir) == LITHSM_OK &&
           lithsm_store_wrapped_new(&st, inner, NULL, NULL) ==
               LITHSM_ERR_INVALID_ARG,
       "no URI: INVALID_ARG, and inner stays the caller's");
    lithsm_store_free(inner);
}

/* Threads sealing and opening entries of their own at once. */
typedef struct worker {
    lithsm_store *st;
    int id, failures;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    char name[32], value[64], *back;
    int i;

    for (i = 0; i < 50; i++) {
        snprintf(name, sizeof(name), "thread-%d", w->id);
        snprintf(value, sizeof(value), "value %d of thread %d", i, w->id);
        back = NULL;
        if (lithsm_store_put(w->st, name, value) != LITHSM_OK ||
            lithsm_store_get(w->st, name, &back) != LITHSM_OK || back == NULL ||
            strcmp(back, value) != 0)
            w->failures++;
        lithsm_free(back);
    }
    return NULL;
}

static void test_threads(lithsm_store *st)
{
    pthread_t t[4];
    worker w[4];
    int i, failures = 0, started = 0;

    for (i = 0; i < 4; i++) {
        w[i].st = st;
        w[i].id = i;
        w[i].failures = 0;
        if (pthread_create(&t[i], NULL, work, &w[i]) == 0)
            started++;
    }
    for (i = 0; i < started; i++) {
        pthread_join(t[i], NULL);
        failures += w[i].failures;
    }
    ok(started == 4 && failures == 0,
       "4 threads x 50 put+get on the wrapped store, no failure");
}

/* A child process uses the parent's store: the provider initialises the
 * module again and finds the key again (by its label: pkcs11-tool gave it
 * no CKA_ID). */
static void test_fork(lithsm_store *st)
{
    pid_t pid;
    int status = -1;

    ok(lithsm_store_put(st, "fork.entry", "before fork") == LITHSM_OK,
       "an entry written before fork");
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char *v = NULL;
        int good =
            lithsm_store_get(st, "fork.entry", &v) == LITHSM_OK && v != NULL &&
            strcmp(v, "before fork") == 0 &&
            lithsm_store_put(st, "fork.entry", "from the child") == LITHSM_OK;

        lithsm_free(v);
        _exit(good ? 0 : 1);
    }
    ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0,
       "a forked child opens and seals with the parent's store");
}

/* The token's directory taken away (a token pulled out) and put back. */
static void test_token_gone(lithsm_store *st, const lithsm_requests *reqs)
{
    lithsm_flow_params p;
    result r;
    char flow_path[512], *flow_before, *flow_after = NULL;
    const char *dir = env("LITHSM_TEST_TOKENDIR");
    char moved[512], path[512], *before, *after, *v = NULL;
    lithsm_err err;
    int unavailable;

    ok(lithsm_store_put(st, "gone.entry", "{\"kept\":1}\n") == LITHSM_OK,
       "an entry written before the token goes");
    snprintf(path, sizeof(path), "%s/gone.entry", store_dir);
    before = read_file(path);
    entry_path(flow_path, sizeof(flow_path), wallet, "test");
    flow_before = read_file(flow_path);
    snprintf(moved, sizeof(moved), "%s.away", dir);
    if (rename(dir, moved) != 0) {
        ok(0, "token directory moved away");
        free(before);
        free(flow_before);
        return;
    }
    err = lithsm_store_put(st, "gone.entry", "{\"new\":1}\n");
    unavailable = lithsm_last_error_token_unavailable();
    ok(err == LITHSM_ERR_PKCS11 && unavailable,
       "token gone: put fails, token unavailable");
    printf("# %s\n", lithsm_last_error());
    after = read_file(path);
    ok(before != NULL && after != NULL && strcmp(before, after) == 0,
       "token gone: nothing was written in place of the entry");
    err = lithsm_store_get(st, "gone.entry", &v);
    unavailable = lithsm_last_error_token_unavailable();
    ok(err == LITHSM_ERR_PKCS11 && unavailable && v == NULL,
       "token gone: get fails, token unavailable, no value (not corrupt)");
    base_params(&p, st, reqs, 0);
    r = run(&p);
    ok(r.err == LITHSM_ERR_PKCS11 && lithsm_last_error_token_unavailable(),
       "token gone: session sigs fail as token unavailable, no new session");
    flow_after = read_file(flow_path);
    ok(flow_before != NULL && flow_after != NULL &&
           strcmp(flow_before, flow_after) == 0,
       "token gone: the session entry is left as it was");
    ok(rename(moved, dir) == 0, "token directory put back");
    ok(lithsm_store_get(st, "gone.entry", &v) == LITHSM_OK && v != NULL &&
           strcmp(v, "{\"kept\":1}\n") == 0,
       "token back: the entry reads again, without a new store");
    lithsm_free(v);
    free(before);
    free(after);
    free(flow_before);
    free(flow_after);
}

int main(void)
{
    lithsm_store *inner = NULL, *st = NULL;
    lithsm_requests *reqs;
    int rc;

    if ((rc = flow_setup(&inner)) != 0)
        return rc;
    reqs = make_requests(0, 0);
    ok(lithsm_store_wrapped_new(&st, inner, env("LITHSM_TEST_WRAP_URI"),
                                NULL) == LITHSM_OK,
       "wrapped store over the file store");
    if (st == NULL || reqs == NULL) {
        printf("Bail out! %s\n", lithsm_last_error());
        lithsm_store_free(inner);
        return 99;
    }
    test_round_trip(st);
    test_flow(st, reqs);
    test_other_key(st, reqs);
    test_refused();
    test_threads(st);
    test_fork(st);
    test_token_gone(st, reqs);
    lithsm_requests_free(reqs);
    flow_teardown(st);
    return tap_done();
}
