/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * serve-load.c - a load client for lithsm-serve (tests/serve-load.test,
 * tests/bench-serve.sh; a check program, not installed).  THREADS
 * threads each keep one libcurl easy handle, so one mutual-TLS connection
 * kept alive, and send REQUESTS requests (or requests for SECONDS) to URL:
 *
 *   serve-load --url URL [--url URL...] --cacert CA --cert CERT --key KEY
 *              [--body FILE] [--method M] [--threads N]
 *              [--requests M | --seconds S] [--out FILE]
 *              [--tolerate] [--timeout S]
 *
 * The body (POST by default when --body is given, else GET) is FILE's
 * text with every "@ID@" replaced by the request's id "<thread>-<i>", so
 * every request can sign something of its own.  Each 2xx answer's
 * signature (the top-level "signature" string of its JSON, or else
 * "sha256:" and the hex SHA-256 of the whole body) goes to the --out file
 * as "<id> <signature>", one line per answer, written before the next
 * request of that thread.  At the end one JSON line on stdout:
 *
 *   {"requests":N,"ok":N,"errors":{"STATUS":N,...,"transport":N},
 *    "rps":R,"p50_ms":X,"p99_ms":X,"p999_ms":X,"connections":N,
 *    "seconds":S}
 *
 * "transport" counts requests that got no HTTP answer (refused, reset,
 * timed out); a thread stops at its first one unless --tolerate, which
 * waits 20 ms and goes on (a service killed under load).  rps is answered
 * requests per second of wall time; the percentiles are of the 2xx
 * answers' latencies; "connections" is how many connections libcurl
 * opened in all (THREADS when every connection was kept alive).
 *
 * Several --url (at most 16: the instances of a fleet, the same route on
 * each) spread the threads: thread t starts on URL number t mod N, and
 * with --tolerate moves to the next URL after a transport error, as a
 * load balancer would.  The summary then ends with "by_url":[N,...], the
 * 2xx answers each URL gave.  Exits 0
 * when every request got a 2xx answer, 1 when some did not (or, with
 * --tolerate, never: the summary says), 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#define MAX_THREADS 1024
#define MAX_STATUS 600
#define ID_MARK "@ID@"
#define BODY_MAX (16u * 1024u * 1024u)
#define MAX_URLS 16

typedef struct options {
    const char *urls[MAX_URLS];
    const char *cacert, *cert, *key, *body_path, *out_path, *method;
    long n_urls;
    char *tpl; /* the body template */
    long threads, requests;
    double seconds, timeout;
    int tolerate;
} options;

typedef struct worker {
    const options *o;
    FILE *out;
    long id;
    pthread_t th;
    /* answers */
    long requests, ok, transport;
    long url; /* the index of the URL in use */
    long ok_by_url[MAX_URLS];
    long status[MAX_STATUS];
    double *lat;
    size_t n_lat, cap_lat;
    long connections;
    char *resp;
    size_t resp_len;
    int failed; /* could not run (memory, libcurl setup) */
} worker;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
    worker *w = arg;
    size_t len = size * n;
    char *grown;

    if (len > BODY_MAX - w->resp_len ||
        (grown = realloc(w->resp, w->resp_len + len + 1)) == NULL)
        return 0;
    memcpy(grown + w->resp_len, data, len);
    w->resp = grown;
    w->resp_len += len;
    w->resp[w->resp_len] = '\0';
    return len;
}

/* The template with each ID_MARK replaced by id; NULL without memory. */
static char *body_for(const char *tpl, const char *id)
{
    size_t mark = strlen(ID_MARK), idlen = strlen(id), n = 0;
    const char *p;
    char *out, *q;

    for (p = tpl; (p = strstr(p, ID_MARK)) != NULL; p += mark)
        n++;
    if ((out = malloc(strlen(tpl) + n * idlen + 1)) == NULL)
        return NULL;
    for (q = out, p = tpl; *p != '\0';) {
        if (strncmp(p, ID_MARK, mark) == 0) {
            memcpy(q, id, idlen);
            q += idlen;
            p += mark;
        } else {
            *q++ = *p++;
        }
    }
    *q = '\0';
    return out;
}

