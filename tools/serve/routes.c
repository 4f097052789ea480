/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * routes.c - lithsm-serve's routes (serve.h): request bodies, limits,
 * the caller's identity, and the answer of each route.  Every request
 * that reaches HTTP gets one audit record (respond.c).
 */
#include <stdlib.h>
#include <string.h>

#include "serve.h"

#define SUBJECT_MAX 1024

/* One request as it arrives. */
typedef struct serve_request {
    char *body;
    size_t len;
    int too_large;
    int answered;
    char caller[SUBJECT_MAX];
    char fingerprint[65];
    char digest[2 + 64 + 1]; /* what a signing request signs */
    serve_payload payload;
    lithsm_policy_decision decision;
    uint64_t started; /* serve_metrics_now() at begin() */
    serve_signed lit; /* what a Lit route signed (lit.c) */
} request;

static json_object *keys_body(serve *s)
{
    json_object *obj = json_object_new_object();
    json_object *arr = json_object_new_array();
    size_t i;

    if (obj == NULL || arr == NULL ||
        json_object_object_add(obj, "keys", arr) != 0) {
        json_object_put(arr);
        json_object_put(obj);
        return NULL;
    }
    for (i = 0; i < s->cfg.n_keys; i++) {
        json_object *k = json_object_new_object();

        if (k == NULL || json_object_array_add(arr, k) != 0) {
            json_object_put(k);
            json_object_put(obj);
            return NULL;
        }
        if (cli_json_add_str(k, "name", s->cfg.keys[i].name) != 0 ||
            cli_json_add_str(k, "address", s->cfg.keys[i].address) != 0) {
            json_object_put(obj);
            return NULL;
        }
    }
    return obj;
}

static void fail(serve_outcome *o, unsigned status, const char *code,
                 const char *reason)
{
    o->status = status;
    o->decision = "refused";
    json_object_put(o->answer);
    o->answer = serve_error_body(code, reason);
}

/* Asks the policy about a request on `route` with `key` (NULL for
 * "keys").  The caller is tried by subject, then, when no policy caller
 * matches it, by fingerprint.  Returns 1 when allowed (o->rule set), else
 * 0 after the 403 (or the 400 of a body the policy cannot read). */
int serve_ask_policy(serve *s, serve_request *req, const char *route,
                     const char *key, serve_outcome *o)
{
    lithsm_policy_decision *d = &req->decision;
    lithsm_policy_request pr;
    lithsm_policy *p;
    char fp[sizeof("fingerprint:") + 64];
    json_object *body;
    lithsm_err err;

    pthread_mutex_lock(&s->policy_lock);
    p = lithsm_policy_ref(s->policy);
    pthread_mutex_unlock(&s->policy_lock);
    memset(&pr, 0, sizeof(pr));
    pr.caller = req->caller;
    pr.route = route;
    pr.key = key;
    pr.body = req->body;
    pr.body_len = req->len;
    pr.now_ms = lithsm_time_now_ms();
    err = lithsm_policy_decide(d, p, &pr);
    if (err == LITHSM_OK && !d->allowed && req->fingerprint[0] != '\0' &&
        strcmp(d->rule, "default-deny") == 0) {
        snprintf(fp, sizeof(fp), "fingerprint:%s", req->fingerprint);
        pr.caller = fp;
        err = lithsm_policy_decide(d, p, &pr);
    }
    lithsm_policy_free(p);
    if (err != LITHSM_OK && strcmp(d->rule, "rate-unavailable") == 0) {
        /* The shared rate limits are away: nothing is decided. */
        serve_metrics_db_error(s, SERVE_DB_RATES);
        serve_log("error", "the shared rate limits failed", "error",
                  lithsm_last_error());
        fail(o, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
             "the shared rate limits cannot be reached");
        o->decision = "unavailable";
        o->retry_after = 1;
        o->rule = d->rule;
        if (o->answer != NULL &&
            cli_json_add_str(o->answer, "rule", d->rule) != 0) {
            json_object_put(o->answer);
            o->answer = NULL;
        }
        return 0;
    }
    if (err != LITHSM_OK) {
        fail(o, MHD_HTTP_BAD_REQUEST, "bad-request", lithsm_last_error());
        return 0;
    }
    o->rule = d->rule;
    if (d->allowed)
        return 1;
    fail(o, MHD_HTTP_FORBIDDEN, "denied", d->reason);
    o->decision = "denied";
    body = o->answer;
    if (body != NULL && cli_json_add_str(body, "rule", d->rule) != 0) {
        json_object_put(body);
        o->answer = NULL;
    }
    return 0;
}

/* {"ready","keys":{name: "ok" or why not},"audit": true or why not,
 * "store", "rate_limits" (when on PostgreSQL)} (keys.c, pg.c probe). */
