/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * keys.c - the service's keys (serve.h): opened once at start; signing
 * (in parallel: read-held key locks); the probe behind /readyz; and opening the token
 * keys again when a token comes back.
 *
 * A token pulled out: the provider tries a failed signature once more on
 * new sessions (and logs in again when the token says it logged out);
 * when that fails too, the key is "down" and its requests get 503.
 * SoftHSM2 (2.6.1) never notices its token's folder coming back: the
 * token it read at C_Initialize stays broken (C_GetTokenInfo answers
 * CKR_GENERAL_ERROR, the key's handle CKR_OBJECT_HANDLE_INVALID) until
 * the module is initialised again, which happens when its last user lets
 * it go.  So recovery closes every token key and opens them again (the
 * provider unloads the module with its last key and loads it afresh),
 * at most once a second, from the probe or from a request.  Opening
 * again logs in again: the PIN is read again from the PIN source.  A
 * file: source recovers by itself; an env: variable was wiped once the
 * keys were open (it is visible to other processes of the user), so a
 * key on an env: source stays down, saying so, until a restart.
 *
 * Locks, always taken in this order: probe_lock (one probe at a time),
 * reopen_lock (one reopening at a time), the keys' own locks (by index;
 * read-held to sign or probe, write-held to replace a signer),
 * state_lock (the state below, held briefly).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#define URI_SHOWN 256
#define WHY_LEN 240
#define PROBE_CACHE_MS 1000  /* a probe answer is reused this long */
#define REOPEN_EVERY_MS 1000 /* at most one reopening this often */

typedef struct key_state {
    int token; /* a pkcs11: key */
    int down;  /* not available now: why says why */
    char why[WHY_LEN];
} key_state;

static struct {
    serve_config *cfg;
    key_state *st;
    lithsm_token_opts opts;
    pthread_mutex_t probe_lock, reopen_lock, state_lock;
    int64_t probed_ms, reopened_ms; /* monotonic; 0: never */
} keys = { NULL,
           NULL,
           { NULL, NULL, 0 },
           PTHREAD_MUTEX_INITIALIZER,
           PTHREAD_MUTEX_INITIALIZER,
           PTHREAD_MUTEX_INITIALIZER,
           0,
           0 };

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t key_index(const serve_key *k)
{
    return (size_t)(k - keys.cfg->keys);
}

/* Records that key i is down (why) or up (why NULL); logs a change. */
static void set_state(size_t i, const char *why)
{
    serve_key *k = &keys.cfg->keys[i];
    int was;

    pthread_mutex_lock(&keys.state_lock);
    was = keys.st[i].down;
    keys.st[i].down = why != NULL;
    if (why != NULL)
        snprintf(keys.st[i].why, WHY_LEN, "token unavailable: %s", why);
    pthread_mutex_unlock(&keys.state_lock);
    if (why != NULL && !was)
        serve_log("warning", "token key unavailable", "key", k->name);
    else if (why == NULL && was)
        serve_log("info", "token key available again", "key", k->name);
}

/* Opens key k; at start (addr_known 0) learns its address, afterwards the
 * key opened must have the address it had. */
static int open_one(serve_key *k, int addr_known)
{
    lithsm_eth_address addr;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    int token = strncmp(k->uri, "pkcs11:", 7) == 0;

    if (lithsm_signer_open_token(&k->signer, k->uri,
                                 token ? &keys.opts : NULL) != LITHSM_OK)
        return -1;
    lithsm_signer_address(&addr, k->signer);
    lithsm_eth_address_to_text(text, &addr);
    if (!addr_known) {
        memcpy(k->address, text, sizeof(text));
    } else if (strcmp(text, k->address) != 0) {
        lithsm_signer_free(k->signer);
        k->signer = NULL;
        /* Sets the library's last error for the caller's message. */
        return -2;
    }
    return 0;
}

int serve_keys_open(const cli_command *cmd, serve *s)
{
    size_t i;

    keys.cfg = &s->cfg;
    keys.opts.module = s->cfg.module;
    keys.opts.pin_source = s->cfg.pin_source;
    keys.st = calloc(s->cfg.n_keys ? s->cfg.n_keys : 1, sizeof(*keys.st));
    if (keys.st == NULL) {
        cli_error(cmd, "out of memory");
        return -1;
    }
    for (i = 0; i < s->cfg.n_keys; i++) {
        serve_key *k = &s->cfg.keys[i];
        char shown[URI_SHOWN];

        keys.st[i].token = strncmp(k->uri, "pkcs11:", 7) == 0;
        cli_redact_uri(shown, sizeof(shown), k->uri);
        if (open_one(k, 0) != 0) {
            cli_error(cmd, "keys/%s: cannot use '%s': %s", k->name, shown,
                      lithsm_last_error());
            return -1;
        }
        if (keys.st[i].token)
            lithsm_uri_pin_source_forget(k->uri);
        if (pthread_rwlock_init(&k->lock, NULL) != 0) {
            cli_error(cmd, "keys/%s: cannot make its lock", k->name);
            return -1;
        }
        k->lock_ok = 1;
        serve_log("info", "key opened", "uri", shown);
    }
    if (s->cfg.pin_source != NULL && strncmp(s->cfg.pin_source, "env:", 4) == 0)
        serve_log("warning",
                  "the PIN variable is wiped now: a token that goes away "
                  "needs a restart to log in again (file: does not)",
                  NULL, NULL);
    lithsm_pin_source_forget(s->cfg.pin_source);
    return 0;
}