/* What an answer is recorded as: its "signature", or the body's hash. */
static void answer_signature(char *out, size_t out_len, const char *body,
                             size_t len)
{
    json_object *obj = json_tokener_parse(body), *sig;
    unsigned char md[32];
    unsigned int md_len = 0;
    unsigned i;

    if (obj != NULL && json_object_object_get_ex(obj, "signature", &sig) &&
        json_object_is_type(sig, json_type_string)) {
        snprintf(out, out_len, "%s", json_object_get_string(sig));
        json_object_put(obj);
        return;
    }
    json_object_put(obj);
    if (EVP_Digest(body, len, md, &md_len, EVP_sha256(), NULL) != 1 ||
        md_len != sizeof(md) || out_len < sizeof("sha256:") + 64) {
        snprintf(out, out_len, "unhashable");
        return;
    }
    strcpy(out, "sha256:");
    for (i = 0; i < md_len; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
}

static int keep_latency(worker *w, double ms)
{
    if (w->n_lat == w->cap_lat) {
        size_t cap = w->cap_lat ? 2 * w->cap_lat : 1024;
        double *grown = realloc(w->lat, cap * sizeof(*grown));

        if (grown == NULL)
            return -1;
        w->lat = grown;
        w->cap_lat = cap;
    }
    w->lat[w->n_lat++] = ms;
    return 0;
}

static CURL *easy_for(worker *w, struct curl_slist *headers)
{
    const options *o = w->o;
    CURL *c = curl_easy_init();

    if (c == NULL)
        return NULL;
    curl_easy_setopt(c, CURLOPT_URL, o->urls[w->url]);
    curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
    curl_easy_setopt(c, CURLOPT_SSLCERT, o->cert);
    curl_easy_setopt(c, CURLOPT_SSLKEY, o->key);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(o->timeout * 1000));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, w);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, o->method);
    if (o->tpl != NULL)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    return c;
}

/* One request: its answer counted and, when 2xx, recorded.  Returns 0,
 * 1 for a transport error, -1 when the worker cannot go on. */
