/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * http.c - parallel JSON POSTs to Lit nodes and the staking RPC over one
 * libcurl multi handle: a timeout per attempt, bounded retries with
 * backoff, bounded responses, connections kept for the next call.
 *
 * libcurl is loaded with dlopen() on the first lithsm_http_new(), not
 * linked.  Linked, it made every process that loads liblithsm map and
 * relocate libcurl and its whole tree (OpenLDAP, Kerberos, SASL, SSH,
 * RTMP, nghttp2, IDN, PSL, brotli, zstd: some 25 libraries) before main,
 * several milliseconds per run for the many commands that never touch the
 * network.  Only the 16 functions below are used; their signatures have
 * not changed since libcurl 7.66, and the soname since 2006.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "net/net.h"

/* Backoff before retry k (1-based): 200 ms, 400 ms, 800 ms ... capped. */
#define HTTP_BACKOFF_BASE_MS 200L
#define HTTP_BACKOFF_MAX_MS 2000L
/* libcurl may keep at most this many idle connections. */
#define HTTP_MIN_CONNECTS 16L

struct lithsm_http {
    CURLM *multi; /* owns the connection cache reused across calls */
    char *ca_file;
    char *proxy; /* NULL: no proxy at all */
    int insecure_tls;
    long timeout_ms;
    int retries;
    long max_connects;
};

enum xfer_state { XFER_RUNNING, XFER_WAITING, XFER_DONE };

/* One request in flight. */
struct xfer {
    lithsm_http_req *req;
    CURL *easy;
    struct curl_slist *headers;
    lithsm_buf resp;
    int too_big;
    enum xfer_state state;
    int64_t start_ms;
    int64_t retry_at_ms;
    char errbuf[CURL_ERROR_SIZE];
};

/* The libcurl functions in use, resolved once by load_libcurl(). */
static struct libcurl_api {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    void (*easy_cleanup)(CURL *);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned, int,
                            int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLMcode (*multi_cleanup)(CURLM *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} libcurl;

#define LIBCURL_SONAME "libcurl.so.4"

static const struct libcurl_sym {
    const char *name;
    size_t offset;
} libcurl_syms[] = {
    { "curl_global_init", offsetof(struct libcurl_api, global_init) },
    { "curl_easy_init", offsetof(struct libcurl_api, easy_init) },
    { "curl_easy_setopt", offsetof(struct libcurl_api, easy_setopt) },
    { "curl_easy_getinfo", offsetof(struct libcurl_api, easy_getinfo) },
    { "curl_easy_strerror", offsetof(struct libcurl_api, easy_strerror) },
    { "curl_easy_cleanup", offsetof(struct libcurl_api, easy_cleanup) },
    { "curl_multi_init", offsetof(struct libcurl_api, multi_init) },
    { "curl_multi_setopt", offsetof(struct libcurl_api, multi_setopt) },
    { "curl_multi_add_handle", offsetof(struct libcurl_api, multi_add_handle) },
    { "curl_multi_remove_handle",
      offsetof(struct libcurl_api, multi_remove_handle) },
    { "curl_multi_perform", offsetof(struct libcurl_api, multi_perform) },
    { "curl_multi_poll", offsetof(struct libcurl_api, multi_poll) },
    { "curl_multi_info_read", offsetof(struct libcurl_api, multi_info_read) },
    { "curl_multi_cleanup", offsetof(struct libcurl_api, multi_cleanup) },
    { "curl_slist_append", offsetof(struct libcurl_api, slist_append) },
    { "curl_slist_free_all", offsetof(struct libcurl_api, slist_free_all) },
};

/* dlsym() returns an object pointer; POSIX makes it fit a function
 * pointer, which memcpy() moves without breaking C's aliasing rules. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
               "function pointers are as wide as object pointers");

/* Loads libcurl and resolves every function of the table, or says why
 * not in err (the library stays loaded for the process). */
static int load_libcurl(char *err, size_t err_len)
{
    void *lib, *fn;
    size_t i;

    lib = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(err, err_len, "%s", dlerror());
        return -1;
    }
    for (i = 0; i < sizeof(libcurl_syms) / sizeof(libcurl_syms[0]); i++) {
        fn = dlsym(lib, libcurl_syms[i].name);
        if (fn == NULL) {
            snprintf(err, err_len, "%s has no %s", LIBCURL_SONAME,
                     libcurl_syms[i].name);
            return -1;
        }
        memcpy((char *)&libcurl + libcurl_syms[i].offset, &fn, sizeof(fn));
    }
    return 0;
}

