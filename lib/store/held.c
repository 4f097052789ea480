/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * held.c - the locks a store's threads hold (held.h).  A handful at most
 * (one per thread making a session): a linear search is enough.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/held.h"

void held_init(held_set *h)
{
    memset(h, 0, sizeof(*h));
    pthread_mutex_init(&h->mu, NULL);
}

void held_destroy(held_set *h)
{
    free(h->slots);
    h->slots = NULL;
    h->n = h->cap = 0;
    pthread_mutex_destroy(&h->mu);
}

lithsm_err held_add(held_set *h, const char *key, void *handle)
{
    lithsm_err err = LITHSM_OK;

    pthread_mutex_lock(&h->mu);
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 8;
        held_slot *s = realloc(h->slots, cap * sizeof(*s));

        if (s == NULL) {
            err = lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
        } else {
            h->slots = s;
            h->cap = cap;
        }
    }
    if (err == LITHSM_OK) {
        held_slot *s = &h->slots[h->n++];

        snprintf(s->key, sizeof(s->key), "%s", key);
        s->owner = pthread_self();
        s->handle = handle;
    }
    pthread_mutex_unlock(&h->mu);
    return err;
}

static void *find(held_set *h, const char *key, int take)
{
    void *handle = NULL;
    size_t i;

    pthread_mutex_lock(&h->mu);
    for (i = 0; i < h->n; i++) {
        held_slot *s = &h->slots[i];

        if (pthread_equal(s->owner, pthread_self()) &&
            strcmp(s->key, key) == 0) {
            handle = s->handle;
            if (take)
                h->slots[i] = h->slots[--h->n];
            break;
        }
    }
    pthread_mutex_unlock(&h->mu);
    return handle;
}

void *held_find(held_set *h, const char *key)
{
    return find(h, key, 0);
}

void *held_take(held_set *h, const char *key)
{
    return find(h, key, 1);
}
