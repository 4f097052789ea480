/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * body.c - the body of a signing request (serve.h): the signing routes,
 * and the check of their members.  Shared by routes.c and the request
 * body fuzz harness (tests/fuzz/serve_body_fuzzer.c).
 */
#include <stdio.h>
#include <string.h>

#include "serve.h"

const serve_sign_route serve_sign_routes[SERVE_N_SIGN_ROUTES] = {
    { "/v1/sign/message", "sign/message", "message", json_type_string },
    { "/v1/sign/typed-data", "sign/typed-data", "data", json_type_object },
    { "/v1/sign/transaction", "sign/transaction", "tx", json_type_object },
};

int serve_sign_body_check(const char **key_out, json_object **member_out,
                          const serve_sign_route *r, json_object *body,
                          char *reason, size_t reason_len)
{
    json_object *key = NULL, *member = NULL;

    if (!json_object_is_type(body, json_type_object)) {
        snprintf(reason, reason_len, "body: not a JSON object");
        return -1;
    }
    json_object_object_foreach(body, name, value)
    {
        if (strcmp(name, "key") == 0) {
            key = value;
        } else if (strcmp(name, r->member) == 0) {
            member = value;
        } else {
            /* An empty name is shown as "" (found by fuzzing). */
            snprintf(reason, reason_len, "%.64s: unknown field",
                     name[0] != '\0' ? name : "\"\"");
            return -1;
        }
    }
    if (!json_object_is_type(key, json_type_string)) {
        snprintf(reason, reason_len, "%s",
                 key == NULL ? "key: missing" : "key: not a string");
        return -1;
    }
    *key_out = json_object_get_string(key);
    if (!json_object_is_type(member, r->type)) {
        snprintf(reason, reason_len, "%s: %s", r->member,
                 member == NULL                ? "missing"
                 : r->type == json_type_string ? "not a string"
                                               : "not an object");
        return -1;
    }
    *member_out = member;
    return 0;
}
