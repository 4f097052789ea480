/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * respond.c - lithsm-serve's answers, JSON-lines logs and audit records
 * (serve.h).  The audit record of a request is durable before its answer
 * is queued.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

void serve_log(const char *level, const char *msg, const char *key,
               const char *value)
{
    json_object *obj = json_object_new_object();
    const char *text;

    if (obj == NULL ||
        cli_json_add_int(obj, "time", lithsm_time_now_ms()) != 0 ||
        cli_json_add_str(obj, "level", level) != 0 ||
        cli_json_add_str(obj, "msg", msg) != 0 ||
        (key != NULL && cli_json_add_str(obj, key, value) != 0) ||
        (text = json_object_to_json_string_ext(obj, SERVE_JSON_FLAGS)) ==
            NULL) {
        fputs("{\"level\":\"error\",\"msg\":\"out of memory\"}\n", stderr);
    } else {
        fprintf(stderr, "%s\n", text);
    }
    fflush(stderr);
    json_object_put(obj);
}

json_object *serve_raw_answer(const char *text)
{
    json_object *obj = json_object_new_object();
    char *copy = strdup(text);

    if (obj == NULL || copy == NULL) {
        json_object_put(obj);
        free(copy);
        return NULL;
    }
    json_object_set_serializer(obj, json_object_userdata_to_json_string, copy,
                               json_object_free_userdata);
    return obj;
}

json_object *serve_error_body(const char *code, const char *reason)
{
    json_object *obj = json_object_new_object();

    if (obj == NULL || cli_json_add_str(obj, "error", code) != 0 ||
        (reason != NULL && cli_json_add_str(obj, "reason", reason) != 0)) {
        json_object_put(obj);
        return NULL;
    }
    return obj;
}

/* The JSON answer, or o->text (Prometheus text) when there is one. */
static enum MHD_Result respond(struct MHD_Connection *conn,
                               const serve_outcome *o)
{
    struct MHD_Response *resp;
    const char *text = o->text;
    const char *type = "text/plain; version=0.0.4; charset=utf-8";
    enum MHD_Result ret;

    if (text == NULL) {
        type = "application/json";
        if (o->answer == NULL || (text = json_object_to_json_string_ext(
                                      o->answer, SERVE_JSON_FLAGS)) == NULL)
            return MHD_NO;
    }
    resp = MHD_create_response_from_buffer(strlen(text), (void *)text,
                                           MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type) !=
            MHD_YES ||
        (o->retry_after &&
         MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1") !=
             MHD_YES)) {
        MHD_destroy_response(resp);
        return MHD_NO;
    }
    ret = MHD_queue_response(conn, o->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* The record: what was asked, by whom, what was decided and signed. */
static json_object *record_of(const serve *s, const serve_outcome *o)
{
    json_object *rec = json_object_new_object();

    if (rec == NULL ||
        cli_json_add_int(rec, "time", lithsm_time_now_ms()) != 0 ||
        cli_json_add_str(rec, "instance", s->cfg.instance) != 0 ||
        cli_json_add_str(rec, "caller", o->caller) != 0 ||
        cli_json_add_str(rec, "fingerprint", o->fingerprint) != 0 ||
        cli_json_add_str(rec, "route", o->route) != 0 ||
        cli_json_add_str(rec, "key", o->key) != 0)
        goto fail;
    if (o->request != NULL) {
        if (json_object_object_add(rec, "request",
                                   json_object_get(o->request)) != 0)
            goto fail;
    } else if (json_object_object_add(rec, "request", NULL) != 0) {
        goto fail;
    }
    if (cli_json_add_str(rec, "digest", o->digest) != 0 ||
        cli_json_add_str(rec, "decision", o->decision) != 0 ||
        cli_json_add_str(rec, "rule", o->rule) != 0 ||
        cli_json_add_int(rec, "status", o->status) != 0 ||
        cli_json_add_str(rec, "signature", o->signature) != 0 ||
        (o->session_key != NULL &&
         cli_json_add_str(rec, "sessionKey", o->session_key) != 0))
        goto fail;
    return rec;
fail:
    json_object_put(rec);
    return NULL;
}

/* One log line per request: who, which route, what was decided.  Never
 * the body or a signature (those are in the audit trail). */
static void log_request(const serve_outcome *o)
{
    json_object *obj = json_object_new_object();
    const char *text = NULL;

    if (obj != NULL &&
        cli_json_add_int(obj, "time", lithsm_time_now_ms()) == 0 &&
        cli_json_add_str(obj, "level", "info") == 0 &&
        cli_json_add_str(obj, "msg", "request") == 0 &&
        cli_json_add_str(obj, "route", o->route) == 0 &&
        cli_json_add_int(obj, "status", o->status) == 0 &&
        cli_json_add_str(obj, "caller", o->caller) == 0 &&
        cli_json_add_str(obj, "decision", o->decision) == 0 &&
        cli_json_add_str(obj, "rule", o->rule) == 0)
        text = json_object_to_json_string_ext(obj, SERVE_JSON_FLAGS);
    if (text != NULL)
        fprintf(stderr, "%s\n", text);
    json_object_put(obj);
}

/* healthz, readyz, metrics: answers without a key, signature or body. */
static int health_route(const serve_outcome *o)
{
    return o->route != NULL && o->signature == NULL &&
           (strcmp(o->route, "healthz") == 0 ||
            strcmp(o->route, "readyz") == 0 ||
            strcmp(o->route, "metrics") == 0);
}

enum MHD_Result serve_finish(serve *s, struct MHD_Connection *conn,
                             serve_outcome *o)
{
    json_object *rec = record_of(s, o);
    const char *text = NULL;
    enum MHD_Result ret;
    lithsm_err err = LITHSM_ERR_NOMEM;
    int kept;

    if (rec != NULL &&
        (text = json_object_to_json_string_ext(rec, SERVE_JSON_FLAGS)) != NULL)
        err = lithsm_audit_append(NULL, NULL, s->audit, text, strlen(text));
    json_object_put(rec);
    /* The health routes give nothing signed: while a database trail is
     * away they still answer, so /readyz can say why. */
    kept = err != LITHSM_OK && serve_is_pg(s->cfg.audit) && health_route(o);
    serve_metrics_record(s, o, err == LITHSM_OK || kept);
    if (err != LITHSM_OK) {
        /* A file trail is unusable after a failed write; a database one
         * takes appends again once its server is back. */
        if (serve_is_pg(s->cfg.audit))
            serve_metrics_db_error(s, SERVE_DB_AUDIT);
        else
            atomic_store(&s->audit_failed, 1);
        serve_log("error", "the audit trail refused a record", "error",
                  lithsm_last_error());
    }
    if (err != LITHSM_OK && !kept) {
        /* No answer (above all no signature) leaves without its record. */
        json_object_put(o->answer);
        o->answer = serve_error_body("unavailable", "audit trail failed");
        o->status = MHD_HTTP_SERVICE_UNAVAILABLE;
        o->retry_after = serve_is_pg(s->cfg.audit);
        free(o->text);
        o->text = NULL;
    }
    log_request(o);
    ret = respond(conn, o);
    json_object_put(o->answer);
    o->answer = NULL;
    free(o->text);
    o->text = NULL;
    return ret;
}
