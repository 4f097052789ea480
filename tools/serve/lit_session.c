/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lit_session.c - lithsm-serve's POST /v1/session-sigs (lit.h): the
 * SessionSigs 'lithsm session-sigs' prints for the same work, for
 * explicit nodeUrls with a nonce or for a configured network, whose one
 * client (handshake, threshold, blockhash cache) every request shares;
 * sessions are kept in the store ([serve] store).  Each (network, wallet)
 * has its own store entry: the scope is "<network>.<wallet address>"
 * ("nodes.<address>" for explicit nodeUrls), since a flow with an auth
 * callback names its entry by scope alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lit.h"

#define MAX_NODES 1024
/* Lit nodes refuse a session over 30 days (lithsm session-sigs too). */
#define SESSION_MAX_MS (30LL * 24 * 3600 * 1000)

/* ------------------------------------------------------------------------
 * Networks
 */

static lithsm_err network_connect(serve_network *n)
{
    lithsm_client_params p;

    memset(&p, 0, sizeof(p));
    p.network = n->preset;
    p.rpc_url = n->rpc;
    p.staking = n->staking;
    p.node_urls = (const char *const *)n->nodes;
    p.n_nodes = n->n_nodes;
    p.min_nodes = n->min_nodes;
    p.ca_file = n->ca_file;
    p.insecure_tls = n->insecure;
    p.timeout_ms = n->timeout_ms;
    p.retries = n->retries;
    p.proxy = n->proxy;
    return lithsm_client_connect(&n->client, &p);
}

/* The session store: the folder or the database (shared by the fleet),
 * its entries sealed by the token's AES key when store_wrap_key names one
 * (lithsm_store_wrapped_new). */
static int open_store(const cli_command *cmd, serve *s)
{
    lithsm_store *files = NULL;
    lithsm_token_opts opts;
    char shown[256];
    lithsm_err err;

    if (s->cfg.store == NULL)
        return 0;
    err = serve_is_pg(s->cfg.store)
              ? lithsm_store_postgres_new(&files, s->cfg.store, 0)
              : lithsm_store_file_new(&files, s->cfg.store);
    if (err != LITHSM_OK) {
        cli_error(cmd, "serve/store: %s", lithsm_last_error());
        return -1;
    }
    if (s->cfg.store_wrap_key == NULL) {
        serve_redact(shown, sizeof(shown), s->cfg.store);
        serve_log("warning",
                  "serve/store: no store_wrap_key: session "
                  "secrets are kept in plaintext",
                  "store", shown);
        s->store = files;
        return 0;
    }
    memset(&opts, 0, sizeof(opts));
    opts.module = s->cfg.module;
    opts.pin_source = s->cfg.pin_source;
    if (lithsm_store_wrapped_new(&s->store, files, s->cfg.store_wrap_key,
                                 &opts) != LITHSM_OK) {
        cli_redact_uri(shown, sizeof(shown), s->cfg.store_wrap_key);
        cli_error(cmd, "serve/store_wrap_key: cannot use '%s': %s", shown,
                  lithsm_last_error());
        lithsm_store_free(files);
        return -1;
    }
    return 0;
}

int serve_lit_open(const cli_command *cmd, serve *s)
{
    size_t i;
    lithsm_err err;

    if (open_store(cmd, s) != 0)
        return -1;
    for (i = 0; i < s->cfg.n_networks; i++) {
        serve_network *n = &s->cfg.networks[i];

        if (pthread_mutex_init(&n->lock, NULL) != 0) {
            cli_error(cmd, "network.%s: cannot make its lock", n->name);
            return -1;
        }
        n->lock_ok = 1;
        err = network_connect(n);
        if (err == LITHSM_ERR_INVALID_ARG || err == LITHSM_ERR_PARSE) {
            cli_error(cmd, "network.%s: %s", n->name, lithsm_last_error());
            return -1;
        }
        if (err != LITHSM_OK)
            serve_log("warning",
                      "a network cannot be reached yet; requests naming it "
                      "try again",
                      "network", n->name);
        else
            serve_log("info", "network connected", "network", n->name);
    }
    return 0;
}

