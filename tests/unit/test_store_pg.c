/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_store_pg.c - the PostgreSQL session store against a real server (a
 * throwaway cluster made by tests/pg-lib.sh), and the store lock that makes
 * flows sharing a store make one session: several processes and threads
 * on one empty store (PostgreSQL, files; a wrapped store over PostgreSQL
 * when LITHSM_TEST_WRAP_URI names a token key, as tests/integration/
 * wrap.sh gives it) call the wallet once in all.  A server that cannot be
 * started fails the test, saying why.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flow_fixture.h"
#include "tap.h"

#define RACE_PROCS 2
#define RACE_THREADS 3
#define RACE_MAX (RACE_PROCS * RACE_THREADS)

static char pg_uri[600];
static const char *srcdir;
static const char *wrap_uri; /* LITHSM_TEST_WRAP_URI, or NULL */

/* Runs `what` in sh with tests/pg-lib.sh loaded for the cluster in
 * base/pg; its output (one line at most) in out.  0 when it succeeded. */
static int pg_sh(const char *what, char *out, size_t n)
{
    const char *port = strstr(pg_uri, "port=");
    char cmd[2048];
    FILE *f;
    size_t len = 0;

    /* PG_PORT: pg_start's choice, read back from the URI once known. */
    snprintf(cmd, sizeof(cmd),
             "PG_DIR='%s/pg'; PG_PORT='%.*s'; . '%s/tests/pg-lib.sh' && "
             "PG_BIN=$(pg_bindir) && %s",
             base, port ? (int)strspn(port + 5, "0123456789") : 0,
             port ? port + 5 : "", srcdir, what);
    fflush(stdout);
    if ((f = popen(cmd, "r")) == NULL)
        return -1;
    if (out != NULL) {
        len = fread(out, 1, n - 1, f);
        out[len] = '\0';
        out[strcspn(out, "\n")] = '\0';
    } else {
        char sink[256];

        while (fread(sink, 1, sizeof(sink), f) > 0)
            ;
    }
    return pclose(f);
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------------
 * Entries
 */
static void test_uri(void)
{
    lithsm_store *st = NULL;
    lithsm_err err;

    err = lithsm_store_postgres_new(
        &st, "postgresql://lithsm:hunter2@/lithsm?host=/nowhere", 0);
    ok(err == LITHSM_ERR_INVALID_ARG && st == NULL &&
           strstr(lithsm_last_error(), "hunter2") == NULL,
       "a URI with a password is refused, and not repeated");
    err = lithsm_store_postgres_new(&st, "/var/lib/store", 0);
    ok(err == LITHSM_ERR_INVALID_ARG, "a location that is not postgresql://");
    err = lithsm_store_postgres_new(&st, pg_uri, 65);
    ok(err == LITHSM_ERR_INVALID_ARG, "65 connections are refused");
}

static void test_entries(lithsm_store *st)
{
    static const char odd[] = "it's \"quoted\" \\ and\nnew lines; é";
    char *v = NULL, *big;
    size_t i;

    ok(lithsm_store_get(st, "a.key", &v) == LITHSM_OK && v == NULL,
       "get of an absent key: OK, NULL");
    ok(lithsm_store_put(st, "a.key", "first") == LITHSM_OK, "put");
    ok(lithsm_store_get(st, "a.key", &v) == LITHSM_OK && v != NULL &&
           strcmp(v, "first") == 0,
       "get gives what put wrote");
    free(v);
    ok(lithsm_store_put(st, "a.key", odd) == LITHSM_OK, "put replaces");
    v = NULL;
    ok(lithsm_store_get(st, "a.key", &v) == LITHSM_OK && v != NULL &&
           strcmp(v, odd) == 0,
       "get gives the new value, quotes and new lines kept");
    free(v);
    ok(lithsm_store_remove(st, "a.key") == LITHSM_OK, "remove");
    v = NULL;
    ok(lithsm_store_get(st, "a.key", &v) == LITHSM_OK && v == NULL,
       "removed: absent");
    ok(lithsm_store_remove(st, "a.key") == LITHSM_OK,
       "removing an absent key succeeds");

    big = malloc(LITHSM_STORE_VALUE_MAX + 2);
    if (big == NULL) {
        ok(0, "memory for 1 MiB");
        return;
    }
    for (i = 0; i < LITHSM_STORE_VALUE_MAX; i++)
        big[i] = (char)('a' + i % 26);
    big[LITHSM_STORE_VALUE_MAX] = '\0';
    ok(lithsm_store_put(st, "big", big) == LITHSM_OK, "put of 1 MiB");
    v = NULL;
    ok(lithsm_store_get(st, "big", &v) == LITHSM_OK && v != NULL &&
           strcmp(v, big) == 0,
       "get of 1 MiB gives it back whole");
    free(v);
    big[LITHSM_STORE_VALUE_MAX] = 'x';
    big[LITHSM_STORE_VALUE_MAX + 1] = '\0';
    ok(lithsm_store_put(st, "big", big) == LITHSM_ERR_RANGE,
       "put of 1 MiB + 1 byte: RANGE");
    free(big);
    /* A row larger than a store accepts, written behind its back. */
    ok(pg_sh("pg_sql \"UPDATE lithsm_store SET value = repeat('x', "
             "1048577) WHERE key = 'big'\"",
             NULL, 0) == 0,
       "a row of 1 MiB + 1 byte written with psql");
    v = NULL;
    ok(lithsm_store_get(st, "big", &v) == LITHSM_ERR_RANGE && v == NULL,
       "get of it: RANGE (corrupt), nothing given");
    ok(lithsm_store_put(st, ".lock-x", "v") == LITHSM_ERR_INVALID_ARG,
       "a key starting with '.' is refused");
}

/* ------------------------------------------------------------------------
 * The server away and back
 */
static void test_outage(lithsm_store *st)
{
    char *v = NULL;
    lithsm_err err;

    ok(lithsm_store_put(st, "outage", "before") == LITHSM_OK,
       "outage: an entry written before");
    ok(pg_sh("pg_stop", NULL, 0) == 0, "outage: the server is stopped");
    err = lithsm_store_get(st, "outage", &v);
    ok(err == LITHSM_ERR_NETWORK && v == NULL &&
           strstr(lithsm_last_error(), "postgresql store") != NULL &&
           strstr(lithsm_last_error(), "host=") == NULL,
       "outage: get fails with NETWORK, naming the store, no query part");
    printf("#   %s\n", lithsm_last_error());
    err = lithsm_store_put(st, "outage", "during");
    ok(err == LITHSM_ERR_NETWORK, "outage: put fails with NETWORK");
    err = lithsm_store_lock(st, "outage");
    ok(err == LITHSM_ERR_NETWORK, "outage: lock fails with NETWORK");
    ok(pg_sh("pg_restart", NULL, 0) == 0, "outage: the server is started");
    usleep(250 * 1000); /* past the pool's 200 ms fast failure */
    err = lithsm_store_get(st, "outage", &v);
    ok(err == LITHSM_OK && v != NULL && strcmp(v, "before") == 0,
       "outage: the same store reads again, the entry kept");
    free(v);
    ok(lithsm_store_put(st, "outage", "after") == LITHSM_OK,
       "outage: and writes again");
}

/* ------------------------------------------------------------------------
 * The lock: processes and threads on one empty store sign once
 */
typedef struct shared {
    atomic_int signs, next, errors, refuse;
    char pks[RACE_MAX][65];
} shared;

static shared *sh;
static const lithsm_requests *race_reqs;

/* The wallet, counted; slow enough that racing flows would all sign. */
static lithsm_err counting_wallet(char **out,
                                  const lithsm_session_siwe_params *sp,
                                  void *arg)
{
    (void)arg;
    if (atomic_load(&sh->refuse))
        return LITHSM_ERR_SIGNATURE;
    atomic_fetch_add(&sh->signs, 1);
    usleep(100 * 1000);
    return lithsm_wallet_authsig(out, wallet, sp);
}

static void *race_thread(void *arg)
{
    lithsm_flow_params p;
    result r;
    int i;

    base_params(&p, arg, race_reqs, T0);
    p.wallet = NULL;
    p.auth_callback = counting_wallet;
    p.store_scope = "race";
    r = run(&p);
    i = atomic_fetch_add(&sh->next, 1);
    if (r.err != LITHSM_OK || !r.all_ok || i >= RACE_MAX)
        atomic_fetch_add(&sh->errors, 1);
    else
        snprintf(sh->pks[i], sizeof(sh->pks[i]), "%s", r.pk);
    return NULL;
}

typedef enum { ON_PG, ON_FILES, ON_WRAPPED_PG } store_kind;

static lithsm_err open_store(lithsm_store **st, store_kind kind)
{
    lithsm_store *inner = NULL;
    lithsm_err err;

    if (kind == ON_FILES)
        return lithsm_store_file_new(st, store_dir);
    /* Fewer connections than threads: lock holders must not starve. */
    err = lithsm_store_postgres_new(kind == ON_PG ? st : &inner, pg_uri, 2);
    if (err != LITHSM_OK || kind == ON_PG)
        return err;
    err = lithsm_store_wrapped_new(st, inner, wrap_uri, NULL);
    if (err != LITHSM_OK)
        lithsm_store_free(inner);
    return err;
}

static void race_process(store_kind kind)
{
    pthread_t t[RACE_THREADS];
    lithsm_store *st = NULL;
    int i;

    if (open_store(&st, kind) != LITHSM_OK) {
        printf("# child: %s\n", lithsm_last_error());
        _exit(1);
    }
    for (i = 0; i < RACE_THREADS; i++)
        pthread_create(&t[i], NULL, race_thread, st);
    for (i = 0; i < RACE_THREADS; i++)
        pthread_join(t[i], NULL);
    lithsm_store_free(st);
    _exit(0);
}

static void test_race(store_kind kind, const char *name)
{
    lithsm_requests *reqs = make_requests(0, 0);
    pid_t pids[RACE_PROCS];
    char what[160];
    int i, same = 1, exited = 1, status;

    memset(sh, 0, sizeof(*sh));
    race_reqs = reqs;
    for (i = 0; i < RACE_PROCS; i++) {
        fflush(stdout);
        if ((pids[i] = fork()) == 0)
            race_process(kind);
    }
    for (i = 0; i < RACE_PROCS; i++)
        exited &= pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] &&
                  WIFEXITED(status) && WEXITSTATUS(status) == 0;
    for (i = 1; i < atomic_load(&sh->next) && i < RACE_MAX; i++)
        same &= sh->pks[0][0] != '\0' && strcmp(sh->pks[i], sh->pks[0]) == 0;
    snprintf(what, sizeof(what),
             "%s: %d processes x %d threads on an empty store all get "
             "session sigs every node accepts",
             name, RACE_PROCS, RACE_THREADS);
    ok(exited && atomic_load(&sh->errors) == 0 &&
           atomic_load(&sh->next) == RACE_MAX,
       what);
    snprintf(what, sizeof(what), "%s: the wallet signed once in all", name);
    ok_int_eq(atomic_load(&sh->signs), 1, what);
    snprintf(what, sizeof(what), "%s: every result has the same session key",
             name);
    ok(same && sh->pks[0][0] != '\0', what);
    lithsm_requests_free(reqs);
}

