/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * replies.c - what Lit nodes and the staking RPC answer: the handshake
 * reply, the staking eth_call envelope and the devnet check route's
 * verdict, each parsed on its own so tests and fuzzers reach them
 * (lit-protocol.md 9, 10.1).  Peer text goes into messages only through
 * lithsm_clean_copy().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "net/net.h"

const char *const lithsm_hs_field_names[LITHSM_HS_NFIELDS] = {
    "serverPublicKey",     "subnetPublicKey", "networkPublicKey",
    "networkPublicKeySet", "hdRootPubkeys",   "latestBlockhash",
};

void lithsm_clean_copy(char *out, size_t out_len, const char *text)
{
    size_t i;

    for (i = 0; i + 1 < out_len && text != NULL && text[i] != '\0'; i++)
        out[i] = (text[i] >= ' ' && text[i] < 0x7f) ? text[i] : '?';
    out[i] = '\0';
}

void lithsm_buf_json_str_or_null(lithsm_buf *b, const char *s)
{
    if (s == NULL)
        lithsm_buf_puts(b, "null");
    else
        lithsm_buf_json_str(b, s, strlen(s));
}

int lithsm_blockhash_valid(const char *s)
{
    size_t i;

    if (s == NULL || s[0] != '0' || s[1] != 'x')
        return 0;
    for (i = 2; i < 66; i++) {
        char c = s[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F')))
            return 0;
    }
    return s[66] == '\0';
}

int lithsm_content_type_is_json(const char *ct)
{
    static const char want[] = "application/json";
    size_t n = sizeof(want) - 1;

    if (ct == NULL)
        return 0;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (strncasecmp(ct, want, n) != 0)
        return 0;
    ct += n;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return *ct == '\0' || *ct == ';';
}

void lithsm_hs_reply_clear(lithsm_hs_reply *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < LITHSM_HS_NFIELDS; i++) {
        free(r->fields[i]);
        r->fields[i] = NULL;
    }
}

/* "HTTP 418 CoreApiMissingRequiredXRequestIdHeader" when the body is a
 * node error, else "HTTP 418". */
static lithsm_err status_failure(long status, const char *content_type,
                                 const char *body, size_t len)
{
    json_object *doc = NULL, *code;
    char word[80] = "";

    if (lithsm_content_type_is_json(content_type) && body != NULL &&
        lithsm_json_parse(&doc, body, len, "error body") == LITHSM_OK &&
        json_object_is_type(doc, json_type_object) &&
        json_object_object_get_ex(doc, "errorCode", &code) &&
        json_object_is_type(code, json_type_string))
        lithsm_clean_copy(word, sizeof(word), json_object_get_string(code));
    json_object_put(doc);
    if (word[0] != '\0')
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "HTTP %ld %s", status, word);
    return lithsm_fail(LITHSM_ERR_PROTOCOL, "HTTP %ld", status);
}

lithsm_err lithsm_hs_reply_parse(lithsm_hs_reply *out, long status,
                                 const char *content_type, const char *body,
                                 size_t len)
{
    json_object *doc = NULL, *v;
    char why[200], ct[64];
    lithsm_err err;
    size_t i;

    memset(out, 0, sizeof(*out));
    if (status != 200)
        return status_failure(status, content_type, body, len);
    /* Like the SDK, only a JSON content type gets parsed. */
    if (!lithsm_content_type_is_json(content_type)) {
        lithsm_clean_copy(ct, sizeof(ct), content_type);
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "content type '%s' is not JSON",
                           content_type != NULL ? ct : "(none)");
    }
    if (body == NULL || len == 0)
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "empty body");
    err = lithsm_json_parse(&doc, body, len, "reply");
    if (err != LITHSM_OK) {
        lithsm_clean_copy(why, sizeof(why), lithsm_last_error());
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "bad JSON (%s)", why);
    }
    if (!json_object_is_type(doc, json_type_object)) {
        json_object_put(doc);
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "bad JSON (not an object)");
    }
    for (i = 0; i < LITHSM_HS_NFIELDS; i++) {
        if (!json_object_object_get_ex(doc, lithsm_hs_field_names[i], &v))
            continue;
        if (i == LITHSM_HS_HD_ROOT_PUBKEYS) {
            lithsm_buf b;

            /* An array compared by its JSON text (JS compares it by
             * identity, which makes the last node win). */
            if (!json_object_is_type(v, json_type_array))
                continue;
            lithsm_buf_init(&b);
            lithsm_buf_json_value(&b, v);
            err = lithsm_buf_finish(&b, &out->fields[i], NULL);
        } else {
            if (!json_object_is_type(v, json_type_string))
                continue;
            out->fields[i] = lithsm_strdup(json_object_get_string(v));
            err = out->fields[i] == NULL
                      ? lithsm_fail(LITHSM_ERR_NOMEM, "out of memory")
                      : LITHSM_OK;
        }
        if (err != LITHSM_OK)
            goto fail;
    }
    if (!lithsm_blockhash_valid(out->fields[LITHSM_HS_BLOCKHASH])) {
        err = lithsm_fail(LITHSM_ERR_PROTOCOL, "bad blockhash");
        goto fail;
    }
    json_object_put(doc);
    return LITHSM_OK;

