/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * flow_fixture.c - what the flow's unit tests (test_flow, test_flow_procs)
 * share: a temporary file store, two software wallets, the three node
 * URLs, and a call of lithsm_get_session_sigs read back into a result
 * that says whether every node accepts its entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flow_fixture.h"

const char *const nodes[N_NODES] = {
    "https://127.0.0.1:7470",
    "https://127.0.0.1:7471",
    "http://127.0.0.1:7472",
};

char base[256];
char store_dir[300];
lithsm_signer *wallet, *other_wallet;

static void copy_str(char *out, size_t n, json_object *obj, const char *key)
{
    json_object *v;

    out[0] = '\0';
    if (json_object_object_get_ex(obj, key, &v) &&
        json_object_is_type(v, json_type_string))
        snprintf(out, n, "%s", json_object_get_string(v));
}

int verify_nodes(const char *json, const char *const *urls, size_t n_urls,
                 int64_t now)
{
    lithsm_verify_entry *e = NULL;
    size_t n = 0, i, k, accepted = 0;

    if (lithsm_verify_session_sigs_map(&e, &n, json, strlen(json), now,
                                       60000) != LITHSM_OK) {
        printf("# verify: %s\n", lithsm_last_error());
        return 0;
    }
    for (i = 0; i < n; i++) {
        for (k = 0; k < n_urls && strcmp(e[i].node_url, urls[k]) != 0; k++)
            ;
        if (k < n_urls && e[i].result.reason == LITHSM_VERIFY_OK)
            accepted++;
        else
            printf("# node %s: %s (%s)\n", e[i].node_url, e[i].result.word,
                   e[i].result.detail);
    }
    lithsm_free(e);
    return n == n_urls && accepted == n_urls;
}

static void read_result(result *r, const char *json, int64_t now)
{
    json_object *map = json_tokener_parse(json), *entry, *msg = NULL, *caps;
    json_object *last;

    if (map == NULL || !json_object_object_get_ex(map, nodes[0], &entry))
        goto done;
    copy_str(r->pk, sizeof(r->pk), entry, "address");
    if (!json_object_object_get_ex(entry, "signedMessage", &msg))
        goto done;
    msg = json_tokener_parse(json_object_get_string(msg));
    if (msg == NULL || !json_object_object_get_ex(msg, "capabilities", &caps))
        goto done;
    r->n_caps = (int)json_object_array_length(caps);
    last = json_object_array_get_idx(caps, (size_t)r->n_caps - 1);
    copy_str(r->wallet_sig, sizeof(r->wallet_sig), last, "sig");
    copy_str(r->wallet_siwe, sizeof(r->wallet_siwe), last, "signedMessage");
    copy_str(r->issued, sizeof(r->issued), msg, "issuedAt");
    copy_str(r->expiration, sizeof(r->expiration), msg, "expiration");
    r->all_ok = verify_nodes(json, nodes, N_NODES, now);
done:
    json_object_put(msg);
    json_object_put(map);
}
lithsm_requests *make_requests(int with_acc, int only_pkp)
{
    lithsm_requests *reqs = NULL;

    if (lithsm_requests_new(&reqs) != LITHSM_OK)
        return NULL;
    if (lithsm_requests_add(reqs, "lit-pkp://*", "pkp-signing", NULL) !=
        LITHSM_OK)
        goto fail;
    if (!only_pkp &&
        lithsm_requests_add(reqs, "lit-litaction://*", "lit-action-execution",
                            NULL) != LITHSM_OK)
        goto fail;
    if (with_acc && lithsm_requests_add(reqs, "lit-accesscontrolcondition://*",
                                        "access-control-condition-decryption",
                                        NULL) != LITHSM_OK)
        goto fail;
    return reqs;
fail:
    lithsm_requests_free(reqs);
    return NULL;
}

void base_params(lithsm_flow_params *p, lithsm_store *st,
                 const lithsm_requests *reqs, int64_t now)
{
    memset(p, 0, sizeof(*p));
    p->node_urls = nodes;
    p->n_nodes = N_NODES;
    p->nonce = NONCE;
    p->wallet = wallet;
    p->requests = reqs;
    p->store = st;
    p->store_scope = "test";
    p->now_ms = now;
}

result run(const lithsm_flow_params *p)
{
    result r;
    char *json = NULL;

    memset(&r, 0, sizeof(r));
    r.err = lithsm_get_session_sigs(&json, NULL, p);
    if (r.err != LITHSM_OK) {
        printf("# lithsm_get_session_sigs: %s\n", lithsm_last_error());
        return r;
    }
    read_result(&r, json, p->now_ms ? p->now_ms : lithsm_time_now_ms());
    free(json);
    return r;
}

void entry_path(char *out, size_t n, lithsm_signer *signer, const char *scope)
{
    lithsm_eth_address a;
    char hex[41];

    lithsm_signer_address(&a, signer);
    if (lithsm_hex_encode(hex, sizeof(hex), a.bytes, 20) != LITHSM_OK)
        hex[0] = '\0';
    snprintf(out, n, "%s/%s.0x%s.session", store_dir, scope, hex);
}

int file_mode(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

int flow_setup(lithsm_store **st)
{
    const char *tmp = getenv("TMPDIR");
    uint8_t secret[32];

    snprintf(base, sizeof(base), "%s/lithsm-flow-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(base) == NULL) {
        printf("Bail out! cannot make a temporary directory\n");
        return 99;
    }
    snprintf(store_dir, sizeof(store_dir), "%s/store", base);
    memset(secret, 0x01, sizeof(secret));
    if (lithsm_signer_from_secret(&wallet, secret) != LITHSM_OK) {
        printf("Bail out! wallet key\n");
        return 99;
    }
    memset(secret, 0x02, sizeof(secret));
    if (lithsm_signer_from_secret(&other_wallet, secret) != LITHSM_OK) {
        printf("Bail out! second wallet key\n");
        return 99;
    }
    if (lithsm_store_file_new(st, store_dir) != LITHSM_OK) {
        printf("Bail out! store: %s\n", lithsm_last_error());
        return 99;
    }
    return 0;
}

void flow_teardown(lithsm_store *st)
{
    char cmd[400];

    lithsm_store_free(st);
    lithsm_signer_free(wallet);
    lithsm_signer_free(other_wallet);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", base);
}