void serve_keys_close(void)
{
    free(keys.st);
    keys.st = NULL;
    keys.cfg = NULL;
}

/* Closes every token key and opens it again: the module is let go with its
 * last key and initialised afresh (see the top of the file).  At most once
 * every REOPEN_EVERY_MS; the caller holds no key's lock. */
static void reopen_tokens(void)
{
    serve_config *cfg = keys.cfg;
    size_t i;
    int rc;

    pthread_mutex_lock(&keys.reopen_lock);
    if (keys.reopened_ms != 0 &&
        now_ms() - keys.reopened_ms < REOPEN_EVERY_MS) {
        pthread_mutex_unlock(&keys.reopen_lock);
        return;
    }
    for (i = 0; i < cfg->n_keys; i++)
        if (keys.st[i].token)
            pthread_rwlock_wrlock(&cfg->keys[i].lock);
    for (i = 0; i < cfg->n_keys; i++)
        if (keys.st[i].token) {
            lithsm_signer_free(cfg->keys[i].signer);
            cfg->keys[i].signer = NULL;
        }
    for (i = 0; i < cfg->n_keys; i++) {
        if (!keys.st[i].token)
            continue;
        rc = open_one(&cfg->keys[i], 1);
        set_state(i, rc == 0    ? NULL
                     : rc == -2 ? "the token holds another key by that name"
                                : lithsm_last_error());
    }
    for (i = cfg->n_keys; i-- > 0;)
        if (keys.st[i].token)
            pthread_rwlock_unlock(&cfg->keys[i].lock);
    keys.reopened_ms = now_ms();
    pthread_mutex_unlock(&keys.reopen_lock);
}

/* One signature attempt with k's signer, its lock read-held.  Returns 0, 1 when
 * the token is not available (k marked down), -1 on another failure. */
static int sign_locked(serve_key *k, serve_sign_fn *fn, void *arg)
{
    size_t i = key_index(k);
    int rc;

    pthread_rwlock_rdlock(&k->lock);
    if (k->signer == NULL) {
        pthread_rwlock_unlock(&k->lock);
        return 1;
    }
    rc = fn(arg, k->signer) == LITHSM_OK ? 0 : -1;
    /* The flag is per thread: only a token key's failure sets it. */
    if (rc != 0 && keys.st[i].token && lithsm_last_error_token_unavailable())
        rc = 1;
    if (rc == 1)
        set_state(i, lithsm_last_error());
    pthread_rwlock_unlock(&k->lock);
    return rc;
}

int serve_key_sign(serve_key *k, serve_sign_fn *fn, void *arg, char *reason,
                   size_t reason_len)
{
    size_t i = key_index(k);
    int rc = sign_locked(k, fn, arg);

    if (rc == 1) {
        /* The token may be back with the module still stale: open the
         * token keys again (rate limited), then once more. */
        reopen_tokens();
        rc = sign_locked(k, fn, arg);
    }
    if (rc == 0)
        return 0;
    if (rc == -1) {
        snprintf(reason, reason_len, "cannot sign with the key '%s': %s",
                 k->name, lithsm_last_error());
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    pthread_mutex_lock(&keys.state_lock);
    snprintf(reason, reason_len, "key '%s': %s", k->name, keys.st[i].why);
    pthread_mutex_unlock(&keys.state_lock);
    return MHD_HTTP_SERVICE_UNAVAILABLE;
}

/* Probes the token keys (signers opened: lithsm_signer_check).  Returns
 * how many are down. */
static size_t probe_tokens(void)
{
    serve_config *cfg = keys.cfg;
    size_t i, down = 0;
    lithsm_err err;

    for (i = 0; i < cfg->n_keys; i++) {
        serve_key *k = &cfg->keys[i];

        if (!keys.st[i].token)
            continue;
        pthread_rwlock_rdlock(&k->lock);
        if (k->signer != NULL) {
            err = lithsm_signer_check(k->signer);
            set_state(i, err == LITHSM_OK ? NULL : lithsm_last_error());
        }
        pthread_rwlock_unlock(&k->lock);
        pthread_mutex_lock(&keys.state_lock);
        down += keys.st[i].down != 0;
        pthread_mutex_unlock(&keys.state_lock);
    }
    return down;
}

int serve_keys_ready(json_object *obj)
{
    size_t i;
    int ready = 1;

    pthread_mutex_lock(&keys.probe_lock);
    if (keys.probed_ms == 0 || now_ms() - keys.probed_ms >= PROBE_CACHE_MS) {
        if (probe_tokens() != 0)
            reopen_tokens();
        keys.probed_ms = now_ms();
    }
    pthread_mutex_unlock(&keys.probe_lock);
    pthread_mutex_lock(&keys.state_lock);
    for (i = 0; i < keys.cfg->n_keys; i++) {
        const char *what = keys.st[i].down ? keys.st[i].why : "ok";

        ready &= !keys.st[i].down;
        if (obj != NULL &&
            cli_json_add_str(obj, keys.cfg->keys[i].name, what) != 0)
            ready = -1;
    }
    pthread_mutex_unlock(&keys.state_lock);
    return ready;
}
