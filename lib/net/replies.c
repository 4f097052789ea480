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

lithsm_err lithsm_rpc_staking_result(lithsm_staking *out, const char *rpc,
                                     const lithsm_http_req *r)
{
    json_object *doc = NULL, *v, *code, *msg;
    char why[200];
    lithsm_err err;

    if (!r->answered)
        return lithsm_fail(LITHSM_ERR_NETWORK, "staking RPC '%.200s': %s", rpc,
                           r->error);
    if (r->status != 200)
        return lithsm_fail(LITHSM_ERR_NETWORK, "staking RPC '%.200s': HTTP %ld",
                           rpc, r->status);
    if (!lithsm_content_type_is_json(r->content_type))
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "staking RPC '%.200s': the answer is not JSON", rpc);
    err = lithsm_json_parse(&doc, r->resp, r->resp_len, "RPC answer");
    if (err != LITHSM_OK) {
        lithsm_clean_copy(why, sizeof(why), lithsm_last_error());
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "staking RPC '%.200s': bad JSON (%s)", rpc, why);
    }
    if (!json_object_is_type(doc, json_type_object)) {
        err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                          "staking RPC '%.200s': the answer is not an object",
                          rpc);
    } else if (json_object_object_get_ex(doc, "error", &v)) {
        why[0] = '\0';
        if (json_object_object_get_ex(v, "message", &msg) &&
            json_object_is_type(msg, json_type_string))
            lithsm_clean_copy(why, sizeof(why), json_object_get_string(msg));
        code = NULL;
        json_object_object_get_ex(v, "code", &code);
        err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                          "staking RPC '%.200s': error %lld: %s", rpc,
                          (long long)json_object_get_int64(code), why);
    } else if (!json_object_object_get_ex(doc, "id", &v) ||
               !json_object_is_type(v, json_type_int) ||
               json_object_get_int64(v) != 1) {
        err =
            lithsm_fail(LITHSM_ERR_PROTOCOL,
                        "staking RPC '%.200s': the answer's id is not 1", rpc);
    } else if (!json_object_object_get_ex(doc, "result", &v) ||
               !json_object_is_type(v, json_type_string)) {
        err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                          "staking RPC '%.200s': no result string", rpc);
    } else {
        err = lithsm_abi_decode_staking_hex(
            out, json_object_get_string(v),
            (size_t)json_object_get_string_len(v));
    }
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
