/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * vectors.h - reading the JSON files of tests/vectors in the unit tests:
 * the file by name (under $top_srcdir, "." if unset) and members of its
 * objects.  Header-only, like tap.h.
 */
#ifndef LITHSM_TEST_VECTORS_H
#define LITHSM_TEST_VECTORS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* $top_srcdir/rel ("." when top_srcdir is unset) into out. */
static inline void srcdir_path(char *out, size_t size, const char *rel)
{
    const char *top = getenv("top_srcdir");

    if (top == NULL || *top == '\0')
        top = ".";
    snprintf(out, size, "%s/%s", top, rel);
}

/* tests/vectors/<name> parsed, or NULL (said as a TAP comment). */
static inline json_object *load_vectors(const char *name)
{
    char rel[512], path[1024];
    json_object *o;

    snprintf(rel, sizeof(rel), "tests/vectors/%s", name);
    srcdir_path(path, sizeof(path), rel);
    o = json_object_from_file(path);
    if (o == NULL)
        printf("# cannot read %s\n", path);
    return o;
}

/* The string member `key` of `o`, or NULL if missing or not a string. */
static inline const char *str_at(json_object *o, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The member `key` of `o`, or NULL. */
static inline json_object *obj_at(json_object *o, const char *key)
{
    json_object *v = NULL;

    json_object_object_get_ex(o, key, &v);
    return v;
}

/* Compact JSON text of a json-c value (slashes unescaped), owned by it. */
static inline const char *to_text(json_object *v)
{
    return json_object_to_json_string_ext(
        v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

#endif /* LITHSM_TEST_VECTORS_H */
