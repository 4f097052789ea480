/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * flow.c - getSessionSigs (js7 lit-node-client-nodejs.ts l.1876): the
 * session key and wallet AuthSig come from the store while still good,
 * then one SessionSig per node.
 *
 * Decisions (see lithsm_flow.h):
 *  - One store entry per (scope, wallet): "<scope>.<0x lowercase wallet>.
 *    session", or "<scope>.callback.session" for an auth callback, holding
 *    {"sessionKey":"<128 hex secret>","walletSig":<AuthSig>,"version":1}.
 *    An entry that is not exactly that (torn, truncated, garbage, a secret
 *    that is not a key) is removed and a new session key made: never
 *    trusted (removed under the store's lock when it has one).
 *  - Reuse follows checkNeedToResignSessionKey (reference 10.2): a stored
 *    wallet AuthSig is reused while a node would take it as a capability
 *    now (lithsm_authsig_verify: its SIWE parses, now is inside [Not
 *    Before, Expiration Time), its EIP-191 signature recovers to the SIWE
 *    address and its "address" field is that address, as 11.3), for a
 *    wallet signer that address is the signer's, its URI is
 *    lit:session:<stored key> and resources[0] is a ReCap covering every
 *    request.  Otherwise the same session key gets a new wallet AuthSig
 *    (the SDK keeps its session key too).  For algo "LIT_BLS" (a PKP)
 *    lithsm cannot check the BLS signature: it checks Issued At <= now and
 *    the rest, and the node checks the signature.
 *  - The SessionSig expires at the requested expiration, or at the wallet
 *    SIWE's Expiration Time when that comes first (a reused AuthSig): a
 *    SessionSig never outlives the AuthSig it carries.  A fresh AuthSig has
 *    the requested expiration, so nothing changes there (byte-equal to the
 *    SDK).
 *  - An auth callback's AuthSig gets the same check; if it fails, the
 *    callback runs once more and that result is used as long as it is an
 *    AuthSig object (the SDK's behaviour).
 *  - A store that cannot be read or written fails the call: a broken store
 *    is a configuration error, better reported than silently ignored.
 *  - A new session is made under the store's lock on the entry (when the
 *    store has one, lithsm_store_set_lock): read, and when nothing usable
 *    is there, lock, read again (another process may have just written
 *    one: then it is used and the wallet does not sign), and only then
 *    make the key, have the wallet sign, write, unlock.  So the flows of
 *    every process sharing the store make one session, and the wallet
 *    signs once.  A usable entry is used without the lock.  With a store
 *    without a lock concurrent callers may each make a key and an
 *    AuthSig; the last write wins and every caller's result is valid.
 *  - An expiration that is not after now is refused (the SDK would sign
 *    session sigs no node accepts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "flow/flow.h"
#include "store/store.h"
#include "verify/verify.h"

#define DAY_MS (24LL * 3600 * 1000)
#define ENTRY_PREFIX "{\"sessionKey\":\""
#define WHO_LEN (LITHSM_ETH_ADDRESS_TEXT_LEN + 1)

typedef struct flow {
    const lithsm_flow_params *p;
    int64_t now;
    char issued[LITHSM_TIME_LEN + 1];
    char exp_buf[LITHSM_TIME_LEN + 1];
    const char *expiration; /* requested: p->expiration or exp_buf */
    int64_t exp_ms;
    char nonce_buf[67];
    const char *nonce;
    const char *const *urls; /* p->node_urls, or urls_owned */
    const char **urls_owned;
    size_t n_urls;
    int have_wallet;
    lithsm_eth_address wallet;
    char key_name[LITHSM_STORE_KEY_MAX + 1];
} flow;

/* ------------------------------------------------------------------------
 * The reuse check (checkNeedToResignSessionKey)
 */

/* The AuthSig JSON text parsed, when it is an object with string sig,
 * signedMessage and address (what lithsm_sessionsigs needs of a
 * capability); NULL otherwise. */
static json_object *parse_authsig(const char *text)
{
    json_object *obj = NULL;

    if (text == NULL || lithsm_json_parse(&obj, text, strlen(text),
                                          "wallet AuthSig") != LITHSM_OK)
        return NULL;
    if (!json_object_is_type(obj, json_type_object) ||
        lithsm_json_get_str(obj, "sig") == NULL ||
        lithsm_json_get_str(obj, "signedMessage") == NULL ||
        lithsm_json_get_str(obj, "address") == NULL) {
        json_object_put(obj);
        return NULL;
    }
    return obj;
}

static int covers_all(const char *urn, const lithsm_requests *reqs)
{
    lithsm_recap *recap = NULL;
    size_t i, n = lithsm_requests_count(reqs);
    int ok = 1;

    if (lithsm_recap_decode(&recap, urn) != LITHSM_OK)
        return 0;
    for (i = 0; i < n && ok; i++) {
        lithsm_ability ability;
        const char *prefix, *resource;

        ok = lithsm_requests_get(reqs, i, &ability, &prefix, &resource, NULL) ==
                 LITHSM_OK &&
             lithsm_recap_covers(recap, prefix, resource, ability);
    }
    lithsm_recap_free(recap);
    return ok;
}

/* The AuthSig's "algo": 1 for a PKP's "LIT_BLS", 0 for an ECDSA one (no
 * algo, or "ed25519" as the SDK writes), -1 for anything else. */
static int authsig_is_bls(json_object *obj)
{
    json_object *v;
    const char *algo;

    if (!json_object_object_get_ex(obj, "algo", &v))
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return -1;
    algo = json_object_get_string(v);
    if (strcmp(algo, "ed25519") == 0)
        return 0;
    return strcmp(algo, "LIT_BLS") == 0 ? 1 : -1;
}

/* 1 when the wallet AuthSig can be used for session key `pk_hex` and these
 * requests at fl->now; 0 when it must be signed again.  The AuthSig rule
 * is a node's (lithsm_authsig_verify); a BLS signature is left to the node,
 * which no one can check here, and its Issued At must not be ahead. */
static int authsig_reusable(const flow *fl, const char *authsig,
                            const char *pk_hex)
{
    json_object *obj = parse_authsig(authsig);
    lithsm_authsig_check check;
    const lithsm_siwe *f;
    const char *sig, *text;
    int64_t t;
    int bls, ok = 0;

    memset(&check, 0, sizeof(check));
    if (obj == NULL || (bls = authsig_is_bls(obj)) < 0)
        goto done;
    sig = lithsm_json_get_str(obj, "sig");
    text = lithsm_json_get_str(obj, "signedMessage");
    if (lithsm_authsig_verify(&check, sig, strlen(sig), text, strlen(text),
                              lithsm_json_get_str(obj, "address"), fl->now,
                              !bls) != LITHSM_OK ||
        check.verdict != LITHSM_AUTHSIG_VALID)
        goto done;
    f = lithsm_siwe_msg_fields(check.siwe);
    if (fl->have_wallet && memcmp(check.siwe_address.bytes, fl->wallet.bytes,
                                  sizeof(fl->wallet.bytes)) != 0)
        goto done;
    if (bls &&
        (lithsm_time_parse(&t, f->issued_at) != LITHSM_OK || t > fl->now))
        goto done;
    if (strncmp(f->uri, "lit:session:", 12) != 0 ||
        strcmp(f->uri + 12, pk_hex) != 0)
        goto done;
    if (f->n_resources == 0 || !covers_all(f->resources[0], fl->p->requests))
        goto done;
    ok = 1;

done:
    lithsm_authsig_check_clear(&check);
    json_object_put(obj);
    return ok;
}

/* ------------------------------------------------------------------------
 * Store entries
 */

/* Reads an entry written by store_entry().  `value` is ours: the secret in
 * it is overwritten before the JSON parser sees it, so no copy of the
 * secret is left in json-c's buffers.  Any deviation: LITHSM_ERR_PARSE. */
static lithsm_err parse_entry(lithsm_session_key **key_out, char **authsig_out,
                              char *value)
{
    size_t plen = strlen(ENTRY_PREFIX), n;
    char secret[129];
    char *hex, *end;
    json_object *obj = NULL, *v, *wallet;
    lithsm_buf b;
    lithsm_err err;

    *key_out = NULL;
    *authsig_out = NULL;
    if (strncmp(value, ENTRY_PREFIX, plen) != 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store entry: does not start with sessionKey");
    hex = value + plen;
    end = strchr(hex, '"');
    n = end ? (size_t)(end - hex) : 0;
    if (n != 64 && n != 128)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store entry: sessionKey is not 64 or 128 hex");
    memcpy(secret, hex, n);
    secret[n] = '\0';
    memset(hex, '0', n);
    err = lithsm_session_key_from_secret_hex(key_out, secret);
    lithsm_memzero(secret, sizeof(secret));
    if (err != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store entry: sessionKey is not a session key");

    err = lithsm_json_parse(&obj, value, strlen(value), "store entry");
    if (err != LITHSM_OK)
        goto fail;
    err = LITHSM_ERR_PARSE;
    if (!json_object_object_get_ex(obj, "version", &v) ||
        !json_object_is_type(v, json_type_int) || json_object_get_int(v) != 1)
        goto fail;
    if (!json_object_object_get_ex(obj, "walletSig", &wallet) ||
        !json_object_is_type(wallet, json_type_object) ||
        lithsm_json_get_str(wallet, "sig") == NULL ||
        lithsm_json_get_str(wallet, "signedMessage") == NULL ||
        lithsm_json_get_str(wallet, "address") == NULL)
        goto fail;
    lithsm_buf_init(&b);
    lithsm_buf_json_value(&b, wallet);
    err = lithsm_buf_finish(&b, authsig_out, NULL);
    if (err != LITHSM_OK)
        goto fail;
    /* Exactly what store_entry() writes (the final newline optional): a
     * member added, repeated or reordered, or other spacing, is a
     * deviation too (json-c keeps one of repeated members silently). */
    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, ENTRY_PREFIX);
    lithsm_buf_add(&b, hex, n); /* the zeroed secret, as in value now */
    lithsm_buf_puts(&b, "\",\"walletSig\":");
    lithsm_buf_puts(&b, *authsig_out);
    lithsm_buf_puts(&b, ",\"version\":1}");
    if (b.failed) {
        err = LITHSM_ERR_NOMEM;
    } else if (strncmp(value, b.data, b.len) != 0 ||
               (value[b.len] != '\0' && strcmp(value + b.len, "\n") != 0)) {
        err = LITHSM_ERR_PARSE;
    }
    lithsm_buf_free(&b);
    if (err != LITHSM_OK)
        goto fail;
    json_object_put(obj);
    return LITHSM_OK;

fail:
    json_object_put(obj);
    lithsm_session_key_free(*key_out);
    *key_out = NULL;
    free(*authsig_out);
    *authsig_out = NULL;
    if (err == LITHSM_ERR_NOMEM)
        return lithsm_fail(err, "store entry: out of memory");
    return lithsm_fail(LITHSM_ERR_PARSE,
                       "store entry: not {sessionKey, walletSig, version 1}");
}

/* For tests/fuzz: parse_entry() on its own. */
lithsm_err lithsm_flow_parse_entry(lithsm_session_key **key_out,
                                   char **authsig_out, char *value)
{
    return parse_entry(key_out, authsig_out, value);
}

/* Loads the entry: *key_out stays NULL when there is none usable (a bad
 * one has been removed when `remove_bad`: only under the store's lock when
 * it has one, or the entry another flow just wrote could be the one
 * removed). */
static lithsm_err load_entry(const flow *fl, lithsm_session_key **key_out,
                             char **authsig_out, int remove_bad)
{
    char *value = NULL;
    lithsm_err err;

    err = lithsm_store_get(fl->p->store, fl->key_name, &value);
    if (err == LITHSM_ERR_PARSE || err == LITHSM_ERR_RANGE)
        return remove_bad ? lithsm_store_remove(fl->p->store, fl->key_name)
                          : LITHSM_OK;
    if (err != LITHSM_OK || value == NULL)
        return err;
    err = parse_entry(key_out, authsig_out, value);
    lithsm_memzero(value, strlen(value));
    free(value);
    if (err == LITHSM_ERR_PARSE)
        return remove_bad ? lithsm_store_remove(fl->p->store, fl->key_name)
                          : LITHSM_OK;
    return err;
}

static void drop_entry(lithsm_session_key **key, char **authsig)
{
    lithsm_session_key_free(*key);
    *key = NULL;
    free(*authsig);
    *authsig = NULL;
}

/* load_entry(), and *authsig_out = NULL when the stored AuthSig must be
 * signed again (the session key is kept: the SDK keeps it too). */
static lithsm_err load_checked(const flow *fl, lithsm_session_key **key_out,
                               char **authsig_out, int remove_bad)
{
    char pk_hex[65];
    lithsm_err err = load_entry(fl, key_out, authsig_out, remove_bad);

    if (err != LITHSM_OK || *key_out == NULL)
        return err;
    lithsm_session_key_public_hex(pk_hex, *key_out);
    if (!authsig_reusable(fl, *authsig_out, pk_hex)) {
        free(*authsig_out);
        *authsig_out = NULL;
    }
    return LITHSM_OK;
}

static lithsm_err store_entry(const flow *fl, const lithsm_session_key *key,
                              const char *authsig)
{
    char secret[129];
    json_object *obj = parse_authsig(authsig);
    lithsm_buf b;
    char *value = NULL;
    lithsm_err err;

    if (obj == NULL)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store: the wallet AuthSig is not an AuthSig");
    err = lithsm_session_key_secret_hex(secret, key);
    if (err != LITHSM_OK) {
        json_object_put(obj);
        return err;
    }
    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, ENTRY_PREFIX);
    lithsm_buf_puts(&b, secret);
    lithsm_buf_puts(&b, "\",\"walletSig\":");
    lithsm_buf_json_value(&b, obj);
    lithsm_buf_puts(&b, ",\"version\":1}\n");
    lithsm_memzero(secret, sizeof(secret));
    json_object_put(obj);
    err = lithsm_buf_finish(&b, &value, NULL);
    if (err != LITHSM_OK)
        return lithsm_fail(err, "store: out of memory");
    err = lithsm_store_put(fl->p->store, fl->key_name, value);
    lithsm_memzero(value, strlen(value));
    free(value);
    return err;
}

/* ------------------------------------------------------------------------
 * The flow
 */

static lithsm_err resolve(flow *fl, lithsm_client *client)
{
    const lithsm_flow_params *p = fl->p;
    lithsm_err err;
    size_t i;

    fl->now = p->now_ms != 0 ? p->now_ms : lithsm_time_now_ms();
    err = lithsm_time_format(fl->issued, fl->now);
    if (err != LITHSM_OK)
        return err;
    if (p->expiration != NULL) {
        if (lithsm_time_parse(&fl->exp_ms, p->expiration) != LITHSM_OK)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "session sigs: expiration is not RFC 3339: "
                               "%.40s",
                               p->expiration);
        fl->expiration = p->expiration;
    } else {
        fl->exp_ms = fl->now + DAY_MS;
        err = lithsm_time_format(fl->exp_buf, fl->exp_ms);
        if (err != LITHSM_OK)
            return err;
        fl->expiration = fl->exp_buf;
    }
    if (fl->exp_ms <= fl->now)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session sigs: expiration %.40s is not after now",
                           fl->expiration);

    /* The blockhash first: refreshing it may handshake again. */
    fl->nonce = p->nonce;
    if (fl->nonce == NULL) {
        if (client == NULL)
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "session sigs: give a nonce or a client");
        err = lithsm_client_blockhash(client, fl->nonce_buf);
        if (err != LITHSM_OK)
            return err;
        fl->nonce = fl->nonce_buf;
    }
    if (p->node_urls != NULL) {
        fl->urls = p->node_urls;
        fl->n_urls = p->n_nodes;
    } else {
        if (client == NULL)
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "session sigs: give node URLs or a client");
        fl->n_urls = lithsm_client_node_count(client);
        if (fl->n_urls == 0)
            return lithsm_fail(LITHSM_ERR_PROTOCOL,
                               "session sigs: the client has no nodes");
        fl->urls_owned = calloc(fl->n_urls, sizeof(*fl->urls_owned));
        if (fl->urls_owned == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "session sigs: out of memory");
        for (i = 0; i < fl->n_urls; i++)
            fl->urls_owned[i] = lithsm_client_node_url(client, i);
        fl->urls = fl->urls_owned;
    }
    if (fl->n_urls == 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session sigs: no node URLs");
    return LITHSM_OK;
}

