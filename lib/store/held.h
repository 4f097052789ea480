/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * held.h - the locks a store's threads hold, by key and thread: what a
 * store's lock() took (a connection, a descriptor) is found again by the
 * same thread's ops and by its unlock(); not installed.
 */
#ifndef LITHSM_STORE_HELD_H
#define LITHSM_STORE_HELD_H

#include <pthread.h>

#include "store/store.h"

typedef struct held_slot {
    char key[LITHSM_STORE_KEY_MAX + 1];
    pthread_t owner;
    void *handle;
} held_slot;

typedef struct held_set {
    pthread_mutex_t mu;
    held_slot *slots;
    size_t n, cap;
} held_set;

void held_init(held_set *h);
/* Frees the slots; the handles left are the caller's to release. */
void held_destroy(held_set *h);
/* Records that this thread holds `key` with `handle`: OK, or NOMEM. */
lithsm_err held_add(held_set *h, const char *key, void *handle);
/* The handle this thread holds `key` with, or NULL. */
void *held_find(held_set *h, const char *key);
/* The same, and forgets it. */
void *held_take(held_set *h, const char *key);

#endif /* LITHSM_STORE_HELD_H */
