/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * recap_statement.c - the sentence siwe-recap 0.0.2-alpha.0 (Recap.statement)
 * appends to a SIWE statement for a ReCap (lit-protocol.md section 4.3).
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lit/lit.h"

#define STATEMENT_HEAD                                                     \
    "I further authorize the stated URI to perform the following actions " \
    "on my behalf: "

/* One "(n) 'ns': 'a', 'b' for 'resource'." section: a run of sorted
 * ability keys sharing a namespace. */
struct ns_run {
    const char *const *keys; /* first key of the run */
    size_t n_keys;
    size_t ns_len;
    int is_index;
    uint32_t index;
};

static int run_cmp(const void *a, const void *b)
{
    const struct ns_run *x = a, *y = b;

    /* Array-index namespaces first, by value (JavaScript object order);
     * the others keep their sorted order (qsort is not stable, so compare
     * their position). */
    if (x->is_index != y->is_index)
        return x->is_index ? -1 : 1;
    if (x->is_index)
        return x->index < y->index ? -1 : x->index > y->index;
    return x->keys < y->keys ? -1 : x->keys > y->keys;
}

/* Appends the sections for one resource; *section counts across them. */
static lithsm_err statement_resource(lithsm_buf *b, size_t *section,
                                     const char *resource, json_object *abs)
{
    const char **keys = NULL;
    struct ns_run *runs = NULL;
    size_t i, j, n, n_runs = 0;
    lithsm_err err;

    err = lithsm_js_sorted_keys(&keys, &n, abs);
    if (err != LITHSM_OK || n == 0)
        return err;
    runs = calloc(n, sizeof(*runs));
    if (runs == NULL) {
        free(keys);
        return lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
    }
    for (i = 0; i < n; i++) {
        const char *slash = strchr(keys[i], '/');
        size_t ns_len = slash ? (size_t)(slash - keys[i]) : strlen(keys[i]);
        struct ns_run *last = n_runs ? &runs[n_runs - 1] : NULL;

        if (last != NULL && last->ns_len == ns_len &&
            memcmp(last->keys[0], keys[i], ns_len) == 0) {
            last->n_keys++;
            continue;
        }
        last = &runs[n_runs++];
        last->keys = &keys[i];
        last->n_keys = 1;
        last->ns_len = ns_len;
        if (ns_len <= 10) {
            char tmp[11];

            memcpy(tmp, keys[i], ns_len);
            tmp[ns_len] = '\0';
            last->is_index = lithsm_js_array_index(tmp, &last->index);
        }
    }
    qsort(runs, n_runs, sizeof(*runs), run_cmp);
    for (i = 0; i < n_runs; i++) {
        lithsm_buf_printf(b, "(%zu) '%.*s': ", (*section)++,
                          (int)runs[i].ns_len, runs[i].keys[0]);
        for (j = 0; j < runs[i].n_keys; j++) {
            const char *name = runs[i].keys[j] + runs[i].ns_len;
            const char *end;

            /* JavaScript's split('/')[1]: up to a second slash, if any. */
            if (*name == '/')
                name++;
            end = strchr(name, '/');
            if (end == NULL)
                end = name + strlen(name);
            lithsm_buf_printf(b, "%s'%.*s'", j ? ", " : "", (int)(end - name),
                              name);
        }
        lithsm_buf_printf(b, " for '%s'. ", resource);
    }
    free(runs);
    free(keys);
    return LITHSM_OK;
}

/* siwe-recap's Recap.statement: sorted resources, one numbered section per
 * (resource, namespace), then the trailing space removed. */
lithsm_err lithsm_recap_statement(char **out, const lithsm_recap *recap)
{
    const char **resources = NULL;
    size_t i, n, section = 1;
    lithsm_buf b;
    lithsm_err err;

    err = lithsm_recap_text_args(out, recap);
    if (err != LITHSM_OK)
        return err;
    err = lithsm_js_sorted_keys(&resources, &n, recap->att);
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, STATEMENT_HEAD);
    for (i = 0; i < n && err == LITHSM_OK; i++)
        err = statement_resource(
            &b, &section, resources[i],
            json_object_object_get(recap->att, resources[i]));
    free(resources);
    if (err != LITHSM_OK) {
        lithsm_buf_free(&b);
        return err;
    }
    if (!b.failed && b.len > 0)
        b.data[--b.len] = '\0';
    return lithsm_buf_finish(&b, out, NULL);
}