static json_object *readyz_body(serve *s, serve_outcome *o)
{
    json_object *obj = json_object_new_object();
    json_object *keys = json_object_new_object();
    json_object *parts = json_object_new_object();
    int keys_ok = serve_keys_ready(keys);
    int db_ok = serve_db_ready(s, parts);
    int ready = db_ok == 1 && keys_ok == 1;

    o->status = ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
    o->retry_after = !ready;
    if (obj == NULL || keys == NULL || parts == NULL || keys_ok < 0 ||
        db_ok < 0 ||
        json_object_object_add(obj, "ready", json_object_new_boolean(ready)) !=
            0 ||
        json_object_object_add(obj, "keys", keys) != 0) {
        json_object_put(keys);
        json_object_put(parts);
        json_object_put(obj);
        return NULL;
    }
    json_object_object_foreach(parts, name, v)
    {
        if (json_object_object_add(obj, name, json_object_get(v)) != 0) {
            json_object_put(parts);
            json_object_put(obj);
            return NULL;
        }
    }
    json_object_put(parts);
    return obj;
}

/* GET /healthz, /readyz, /metrics (any caller with a certificate),
 * /v1/keys (as the policy says).  Returns 1 when url is one of them.
 * The method and the (empty) body are checked before the policy is
 * asked. */
static int get_route(serve *s, request *req, const char *url,
                     const char *method, serve_outcome *o)
{
    json_object *obj = NULL;

    if (strcmp(url, "/healthz") == 0)
        o->route = "healthz";
    else if (strcmp(url, "/readyz") == 0)
        o->route = "readyz";
    else if (strcmp(url, "/v1/keys") == 0)
        o->route = "keys";
    else if (strcmp(url, "/metrics") == 0)
        o->route = "metrics";
    else
        return 0;
    if (strcmp(method, "GET") != 0) {
        fail(o, MHD_HTTP_METHOD_NOT_ALLOWED, "method-not-allowed", "use GET");
        return 1;
    }
    if (req->len != 0) {
        fail(o, MHD_HTTP_BAD_REQUEST, "bad-request", "body: not empty");
        return 1;
    }
    if (strcmp(o->route, "healthz") == 0) {
        if ((obj = json_object_new_object()) != NULL &&
            cli_json_add_str(obj, "status", "ok") != 0) {
            json_object_put(obj);
            obj = NULL;
        }
    } else if (strcmp(o->route, "readyz") == 0) {
        obj = readyz_body(s, o);
    } else if (strcmp(o->route, "metrics") == 0) {
        o->text = serve_metrics_text(s);
    } else {
        if (!serve_ask_policy(s, req, "keys", NULL, o))
            return 1;
        obj = keys_body(s);
    }
    o->answer = obj;
    o->decision = "allowed";
    return 1;
}

/* Checks a signing request's members (body.c) and that its key is
 * configured.  Returns 0 with *member_out set, or -1 after fail(). */
static int check_sign_body(serve *s, const serve_sign_route *r,
                           json_object *body, serve_outcome *o,
                           json_object **member_out)
{
    char reason[160];

    if (serve_sign_body_check(&o->key, member_out, r, body, reason,
                              sizeof(reason)) != 0) {
        fail(o, MHD_HTTP_BAD_REQUEST, "bad-request", reason);
        return -1;
    }
    if (serve_find_key(s, o->key) == NULL) {
        snprintf(reason, sizeof(reason), "key: '%.64s' is not configured",
                 o->key);
        fail(o, MHD_HTTP_NOT_FOUND, "unknown-key", reason);
        return -1;
    }
    return 0;
}

/* A signing route: the body checked, its digest, the policy, then the
 * signature. */
static void sign_route_answer(serve *s, const serve_sign_route *r, request *req,
                              serve_outcome *o)
{
    json_object *member = NULL, *answer = NULL;
    char reason[512];
    int status;

    o->route = r->name;
    if (req->body == NULL ||
        (o->request = cli_json_parse_strict(req->body, req->len,
                                            SERVE_JSON_DEPTH)) == NULL) {
        fail(o, MHD_HTTP_BAD_REQUEST, "bad-request", "body: not JSON");
        return;
    }
    if (check_sign_body(s, r, o->request, o, &member) != 0)
        return;
    if (serve_payload_prepare(&req->payload, r->name, member, reason,
                              sizeof(reason)) != 0) {
        fail(o, MHD_HTTP_BAD_REQUEST, "bad-request", reason);
        return;
    }
    memcpy(req->digest, "0x", 2);
    if (lithsm_hex_encode(req->digest + 2, sizeof(req->digest) - 2,
                          req->payload.digest,
                          sizeof(req->payload.digest)) != LITHSM_OK) {
        fail(o, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "hex");
        return;
    }
    o->digest = req->digest;
    if (!serve_ask_policy(s, req, r->name, o->key, o))
        return;
    status =
        serve_payload_sign(&answer, &req->payload, serve_find_key(s, o->key),
                           reason, sizeof(reason));
    if (status != 0) {
        fail(o, (unsigned)status, "unavailable", reason);
        o->decision =
            status == MHD_HTTP_SERVICE_UNAVAILABLE ? "unavailable" : "failed";
        o->retry_after = status == MHD_HTTP_SERVICE_UNAVAILABLE;
        return;
    }
    o->answer = answer;
    o->decision = "allowed";
    o->signature = req->payload.signature;
}