static lithsm_err make_key_name(flow *fl)
{
    const char *scope = fl->p->store_scope ? fl->p->store_scope : "default";
    char who[WHO_LEN];
    int n;

    if (fl->have_wallet) {
        memcpy(who, "0x", 2);
        if (lithsm_hex_encode(who + 2, sizeof(who) - 2, fl->wallet.bytes,
                              sizeof(fl->wallet.bytes)) != LITHSM_OK)
            return lithsm_fail(LITHSM_ERR_INVALID_ARG, "session sigs: hex");
    } else {
        memcpy(who, "callback", sizeof("callback"));
    }
    n = snprintf(fl->key_name, sizeof(fl->key_name), "%s.%s.session", scope,
                 who);
    if (n < 0 || (size_t)n >= sizeof(fl->key_name) ||
        !lithsm_store_key_valid(fl->key_name))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session sigs: store scope \"%.60s\" must be "
                           "a-z, 0-9, '.', '_', '-' and not start with '.'",
                           scope);
    return LITHSM_OK;
}

/* A new wallet AuthSig for session key `pk_hex`. */
static lithsm_err sign_wallet(const flow *fl, char **authsig_out,
                              const char *pk_hex)
{
    const lithsm_flow_params *p = fl->p;
    lithsm_session_siwe_params sp;
    json_object *obj;
    lithsm_err err;
    int call;

    memset(&sp, 0, sizeof(sp));
    sp.session_pubkey_hex = pk_hex;
    sp.requests = p->requests;
    sp.nonce = fl->nonce;
    sp.domain = p->domain ? p->domain : "localhost";
    sp.statement = p->statement ? p->statement : LITHSM_DEFAULT_STATEMENT;
    sp.issued_at = fl->issued;
    sp.expiration = fl->expiration;
    if (p->wallet != NULL)
        return lithsm_wallet_authsig(authsig_out, p->wallet, &sp);

    for (call = 1; call <= 2; call++) {
        *authsig_out = NULL;
        err = p->auth_callback(authsig_out, &sp, p->auth_arg);
        if (err != LITHSM_OK) {
            char why[256];

            /* Copied: lithsm_fail() rewrites the buffer it points into. */
            snprintf(why, sizeof(why), "%s", lithsm_last_error());
            free(*authsig_out);
            *authsig_out = NULL;
            return lithsm_fail(err,
                               "session sigs: the auth callback failed: "
                               "%s",
                               why);
        }
        if (call == 1 && authsig_reusable(fl, *authsig_out, pk_hex))
            return LITHSM_OK;
        if (call == 2) {
            obj = parse_authsig(*authsig_out);
            if (obj != NULL) {
                json_object_put(obj);
                return LITHSM_OK;
            }
        }
        free(*authsig_out);
        *authsig_out = NULL;
    }
    return lithsm_fail(LITHSM_ERR_PROTOCOL,
                       "session sigs: the auth callback did not return an "
                       "AuthSig object with sig, signedMessage and address");
}

