/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * flow_fixture.h - what the flow's unit tests share; see flow_fixture.c.
 */
#ifndef LITHSM_FLOW_FIXTURE_H
#define LITHSM_FLOW_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "store/store.h"
#include "files.h"

#define T0 1735689600000LL /* 2025-01-01T00:00:00.000Z */
#define HOUR 3600000LL
#define NONCE \
    "0x5a6ec2b5ba3ef1ba1ba2cd2a3ecb3e5d5c1c8c8d97f3d0aa12f1f7b1a5e0a0f1"
#define N_NODES 3

extern const char *const nodes[N_NODES];
extern char base[256];                       /* the temporary directory */
extern char store_dir[300];                  /* the file store in it */
extern lithsm_signer *wallet, *other_wallet; /* 0x01 * 32, 0x02 * 32 */

/* What one call gave, read from the first node's entry. */
typedef struct result {
    lithsm_err err;
    char pk[65];
    char wallet_sig[140];
    char wallet_siwe[4096];
    char issued[32], expiration[32];
    int n_caps;
    int all_ok; /* every node accepts its entry at now */
} result;

/* Makes the directory, the keys and the store: 0, or 99 after "Bail
 * out!".  flow_teardown() frees them and removes the directory. */
int flow_setup(lithsm_store **st);
void flow_teardown(lithsm_store *st);

/* 1 when the SessionSigs map `json` holds exactly the n_urls nodes of
 * `urls` and each accepts its entry at `now` (60 s grace). */
int verify_nodes(const char *json, const char *const *urls, size_t n_urls,
                 int64_t now);

/* Requests: pkp-signing, then lit-action-execution unless only_pkp, then
 * access-control-condition-decryption if with_acc.  NULL on failure. */
lithsm_requests *make_requests(int with_acc, int only_pkp);
/* Params for the wallet, the three nodes, NONCE and scope "test". */
void base_params(lithsm_flow_params *p, lithsm_store *st,
                 const lithsm_requests *reqs, int64_t now);
/* One lithsm_get_session_sigs call, read back. */
result run(const lithsm_flow_params *p);

/* The file of the store entry of `signer` in `scope`. */
void entry_path(char *out, size_t n, lithsm_signer *signer, const char *scope);
/* Its permission bits, or -1. */
int file_mode(const char *path);

#endif /* LITHSM_FLOW_FIXTURE_H */