void serve_lit_close(serve *s)
{
    size_t i;

    for (i = 0; i < s->cfg.n_networks; i++) {
        serve_network *n = &s->cfg.networks[i];

        lithsm_client_free(n->client);
        n->client = NULL;
        if (n->lock_ok)
            pthread_mutex_destroy(&n->lock);
        n->lock_ok = 0;
    }
    lithsm_store_free(s->store);
    s->store = NULL;
}

static serve_network *find_network(serve *s, const char *name)
{
    size_t i;

    for (i = 0; i < s->cfg.n_networks; i++)
        if (strcmp(s->cfg.networks[i].name, name) == 0)
            return &s->cfg.networks[i];
    return NULL;
}

/* The network's blockhash (handshaking again when it is 30 s old) and a
 * copy of its node list, under its lock; connects first when it has no
 * client yet.  Returns 0, or -1 after the 503 (or 500) in o. */
static int network_snapshot(serve_network *n, char nonce[67], char ***urls_out,
                            size_t *n_out, serve_outcome *o)
{
    lithsm_err err = LITHSM_OK;
    char **urls = NULL;
    size_t i, count = 0;
    char what[96];

    pthread_mutex_lock(&n->lock);
    if (n->client == NULL)
        err = network_connect(n);
    if (err == LITHSM_OK)
        err = lithsm_client_blockhash(n->client, nonce);
    if (err == LITHSM_OK) {
        count = lithsm_client_node_count(n->client);
        urls = calloc(count + 1, sizeof(*urls));
        for (i = 0; urls != NULL && i < count; i++)
            if ((urls[i] = strdup(lithsm_client_node_url(n->client, i))) ==
                NULL)
                break;
        if (urls == NULL || i < count)
            err = LITHSM_ERR_NOMEM;
    }
    pthread_mutex_unlock(&n->lock);
    *urls_out = urls;
    *n_out = count;
    if (err == LITHSM_OK && count > 0)
        return 0;
    snprintf(what, sizeof(what), "network %s", n->name);
    /* A network's failure is never the request's fault: no 400. */
    lit_lib_failed(o, err == LITHSM_OK ? LITHSM_ERR_NETWORK : err,
                   err != LITHSM_ERR_NOMEM, what);
    return -1;
}

/* ------------------------------------------------------------------------
 * POST /v1/session-sigs
 */

enum {
    SS_WALLET,
    SS_REQUESTS,
    SS_CAPS,
    SS_EXPIRATION,
    SS_DOMAIN,
    SS_STATEMENT,
    SS_NODES,
    SS_NONCE,
    SS_NETWORK,
    SS_N
};

static const lit_member session_members[SS_N] = {
    { "wallet", json_type_string, 1 },
    { "resourceAbilityRequests", json_type_array, 1 },
    { "capabilityAuthSigs", json_type_array, 0 },
    { "expiration", json_type_string, 0 },
    { "domain", json_type_string, 0 },
    { "statement", json_type_string, 0 },
    { "nodeUrls", json_type_array, 0 },
    { "nonce", json_type_string, 0 },
    { "network", json_type_string, 0 },
};

static const lit_member request_members[] = {
    { "resource", json_type_string, 1 },
    { "ability", json_type_string, 1 },
    { "data", json_type_object, 0 },
};

/* A session-sigs request, as checked, and what its run holds. */
typedef struct session_req {
    json_object *m[SS_N];
    serve_key *wallet;
    serve_network *net;
    lithsm_requests *reqs;
    char **caps; /* the capability AuthSigs' JSON text */
    size_t n_caps;
    char **urls; /* a network's node list, copied */
    const char **nodes;
    size_t n_nodes;
    char nonce[67];
} session_req;

static void session_req_free(session_req *r)
{
    size_t i;

    lithsm_requests_free(r->reqs);
    for (i = 0; r->caps != NULL && i < r->n_caps; i++)
        free(r->caps[i]);
    free(r->caps);
    for (i = 0; r->urls != NULL && r->urls[i] != NULL; i++)
        free(r->urls[i]);
    free(r->urls);
    if (r->net == NULL)
        free((void *)r->nodes);
}

