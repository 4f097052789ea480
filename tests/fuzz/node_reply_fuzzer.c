/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * node_reply_fuzzer.c - untrusted answers of Lit nodes and the staking RPC:
 * the handshake reply parser, the check-route verdict writer and the
 * eth_call envelope (lib/net/replies.c).
 *
 * Input: a first line "STATUS CONTENT-TYPE" ("-" for none), then the body;
 * without a newline the whole input is a 200 application/json body.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "net/net.h"

#include "fuzz.h"

/* Peer text reaches messages and reports only as printable ASCII. */
static int printable(const char *s)
{
    for (; s != NULL && *s != '\0'; s++)
        if (*s < ' ' || *s >= 0x7f)
            return 0;
    return 1;
}

static void fuzz_handshake(long status, const char *ct, const char *body,
                           size_t len)
{
    lithsm_hs_reply r;
    size_t i;

    if (lithsm_hs_reply_parse(&r, status, ct, body, len) != LITHSM_OK) {
        for (i = 0; i < LITHSM_HS_NFIELDS; i++)
            MUST(r.fields[i] == NULL);
        MUST(printable(lithsm_last_error()));
        return;
    }
    MUST(status == 200 && lithsm_content_type_is_json(ct));
    MUST(lithsm_blockhash_valid(r.fields[LITHSM_HS_BLOCKHASH]));
    if (r.fields[LITHSM_HS_HD_ROOT_PUBKEYS] != NULL)
        MUST(r.fields[LITHSM_HS_HD_ROOT_PUBKEYS][0] == '[');
    lithsm_hs_reply_clear(&r);
}

static void fuzz_verdict(const lithsm_http_req *req)
{
    json_object *doc = NULL;
    const char *verdict;
    lithsm_buf b;
    char *out = NULL;
    size_t len = 0;

    lithsm_buf_init(&b);
    lithsm_check_verdict_write(&b, "http://127.0.0.1:7470", req);
    if (lithsm_buf_finish(&b, &out, &len) != LITHSM_OK)
        return;
    /* Always one well-formed JSON object with a known verdict. */
    MUST(lithsm_json_parse(&doc, out, len, "verdict") == LITHSM_OK);
    MUST(json_object_is_type(doc, json_type_object));
    verdict = lithsm_json_get_str(doc, "verdict");
    MUST(verdict != NULL);
    MUST(strcmp(verdict, "accept") == 0 || strcmp(verdict, "reject") == 0 ||
         strcmp(verdict, "error") == 0);
    if (strcmp(verdict, "accept") == 0)
        MUST(req->answered && req->status == 200);
    if (strcmp(verdict, "reject") == 0)
        MUST(req->answered && req->status != 200);
    json_object_put(doc);
    free(out);
}

static void fuzz_rpc(const lithsm_http_req *req)
{
    lithsm_staking s;
    size_t i;

    memset(&s, 0, sizeof(s));
    if (lithsm_rpc_staking_result(&s, "http://127.0.0.1:8545", req) !=
        LITHSM_OK) {
        MUST(s.validators == NULL && s.n_validators == 0);
        if (req->answered)
            MUST(printable(lithsm_last_error()));
        return;
    }
    MUST(req->status == 200);
    MUST(s.min_node_count >= 1 && s.n_validators >= s.min_node_count);
    for (i = 0; i < s.n_validators; i++)
        MUST(s.validators[i].ip != 0 && s.validators[i].port != 0);
    lithsm_staking_clear(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    char line[128] = "", *ct = NULL, *body, *sp;
    long status = 200;
    size_t n = 0, len;
    lithsm_http_req req;

    if (size > LITHSM_HTTP_MAX_BODY)
        return 0;
    if (nl != NULL) {
        n = (size_t)(nl - data);
        if (n >= sizeof(line))
            return 0;
        memcpy(line, data, n);
        line[n] = '\0';
        status = strtol(line, &sp, 10);
        if (status < 0 || status > 999)
            return 0; /* libcurl's response codes have 3 digits */
        while (*sp == ' ')
            sp++;
        if (strcmp(sp, "-") != 0)
            ct = sp;
        n++;
    } else {
        ct = "application/json";
    }
    /* The body as http.c hands it over: malloc'd and NUL-terminated. */
    len = size - n;
    body = malloc(len + 1);
    if (body == NULL)
        return 0;
    memcpy(body, data + n, len);
    body[len] = '\0';

    fuzz_handshake(status, ct, body, len);

    memset(&req, 0, sizeof(req));
    req.answered = 1;
    req.status = status;
    req.content_type = ct;
    req.resp = body;
    req.resp_len = len;
    fuzz_verdict(&req);
    fuzz_rpc(&req);
    /* A transport failure: curl's text, here the body's first line. */
    req.answered = 0;
    snprintf(req.error, sizeof(req.error), "%.*s", (int)(n ? n - 1 : 0), line);
    fuzz_verdict(&req);
    fuzz_rpc(&req);

    free(body);
    return 0;
}
