/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * metrics.c - lithsm-serve's GET /metrics (serve.h): what each request
 * did, counted under one small lock in tables made once at start (no
 * allocation per request), written out in the Prometheus text exposition
 * format 0.0.4.
 *
 * Labels stay bounded: the route is one of the service's route names, the
 * client the policy caller the request matched ("none" when it matched
 * none or the route does not ask the policy), the rule one of the
 * policy's.  Should a table still fill (many policies reloaded), further
 * series are counted in lithsm_serve_metrics_dropped_total.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#define ROUTE_MAX 40
#define CLIENT_MAX sizeof(((lithsm_policy_decision *)0)->caller)
#define RULE_MAX sizeof(((lithsm_policy_decision *)0)->rule)
#define REQ_SLOTS 1024u /* powers of 2, used at most 3/4 */
#define DENY_SLOTS 512u
#define ROUTES_MAX 64u
#define NS_PER_S ((uint64_t)1000000000)

/* The latency buckets (upper bounds, seconds), as printed and in ns. */
static const char *const bucket_text[] = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
    "0.1",    "0.25",  "0.5",    "1",     "2.5",  "5",     "10",
};
static const uint64_t bucket_ns[] = {
    500000ull,     1000000ull,    2500000ull,    5000000ull,     10000000ull,
    25000000ull,   50000000ull,   100000000ull,  250000000ull,   500000000ull,
    1000000000ull, 2500000000ull, 5000000000ull, 10000000000ull,
};
#define N_BUCKETS (sizeof(bucket_ns) / sizeof(bucket_ns[0]))

typedef struct req_series {
    char route[ROUTE_MAX];
    char client[CLIENT_MAX];
    unsigned status; /* 0: an empty slot */
    uint64_t count;
} req_series;

typedef struct deny_series {
    char client[CLIENT_MAX];
    char rule[RULE_MAX]; /* "": an empty slot */
    uint64_t count;
} deny_series;

typedef struct route_hist {
    char route[ROUTE_MAX];
    uint64_t bucket[N_BUCKETS + 1]; /* the last: over 10 s */
    uint64_t sum_ns, count;
} route_hist;

struct serve_metrics {
    pthread_mutex_t lock;
    req_series req[REQ_SLOTS];
    deny_series deny[DENY_SLOTS];
    route_hist hist[ROUTES_MAX];
    size_t n_req, n_deny, n_hist;
    uint64_t dropped;
    uint64_t token_unavailable, token_other;
    uint64_t audit_appends, audit_failures;
    uint64_t db_errors[SERVE_DB_PARTS];
    struct timespec started; /* CLOCK_REALTIME */
};

serve_metrics *serve_metrics_new(void)
{
    serve_metrics *m = calloc(1, sizeof(*m));

    if (m == NULL)
        return NULL;
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return NULL;
    }
    clock_gettime(CLOCK_REALTIME, &m->started);
    return m;
}