static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static CURLcode http_global_rc = CURLE_FAILED_INIT;
static char http_load_error[256];

static void http_global_init(void)
{
    if (load_libcurl(http_load_error, sizeof(http_load_error)) == 0)
        http_global_rc = libcurl.global_init(CURL_GLOBAL_DEFAULT);
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

lithsm_err lithsm_http_new(lithsm_http **out, const lithsm_http_opts *o)
{
    lithsm_http *h;

    *out = NULL;
    if (o == NULL || o->timeout_ms <= 0 || o->retries < 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "HTTP client: bad timeout or retry count");
    /* curl_global_init is not thread-safe in every libcurl: run it once. */
    if (pthread_once(&http_once, http_global_init) != 0)
        return lithsm_fail(LITHSM_ERR_NETWORK, "libcurl: global init failed");
    if (http_load_error[0] != '\0')
        return lithsm_fail(LITHSM_ERR_NETWORK, "cannot load libcurl: %s",
                           http_load_error);
    if (http_global_rc != CURLE_OK)
        return lithsm_fail(LITHSM_ERR_NETWORK, "libcurl: global init failed");
    h = calloc(1, sizeof(*h));
    if (h == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "HTTP client: out of memory");
    h->multi = libcurl.multi_init();
    if (h->multi == NULL) {
        free(h);
        return lithsm_fail(LITHSM_ERR_NETWORK, "libcurl: multi init failed");
    }
    if (o->ca_file != NULL) {
        h->ca_file = lithsm_strdup(o->ca_file);
        if (h->ca_file == NULL) {
            lithsm_http_free(h);
            return lithsm_fail(LITHSM_ERR_NOMEM, "HTTP client: out of memory");
        }
    }
    if (o->proxy != NULL) {
        h->proxy = lithsm_strdup(o->proxy);
        if (h->proxy == NULL) {
            lithsm_http_free(h);
            return lithsm_fail(LITHSM_ERR_NOMEM, "HTTP client: out of memory");
        }
    }
    h->insecure_tls = o->insecure_tls;
    h->timeout_ms = o->timeout_ms;
    h->retries = o->retries;
    h->max_connects = HTTP_MIN_CONNECTS;
    libcurl.multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, h->max_connects);
    *out = h;
    return LITHSM_OK;
}

void lithsm_http_free(lithsm_http *h)
{
    if (h == NULL)
        return;
    libcurl.multi_cleanup(h->multi);
    free(h->ca_file);
    free(h->proxy);
    free(h);
}

void lithsm_url_shown(char *out, size_t out_len, const char *url)
{
    const char *sep = strstr(url, "://");
    const char *host = sep != NULL ? sep + 3 : url;
    size_t end = strcspn(host, "/?#"), at = end;

    while (at > 0 && host[at - 1] != '@')
        at--;
    snprintf(out, out_len, "%.*s%s%.*s%s", (int)(host - url), url,
             at > 0 ? "***@" : "", (int)(end - at), host + at,
             host[end] != '\0' ? "/***" : "");
}

void lithsm_http_req_clear(lithsm_http_req *r)
{
    if (r == NULL)
        return;
    free(r->content_type);
    free(r->resp);
    r->content_type = NULL;
    r->resp = NULL;
    r->resp_len = 0;
    r->answered = 0;
    r->status = 0;
    r->error[0] = '\0';
    r->ms = 0;
    r->attempts = 0;
}

/* The body is capped here as well as by CURLOPT_MAXFILESIZE_LARGE, which
 * only works when the server sends a Content-Length. */
