/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * session_sign.c - the Ed25519 signatures of a SessionSigs map, one per
 * node, over prefix + JSON(url) + "}".  Ed25519 is deterministic, so the
 * order in which they are made does not change the output: a large map is
 * signed on several threads (a 100-node map is most of a session-sigs run),
 * each with its own copy of the key, since OpenSSL 3.0 caches provider data
 * inside an EVP_PKEY on first use.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lit/lit.h"

/* Below this many nodes a thread costs more than it saves. */
#define NODES_PER_THREAD 16
#define MAX_THREADS 8

typedef struct sign_job {
    EVP_PKEY *pkey;
    const lithsm_buf *prefix;
    const char *const *urls;
    char (*sigs)[129];
    size_t from, to;
    int running; /* on a thread of its own */
    lithsm_err err;
} sign_job;

void lithsm_session_message(lithsm_buf *msg, const lithsm_buf *prefix,
                            const char *url)
{
    lithsm_buf_add(msg, prefix->data, prefix->len);
    lithsm_buf_json_str(msg, url, strlen(url));
    lithsm_buf_putc(msg, '}');
}

static lithsm_err sign_one(char sig_hex[129], EVP_MD_CTX *ctx, EVP_PKEY *pkey,
                           const lithsm_buf *msg)
{
    uint8_t sig[64];
    size_t sig_len = sizeof(sig);

    if (msg->failed)
        return lithsm_fail(LITHSM_ERR_NOMEM, "SessionSigs: out of memory");
    if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey) != 1 ||
        EVP_DigestSign(ctx, sig, &sig_len, (const uint8_t *)msg->data,
                       msg->len) != 1 ||
        sig_len != 64)
        return lithsm_fail(LITHSM_ERR_CRYPTO,
                           "SessionSigs: Ed25519 signing failed");
    return lithsm_hex_encode(sig_hex, 129, sig, 64);
}

static lithsm_err sign_range(sign_job *job)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    lithsm_buf msg;
    lithsm_err err = LITHSM_OK;
    size_t i;

    if (ctx == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "SessionSigs: out of memory");
    lithsm_buf_init(&msg);
    for (i = job->from; i < job->to && err == LITHSM_OK; i++) {
        msg.len = 0;
        lithsm_session_message(&msg, job->prefix, job->urls[i]);
        err = sign_one(job->sigs[i], ctx, job->pkey, &msg);
    }
    lithsm_buf_free(&msg);
    EVP_MD_CTX_free(ctx);
    return err;
}

static void *sign_thread(void *arg)
{
    sign_job *job = arg;

    job->err = sign_range(job);
    return NULL;
}

static size_t thread_count(size_t n)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t t = n / NODES_PER_THREAD;

    if (cpus < 1)
        cpus = 1;
    if (t > (size_t)cpus)
        t = (size_t)cpus;
    if (t > MAX_THREADS)
        t = MAX_THREADS;
    return t < 1 ? 1 : t;
}

/* Job k of t: its share of the n nodes and its own copy of the key (job 0,
 * run by the calling thread, uses the caller's). */
static lithsm_err job_init(sign_job *job, size_t k, size_t t, size_t n,
                           EVP_PKEY *pkey)
{
    job->from = n * k / t;
    job->to = n * (k + 1) / t;
    job->err = LITHSM_OK;
    job->pkey = k == 0 ? pkey : EVP_PKEY_dup(pkey);
    if (job->pkey == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "SessionSigs: out of memory");
    return LITHSM_OK;
}

lithsm_err lithsm_session_sign_all(char (*sigs)[129], EVP_PKEY *pkey,
                                   const lithsm_buf *prefix,
                                   const char *const *urls, size_t n)
{
    sign_job jobs[MAX_THREADS];
    pthread_t threads[MAX_THREADS];
    size_t k, t = thread_count(n);
    lithsm_err err = LITHSM_OK;

    memset(jobs, 0, sizeof(jobs));
    for (k = 0; k < t && err == LITHSM_OK; k++) {
        jobs[k].prefix = prefix;
        jobs[k].urls = urls;
        jobs[k].sigs = sigs;
        err = job_init(&jobs[k], k, t, n, pkey);
        if (err == LITHSM_OK && k > 0)
            jobs[k].running =
                pthread_create(&threads[k], NULL, sign_thread, &jobs[k]) == 0;
    }
    /* This thread signs job 0, and any job no thread could be made for. */
    for (k = 0; k < t && err == LITHSM_OK; k++)
        if (!jobs[k].running)
            err = sign_range(&jobs[k]);
    for (k = 1; k < t; k++) {
        if (jobs[k].running)
            pthread_join(threads[k], NULL);
        /* The detail went to the worker's thread-local error. */
        if (err == LITHSM_OK && jobs[k].err != LITHSM_OK)
            err =
                lithsm_fail(jobs[k].err, "SessionSigs: Ed25519 signing failed");
        EVP_PKEY_free(jobs[k].pkey);
    }
    return err;
}