void serve_metrics_free(serve_metrics *m)
{
    if (m == NULL)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

uint64_t serve_metrics_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* FNV-1a over a text, continuing from h. */
static uint32_t hash_text(uint32_t h, const char *t)
{
    for (; *t != '\0'; t++)
        h = (h ^ (uint8_t)*t) * 16777619u;
    return (h ^ 0xffu) * 16777619u;
}

/* The slot of (route, status, client), made when new; NULL when full. */
static req_series *req_slot(serve_metrics *m, const char *route,
                            unsigned status, const char *client)
{
    uint32_t h = hash_text(hash_text(2166136261u ^ status, route), client);
    size_t n;

    for (n = 0; n < REQ_SLOTS; n++) {
        req_series *r = &m->req[(h + n) & (REQ_SLOTS - 1)];

        if (r->status == 0) {
            if (m->n_req >= REQ_SLOTS / 4 * 3)
                return NULL;
            m->n_req++;
            r->status = status;
            snprintf(r->route, sizeof(r->route), "%s", route);
            snprintf(r->client, sizeof(r->client), "%s", client);
            return r;
        }
        if (r->status == status &&
            strncmp(r->route, route, ROUTE_MAX - 1) == 0 &&
            strcmp(r->client, client) == 0)
            return r;
    }
    return NULL;
}

static deny_series *deny_slot(serve_metrics *m, const char *client,
                              const char *rule)
{
    uint32_t h = hash_text(hash_text(2166136261u, client), rule);
    size_t n;

    for (n = 0; n < DENY_SLOTS; n++) {
        deny_series *d = &m->deny[(h + n) & (DENY_SLOTS - 1)];

        if (d->rule[0] == '\0') {
            if (m->n_deny >= DENY_SLOTS / 4 * 3)
                return NULL;
            m->n_deny++;
            snprintf(d->client, sizeof(d->client), "%s", client);
            snprintf(d->rule, sizeof(d->rule), "%s", rule);
            return d;
        }
        if (strcmp(d->client, client) == 0 && strcmp(d->rule, rule) == 0)
            return d;
    }
    return NULL;
}

static route_hist *hist_slot(serve_metrics *m, const char *route)
{
    size_t i;

    for (i = 0; i < m->n_hist; i++)
        if (strncmp(m->hist[i].route, route, ROUTE_MAX - 1) == 0)
            return &m->hist[i];
    if (m->n_hist == ROUTES_MAX)
        return NULL;
    snprintf(m->hist[i].route, sizeof(m->hist[i].route), "%s", route);
    m->n_hist++;
    return &m->hist[i];
}

static void observe(route_hist *h, uint64_t ns)
{
    size_t b = 0;

    while (b < N_BUCKETS && ns > bucket_ns[b])
        b++;
    h->bucket[b]++;
    h->sum_ns += ns;
    h->count++;
}

void serve_metrics_record(serve *s, const serve_outcome *o, int audit_ok)
{
    serve_metrics *m = s->metrics;
    const char *route = o->route != NULL ? o->route : "unknown";
    const char *client =
        o->client != NULL && o->client[0] != '\0' ? o->client : "none";
    const char *decision = o->decision != NULL ? o->decision : "";
    /* The status the caller gets: a failed append turns it into 503. */
    unsigned status = audit_ok ? o->status : MHD_HTTP_SERVICE_UNAVAILABLE;
    uint64_t now = serve_metrics_now();
    uint64_t ns = o->started != 0 && now > o->started ? now - o->started : 0;
    req_series *r;
    route_hist *h;

    if (m == NULL)
        return;
    pthread_mutex_lock(&m->lock);
    if ((r = req_slot(m, route, status, client)) != NULL)
        r->count++;
    else
        m->dropped++;
    if ((h = hist_slot(m, route)) != NULL)
        observe(h, ns);
    else
        m->dropped++;
    if (strcmp(decision, "denied") == 0 && o->rule != NULL) {
        deny_series *d = deny_slot(m, client, o->rule);

        if (d != NULL)
            d->count++;
        else
            m->dropped++;
    }
    /* A signature the token could not give: 503 says it is not there
     * (the shared rate limits' outage is counted as a database error). */
    if ((strcmp(decision, "unavailable") == 0 &&
         (o->rule == NULL || strcmp(o->rule, "rate-unavailable") != 0)) ||
        (strcmp(decision, "failed") == 0 &&
         o->status == MHD_HTTP_SERVICE_UNAVAILABLE))
        m->token_unavailable++;
    else if (strcmp(decision, "failed") == 0)
        m->token_other++;
    if (audit_ok)
        m->audit_appends++;
    else
        m->audit_failures++;
    pthread_mutex_unlock(&m->lock);
}

void serve_metrics_db_error(serve *s, serve_db_part part)
{
    serve_metrics *m = s->metrics;

    if (m == NULL || part >= SERVE_DB_PARTS)
        return;
    pthread_mutex_lock(&m->lock);
    m->db_errors[part]++;
    pthread_mutex_unlock(&m->lock);
}

/* A label value: \, " and a new line escaped. */
static void put_value(FILE *f, const char *v)
{
    for (; *v != '\0'; v++) {
        if (*v == '\\' || *v == '"')
            fprintf(f, "\\%c", *v);
        else if (*v == '\n')
            fputs("\\n", f);
        else
            fputc(*v, f);
    }
}

static void put_head(FILE *f, const char *name, const char *type,
                     const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_requests(FILE *f, const serve_metrics *m)
{
    size_t i;

    put_head(f, "lithsm_serve_requests_total", "counter",
             "Requests answered, by route, HTTP status sent and policy "
             "caller (none: no policy caller matched or was asked).");
    for (i = 0; i < REQ_SLOTS; i++) {
        const req_series *r = &m->req[i];

        if (r->status == 0)
            continue;
        fputs("lithsm_serve_requests_total{route=\"", f);
        put_value(f, r->route);
        fprintf(f, "\",status=\"%u\",client=\"", r->status);
        put_value(f, r->client);
        fprintf(f, "\"} %" PRIu64 "\n", r->count);
    }
}

static void put_histograms(FILE *f, const serve_metrics *m)
{
    const char *name = "lithsm_serve_request_duration_seconds";
    size_t i, b;

    put_head(f, name, "histogram",
             "Time from a request's first call to its answer being queued "
             "(audit record included), by route.");
    for (i = 0; i < m->n_hist; i++) {
        const route_hist *h = &m->hist[i];
        uint64_t cum = 0;

        for (b = 0; b <= N_BUCKETS; b++) {
            cum += h->bucket[b];
            fprintf(f, "%s_bucket{route=\"", name);
            put_value(f, h->route);
            fprintf(f, "\",le=\"%s\"} %" PRIu64 "\n",
                    b < N_BUCKETS ? bucket_text[b] : "+Inf", cum);
        }
        fprintf(f, "%s_sum{route=\"", name);
        put_value(f, h->route);
        fprintf(f, "\"} %" PRIu64 ".%09" PRIu64 "\n", h->sum_ns / NS_PER_S,
                h->sum_ns % NS_PER_S);
        fprintf(f, "%s_count{route=\"", name);
        put_value(f, h->route);
        fprintf(f, "\"} %" PRIu64 "\n", h->count);
    }
}

static void put_denials(FILE *f, const serve_metrics *m)
{
    size_t i;

    put_head(f, "lithsm_serve_policy_denials_total", "counter",
             "Requests the policy denied (403), by policy caller and rule.");
    for (i = 0; i < DENY_SLOTS; i++) {
        const deny_series *d = &m->deny[i];

        if (d->rule[0] == '\0')
            continue;
        fputs("lithsm_serve_policy_denials_total{client=\"", f);
        put_value(f, d->client);
        fputs("\",rule=\"", f);
        put_value(f, d->rule);
        fprintf(f, "\"} %" PRIu64 "\n", d->count);
    }
}

static void put_counts(FILE *f, const serve *s, const serve_metrics *m)
{
    put_head(f, "lithsm_serve_token_errors_total", "counter",
             "Signatures the token did not give: unavailable (503, the token "
             "is not there or not logged in) or other.");
    fprintf(f,
            "lithsm_serve_token_errors_total{kind=\"unavailable\"} %" PRIu64
            "\nlithsm_serve_token_errors_total{kind=\"other\"} %" PRIu64 "\n",
            m->token_unavailable, m->token_other);
    put_head(f, "lithsm_serve_audit_appends_total", "counter",
             "Audit records appended (durable).");
    fprintf(f, "lithsm_serve_audit_appends_total %" PRIu64 "\n",
            m->audit_appends);
    put_head(f, "lithsm_serve_audit_append_failures_total", "counter",
             "Audit records the trail refused (the answer became 503).");
    fprintf(f, "lithsm_serve_audit_append_failures_total %" PRIu64 "\n",
            m->audit_failures);
    put_head(f, "lithsm_serve_database_errors_total", "counter",
             "Requests answered 503 because PostgreSQL failed, by part.");
    fprintf(f,
            "lithsm_serve_database_errors_total{part=\"audit\"} %" PRIu64
            "\nlithsm_serve_database_errors_total{part=\"store\"} %" PRIu64
            "\nlithsm_serve_database_errors_total{part=\"rate_limits\"} "
            "%" PRIu64 "\n",
            m->db_errors[SERVE_DB_AUDIT], m->db_errors[SERVE_DB_STORE],
            m->db_errors[SERVE_DB_RATES]);
    put_head(f, "lithsm_serve_requests_in_flight", "gauge",
             "Requests between their first call and their completion.");
    fprintf(f, "lithsm_serve_requests_in_flight %u\n",
            atomic_load(&s->in_flight));
    put_head(f, "lithsm_serve_metrics_dropped_total", "counter",
             "Observations not counted because a metrics table was full.");
    fprintf(f, "lithsm_serve_metrics_dropped_total %" PRIu64 "\n", m->dropped);
    put_head(f, "process_start_time_seconds", "gauge",
             "Start time of the process since the Unix epoch in seconds.");
    fprintf(f, "process_start_time_seconds %lld.%03ld\n",
            (long long)m->started.tv_sec, m->started.tv_nsec / 1000000);
}

char *serve_metrics_text(serve *s)
{
    serve_metrics *m = s->metrics;
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    if (m == NULL || (f = open_memstream(&text, &len)) == NULL)
        return NULL;
    pthread_mutex_lock(&m->lock);
    put_requests(f, m);
    put_histograms(f, m);
    put_denials(f, m);
    put_counts(f, s, m);
    pthread_mutex_unlock(&m->lock);
    if (ferror(f)) {
        fclose(f);
        free(text);
        return NULL;
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