static void answer_url(serve *s, const char *url, const char *method,
                       request *req, serve_outcome *o)
{
    size_t i;

    o->status = MHD_HTTP_OK;
    if (serve_lit_answer(s, req, url, method, req->body, req->len, &req->lit,
                         o))
        return;
    for (i = 0; i < SERVE_N_SIGN_ROUTES; i++)
        if (strcmp(url, serve_sign_routes[i].path) == 0) {
            if (strcmp(method, "POST") != 0) {
                o->route = serve_sign_routes[i].name;
                fail(o, MHD_HTTP_METHOD_NOT_ALLOWED, "method-not-allowed",
                     "use POST");
                return;
            }
            sign_route_answer(s, &serve_sign_routes[i], req, o);
            return;
        }
    if (get_route(s, req, url, method, o))
        return;
    o->route = "unknown";
    fail(o, MHD_HTTP_NOT_FOUND, "not-found", "no such route");
}

static enum MHD_Result answer(serve *s, struct MHD_Connection *conn,
                              const char *url, const char *method, request *req,
                              int busy)
{
    serve_outcome o;
    enum MHD_Result ret;

    memset(&o, 0, sizeof(o));
    o.caller = req->caller;
    o.fingerprint = req->fingerprint[0] != '\0' ? req->fingerprint : NULL;
    o.started = req->started;
    o.client = req->decision.caller;
    req->answered = 1;
    if (busy) {
        o.route = "busy";
        fail(&o, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
             "too many requests in flight");
        o.retry_after = 1;
    } else if (req->too_large) {
        o.route = "too-large";
        fail(&o, MHD_HTTP_CONTENT_TOO_LARGE, "too-large",
             "body: over max_body");
    } else {
        answer_url(s, url, method, req, &o);
    }
    ret = serve_finish(s, conn, &o);
    json_object_put(o.request);
    return ret;
}

static int append(request *req, const char *data, size_t n, size_t max)
{
    char *grown;

    if (req->too_large || n > max - req->len) {
        req->too_large = 1;
        return 0;
    }
    if ((grown = realloc(req->body, req->len + n + 1)) == NULL)
        return -1;
    memcpy(grown + req->len, data, n);
    req->body = grown;
    req->len += n;
    return 0;
}

/* The first call of a request: who asks, and is there room. */
static enum MHD_Result begin(serve *s, struct MHD_Connection *conn,
                             const char *url, const char *method,
                             void **con_cls)
{
    request *req = calloc(1, sizeof(*req));
    const char *cl;

    if (req == NULL)
        return MHD_NO;
    *con_cls = req;
    req->started = serve_metrics_now();
    atomic_fetch_add(&s->in_flight, 1);
    /* No anonymous caller: the handshake required a certificate. */
    if (serve_caller(conn, req->caller, sizeof(req->caller),
                     req->fingerprint) != 0) {
        serve_log("warning", "a connection without a verified certificate",
                  NULL, NULL);
        return MHD_NO;
    }
    if (atomic_load(&s->in_flight) > s->cfg.max_connections)
        return answer(s, conn, url, method, req, 1);
    cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl != NULL && strtoull(cl, NULL, 10) > s->cfg.max_body) {
        /* Answered before the body is read, so it is never read. */
        req->too_large = 1;
        return answer(s, conn, url, method, req, 0);
    }
    return MHD_YES;
}

enum MHD_Result serve_on_request(void *cls, struct MHD_Connection *conn,
                                 const char *url, const char *method,
                                 const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    serve *s = cls;
    request *req = *con_cls;

    (void)version;
    if (req == NULL)
        return begin(s, conn, url, method, con_cls);
    if (req->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        size_t n = *upload_data_size;

        *upload_data_size = 0;
        return append(req, upload_data, n, s->cfg.max_body) == 0 ? MHD_YES
                                                                 : MHD_NO;
    }
    return answer(s, conn, url, method, req, 0);
}

void serve_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                        enum MHD_RequestTerminationCode toe)
{
    serve *s = cls;
    request *req = *con_cls;

    (void)conn;
    (void)toe;
    if (req != NULL) {
        serve_payload_free(&req->payload);
        free(req->body);
        free(req);
        *con_cls = NULL;
        atomic_fetch_sub(&s->in_flight, 1);
    }
}