static size_t on_data(char *p, size_t size, size_t nmemb, void *arg)
{
    struct xfer *x = arg;
    size_t n = size * nmemb;

    if (n > (size_t)LITHSM_HTTP_MAX_BODY - x->resp.len) {
        x->too_big = 1;
        return 0;
    }
    lithsm_buf_add(&x->resp, p, n);
    return x->resp.failed ? 0 : n;
}

static struct curl_slist *add_header(struct curl_slist *list, const char *h,
                                     int *failed)
{
    struct curl_slist *next;

    if (*failed)
        return list;
    next = libcurl.slist_append(list, h);
    if (next == NULL) {
        *failed = 1;
        return list;
    }
    return next;
}

/* A proxy only when asked: "" makes libcurl ignore http_proxy,
 * https_proxy, ALL_PROXY and the rest; no_proxy is ignored either way. */
static int set_proxy(CURL *easy, const char *proxy)
{
    int bad = 0;

    bad |= libcurl.easy_setopt(easy, CURLOPT_PROXY,
                               proxy != NULL ? proxy : "") != CURLE_OK;
    bad |= libcurl.easy_setopt(easy, CURLOPT_NOPROXY,
                               proxy != NULL ? "" : "*") != CURLE_OK;
    return bad;
}

static lithsm_err xfer_setup(struct xfer *x, lithsm_http *h)
{
    const lithsm_http_req *r = x->req;
    char id_header[128];
    int failed = 0, bad = 0;

    x->easy = libcurl.easy_init();
    if (x->easy == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "libcurl: easy init failed");
    x->headers =
        add_header(x->headers, "Content-Type: application/json", &failed);
    x->headers = add_header(x->headers, "Accept: application/json", &failed);
    /* No "Expect: 100-continue" round trip for larger bodies. */
    x->headers = add_header(x->headers, "Expect:", &failed);
    if (r->request_id != NULL) {
        if (strlen(r->request_id) > sizeof(id_header) - 16)
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "HTTP client: request id too long");
        snprintf(id_header, sizeof(id_header), "X-Request-Id: %s",
                 r->request_id);
        x->headers =
            add_header(x->headers, "X-Lit-SDK-Version: 7.4.0", &failed);
        x->headers =
            add_header(x->headers, "X-Lit-SDK-Type: Typescript", &failed);
        x->headers = add_header(x->headers, id_header, &failed);
    }
    if (failed)
        return lithsm_fail(LITHSM_ERR_NOMEM, "HTTP client: out of memory");

    bad |= libcurl.easy_setopt(x->easy, CURLOPT_URL, r->url) != CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_PRIVATE, x) != CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https") !=
           CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
    bad |=
        libcurl.easy_setopt(x->easy, CURLOPT_POSTFIELDS, r->body) != CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
                               (curl_off_t)strlen(r->body)) != CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers) !=
           CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_data) !=
           CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_WRITEDATA, x) != CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf) !=
           CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, h->timeout_ms) !=
           CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS,
                               h->timeout_ms) != CURLE_OK;
    bad |= libcurl.easy_setopt(x->easy, CURLOPT_MAXFILESIZE_LARGE,
                               (curl_off_t)LITHSM_HTTP_MAX_BODY) != CURLE_OK;
    bad |= set_proxy(x->easy, h->proxy);
    if (h->insecure_tls) {
        bad |= libcurl.easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 0L) !=
               CURLE_OK;
        bad |= libcurl.easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 0L) !=
               CURLE_OK;
    } else {
        bad |= libcurl.easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 1L) !=
               CURLE_OK;
        bad |= libcurl.easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 2L) !=
               CURLE_OK;
        /* Only the file's anchors, also where libcurl has a default CA
         * directory (Debian's has /etc/ssl/certs). */
        if (h->ca_file != NULL) {
            bad |= libcurl.easy_setopt(x->easy, CURLOPT_CAINFO, h->ca_file) !=
                   CURLE_OK;
            bad |=
                libcurl.easy_setopt(x->easy, CURLOPT_CAPATH, NULL) != CURLE_OK;
        }
    }
    if (bad) {
        char shown[LITHSM_URL_SHOWN_MAX];

        lithsm_url_shown(shown, sizeof(shown), r->url);
        return lithsm_fail(LITHSM_ERR_NETWORK,
                           "libcurl: cannot set the options for '%s'%s", shown,
                           h->proxy != NULL ? " (is --proxy a URL?)" : "");
    }
    return LITHSM_OK;
}