static int one(worker *w, CURL *c, long i)
{
    char id[48], sig[256];
    char *body = NULL;
    double t0;
    long code = 0, conns = 0;
    CURLcode rc;

    snprintf(id, sizeof(id), "%ld-%ld", w->id, i);
    if (w->o->tpl != NULL) {
        if ((body = body_for(w->o->tpl, id)) == NULL)
            return -1;
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    w->resp_len = 0;
    t0 = now_s();
    rc = curl_easy_perform(c);
    free(body);
    w->requests++;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
    w->connections += conns;
    if (rc != CURLE_OK ||
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK ||
        code <= 0 || code >= MAX_STATUS) {
        w->transport++;
        return 1;
    }
    w->status[code]++;
    if (code < 200 || code > 299)
        return 0;
    w->ok++;
    w->ok_by_url[w->url]++;
    if (keep_latency(w, (now_s() - t0) * 1000) != 0)
        return -1;
    if (w->out != NULL) {
        answer_signature(sig, sizeof(sig), w->resp ? w->resp : "", w->resp_len);
        fprintf(w->out, "%s %s\n", id, sig);
    }
    return 0;
}

static void *run_worker(void *arg)
{
    worker *w = arg;
    const options *o = w->o;
    struct curl_slist *headers = NULL;
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    double end = o->seconds > 0 ? now_s() + o->seconds : 0;
    CURL *c;
    long i;
    int rc;

    headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (headers == NULL || (c = easy_for(w, headers)) == NULL) {
        curl_slist_free_all(headers);
        w->failed = 1;
        return NULL;
    }
    for (i = 0; end > 0 ? now_s() < end : i < o->requests; i++) {
        if ((rc = one(w, c, i)) < 0) {
            w->failed = 1;
            break;
        }
        if (rc > 0 && !o->tolerate)
            break;
        if (rc > 0)
            nanosleep(&pause, NULL);
        if (rc > 0 && o->n_urls > 1) { /* the next instance */
            w->url = (w->url + 1) % o->n_urls;
            curl_easy_setopt(c, CURLOPT_URL, o->urls[w->url]);
        }
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(headers);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The q-quantile (nearest rank) of sorted v[n]; 0 when n is 0. */
static double quantile(const double *v, size_t n, double q)
{
    size_t k;

    if (n == 0)
        return 0;
    k = (size_t)(q * (double)n + 0.999999);
    return v[k == 0 ? 0 : (k > n ? n - 1 : k - 1)];
}

/* With several URLs, ',"by_url":[N,...]': each one's 2xx answers. */
static void print_by_url(const worker *ws, long n, long n_urls)
{
    long u, t, sum;

    if (n_urls < 2)
        return;
    printf(",\"by_url\":[");
    for (u = 0; u < n_urls; u++) {
        for (sum = 0, t = 0; t < n; t++)
            sum += ws[t].ok_by_url[u];
        printf("%s%ld", u ? "," : "", sum);
    }
    printf("]");
}

/* Prints the summary line; returns the number of requests that were not
 * answered 2xx, or -1 when a worker could not run. */
static long summary(worker *ws, long n, long n_urls, double seconds)
{
    long requests = 0, ok = 0, transport = 0, conns = 0, code, t;
    size_t n_lat = 0, k = 0;
    double *lat;
    int failed = 0, first = 1;

    for (t = 0; t < n; t++) {
        requests += ws[t].requests;
        ok += ws[t].ok;
        transport += ws[t].transport;
        conns += ws[t].connections;
        n_lat += ws[t].n_lat;
        failed |= ws[t].failed;
    }
    if ((lat = malloc((n_lat ? n_lat : 1) * sizeof(*lat))) == NULL)
        return -1;
    for (t = 0; t < n; t++) {
        if (ws[t].n_lat != 0)
            memcpy(lat + k, ws[t].lat, ws[t].n_lat * sizeof(*lat));
        k += ws[t].n_lat;
    }
    qsort(lat, n_lat, sizeof(*lat), cmp_double);
    printf("{\"requests\":%ld,\"ok\":%ld,\"errors\":{", requests, ok);
    for (code = 0; code < MAX_STATUS; code++) {
        long c = 0;

        if (code >= 200 && code <= 299)
            continue;
        for (t = 0; t < n; t++)
            c += ws[t].status[code];
        if (c != 0)
            printf("%s\"%ld\":%ld", first ? "" : ",", code, c);
        first &= c == 0;
    }
    if (transport != 0)
        printf("%s\"transport\":%ld", first ? "" : ",", transport);
    printf("},\"rps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
           "\"connections\":%ld,\"seconds\":%.3f",
           (double)(requests - transport) / seconds, quantile(lat, n_lat, 0.50),
           quantile(lat, n_lat, 0.99), quantile(lat, n_lat, 0.999), conns,
           seconds);
    print_by_url(ws, n, n_urls);
    printf("}\n");
    fflush(stdout);
    free(lat);
    return failed ? -1 : requests - ok;
}

static void usage(void)
{
    fputs("usage: serve-load --url URL [--url URL...] --cacert CA --cert CERT\n"
          "         --key KEY\n"
          "         [--body FILE] [--method M] [--threads N]\n"
          "         [--requests M | --seconds S] [--out FILE] [--tolerate]\n"
          "         [--timeout S]\n",
          stderr);
}

/* A whole number from 1 to max, or a number of seconds (0, 3600]. */
static int parse_long(long *out, const char *name, const char *v, long max)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || n < 1 ||
        n > max) {
        fprintf(stderr, "serve-load: %s: not a number from 1 to %ld\n", name,
                max);
        return -1;
    }
    *out = n;
    return 0;
}

static int parse_seconds(double *out, const char *name, const char *v)
{
    char *end;
    double d;

    errno = 0;
    d = strtod(v, &end);
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || !(d > 0) ||
        d > 3600) {
        fprintf(stderr, "serve-load: %s: not a number of seconds (0, 3600]\n",
                name);
        return -1;
    }
    *out = d;
    return 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t n = 0;

    if (f != NULL && (text = malloc(BODY_MAX + 1)) != NULL) {
        n = fread(text, 1, BODY_MAX + 1, f);
        if (ferror(f) || n > BODY_MAX) {
            free(text);
            text = NULL;
        } else {
            text[n] = '\0';
        }
    }
    if (f != NULL)
        fclose(f);
    if (text == NULL)
        fprintf(stderr, "serve-load: --body: cannot read '%s'\n", path);
    return text;
}