/* A child process holding `key`'s lock of a store of `kind`, until
 * killed: its pid, or -1 when it could not take it. */
static pid_t spawn_holder(store_kind kind, const char *key)
{
    char byte = 0;
    int fds[2], status;
    pid_t pid;

    if (pipe(fds) != 0)
        return -1;
    fflush(stdout);
    if ((pid = fork()) == 0) {
        lithsm_store *mine = NULL;

        if (open_store(&mine, kind) != LITHSM_OK ||
            lithsm_store_lock(mine, key) != LITHSM_OK ||
            write(fds[1], "L", 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    close(fds[1]);
    if (pid > 0 && (read(fds[0], &byte, 1) != 1 || byte != 'L')) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        pid = -1;
    }
    close(fds[0]);
    return pid;
}

static void end_holder(pid_t pid)
{
    int status;

    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
}

/* A process that took the lock of "held" and was killed: the lock goes
 * with it; while it lived, the wait for it was bounded. */
static void test_killed_holder(store_kind kind, const char *name)
{
    lithsm_store *st = NULL;
    char what[160];
    int64_t t0;
    lithsm_err err;
    pid_t pid;

    if (open_store(&st, kind) != LITHSM_OK) {
        ok(0, "killed holder: setup");
        return;
    }
    pid = spawn_holder(kind, "held");
    ok(pid > 0, "killed holder: a child process holds the lock");
    lithsm_store_set_lock_wait_ms(400);
    t0 = mono_ms();
    err = lithsm_store_lock(st, "held");
    snprintf(what, sizeof(what),
             "%s: waiting for a held lock fails after the bound, saying so",
             name);
    ok(err != LITHSM_OK && mono_ms() - t0 >= 350 &&
           strstr(lithsm_last_error(), "held") != NULL &&
           strstr(lithsm_last_error(), "within 400 ms") != NULL,
       what);
    printf("#   %s\n", lithsm_last_error());
    end_holder(pid);
    lithsm_store_set_lock_wait_ms(10000);
    t0 = mono_ms();
    err = lithsm_store_lock(st, "held");
    snprintf(what, sizeof(what),
             "%s: the holder killed (-9), another takes the lock", name);
    ok(err == LITHSM_OK && mono_ms() - t0 < 5000, what);
    if (err == LITHSM_OK)
        lithsm_store_unlock(st, "held");
    lithsm_store_set_lock_wait_ms(30000);
    lithsm_store_free(st);
}

/* Runs a flow with the counting wallet in `scope` on this thread. */
static lithsm_err flow_in(lithsm_store *st, const char *scope)
{
    lithsm_requests *reqs = make_requests(0, 0);
    lithsm_flow_params p;
    result r;

    base_params(&p, st, reqs, T0);
    p.wallet = NULL;
    p.auth_callback = counting_wallet;
    p.store_scope = scope;
    r = run(&p);
    lithsm_requests_free(reqs);
    return r.err;
}

/* After test_race: the flow's lock is released when it fails, and a
 * usable entry is used without taking the lock. */
static void test_lock_paths(store_kind kind, const char *name)
{
    lithsm_store *st = NULL;
    char what[160];
    lithsm_err err;
    pid_t pid;

    if (open_store(&st, kind) != LITHSM_OK) {
        ok(0, "lock paths: setup");
        return;
    }
    atomic_store(&sh->refuse, 1);
    err = flow_in(st, "refused");
    atomic_store(&sh->refuse, 0);
    snprintf(what, sizeof(what), "%s: a flow whose wallet fails fails", name);
    ok(err == LITHSM_ERR_SIGNATURE, what);
    snprintf(what, sizeof(what),
             "%s: it released the lock: the same thread makes the session",
             name);
    ok(flow_in(st, "refused") == LITHSM_OK, what);

    pid = spawn_holder(kind, "race.callback.session");
    lithsm_store_set_lock_wait_ms(400);
    atomic_store(&sh->signs, 0);
    err = flow_in(st, "race");
    snprintf(what, sizeof(what),
             "%s: with the entry's lock held elsewhere, its usable session "
             "is used at once, without the lock or the wallet",
             name);
    ok(pid > 0 && err == LITHSM_OK && atomic_load(&sh->signs) == 0, what);
    lithsm_store_set_lock_wait_ms(30000);
    end_holder(pid);
    lithsm_store_free(st);
}

static void test_set_lock(void)
{
    lithsm_store *st = NULL;

    if (lithsm_store_file_new(&st, store_dir) != LITHSM_OK) {
        ok(0, "set_lock: a store");
        return;
    }
    ok(lithsm_store_set_lock(NULL, NULL, NULL) == LITHSM_ERR_INVALID_ARG &&
           lithsm_store_set_lock(st, NULL, NULL) == LITHSM_ERR_INVALID_ARG,
       "lithsm_store_set_lock refuses a NULL store, lock or unlock");
    ok(lithsm_store_lock(st, "x") == LITHSM_OK &&
           lithsm_store_lock(st, "x") == LITHSM_ERR_INVALID_ARG,
       "a thread cannot take the same key's lock twice");
    lithsm_store_unlock(st, "x");
    ok(lithsm_store_lock(st, "x") == LITHSM_OK, "unlocked, it takes it again");
    lithsm_store_unlock(st, "x");
    ok(lithsm_store_lock(st, ".x") == LITHSM_ERR_INVALID_ARG,
       "no lock for a name that is no key");
    lithsm_store_free(st);
}

static void test_pg(void)
{
    lithsm_store *st = NULL;
    lithsm_err err;

    err = lithsm_store_postgres_new(&st, pg_uri, 0);
    if (!ok(err == LITHSM_OK, "a store on the throwaway server")) {
        printf("# %s\n", lithsm_last_error());
        return;
    }
    test_uri();
    test_entries(st);
    test_race(ON_PG, "postgresql");
    test_lock_paths(ON_PG, "postgresql");
    test_killed_holder(ON_PG, "postgresql");
    test_outage(st);
    lithsm_store_free(st);
}

int main(void)
{
    lithsm_store *files = NULL;
    char cmd[512];
    int rc;

    srcdir = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
    wrap_uri = getenv("LITHSM_TEST_WRAP_URI");
    if ((rc = flow_setup(&files)) != 0)
        return rc;
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        printf("Bail out! mmap\n");
        return 99;
    }
    snprintf(cmd, sizeof(cmd), "pg_start '%s' >&2 && printf '%%s' \"$PG_URI\"",
             base);
    rc = pg_sh(cmd, pg_uri, sizeof(pg_uri));
    if (!ok(rc == 0 && strncmp(pg_uri, "postgresql://", 13) == 0,
            "a throwaway PostgreSQL server starts (tests/pg-lib.sh)")) {
        printf("# cannot start PostgreSQL (see the lines above): the "
               "PostgreSQL store is untested\n");
    } else {
        test_pg();
        if (wrap_uri != NULL) {
            test_race(ON_WRAPPED_PG, "wrapped postgresql");
            test_lock_paths(ON_WRAPPED_PG, "wrapped postgresql");
            test_killed_holder(ON_WRAPPED_PG, "wrapped postgresql");
        }
        pg_sh("pg_stop", NULL, 0);
    }
    test_race(ON_FILES, "files");
    test_lock_paths(ON_FILES, "files");
    test_killed_holder(ON_FILES, "files");
    test_set_lock();
    flow_teardown(files);
    return tap_done();
}
