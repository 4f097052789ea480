/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * node-client.c - drives the node client for tests/node.test, where the
 * CLI has no command for it:
 *
 *   node-client check FILE NODE...   connect to the nodes, send each its
 *                                    entry of the SessionSigs map in FILE
 *                                    and print the verdicts
 *   node-client uncovered KEY NONCE NODE...
 *                                    print SessionSigs whose signedMessage
 *                                    asks for a Lit Action while the wallet
 *                                    ReCap (KEY, a PEM file) grants only
 *                                    every PKP (lit-pkp, any id): the CLI
 *                                    never makes such a mismatch; a node
 *                                    must reject it
 *   node-client blockhash NODE...    connect, read the blockhash twice
 *                                    (cached), age the cache past 30 s and
 *                                    read it again (re-handshake); prints
 *                                    "HASH REQUEST-ID" per read
 *
 * Exit status 0, 1 on a library failure (message on stderr), 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

static int fail(const char *what, lithsm_err err)
{
    fprintf(stderr, "node-client: %s: %s (%s)\n", what, lithsm_last_error(),
            lithsm_strerror(err));
    return 1;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = malloc(LITHSM_MAX_INPUT + 1);
    if (buf == NULL) {
        fclose(f);
        return NULL;
    }
    n = fread(buf, 1, LITHSM_MAX_INPUT, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* The "requestId" of the client's report, into out. */
static int request_id(char *out, size_t len, const lithsm_client *c)
{
    char *report = NULL;
    const char *p;
    lithsm_err err = lithsm_client_report_json(&report, c);

    if (err != LITHSM_OK)
        return fail("report", err);
    p = strstr(report, "\"requestId\":\"");
    if (p == NULL || len < 40) {
        lithsm_free(report);
        return 1;
    }
    p += 13;
    snprintf(out, len, "%.*s", (int)strcspn(p, "\""), p);
    lithsm_free(report);
    return 0;
}

static int print_blockhash(lithsm_client *c)
{
    char hash[67], id[64];
    lithsm_err err = lithsm_client_blockhash(c, hash);

    if (err != LITHSM_OK)
        return fail("blockhash", err);
    if (request_id(id, sizeof(id), c) != 0)
        return 1;
    printf("%s %s\n", hash, id);
    return 0;
}

/* The wallet signs a ReCap for one request list, the session key signs
 * another: every node must answer NodeResourceIdNotFound. */
static int print_uncovered(const char *key_path, const char *nonce,
                           const char *const *nodes, size_t n_nodes)
{
    lithsm_signer *wallet = NULL;
    lithsm_session_key *key = NULL;
    lithsm_requests *granted = NULL, *asked = NULL;
    lithsm_session_siwe_params wp;
    lithsm_sessionsigs_params sp;
    char pub[65], *authsig = NULL, *sigs = NULL;
    const char *caps[1];
    lithsm_err err;

    err = lithsm_signer_open(&wallet, key_path);
    if (err == LITHSM_OK)
        err = lithsm_session_key_generate(&key);
    if (err == LITHSM_OK)
        err = lithsm_requests_new(&granted);
    if (err == LITHSM_OK)
        err = lithsm_requests_add(granted, "lit-pkp://*", "pkp-signing", NULL);
    if (err == LITHSM_OK)
        err = lithsm_requests_new(&asked);
    if (err == LITHSM_OK)
        err = lithsm_requests_add(asked, "lit-litaction://QmUncovered",
                                  "lit-action-execution", NULL);
    if (err == LITHSM_OK) {
        lithsm_session_key_public_hex(pub, key);
        memset(&wp, 0, sizeof(wp));
        wp.session_pubkey_hex = pub;
        wp.requests = granted;
        wp.nonce = nonce;
        err = lithsm_wallet_authsig(&authsig, wallet, &wp);
    }
    if (err == LITHSM_OK) {
        /* The wallet SIWE's own expiration: now + 24 h, as its default. */
        char expires[LITHSM_TIME_LEN + 1];

        err = lithsm_time_format(expires, lithsm_time_now_ms() + 3600 * 1000);
        caps[0] = authsig;
        memset(&sp, 0, sizeof(sp));
        sp.node_urls = nodes;
        sp.n_nodes = n_nodes;
        sp.requests = asked;
        sp.capabilities = caps;
        sp.n_capabilities = 1;
        sp.expiration = expires;
        if (err == LITHSM_OK)
            err = lithsm_sessionsigs(&sigs, key, &sp);
    }
    if (err == LITHSM_OK)
        printf("%s\n", sigs);
    lithsm_free(sigs);
    lithsm_free(authsig);
    lithsm_requests_free(asked);
    lithsm_requests_free(granted);
    lithsm_session_key_free(key);
    lithsm_signer_free(wallet);
    return err == LITHSM_OK ? 0 : fail("uncovered", err);
}

int main(int argc, char **argv)
{
    lithsm_client_params p;
    lithsm_client *c = NULL;
    char *file = NULL, *verdicts = NULL;
    lithsm_err err;
    int first_node, rc = 1;

    if (argc < 3)
        goto usage;
    if (strcmp(argv[1], "uncovered") == 0) {
        if (argc < 5)
            goto usage;
        return print_uncovered(argv[2], argv[3],
                               (const char *const *)(argv + 4),
                               (size_t)(argc - 4));
    }
    first_node = strcmp(argv[1], "check") == 0 ? 3 : 2;
    if (first_node >= argc)
        goto usage;
    memset(&p, 0, sizeof(p));
    p.node_urls = (const char *const *)(argv + first_node);
    p.n_nodes = (size_t)(argc - first_node);
    p.timeout_ms = 5000;
    p.retries = 0;
    if (strcmp(argv[1], "check") == 0) {
        /* The check tells apart nodes that did not answer: keep them. */
        p.min_nodes = 1;
        file = read_file(argv[2]);
        if (file == NULL) {
            fprintf(stderr, "node-client: cannot read '%s'\n", argv[2]);
            return 1;
        }
        err = lithsm_client_connect(&c, &p);
        if (err != LITHSM_OK) {
            rc = fail("connect", err);
            goto done;
        }
        err = lithsm_client_check_session_sigs(&verdicts, c, file);
        if (err != LITHSM_OK) {
            rc = fail("check", err);
            goto done;
        }
        printf("%s\n", verdicts);
        rc = 0;
    } else if (strcmp(argv[1], "blockhash") == 0) {
        err = lithsm_client_connect(&c, &p);
        if (err != LITHSM_OK) {
            rc = fail("connect", err);
            goto done;
        }
        if (print_blockhash(c) != 0 || print_blockhash(c) != 0)
            goto done;
        lithsm_client_age_for_test(c, 31000);
        if (print_blockhash(c) != 0)
            goto done;
        rc = 0;
    } else {
        goto usage;
    }
done:
    lithsm_free(verdicts);
    lithsm_client_free(c);
    free(file);
    return rc;
usage:
    fprintf(stderr, "usage: node-client check FILE NODE...\n"
                    "       node-client uncovered KEY NONCE NODE...\n"
                    "       node-client blockhash NODE...\n");
    return 2;
}
