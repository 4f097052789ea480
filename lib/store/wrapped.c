/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * wrapped.c - a session store whose entries are sealed under an AES-256 key
 * of a PKCS#11 token (lithsm_store_wrapped_new, lithsm_flow.h).
 *
 * An entry is "lithsm-wrap-v1:" + base64url(IV || ciphertext || tag) +
 * "\n": AES-256-GCM computed by the token (keys/wrapkey.c), a random
 * 96-bit IV per write, a 128-bit tag, and as AAD "lithsm-wrap-v1:" + the
 * store key, so an entry moved to another name does not decrypt.  The
 * inner store (the file store, or any ops) only ever sees that text.
 *
 * Reading: an entry that is not that text (a plaintext entry of an older
 * store included), or does not decrypt (changed, sealed by another key or
 * under another name), is corrupt: PARSE, so the flow removes it and makes
 * a new session.  A token that does not answer is a PKCS11 error: never a
 * plaintext fallback.  After such an error the key is opened again (at
 * once, once, then on each call until it opens), so a token put back is
 * used again without a restart.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "keys/wrapkey.h"
#include "store/store.h"

#define WRAP_PREFIX "lithsm-wrap-v1:"

typedef struct wrap_store {
    lithsm_store *inner;
    pthread_mutex_t lock; /* guards key */
    lithsm_wrap_key *key; /* NULL after a token failure: opened again */
    char *uri, *module, *pin_source;
    int prompt;
} wrap_store;

static char *dup_or_null(const char *s, int *failed)
{
    char *d;

    if (s == NULL)
        return NULL;
    if ((d = strdup(s)) == NULL)
        *failed = 1;
    return d;
}

static void free_wiped(char *s)
{
    if (s != NULL) {
        lithsm_memzero(s, strlen(s));
        free(s);
    }
}

static void wrap_free(void *vctx)
{
    wrap_store *ws = vctx;

    if (ws == NULL)
        return;
    lithsm_store_free(ws->inner);
    lithsm_wrap_key_unref(ws->key);
    pthread_mutex_destroy(&ws->lock);
    free_wiped(ws->uri);
    free_wiped(ws->module);
    free_wiped(ws->pin_source);
    free(ws);
}

static lithsm_err open_key(lithsm_wrap_key **out, const wrap_store *ws)
{
    lithsm_token_opts opts = { ws->module, ws->pin_source, ws->prompt };

    return lithsm_wrap_key_open(out, ws->uri, &opts);
}

/* A reference to the key, opened again if a token failure dropped it. */
static lithsm_err get_key(lithsm_wrap_key **out, wrap_store *ws)
{
    lithsm_err err = LITHSM_OK;

    pthread_mutex_lock(&ws->lock);
    if (ws->key == NULL)
        err = open_key(&ws->key, ws);
    *out = ws->key != NULL ? lithsm_wrap_key_ref(ws->key) : NULL;
    pthread_mutex_unlock(&ws->lock);
    return err;
}

/* After a token failure with key k: the next call opens the key again. */
static void drop_key(wrap_store *ws, lithsm_wrap_key *k)
{
    pthread_mutex_lock(&ws->lock);
    if (ws->key == k) {
        ws->key = NULL;
        lithsm_wrap_key_unref(k);
    }
    pthread_mutex_unlock(&ws->lock);
}

/* The AAD of entry `key`: the envelope's name and version, and the key. */
static char *entry_aad(const char *key)
{
    lithsm_buf b;
    char *out = NULL;

    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, WRAP_PREFIX);
    lithsm_buf_puts(&b, key);
    return lithsm_buf_finish(&b, &out, NULL) == LITHSM_OK ? out : NULL;
}

