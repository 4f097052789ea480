/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * handshake.c - the parallel handshake with every listed node, its
 * consensus and its quorum (lit-protocol.md 10.1).
 *
 * Choices that differ from the JS SDK v7.4.0, on purpose:
 *  - The handshake succeeds once `threshold` nodes answered (minNodeCount
 *    for discovered networks), not only when every node did; each failed
 *    node is reported with its reason.
 *  - Each request has its own timeout and bounded retries with backoff
 *    (http.c).
 *  - Consensus ties go to the value of the earliest listed node among the
 *    tied ones (JS: the later value), so the result does not depend on
 *    answer order.
 *  - A node whose latestBlockhash is not "0x" + 64 hex counts as failed.
 *    A node that answered well but disagrees with the consensus on some
 *    field stays connected (it gets a SessionSig: the nonce lives in the
 *    SIWE and nodes do not compare it with their own block) and its report
 *    entry lists the fields in "disagrees".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

#define HANDSHAKE_PATH "/web/handshake/"

/* ------------------------------------------------------------------------
 * Consensus and quorum
 */

long lithsm_most_common(size_t *count_out, const char *const *values, size_t n)
{
    size_t i, j, count, best_count = 0;
    long best = -1;

    /* Quadratic, but n is at most LITHSM_MAX_VALIDATORS.  Scanning in
     * order and replacing only on a strictly larger count keeps the
     * earliest value among the tied ones. */
    for (i = 0; i < n; i++) {
        if (values[i] == NULL)
            continue;
        for (j = 0; j < i; j++)
            if (values[j] != NULL && strcmp(values[j], values[i]) == 0)
                break;
        if (j < i)
            continue; /* counted with its first occurrence */
        count = 1;
        for (j = i + 1; j < n; j++)
            if (values[j] != NULL && strcmp(values[j], values[i]) == 0)
                count++;
        if (count > best_count) {
            best_count = count;
            best = (long)i;
        }
    }
    if (count_out != NULL)
        *count_out = best_count;
    return best;
}

lithsm_err lithsm_node_threshold(size_t *out, size_t n_nodes, size_t min_nodes)
{
    if (n_nodes == 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "no nodes given");
    if (min_nodes > n_nodes)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "a threshold of %zu nodes is more than the %zu "
                           "nodes given",
                           min_nodes, n_nodes);
    *out = min_nodes == 0 ? n_nodes : min_nodes;
    return LITHSM_OK;
}

int lithsm_quorum_met(size_t answered, size_t threshold)
{
    return threshold > 0 && answered >= threshold;
}

/* ------------------------------------------------------------------------
 * Requests
 */

static lithsm_err random_hex(char *out, size_t out_len, size_t nbytes)
{
    uint8_t rnd[32];
    lithsm_err err;

    if (nbytes > sizeof(rnd))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "random_hex: too long");
    err = lithsm_random(rnd, nbytes);
    if (err == LITHSM_OK)
        err = lithsm_hex_encode(out, out_len, rnd, nbytes);
    lithsm_memzero(rnd, sizeof(rnd));
    return err;
}

lithsm_err lithsm_request_id(char out[LITHSM_REQUEST_ID_LEN + 1])
{
    memcpy(out, "lit_", 4);
    return random_hex(out + 4, LITHSM_REQUEST_ID_LEN + 1 - 4,
                      LITHSM_REQUEST_ID_BYTES);
}

lithsm_err lithsm_node_route(char **out, const char *node, const char *path)
{
    lithsm_buf b;

    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, node);
    lithsm_buf_puts(&b, path);
    return lithsm_buf_finish(&b, out, NULL);
}

/* ------------------------------------------------------------------------
 * The handshake
 */

void lithsm_hs_state_clear(lithsm_hs_state *st, size_t n)
{
    size_t i;

    if (st->nodes != NULL)
        for (i = 0; i < n; i++) {
            free(st->nodes[i].error);
            lithsm_hs_reply_clear(&st->nodes[i].reply);
        }
    free(st->nodes);
    for (i = 0; i < LITHSM_HS_NFIELDS; i++)
        free(st->consensus[i]);
    free(st->ok_urls);
    memset(st, 0, sizeof(*st));
}

