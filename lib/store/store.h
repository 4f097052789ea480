/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * store.h - the session store as the flow uses it; not installed.
 *
 * These wrappers check the key (the same rule for every store, so a user's
 * ops never see a name that could not be a file name) and the ops' answers.
 */
#ifndef LITHSM_STORE_H
#define LITHSM_STORE_H

#include "util/util.h"

/* The longest key a store accepts. */
#define LITHSM_STORE_KEY_MAX 200

/* Entries larger than this are refused on read (LITHSM_ERR_RANGE). */
#define LITHSM_STORE_VALUE_MAX (1024u * 1024u)

/* 1 if `key` is 1..LITHSM_STORE_KEY_MAX characters of [a-z0-9._-] and does
 * not start with '.' (so ".", ".." and the store's own temporary and lock
 * names can never be keys). */
int lithsm_store_key_valid(const char *key);

/* *value_out = NULL when the key is absent; otherwise a malloc'd string the
 * caller wipes and frees.  A value holding a NUL byte or larger than
 * LITHSM_STORE_VALUE_MAX fails with LITHSM_ERR_PARSE / LITHSM_ERR_RANGE:
 * the caller may treat the entry as corrupt. */
lithsm_err lithsm_store_get(lithsm_store *store, const char *key,
                            char **value_out);
lithsm_err lithsm_store_put(lithsm_store *store, const char *key,
                            const char *value);
/* Removing an absent key succeeds. */
lithsm_err lithsm_store_remove(lithsm_store *store, const char *key);

/* The store's lock on `key` (lithsm_store_set_lock()): OK at once when the
 * store has none; otherwise what its lock op returns. */
lithsm_err lithsm_store_lock(lithsm_store *store, const char *key);
/* Releases it; a no-op when the store has no lock. */
void lithsm_store_unlock(lithsm_store *store, const char *key);
/* 1 when the store has a lock. */
int lithsm_store_has_lock(const lithsm_store *store);

/* For tests: how long lock ops wait for a key's lock before failing
 * (default 30000 ms; the file store's and the PostgreSQL store's). */
void lithsm_store_set_lock_wait_ms(unsigned ms);
unsigned lithsm_store_lock_wait_ms(void);

/* For tests/fuzz: flow.c's reader of a stored session entry
 * {"sessionKey":"<hex>","walletSig":<AuthSig>,"version":1}.  value is
 * modified (the secret is overwritten).  On success *key_out and
 * *authsig_out (the AuthSig's JSON text) are the caller's; on failure both
 * are NULL and the error is LITHSM_ERR_PARSE or LITHSM_ERR_NOMEM. */
lithsm_err lithsm_flow_parse_entry(lithsm_session_key **key_out,
                                   char **authsig_out, char *value);

#endif /* LITHSM_STORE_H */