/* resourceAbilityRequests: 1 or more {resource, ability, data?}. */
static int session_requests(session_req *r, char *reason, size_t len)
{
    json_object *arr = r->m[SS_REQUESTS], *f[3];
    size_t i, n = json_object_array_length(arr);
    lithsm_ability ability;
    char at[64];
    const char *data;

    if (n == 0) {
        snprintf(reason, len, "resourceAbilityRequests: empty");
        return -1;
    }
    if (lithsm_requests_new(&r->reqs) != LITHSM_OK) {
        snprintf(reason, len, "out of memory");
        return -1;
    }
    for (i = 0; i < n; i++) {
        snprintf(at, sizeof(at), "resourceAbilityRequests[%zu]", i);
        if (lit_read_members(f, json_object_array_get_idx(arr, i), at,
                             request_members, 3, reason, len) != 0)
            return -1;
        if (lithsm_ability_from_name(&ability, lit_str(f[1])) != LITHSM_OK) {
            snprintf(reason, len, "%s.ability: unknown ability '%.64s'", at,
                     lit_str(f[1]));
            return -1;
        }
        data = f[2] != NULL
                   ? json_object_to_json_string_ext(f[2], SERVE_JSON_FLAGS)
                   : NULL;
        if (lithsm_requests_add(r->reqs, lit_str(f[0]), lit_str(f[1]), data) !=
            LITHSM_OK) {
            snprintf(reason, len, "%s: %s", at, lithsm_last_error());
            return -1;
        }
    }
    return 0;
}

/* capabilityAuthSigs: AuthSig objects (string sig, derivedVia,
 * signedMessage and address, as lithsm session-sigs --delegation reads
 * them), handed on as their JSON text. */