static lithsm_err set_node_error(lithsm_hs_node *nd, const char *why)
{
    char clean[200];

    lithsm_clean_copy(clean, sizeof(clean), why);
    nd->error = lithsm_strdup(clean[0] != '\0' ? clean : "failed");
    if (nd->error == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    return LITHSM_OK;
}

/* Most common value per field among the nodes that answered. */
static lithsm_err hs_consensus(lithsm_hs_state *st, size_t n)
{
    const char **values;
    size_t i, f;
    long best;

    values = calloc(n, sizeof(*values));
    if (values == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    for (f = 0; f < LITHSM_HS_NFIELDS; f++) {
        if (f == LITHSM_HS_SERVER_PK)
            continue;
        for (i = 0; i < n; i++)
            values[i] = st->nodes[i].ok ? st->nodes[i].reply.fields[f] : NULL;
        best = lithsm_most_common(NULL, values, n);
        if (best < 0)
            continue;
        st->consensus[f] = lithsm_strdup(values[best]);
        if (st->consensus[f] == NULL) {
            free(values);
            return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
        }
        for (i = 0; i < n; i++)
            if (st->nodes[i].ok &&
                (values[i] == NULL || strcmp(values[i], values[best]) != 0))
                st->nodes[i].disagrees |= 1u << f;
    }
    free(values);
    return LITHSM_OK;
}

/* The detail message holds 511 bytes: room for the node list. */
#define FAILURE_TEXT_MAX 440

/* "handshake: 1 of 3 nodes answered, 2 needed: URL: why; URL: why", with
 * "; and N more" when the list would not fit in the detail message. */
static lithsm_err hs_failure(const lithsm_hs_state *st, size_t n,
                             size_t threshold)
{
    lithsm_buf b;
    char *text = NULL;
    size_t i, mark, listed = 0, failed = n - st->n_ok;
    lithsm_err err;

    lithsm_buf_init(&b);
    lithsm_buf_printf(&b, "handshake: %zu of %zu nodes answered, %zu needed:",
                      st->n_ok, n, threshold);
    for (i = 0; i < n; i++) {
        if (st->nodes[i].ok)
            continue;
        mark = b.len;
        lithsm_buf_printf(&b, "%s %s: %s", listed > 0 ? ";" : "",
                          st->nodes[i].url,
                          st->nodes[i].error ? st->nodes[i].error : "failed");
        if (b.len > FAILURE_TEXT_MAX && !b.failed) {
            b.len = mark;
            b.data[mark] = '\0';
            lithsm_buf_printf(&b, "; and %zu more", failed - listed);
            break;
        }
        listed++;
    }
    if (lithsm_buf_finish(&b, &text, NULL) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_NETWORK,
                           "handshake: %zu of %zu nodes answered, %zu needed",
                           st->n_ok, n, threshold);
    err = lithsm_fail(LITHSM_ERR_NETWORK, "%s", text);
    free(text);
    return err;
}

/* The request body, with one fresh challenge; the request id of the
 * whole operation goes to st. */
static lithsm_err hs_body(char **body, lithsm_hs_state *st,
                          const lithsm_client *c)
{
    char challenge[65], epoch_text[24];
    lithsm_buf b;
    lithsm_err err;

    err = lithsm_request_id(st->request_id);
    if (err == LITHSM_OK)
        err = random_hex(challenge, sizeof(challenge), 32);
    if (err != LITHSM_OK)
        return err;
    if (c->discovered) {
        st->has_epoch = 1;
        st->epoch = lithsm_staking_epoch(&c->staking, lithsm_time_now_ms());
        snprintf(epoch_text, sizeof(epoch_text), "%llu",
                 (unsigned long long)st->epoch);
    } else {
        snprintf(epoch_text, sizeof(epoch_text), "null");
    }
    lithsm_buf_init(&b);
    lithsm_buf_printf(&b,
                      "{\"clientPublicKey\":\"test\",\"challenge\":\"%s\","
                      "\"epoch\":%s}",
                      challenge, epoch_text);
    lithsm_memzero(challenge, sizeof(challenge));
    return lithsm_buf_finish(&b, body, NULL);
}

/* Records each node's answer in st: parsed, or why it failed. */
static lithsm_err hs_collect(lithsm_hs_state *st, const lithsm_http_req *reqs,
                             size_t n)
{
    lithsm_err err = LITHSM_OK;
    size_t i;

    for (i = 0; i < n && err == LITHSM_OK; i++) {
        lithsm_hs_node *nd = &st->nodes[i];

        nd->ms = reqs[i].ms;
        nd->attempts = reqs[i].attempts;
        if (!reqs[i].answered) {
            err = set_node_error(nd, reqs[i].error);
            continue;
        }
        err = lithsm_hs_reply_parse(&nd->reply, reqs[i].status,
                                    reqs[i].content_type, reqs[i].resp,
                                    reqs[i].resp_len);
        if (err == LITHSM_ERR_NOMEM)
            break;
        if (err != LITHSM_OK) {
            err = set_node_error(nd, lithsm_last_error());
            continue;
        }
        nd->ok = 1;
        st->ok_urls[st->n_ok++] = nd->url;
    }
    return err;
}

lithsm_err lithsm_handshake(lithsm_hs_state *st, lithsm_client *c)
{
    lithsm_http_req *reqs = NULL;
    char *body = NULL, **urls = NULL;
    size_t i, n = c->n_urls;
    lithsm_err err;

    memset(st, 0, sizeof(*st));
    st->nodes = calloc(n, sizeof(*st->nodes));
    st->ok_urls = calloc(n, sizeof(*st->ok_urls));
    reqs = calloc(n, sizeof(*reqs));
    urls = calloc(n, sizeof(*urls));
    if (st->nodes == NULL || st->ok_urls == NULL || reqs == NULL ||
        urls == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* One X-Request-Id and one challenge for the whole operation. */
    err = hs_body(&body, st, c);
    for (i = 0; i < n && err == LITHSM_OK; i++) {
        st->nodes[i].url = c->urls[i];
        err = lithsm_node_route(&urls[i], c->urls[i], HANDSHAKE_PATH);
        reqs[i].url = urls[i];
        reqs[i].body = body;
        reqs[i].request_id = st->request_id;
    }
    if (err == LITHSM_OK)
        err = lithsm_http_post_all(c->http, reqs, n);
    if (err == LITHSM_OK)
        err = hs_collect(st, reqs, n);
    if (err == LITHSM_OK)
        err = hs_consensus(st, n);
    if (err != LITHSM_OK)
        goto done;
    st->at_ms = lithsm_time_now_ms();
    if (!lithsm_quorum_met(st->n_ok, c->threshold))
        err = hs_failure(st, n, c->threshold);

done:
    if (reqs != NULL)
        for (i = 0; i < n; i++)
            lithsm_http_req_clear(&reqs[i]);
    if (urls != NULL)
        for (i = 0; i < n; i++)
            free(urls[i]);
    free(urls);
    free(reqs);
    free(body);
    return err;
}
