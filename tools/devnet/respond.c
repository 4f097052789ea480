/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * respond.c - the devnet's answers (plain, JSON, Lit node errors) and
 * request bodies (server.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define JSON_DEPTH 32

void devnet_set_err(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

void devnet_hex_lower(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

enum MHD_Result devnet_respond(struct MHD_Connection *conn, unsigned status,
                               const char *type, const char *body, size_t len)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    resp = MHD_create_response_from_buffer(len, (void *)body,
                                           MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type) !=
            MHD_YES ||
        (status == MHD_HTTP_METHOD_NOT_ALLOWED &&
         MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "POST") !=
             MHD_YES)) {
        MHD_destroy_response(resp);
        return MHD_NO;
    }
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

enum MHD_Result devnet_respond_json(struct MHD_Connection *conn,
                                    unsigned status, json_object *obj)
{
    const char *text;
    enum MHD_Result ret = MHD_NO;

    if (obj == NULL)
        return MHD_NO;
    text = json_object_to_json_string_ext(obj, JSON_FLAGS);
    if (text != NULL)
        ret = devnet_respond(conn, status, "application/json", text,
                             strlen(text));
    json_object_put(obj);
    return ret;
}

enum MHD_Result devnet_respond_error(struct MHD_Connection *conn,
                                     unsigned status, const char *kind,
                                     const char *code, const char *message,
                                     const char *correlation_id,
                                     const char *detail1, const char *detail2)
{
    json_object *obj = json_object_new_object();
    json_object *details = json_object_new_array();
    const char *d[2];
    size_t i;

    d[0] = detail1;
    d[1] = detail2;
    if (obj == NULL || details == NULL)
        goto oom;
    for (i = 0; i < 2; i++) {
        json_object *s;

        if (d[i] == NULL)
            continue;
        s = json_object_new_string(d[i]);
        if (s == NULL || json_object_array_add(details, s) != 0) {
            json_object_put(s);
            goto oom;
        }
    }
    if (cli_json_add_str(obj, "errorKind", kind) != 0 ||
        cli_json_add_str(obj, "errorCode", code) != 0 ||
        cli_json_add_int(obj, "status", status) != 0 ||
        cli_json_add_str(obj, "message", message) != 0 ||
        cli_json_add_str(obj, "correlationId", correlation_id) != 0)
        goto oom;
    if (json_object_object_add(obj, "details", details) != 0)
        goto oom;
    return devnet_respond_json(conn, status, obj);
oom:
    json_object_put(details);
    json_object_put(obj);
    return MHD_NO;
}

const char *devnet_header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

json_object *devnet_parse_body(const request *req)
{
    if (req->body == NULL)
        return NULL;
    return cli_json_parse_strict(req->body, req->len, JSON_DEPTH);
}