/* The SessionSig's expiration: the requested one, or the wallet SIWE's
 * Expiration Time when that comes first. */
static lithsm_err session_expiration(const flow *fl,
                                     char out[LITHSM_TIME_LEN + 1],
                                     const char **exp_out, const char *authsig)
{
    int64_t wallet_exp = INT64_MAX;
    json_object *obj = parse_authsig(authsig);
    lithsm_siwe_msg *msg = NULL;
    const char *text;
    lithsm_err err = LITHSM_OK;

    *exp_out = fl->expiration;
    if (obj == NULL)
        return LITHSM_OK;
    text = lithsm_json_get_str(obj, "signedMessage");
    if (lithsm_siwe_parse(&msg, text, strlen(text)) == LITHSM_OK) {
        const lithsm_siwe *f = lithsm_siwe_msg_fields(msg);

        if (f->expiration_time == NULL ||
            lithsm_time_parse(&wallet_exp, f->expiration_time) != LITHSM_OK)
            wallet_exp = INT64_MAX;
    }
    if (wallet_exp < fl->exp_ms) {
        err = lithsm_time_format(out, wallet_exp);
        if (err == LITHSM_OK)
            *exp_out = out;
    }
    lithsm_siwe_msg_free(msg);
    json_object_put(obj);
    return err;
}