static lithsm_err xfer_start(struct xfer *x, lithsm_http *h)
{
    lithsm_buf_free(&x->resp);
    lithsm_buf_init(&x->resp);
    x->too_big = 0;
    x->errbuf[0] = '\0';
    x->req->attempts++;
    x->state = XFER_RUNNING;
    if (libcurl.multi_add_handle(h->multi, x->easy) != CURLM_OK) {
        char shown[LITHSM_URL_SHOWN_MAX];

        lithsm_url_shown(shown, sizeof(shown), x->req->url);
        return lithsm_fail(LITHSM_ERR_NETWORK,
                           "libcurl: cannot start the request to '%s'", shown);
    }
    return LITHSM_OK;
}

/* A short reason for the node report. */
static void describe_failure(struct xfer *x, CURLcode code,
                             const lithsm_http *h)
{
    long timeout_ms = h->timeout_ms;
    char *out = x->req->error;
    size_t len = sizeof(x->req->error);
    long os_errno;

    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        snprintf(out, len, "timeout after %ld ms", timeout_ms);
        break;
    case CURLE_COULDNT_CONNECT:
        if (libcurl.easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os_errno) !=
            CURLE_OK)
            os_errno = 0;
        snprintf(out, len, "%s%s",
                 os_errno == ECONNREFUSED ? "connection refused"
                                          : "could not connect",
                 h->proxy != NULL ? " (through the proxy)" : "");
        break;
    case CURLE_COULDNT_RESOLVE_PROXY:
        snprintf(out, len, "could not resolve the proxy host");
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
        snprintf(out, len, "could not resolve the host");
        break;
    case CURLE_GOT_NOTHING:
        snprintf(out, len, "connection closed without a response");
        break;
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
        snprintf(out, len, "connection dropped during the response");
        break;
    case CURLE_SEND_ERROR:
        snprintf(out, len, "connection dropped while sending");
        break;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (x->too_big || code == CURLE_FILESIZE_EXCEEDED)
            snprintf(out, len, "response larger than %ld bytes",
                     LITHSM_HTTP_MAX_BODY);
        else
            snprintf(out, len, "out of memory");
        break;
    case CURLE_WEIRD_SERVER_REPLY:
        snprintf(out, len, "not an HTTP response");
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        snprintf(out, len, "TLS: %.140s",
                 x->errbuf[0] != '\0' ? x->errbuf
                                      : libcurl.easy_strerror(code));
        break;
    default:
        snprintf(out, len, "%.150s", libcurl.easy_strerror(code));
        break;
    }
}

static int retryable(CURLcode code, long status)
{
    switch (code) {
    case CURLE_OK:
        return status == 502 || status == 503 || status == 504;
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        return 1;
    default:
        return 0;
    }
}

/* An attempt ended: schedule a retry or record the outcome. */
static lithsm_err xfer_finish(struct xfer *x, lithsm_http *h, CURLcode code,
                              int64_t now)
{
    lithsm_http_req *r = x->req;
    long status = 0, backoff;
    char *ctype = NULL;

    libcurl.multi_remove_handle(h->multi, x->easy);
    if (code == CURLE_OK)
        libcurl.easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    if (retryable(code, status) && r->attempts <= h->retries) {
        backoff = HTTP_BACKOFF_BASE_MS
                  << (r->attempts - 1 < 4 ? r->attempts - 1 : 4);
        if (backoff > HTTP_BACKOFF_MAX_MS)
            backoff = HTTP_BACKOFF_MAX_MS;
        x->state = XFER_WAITING;
        x->retry_at_ms = now + backoff;
        return LITHSM_OK;
    }
    x->state = XFER_DONE;
    r->ms = (long)(now - x->start_ms);
    if (code != CURLE_OK) {
        describe_failure(x, code, h);
        return LITHSM_OK;
    }
    r->answered = 1;
    r->status = status;
    if (libcurl.easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype) ==
            CURLE_OK &&
        ctype != NULL) {
        r->content_type = lithsm_strdup(ctype);
        if (r->content_type == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "HTTP client: out of memory");
    }
    return lithsm_buf_finish(&x->resp, &r->resp, &r->resp_len);
}