static int session_caps(session_req *r, char *reason, size_t len)
{
    static const char *const fields[] = { "sig", "derivedVia", "signedMessage",
                                          "address" };
    json_object *arr = r->m[SS_CAPS], *it, *v;
    size_t i, j, n = arr != NULL ? json_object_array_length(arr) : 0;

    if (n == 0)
        return 0;
    if ((r->caps = calloc(n, sizeof(*r->caps))) == NULL) {
        snprintf(reason, len, "out of memory");
        return -1;
    }
    for (i = 0; i < n; i++) {
        it = json_object_array_get_idx(arr, i);
        for (j = 0; j < sizeof(fields) / sizeof(fields[0]); j++)
            if (!json_object_is_type(it, json_type_object) ||
                !json_object_object_get_ex(it, fields[j], &v) ||
                !lit_plain_string(v)) {
                snprintf(reason, len,
                         "capabilityAuthSigs[%zu]: not an AuthSig (no string "
                         "\"%s\")",
                         i, fields[j]);
                return -1;
            }
        r->caps[i] =
            strdup(json_object_to_json_string_ext(it, SERVE_JSON_FLAGS));
        if (r->caps[r->n_caps++] == NULL) {
            snprintf(reason, len, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* Where nonce and nodes come from: "network" alone, or "nodeUrls" (1 to
 * 1024 node URLs, none twice) with "nonce". */
static int session_nodes(session_req *r, char *reason, size_t len)
{
    json_object *arr = r->m[SS_NODES], *v;
    size_t i, j, n;

    if (r->m[SS_NETWORK] != NULL) {
        if (arr == NULL && r->m[SS_NONCE] == NULL)
            return 0;
        snprintf(reason, len,
                 "%s: not with network (the network gives the "
                 "nodes and the nonce)",
                 arr != NULL ? "nodeUrls" : "nonce");
        return -1;
    }
    if (arr == NULL || r->m[SS_NONCE] == NULL) {
        snprintf(reason, len,
                 "%s: missing (give network, or nodeUrls with "
                 "nonce)",
                 arr == NULL ? "nodeUrls" : "nonce");
        return -1;
    }
    if (!lit_nonce_ok(lit_str(r->m[SS_NONCE]))) {
        snprintf(reason, len, "nonce: not 0x + 64 hex digits");
        return -1;
    }
    n = json_object_array_length(arr);
    if (n == 0 || n > MAX_NODES) {
        snprintf(reason, len, "nodeUrls: 1 to %d node URLs", MAX_NODES);
        return -1;
    }
    if ((r->nodes = calloc(n, sizeof(*r->nodes))) == NULL) {
        snprintf(reason, len, "out of memory");
        return -1;
    }
    for (i = 0; i < n; i++) {
        v = json_object_array_get_idx(arr, i);
        if (!lit_plain_string(v)) {
            snprintf(reason, len, "nodeUrls[%zu]: not a string", i);
            return -1;
        }
        r->nodes[i] = json_object_get_string(v);
        if (lithsm_node_url_check(r->nodes[i]) != LITHSM_OK) {
            snprintf(reason, len, "nodeUrls[%zu]: %s", i, lithsm_last_error());
            return -1;
        }
        for (j = 0; j < i; j++)
            if (strcmp(r->nodes[i], r->nodes[j]) == 0) {
                snprintf(reason, len, "nodeUrls[%zu]: given twice", i);
                return -1;
            }
    }
    r->n_nodes = n;
    return 0;
}

/* The body checked: 0, or the HTTP status with reason (400; 404 with
 * *code set for a wallet or network not configured). */
static unsigned session_check(serve *s, session_req *r, json_object *body,
                              serve_outcome *o, const char **code, char *reason,
                              size_t len)
{
    const char *name;

    *code = "bad-request";
    if (lit_read_members(r->m, body, NULL, session_members, SS_N, reason,
                         len) != 0)
        return MHD_HTTP_BAD_REQUEST;
    o->key = lit_str(r->m[SS_WALLET]);
    if ((r->wallet = serve_find_key(s, o->key)) == NULL) {
        *code = "unknown-key";
        snprintf(reason, len, "wallet: '%.64s' is not configured", o->key);
        return MHD_HTTP_NOT_FOUND;
    }
    name = lit_str(r->m[SS_NETWORK]);
    if (name != NULL && (r->net = find_network(s, name)) == NULL) {
        *code = "unknown-network";
        snprintf(reason, len, "network: '%.64s' is not configured", name);
        return MHD_HTTP_NOT_FOUND;
    }
    if (session_nodes(r, reason, len) != 0 ||
        lit_expiration_ok(lit_str(r->m[SS_EXPIRATION]), SESSION_MAX_MS, reason,
                          len) != 0 ||
        session_requests(r, reason, len) != 0 ||
        session_caps(r, reason, len) != 0)
        return MHD_HTTP_BAD_REQUEST;
    return 0;
}

/* The wallet, for the flow's auth callback: signs through
 * serve_key_sign (the key's lock for the signature only, a token
 * outage); what it signed goes to the audit record. */
typedef struct wallet_call {
    serve_key *key;
    serve_signed *sig;
    int made, unavailable;
    const lithsm_session_siwe_params *params;
    char *authsig;
    lithsm_err err; /* the signature's, when it failed */
} wallet_call;

static lithsm_err wallet_sign_with(void *arg, lithsm_signer *signer)
{
    wallet_call *wc = arg;

    wc->err = lithsm_wallet_authsig(&wc->authsig, signer, wc->params);
    return wc->err;
}

static lithsm_err wallet_sign(char **authsig_json_out,
                              const lithsm_session_siwe_params *params,
                              void *arg)
{
    wallet_call *wc = arg;
    char reason[LIT_REASON_MAX], *authsig;
    lithsm_err err = LITHSM_OK;
    int status;

    wc->params = params;
    wc->authsig = NULL;
    wc->err = LITHSM_ERR_PKCS11;
    status =
        serve_key_sign(wc->key, wallet_sign_with, wc, reason, sizeof(reason));
    if (status != 0) {
        wc->unavailable = status == MHD_HTTP_SERVICE_UNAVAILABLE;
        return wc->err != LITHSM_OK ? wc->err : LITHSM_ERR_PKCS11;
    }
    authsig = wc->authsig;
    *authsig_json_out = strdup(authsig);
    if (*authsig_json_out == NULL || lit_note_authsig(wc->sig, authsig) != 0) {
        free(*authsig_json_out);
        *authsig_json_out = NULL;
        err = LITHSM_ERR_NOMEM;
    }
    lithsm_free(authsig);
    wc->made = err == LITHSM_OK;
    return err;
}

/* The session public key of a SessionSigs map: the first entry's
 * "address".  A `"address":"` can only be a member name: inside the JSON
 * strings of the map every quote is escaped, and node URLs hold none. */
static int session_key_of(char out[65], const char *map)
{
    const char *p = strstr(map, "\"address\":\"");

    if (p == NULL)
        return -1;
    p += strlen("\"address\":\"");
    if (strspn(p, "0123456789abcdef") != 64 || p[64] != '"')
        return -1;
    memcpy(out, p, 64);
    out[64] = '\0';
    return 0;
}

/* The flow's store scope: "<network or nodes>.<wallet address>". */
static void session_scope(char *out, size_t len, const session_req *r)
{
    size_t i, n;

    n = (size_t)snprintf(out, len, "%s.%s",
                         r->net != NULL ? r->net->name : "nodes",
                         r->wallet->address);
    for (i = 0; i < n && i < len; i++)
        if (out[i] >= 'A' && out[i] <= 'F')
            out[i] = (char)(out[i] - 'A' + 'a');
}

static void session_run(serve *s, session_req *r, serve_signed *sig,
                        serve_outcome *o)
{
    lithsm_flow_params fp;
    wallet_call wc = { r->wallet, sig, 0, 0, NULL, NULL, LITHSM_OK };
    char scope[128], *out = NULL;
    lithsm_err err;
    int ok;

    if (r->net != NULL) {
        if (network_snapshot(r->net, r->nonce, &r->urls, &r->n_nodes, o) != 0)
            return;
        r->nodes = (const char **)r->urls;
    }
    session_scope(scope, sizeof(scope), r);
    memset(&fp, 0, sizeof(fp));
    fp.node_urls = r->nodes;
    fp.n_nodes = r->n_nodes;
    fp.nonce = r->net != NULL ? r->nonce : lit_str(r->m[SS_NONCE]);
    fp.auth_callback = wallet_sign;
    fp.auth_arg = &wc;
    fp.requests = r->reqs;
    fp.capabilities = (const char *const *)r->caps;
    fp.n_capabilities = r->n_caps;
    fp.expiration = lit_str(r->m[SS_EXPIRATION]);
    fp.domain = lit_str(r->m[SS_DOMAIN]);
    fp.statement = lit_str(r->m[SS_STATEMENT]);
    fp.store = s->store;
    fp.store_scope = scope;
    err = lithsm_get_session_sigs(&out, NULL, &fp);
    if (err == LITHSM_ERR_NETWORK && serve_is_pg(s->cfg.store) &&
        strstr(lithsm_last_error(), "postgresql store") != NULL)
        serve_metrics_db_error(s, SERVE_DB_STORE);
    if (err != LITHSM_OK) {
        /* The store's token (store_wrap_key) may be the one away. */
        lit_lib_failed(o, err,
                       wc.unavailable ||
                           (err == LITHSM_ERR_PKCS11 &&
                            lithsm_last_error_token_unavailable()),
                       "cannot make the SessionSigs");
        return;
    }
    ok = session_key_of(sig->session_key, out) == 0 &&
         (o->answer = serve_raw_answer(out)) != NULL;
    lithsm_free(out);
    if (!ok) {
        lit_fail(o, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                 "out of memory");
        return;
    }
    o->decision = "allowed";
    o->session_key = sig->session_key;
    if (wc.made) {
        o->digest = sig->digest;
        o->signature = sig->signature;
    }
}

void lit_session_sigs(serve *s, serve_request *req, json_object *body,
                      serve_signed *sig, serve_outcome *o)
{
    session_req r;
    char reason[LIT_REASON_MAX];
    const char *code;
    unsigned status;

    memset(&r, 0, sizeof(r));
    status = session_check(s, &r, body, o, &code, reason, sizeof(reason));
    if (status != 0)
        lit_fail(o, status, code, reason);
    else if (serve_ask_policy(s, req, "session-sigs", o->key, o))
        session_run(s, &r, sig, o);
    session_req_free(&r);
}