static lithsm_err check_params(const lithsm_flow_params *p)
{
    if (p->requests == NULL || lithsm_requests_count(p->requests) == 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session sigs: at least one resource-ability "
                           "request is required");
    if ((p->wallet == NULL) == (p->auth_callback == NULL))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session sigs: give either a wallet signer or an "
                           "auth callback");
    if (p->n_capabilities > 0 && p->capabilities == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session sigs: %zu capabilities announced, none "
                           "given",
                           p->n_capabilities);
    if (p->node_urls != NULL && p->n_nodes == 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session sigs: no node URLs");
    return LITHSM_OK;
}

lithsm_err lithsm_get_session_sigs(char **json_out, lithsm_client *client,
                                   const lithsm_flow_params *p)
{
    flow fl;
    lithsm_session_key *key = NULL;
    char *authsig = NULL;
    char pk_hex[65], exp_buf[LITHSM_TIME_LEN + 1];
    lithsm_sessionsigs_params sp;
    int dirty = 0, locked = 0;
    lithsm_err err;

    if (json_out != NULL)
        *json_out = NULL;
    if (json_out == NULL || p == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session sigs: NULL argument");
    err = check_params(p);
    if (err != LITHSM_OK)
        return err;
    memset(&fl, 0, sizeof(fl));
    fl.p = p;
    if (p->wallet != NULL) {
        lithsm_signer_address(&fl.wallet, p->wallet);
        fl.have_wallet = 1;
    }
    err = resolve(&fl, client);
    if (err != LITHSM_OK)
        goto done;

    if (p->store != NULL) {
        err = make_key_name(&fl);
        if (err == LITHSM_OK)
            err = load_checked(&fl, &key, &authsig,
                               !lithsm_store_has_lock(p->store));
        /* No usable entry: under the store's lock, read again, as another
         * process may have made one meanwhile; a usable entry takes no
         * lock, so cached sessions scale. */
        if (err == LITHSM_OK && authsig == NULL &&
            lithsm_store_has_lock(p->store)) {
            err = lithsm_store_lock(p->store, fl.key_name);
            locked = err == LITHSM_OK;
            if (locked) {
                drop_entry(&key, &authsig);
                err = load_checked(&fl, &key, &authsig, 1);
            }
        }
        if (err != LITHSM_OK)
            goto done;
    }
    if (key == NULL) {
        err = lithsm_session_key_generate(&key);
        if (err != LITHSM_OK)
            goto done;
        dirty = 1;
    }
    lithsm_session_key_public_hex(pk_hex, key);
    if (authsig == NULL) {
        err = sign_wallet(&fl, &authsig, pk_hex);
        if (err != LITHSM_OK)
            goto done;
        dirty = 1;
    }

    memset(&sp, 0, sizeof(sp));
    sp.node_urls = fl.urls;
    sp.n_nodes = fl.n_urls;
    sp.issued_at = fl.issued;
    err = session_expiration(&fl, exp_buf, &sp.expiration, authsig);
    if (err == LITHSM_OK)
        err = lithsm_flow_sign_nodes(json_out, key, p, authsig, &sp,
                                     "session sigs");
    if (err == LITHSM_OK && dirty && p->store != NULL) {
        err = store_entry(&fl, key, authsig);
        if (err != LITHSM_OK) {
            free(*json_out);
            *json_out = NULL;
        }
    }

done:
    if (locked)
        lithsm_store_unlock(p->store, fl.key_name);
    free(authsig);
    free(fl.urls_owned);
    lithsm_session_key_free(key);
    return err;
}