static void xfers_free(struct xfer *xs, size_t n, lithsm_http *h)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (xs[i].easy != NULL) {
            if (xs[i].state == XFER_RUNNING)
                libcurl.multi_remove_handle(h->multi, xs[i].easy);
            libcurl.easy_cleanup(xs[i].easy);
        }
        libcurl.slist_free_all(xs[i].headers);
        lithsm_buf_free(&xs[i].resp);
    }
    free(xs);
}

lithsm_err lithsm_http_post_all(lithsm_http *h, lithsm_http_req *reqs, size_t n)
{
    struct xfer *xs;
    CURLMsg *msg;
    lithsm_err err = LITHSM_OK;
    int64_t now;
    size_t i;
    long wait_ms;
    int running, left, active, started;

    if (h == NULL || (reqs == NULL && n > 0))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "HTTP client: no requests");
    if (n == 0)
        return LITHSM_OK;
    xs = calloc(n, sizeof(*xs));
    if (xs == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "HTTP client: out of memory");
    /* Room to keep one idle connection per node for the next call. */
    if ((long)n + 4 > h->max_connects && n < 100000) {
        h->max_connects = (long)n + 4;
        libcurl.multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, h->max_connects);
    }
    for (i = 0; i < n; i++) {
        lithsm_http_req_clear(&reqs[i]);
        xs[i].req = &reqs[i];
        xs[i].state = XFER_DONE; /* not in the multi handle yet */
        lithsm_buf_init(&xs[i].resp);
    }
    now = mono_ms();
    for (i = 0; i < n && err == LITHSM_OK; i++) {
        if (reqs[i].url == NULL || reqs[i].body == NULL) {
            err = lithsm_fail(LITHSM_ERR_INVALID_ARG,
                              "HTTP client: request %zu has no URL or body", i);
            break;
        }
        err = xfer_setup(&xs[i], h);
        if (err == LITHSM_OK) {
            xs[i].start_ms = now;
            err = xfer_start(&xs[i], h);
        }
    }

    /* Every attempt is bounded by CURLOPT_TIMEOUT_MS and the number of
     * attempts by h->retries, so this loop ends. */
    while (err == LITHSM_OK) {
        if (libcurl.multi_perform(h->multi, &running) != CURLM_OK) {
            err = lithsm_fail(LITHSM_ERR_NETWORK, "libcurl: multi failed");
            break;
        }
        now = mono_ms();
        while (err == LITHSM_OK &&
               (msg = libcurl.multi_info_read(h->multi, &left)) != NULL) {
            char *priv = NULL;

            if (msg->msg != CURLMSG_DONE)
                continue;
            libcurl.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
            if (priv != NULL)
                err = xfer_finish((struct xfer *)(void *)priv, h,
                                  msg->data.result, now);
        }
        active = 0;
        started = 0;
        wait_ms = 1000;
        for (i = 0; i < n && err == LITHSM_OK; i++) {
            if (xs[i].state == XFER_RUNNING) {
                active = 1;
            } else if (xs[i].state == XFER_WAITING) {
                active = 1;
                if (now >= xs[i].retry_at_ms) {
                    err = xfer_start(&xs[i], h);
                    started = 1;
                } else if (xs[i].retry_at_ms - now < wait_ms) {
                    wait_ms = (long)(xs[i].retry_at_ms - now);
                }
            }
        }
        if (err != LITHSM_OK || !active)
            break;
        if (started)
            continue;
        /* curl_multi_poll also wakes for libcurl's own timeouts. */
        if (libcurl.multi_poll(h->multi, NULL, 0, (int)wait_ms, NULL) !=
            CURLM_OK) {
            err = lithsm_fail(LITHSM_ERR_NETWORK, "libcurl: poll failed");
            break;
        }
    }
    xfers_free(xs, n, h);
    if (err != LITHSM_OK)
        for (i = 0; i < n; i++)
            lithsm_http_req_clear(&reqs[i]);
    return err;
}