fail:
    json_object_put(doc);
    lithsm_hs_reply_clear(out);
    return err;
}

/* ------------------------------------------------------------------------
 * The staking RPC
 */

void lithsm_rpc_request_body(lithsm_buf *b, uint64_t id, const char *method,
                             const char *params)
{
    lithsm_buf_printf(b, "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"method\":",
                      (unsigned long long)id);
    lithsm_buf_json_str(b, method, strlen(method));
    lithsm_buf_printf(b, ",\"params\":%s}", params != NULL ? params : "[]");
}

/* The error member of an answer: {code: integer, message: string}. */
static lithsm_err rpc_error(const char *what, const char *rpc, json_object *e)
{
    json_object *code, *msg;
    char why[200];

    if (!json_object_is_type(e, json_type_object) ||
        !json_object_object_get_ex(e, "code", &code) ||
        !json_object_is_type(code, json_type_int) ||
        !json_object_object_get_ex(e, "message", &msg) ||
        !json_object_is_type(msg, json_type_string))
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "%s '%.200s': an error without an integer code and "
                           "a message string",
                           what, rpc);
    lithsm_clean_copy(why, sizeof(why), json_object_get_string(msg));
    return lithsm_fail(LITHSM_ERR_PROTOCOL, "%s '%.200s': error %lld: %s", what,
                       rpc, (long long)json_object_get_int64(code), why);
}

/* The members of an answer object: jsonrpc "2.0" when present, the id,
 * then exactly one of error and result. */
static lithsm_err rpc_envelope(json_object **result, const char *what,
                               const char *rpc, uint64_t id, json_object *doc)
{
    json_object *v, *e;
    int has_result;

    if (!json_object_is_type(doc, json_type_object))
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "%s '%.200s': the answer is not an object", what,
                           rpc);
    if (json_object_object_get_ex(doc, "jsonrpc", &v) &&
        (!json_object_is_type(v, json_type_string) ||
         strcmp(json_object_get_string(v), "2.0") != 0))
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "%s '%.200s': jsonrpc is not \"2.0\"", what, rpc);
    has_result = json_object_object_get_ex(doc, "result", result);
    if (json_object_object_get_ex(doc, "error", &e)) {
        if (has_result)
            return lithsm_fail(LITHSM_ERR_PROTOCOL,
                               "%s '%.200s': both an error and a result", what,
                               rpc);
        return rpc_error(what, rpc, e);
    }
    if (!json_object_object_get_ex(doc, "id", &v) ||
        !json_object_is_type(v, json_type_int) ||
        json_object_get_int64(v) < 0 ||
        (uint64_t)json_object_get_int64(v) != id)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "%s '%.200s': the answer's id is not %llu", what,
                           rpc, (unsigned long long)id);
    if (!has_result)
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "%s '%.200s': no result", what,
                           rpc);
    return LITHSM_OK;
}