static const struct option longopts[] = {
    { "url", required_argument, NULL, 'u' },
    { "cacert", required_argument, NULL, 'a' },
    { "cert", required_argument, NULL, 'c' },
    { "key", required_argument, NULL, 'k' },
    { "body", required_argument, NULL, 'b' },
    { "method", required_argument, NULL, 'm' },
    { "threads", required_argument, NULL, 't' },
    { "requests", required_argument, NULL, 'r' },
    { "seconds", required_argument, NULL, 's' },
    { "out", required_argument, NULL, 'o' },
    { "tolerate", no_argument, NULL, 'T' },
    { "timeout", required_argument, NULL, 'w' },
    { NULL, 0, NULL, 0 },
};

static int parse_option(options *o, int c, const char *v)
{
    switch (c) {
    case 'u':
        if (o->n_urls == MAX_URLS) {
            fprintf(stderr, "serve-load: --url: at most %d\n", MAX_URLS);
            return -1;
        }
        o->urls[o->n_urls++] = v;
        return 0;
    case 'a':
        o->cacert = v;
        return 0;
    case 'c':
        o->cert = v;
        return 0;
    case 'k':
        o->key = v;
        return 0;
    case 'b':
        o->body_path = v;
        return 0;
    case 'm':
        o->method = v;
        return 0;
    case 'o':
        o->out_path = v;
        return 0;
    case 'T':
        o->tolerate = 1;
        return 0;
    case 't':
        return parse_long(&o->threads, "--threads", v, MAX_THREADS);
    case 'r':
        return parse_long(&o->requests, "--requests", v, 100000000L);
    case 's':
        return parse_seconds(&o->seconds, "--seconds", v);
    case 'w':
        return parse_seconds(&o->timeout, "--timeout", v);
    default:
        return -1;
    }
}

static int parse_args(options *o, int argc, char **argv)
{
    int c;

    memset(o, 0, sizeof(*o));
    o->threads = 1;
    o->timeout = 30;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
        if (parse_option(o, c, optarg) != 0) {
            usage();
            return -1;
        }
    if (optind != argc || o->n_urls == 0 || o->cacert == NULL ||
        o->cert == NULL || o->key == NULL) {
        fprintf(stderr, "serve-load: --url, --cacert, --cert and --key are "
                        "required; no other arguments\n");
        return -1;
    }
    if ((o->requests != 0) == (o->seconds > 0)) {
        fprintf(stderr, "serve-load: give --requests or --seconds\n");
        return -1;
    }
    if (o->body_path != NULL && (o->tpl = read_file(o->body_path)) == NULL)
        return -1;
    if (o->method == NULL)
        o->method = o->tpl != NULL ? "POST" : "GET";
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    worker *ws;
    FILE *out = NULL;
    double t0, seconds;
    long t, bad;

    if (parse_args(&o, argc, argv) != 0)
        return 2;
    if (o.out_path != NULL && (out = fopen(o.out_path, "w")) == NULL) {
        fprintf(stderr, "serve-load: --out: cannot write '%s'\n", o.out_path);
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
        (ws = calloc((size_t)o.threads, sizeof(*ws))) == NULL) {
        fprintf(stderr, "serve-load: cannot start libcurl\n");
        return 1;
    }
    t0 = now_s();
    for (t = 0; t < o.threads; t++) {
        ws[t].o = &o;
        ws[t].out = out;
        ws[t].id = t;
        ws[t].url = t % o.n_urls;
        if (pthread_create(&ws[t].th, NULL, run_worker, &ws[t]) != 0) {
            fprintf(stderr, "serve-load: cannot start thread %ld\n", t);
            return 1;
        }
    }
    for (t = 0; t < o.threads; t++)
        pthread_join(ws[t].th, NULL);
    seconds = now_s() - t0;
    if (out != NULL && fclose(out) != 0) {
        fprintf(stderr, "serve-load: --out: write failed\n");
        return 1;
    }
    bad = summary(ws, o.threads, o.n_urls, seconds);
    for (t = 0; t < o.threads; t++) {
        free(ws[t].lat);
        free(ws[t].resp);
    }
    free(ws);
    free(o.tpl);
    curl_global_cleanup();
    if (bad < 0) {
        fprintf(stderr, "serve-load: a worker could not run\n");
        return 1;
    }
    return bad != 0 && !o.tolerate ? 1 : 0;
}
