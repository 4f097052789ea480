/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * audit_line_fuzzer.c - the audit trail's record-line parser: untrusted
 * trail lines (anyone who can write the file, or a torn write) and records
 * a caller hands to lithsm_audit_append().
 *
 * The input is checked twice.  As a trail line (record 1, then record 7
 * after a fixed hash): it must never crash, and a line it accepts must be
 * a JSON object json-c reads too, whose "seq" and "prev" members (each
 * once, first and second) are the expected ones, checked here
 * independently.  As a caller's record: when it is accepted, the line
 * built from it must pass the line check, and its members after "seq" and
 * "prev" must be the record's, in order, as json-c reads both.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lithsm.h"
#include "audit/audit.h"

#include "fuzz.h"

#define PREV7 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* json-c's strict reading of s[0..n), or NULL. */
static json_object *jsonc_parse(const char *s, size_t n)
{
    json_tokener *tok = json_tokener_new_ex(LITHSM_AUDIT_DEPTH_MAX + 2);
    json_object *obj;

    MUST(tok != NULL);
    json_tokener_set_flags(tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, s, (int)n);
    if (obj != NULL && json_tokener_get_parse_end(tok) != n) {
        json_object_put(obj);
        obj = NULL;
    }
    json_tokener_free(tok);
    return obj;
}

static void check_accepted_line(const char *s, size_t n, int64_t seq,
                                const char *prev)
{
    json_object *obj = jsonc_parse(s, n), *v;
    struct json_object_iterator it;

    MUST(obj != NULL && json_object_is_type(obj, json_type_object));
    MUST(json_object_object_get_ex(obj, "seq", &v));
    MUST(json_object_is_type(v, json_type_int));
    MUST(json_object_get_int64(v) == seq);
    MUST(json_object_object_get_ex(obj, "prev", &v));
    MUST(json_object_is_type(v, json_type_string));
    MUST(strcmp(json_object_get_string(v), prev) == 0);
    it = json_object_iter_begin(obj);
    MUST(strcmp(json_object_iter_peek_name(&it), "seq") == 0);
    json_object_iter_next(&it);
    MUST(strcmp(json_object_iter_peek_name(&it), "prev") == 0);
    json_object_put(obj);
    MUST(memchr(s, '\n', n) == NULL);
}

static void as_line(const char *s, size_t n)
{
    char detail[200];

    if (audit_check_line(detail, sizeof(detail), s, n, 1, AUDIT_ZERO_HASH) ==
        LITHSM_AUDIT_OK)
        check_accepted_line(s, n, 1, AUDIT_ZERO_HASH);
    else
        MUST(detail[0] != '\0');
    if (audit_check_line(detail, sizeof(detail), s, n, 7, PREV7) ==
        LITHSM_AUDIT_OK)
        check_accepted_line(s, n, 7, PREV7);
    else
        MUST(detail[0] != '\0' && strlen(detail) < sizeof(detail));
}

/* The members of `line` after its first two are those of `rec`. */
static void same_members(const char *line, size_t n, const char *rec, size_t rn)
{
    json_object *a = jsonc_parse(line, n), *b = jsonc_parse(rec, rn);
    struct json_object_iterator ia, ib, ea, eb;

    MUST(a != NULL && b != NULL);
    ia = json_object_iter_begin(a);
    ea = json_object_iter_end(a);
    ib = json_object_iter_begin(b);
    eb = json_object_iter_end(b);
    json_object_iter_next(&ia);
    json_object_iter_next(&ia);
    while (!json_object_iter_equal(&ib, &eb)) {
        MUST(!json_object_iter_equal(&ia, &ea));
        MUST(strcmp(json_object_iter_peek_name(&ia),
                    json_object_iter_peek_name(&ib)) == 0);
        MUST(json_object_equal(json_object_iter_peek_value(&ia),
                               json_object_iter_peek_value(&ib)));
        json_object_iter_next(&ia);
        json_object_iter_next(&ib);
    }
    MUST(json_object_iter_equal(&ia, &ea));
    json_object_put(a);
    json_object_put(b);
}

static int has_nul_escape(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 6 <= n; i++)
        if (memcmp(s + i, "\\u0000", 6) == 0)
            return 1;
    return 0;
}

static void as_record(const char *s, size_t n)
{
    lithsm_buf body, line;
    audit_scan scan;
    char detail[200];

    lithsm_buf_init(&body);
    lithsm_buf_init(&line);
    if (audit_json_scan(&scan, &body, s, n) && scan.seq_at < 0 &&
        scan.prev_at < 0 && !scan.reserved_dup && !body.failed) {
        MUST(body.len <= n);
        audit_build_line(&line, 7, PREV7, body.data, body.len);
        MUST(!line.failed);
        MUST(audit_check_line(detail, sizeof(detail), line.data, line.len, 7,
                              PREV7) == LITHSM_AUDIT_OK);
        check_accepted_line(line.data, line.len, 7, PREV7);
        /* json-c cuts names at an escaped NUL: leave those out. */
        if (!has_nul_escape(s, n))
            same_members(line.data, line.len, s, n);
    }
    lithsm_buf_free(&body);
    lithsm_buf_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;

    if (size > 1u << 20)
        return 0;
    as_line(s, size);
    as_record(s, size);
    return 0;
}