lithsm_err lithsm_rpc_reply(json_object **doc, json_object **result,
                            const char *what, const char *rpc, uint64_t id,
                            const lithsm_http_req *r)
{
    char why[200];
    lithsm_err err;

    *doc = NULL;
    *result = NULL;
    if (!r->answered)
        return lithsm_fail(LITHSM_ERR_NETWORK, "%s '%.200s': %s", what, rpc,
                           r->error);
    if (r->status != 200)
        return lithsm_fail(LITHSM_ERR_NETWORK, "%s '%.200s': HTTP %ld", what,
                           rpc, r->status);
    if (!lithsm_content_type_is_json(r->content_type) || r->resp == NULL)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "%s '%.200s': the answer is not JSON", what, rpc);
    err = lithsm_json_parse(doc, r->resp, r->resp_len, "RPC answer");
    if (err != LITHSM_OK) {
        lithsm_clean_copy(why, sizeof(why), lithsm_last_error());
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "%s '%.200s': bad JSON (%s)",
                           what, rpc, why);
    }
    err = rpc_envelope(result, what, rpc, id, *doc);
    if (err != LITHSM_OK) {
        json_object_put(*doc);
        *doc = NULL;
        *result = NULL;
    }
    return err;
}

lithsm_err lithsm_rpc_staking_result(lithsm_staking *out, const char *rpc,
                                     const lithsm_http_req *r)
{
    json_object *doc, *v;
    lithsm_err err;

    err = lithsm_rpc_reply(&doc, &v, "staking RPC", rpc, 1, r);
    if (err != LITHSM_OK)
        return err;
    if (!json_object_is_type(v, json_type_string))
        err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                          "staking RPC '%.200s': no result string", rpc);
    else
        err = lithsm_abi_decode_staking_hex(
            out, json_object_get_string(v),
            (size_t)json_object_get_string_len(v));
    json_object_put(doc);
    return err;
}

/* ------------------------------------------------------------------------
 * The devnet's check route
 */

void lithsm_check_verdict_write(lithsm_buf *b, const char *node,
                                const lithsm_http_req *r)
{
    json_object *doc = NULL, *v, *d;
    const char *verdict = "error", *code = NULL;
    char detail[400] = "", piece[200];
    size_t i;

    if (!r->answered) {
        lithsm_clean_copy(detail, sizeof(detail), r->error);
    } else if (!lithsm_content_type_is_json(r->content_type) ||
               r->resp == NULL ||
               lithsm_json_parse(&doc, r->resp, r->resp_len, "verdict") !=
                   LITHSM_OK ||
               !json_object_is_type(doc, json_type_object)) {
        snprintf(detail, sizeof(detail), "HTTP %ld without a JSON object",
                 r->status);
    } else if (r->status == 200 && json_object_object_get_ex(doc, "ok", &v) &&
               json_object_is_type(v, json_type_boolean) &&
               json_object_get_boolean(v)) {
        verdict = "accept";
    } else if (r->status != 200 &&
               json_object_object_get_ex(doc, "errorCode", &v) &&
               json_object_is_type(v, json_type_string)) {
        verdict = "reject";
        code = json_object_get_string(v);
        if (json_object_object_get_ex(doc, "message", &v) &&
            json_object_is_type(v, json_type_string))
            lithsm_clean_copy(detail, sizeof(detail),
                              json_object_get_string(v));
        if (json_object_object_get_ex(doc, "details", &d) &&
            json_object_is_type(d, json_type_array))
            for (i = 0; i < json_object_array_length(d); i++) {
                v = json_object_array_get_idx(d, i);
                if (!json_object_is_type(v, json_type_string))
                    continue;
                lithsm_clean_copy(piece, sizeof(piece),
                                  json_object_get_string(v));
                if (strlen(detail) + strlen(piece) + 3 < sizeof(detail)) {
                    if (detail[0] != '\0')
                        strncat(detail, "; ",
                                sizeof(detail) - strlen(detail) - 1);
                    strncat(detail, piece, sizeof(detail) - strlen(detail) - 1);
                }
            }
    } else {
        snprintf(detail, sizeof(detail), "HTTP %ld with an unexpected body",
                 r->status);
    }
    lithsm_buf_puts(b, "{\"node\":");
    lithsm_buf_json_str_or_null(b, node);
    lithsm_buf_printf(b, ",\"verdict\":\"%s\",\"errorCode\":", verdict);
    lithsm_buf_json_str_or_null(b, code);
    lithsm_buf_printf(
        b, ",\"status\":%ld,\"detail\":", r->answered ? r->status : 0L);
    lithsm_buf_json_str_or_null(b, detail[0] != '\0' ? detail : NULL);
    lithsm_buf_putc(b, '}');
    json_object_put(doc);
}
