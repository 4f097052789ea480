/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * siwe_fields.h - SIWE fields in the siwe package's JSON shape (the
 * "fields" and "parsed" objects of the vector files), read into a
 * lithsm_siwe and compared, for the unit tests and check-vectors alike.
 * Header-only, like tap.h.
 */
#ifndef LITHSM_TEST_SIWE_FIELDS_H
#define LITHSM_TEST_SIWE_FIELDS_H

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "lithsm.h"
#include "unit/vectors.h"

/* The resources a case may list: more is a broken vector file. */
#define SIWE_FIELDS_MAX_RESOURCES 64

/* Fills f from o; its strings borrow from o, its resources from
 * `resources` (SIWE_FIELDS_MAX_RESOURCES pointers).  A missing chainId is
 * 1, as in the siwe package.  0 when o lists too many resources. */
static inline int siwe_fields_read(lithsm_siwe *f, const char **resources,
                                   json_object *o)
{
    json_object *res = NULL, *chain = NULL;
    size_t i;

    memset(f, 0, sizeof(*f));
    f->scheme = str_at(o, "scheme");
    f->domain = str_at(o, "domain");
    f->address = str_at(o, "address");
    f->statement = str_at(o, "statement");
    f->uri = str_at(o, "uri");
    f->version = str_at(o, "version");
    f->nonce = str_at(o, "nonce");
    f->issued_at = str_at(o, "issuedAt");
    f->expiration_time = str_at(o, "expirationTime");
    f->not_before = str_at(o, "notBefore");
    f->request_id = str_at(o, "requestId");
    json_object_object_get_ex(o, "chainId", &chain);
    f->chain_id = chain ? (uint64_t)json_object_get_int64(chain) : 1;
    if (!json_object_object_get_ex(o, "resources", &res) || res == NULL)
        return 1;
    if (json_object_array_length(res) > SIWE_FIELDS_MAX_RESOURCES)
        return 0;
    f->n_resources = json_object_array_length(res);
    for (i = 0; i < f->n_resources; i++)
        resources[i] =
            json_object_get_string(json_object_array_get_idx(res, i));
    f->resources = resources;
    return 1;
}

static inline int siwe_fields_same_opt(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* 1 when a and b are the same fields; else 0, with *where the index of
 * the first differing resource or (size_t)-1 for any other field. */
static inline int siwe_fields_eq(const lithsm_siwe *a, const lithsm_siwe *b,
                                 size_t *where)
{
    size_t i;

    *where = (size_t)-1;
    if (!siwe_fields_same_opt(a->scheme, b->scheme) ||
        !siwe_fields_same_opt(a->domain, b->domain) ||
        !siwe_fields_same_opt(a->address, b->address) ||
        !siwe_fields_same_opt(a->statement, b->statement) ||
        !siwe_fields_same_opt(a->uri, b->uri) ||
        !siwe_fields_same_opt(a->version, b->version) ||
        a->chain_id != b->chain_id ||
        !siwe_fields_same_opt(a->nonce, b->nonce) ||
        !siwe_fields_same_opt(a->issued_at, b->issued_at) ||
        !siwe_fields_same_opt(a->expiration_time, b->expiration_time) ||
        !siwe_fields_same_opt(a->not_before, b->not_before) ||
        !siwe_fields_same_opt(a->request_id, b->request_id) ||
        a->n_resources != b->n_resources)
        return 0;
    for (i = 0; i < a->n_resources; i++) {
        if (strcmp(a->resources[i], b->resources[i]) != 0) {
            *where = i;
            return 0;
        }
    }
    return 1;
}

#endif /* LITHSM_TEST_SIWE_FIELDS_H */