/* Seals or unseals with the store's key, bound to entry `name`. */
static lithsm_err crypt(wrap_store *ws, int seal, const char *name,
                        uint8_t **out, size_t *out_len, const uint8_t *in,
                        size_t in_len)
{
    lithsm_wrap_key *k;
    char *aad = entry_aad(name);
    lithsm_err err = LITHSM_OK;
    int attempt;

    if (aad == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
    /* A key that fails is opened again at once, once: a token pulled out
     * then reads as absent (lithsm_last_error_token_unavailable()) rather
     * than as a stale object handle. */
    for (attempt = 0; attempt < 2; attempt++) {
        k = NULL;
        err = get_key(&k, ws);
        if (err == LITHSM_OK)
            err = seal ? lithsm_wrap_key_seal(out, out_len, k, (uint8_t *)aad,
                                              strlen(aad), in, in_len)
                       : lithsm_wrap_key_unseal(out, out_len, k, (uint8_t *)aad,
                                                strlen(aad), in, in_len);
        if (err == LITHSM_ERR_PKCS11 && k != NULL)
            drop_key(ws, k);
        lithsm_wrap_key_unref(k);
        if (err != LITHSM_ERR_PKCS11 || k == NULL)
            break;
    }
    free(aad);
    return err;
}

static lithsm_err wrap_put(void *vctx, const char *key, const char *value)
{
    wrap_store *ws = vctx;
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    char *b64 = NULL, *text = NULL;
    lithsm_buf b;
    lithsm_err err;

    err = crypt(ws, 1, key, &sealed, &sealed_len, (const uint8_t *)value,
                strlen(value));
    if (err != LITHSM_OK)
        return err;
    err = lithsm_base64url_encode(&b64, sealed, sealed_len);
    free(sealed);
    if (err != LITHSM_OK)
        return lithsm_fail(err, "store: cannot encode a sealed entry");
    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, WRAP_PREFIX);
    lithsm_buf_puts(&b, b64);
    lithsm_buf_putc(&b, '\n');
    lithsm_free(b64);
    if (lithsm_buf_finish(&b, &text, NULL) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
    err = lithsm_store_put(ws->inner, key, text);
    free(text);
    return err;
}

/* The sealed bytes of an entry's text, exactly as wrap_put writes it. */
static lithsm_err entry_bytes(uint8_t **out, size_t *out_len, const char *key,
                              const char *text)
{
    size_t plen = strlen(WRAP_PREFIX), n = strlen(text);

    if (n < plen + 1 || strncmp(text, WRAP_PREFIX, plen) != 0 ||
        text[n - 1] != '\n')
        return lithsm_fail(
            LITHSM_ERR_PARSE,
            "store: entry %s is not a sealed entry (" WRAP_PREFIX "...)", key);
    if (lithsm_base64url_decode(out, out_len, text + plen, n - plen - 1) !=
        LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store: entry %s: the sealed data is not base64url",
                           key);
    return LITHSM_OK;
}

static lithsm_err wrap_get(void *vctx, const char *key, char **value_out)
{
    wrap_store *ws = vctx;
    char *text = NULL;
    uint8_t *sealed = NULL, *plain = NULL;
    size_t sealed_len = 0, plain_len = 0;
    lithsm_err err;

    *value_out = NULL;
    err = lithsm_store_get(ws->inner, key, &text);
    if (err != LITHSM_OK || text == NULL)
        return err;
    err = entry_bytes(&sealed, &sealed_len, key, text);
    free_wiped(text);
    if (err != LITHSM_OK)
        return err;
    err = crypt(ws, 0, key, &plain, &plain_len, sealed, sealed_len);
    lithsm_free(sealed);
    if (err == LITHSM_ERR_PARSE)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store: entry %s does not decrypt under the wrap "
                           "key (changed, or sealed by another key)",
                           key);
    if (err != LITHSM_OK)
        return err;
    if (strlen((char *)plain) != plain_len) {
        lithsm_memzero(plain, plain_len);
        free(plain);
        return lithsm_fail(LITHSM_ERR_PARSE, "store: entry %s holds a NUL byte",
                           key);
    }
    *value_out = (char *)plain;
    return LITHSM_OK;
}

static lithsm_err wrap_remove(void *vctx, const char *key)
{
    wrap_store *ws = vctx;

    return lithsm_store_remove(ws->inner, key);
}

/* The lock is the inner store's: processes sharing the inner store share
 * it, whether or not they wrap (a no-op when the inner store has none). */
static lithsm_err wrap_lock(void *vctx, const char *key)
{
    wrap_store *ws = vctx;

    return lithsm_store_lock(ws->inner, key);
}

static void wrap_unlock(void *vctx, const char *key)
{
    wrap_store *ws = vctx;

    lithsm_store_unlock(ws->inner, key);
}

static const lithsm_store_ops wrap_ops = {
    .get = wrap_get,
    .put = wrap_put,
    .remove = wrap_remove,
    .free = wrap_free,
};

lithsm_err lithsm_store_wrapped_new(lithsm_store **out, lithsm_store *inner,
                                    const char *wrap_key_uri,
                                    const lithsm_token_opts *opts)
{
    wrap_store *ws;
    lithsm_err err;
    int failed = 0;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "store: no output");
    *out = NULL;
    if (inner == NULL || wrap_key_uri == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "store: a wrapped store needs an inner store and a "
                           "key URI");
    if ((ws = calloc(1, sizeof(*ws))) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
    pthread_mutex_init(&ws->lock, NULL);
    ws->uri = dup_or_null(wrap_key_uri, &failed);
    if (opts != NULL) {
        ws->module = dup_or_null(opts->module, &failed);
        ws->pin_source = dup_or_null(opts->pin_source, &failed);
        ws->prompt = opts->prompt;
    }
    err = failed ? lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory")
                 : open_key(&ws->key, ws);
    if (err == LITHSM_OK)
        err = lithsm_store_new(out, &wrap_ops, ws);
    if (err == LITHSM_OK)
        err = lithsm_store_set_lock(*out, wrap_lock, wrap_unlock);
    if (err != LITHSM_OK) {
        wrap_free(ws); /* inner is still NULL: it stays the caller's */
        return err;
    }
    ws->inner = inner; /* ours from now on */
    return LITHSM_OK;
}
