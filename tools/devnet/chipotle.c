/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * chipotle.c - the devnet's check of Lit Chipotle ChainSecured proofs
 * (lit-networks-2026.md), done as the Chipotle API server does it, on the
 * RPC endpoint's /core/v1/ routes:
 *
 *   POST /core/v1/create_wallet_with_signature       CreateWallet
 *   POST /core/v1/add_usage_api_key_with_signature   AddUsageApiKey
 *   POST /core/v1/convert_to_chain_secured_account   ConvertAccount
 *   POST /core/v1/billing_auth_with_signature        BillingAuth (the
 *        devnet's name: Lit documents no billing route)
 *
 * The body, at most 4 KiB, is {"typed_data": object or JSON string,
 * "signature": "0x" + 130 hex} (ConvertAccount also takes
 * "new_admin_wallet_address"), nothing else.  The typed data must have
 * exactly the types EIP712Domain [name string, version string, chainId
 * uint256] and the route's primary type [address address, issuedAt
 * uint256], the domain {name "Lit ChainSecured", version "1", chainId the
 * devnet's}, an issuedAt within 300 s of now, and a signature whose
 * signer (EIP-712 digest, ecrecover) is message.address.  It signs and
 * stores nothing: 200 {"ok":true,...} or 4xx {"ok":false,"error":WORD,
 * "message":...}.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define CHIPOTLE_MAX_BODY 4096u
#define CHIPOTLE_WINDOW_S 300
#define ROUTE_PREFIX "/core/v1/"

static const struct route {
    const char *path;
    const char *primary;
    int admin_field; /* takes new_admin_wallet_address */
} routes[] = {
    { ROUTE_PREFIX "create_wallet_with_signature", "CreateWallet", 0 },
    { ROUTE_PREFIX "add_usage_api_key_with_signature", "AddUsageApiKey", 0 },
    { ROUTE_PREFIX "convert_to_chain_secured_account", "ConvertAccount", 1 },
    { ROUTE_PREFIX "billing_auth_with_signature", "BillingAuth", 0 },
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

int devnet_chipotle_route(const char *url)
{
    return strncmp(url, ROUTE_PREFIX, strlen(ROUTE_PREFIX)) == 0;
}

static enum MHD_Result reject(struct MHD_Connection *conn, unsigned status,
                              const char *word, const char *message)
{
    json_object *o = json_object_new_object();

    if (o != NULL &&
        (json_object_object_add(o, "ok", json_object_new_boolean(0)) != 0 ||
         cli_json_add_str(o, "error", word) != 0 ||
         cli_json_add_str(o, "message", message) != 0)) {
        json_object_put(o);
        o = NULL;
    }
    return devnet_respond_json(conn, status, o);
}

/* 1 when obj is an object whose keys are exactly names[0..n). */
static int exact_keys(json_object *obj, const char *const *names, size_t n)
{
    size_t i;

    if (!json_object_is_type(obj, json_type_object) ||
        (size_t)json_object_object_length(obj) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (!json_object_object_get_ex(obj, names[i], NULL))
            return 0;
    return 1;
}

/* 1 when list is exactly [{name: n[0], type: t[0]}, ...] (k entries). */
static int exact_fields(json_object *list, const char *const *n,
                        const char *const *t, size_t k)
{
    static const char *const entry[] = { "name", "type" };
    json_object *e, *v;
    size_t i;

    if (!json_object_is_type(list, json_type_array) ||
        json_object_array_length(list) != k)
        return 0;
    for (i = 0; i < k; i++) {
        e = json_object_array_get_idx(list, i);
        if (!exact_keys(e, entry, 2) ||
            !json_object_object_get_ex(e, "name", &v) ||
            !json_object_is_type(v, json_type_string) ||
            strcmp(json_object_get_string(v), n[i]) != 0 ||
            !json_object_object_get_ex(e, "type", &v) ||
            !json_object_is_type(v, json_type_string) ||
            strcmp(json_object_get_string(v), t[i]) != 0)
            return 0;
    }
    return 1;
}

/* The shape the server takes; NULL, or the reason word for a 400. */
static const char *check_shape(json_object *td, const char *primary,
                               const char **message)
{
    static const char *const top[] = { "types", "primaryType", "domain",
                                       "message" };
    static const char *const dom_n[] = { "name", "version", "chainId" };
    static const char *const dom_t[] = { "string", "string", "uint256" };
    static const char *const msg_n[] = { "address", "issuedAt" };
    static const char *const msg_t[] = { "address", "uint256" };
    const char *const type_names[] = { "EIP712Domain", primary };
    json_object *types, *v;

    *message = "typed_data is not {types, primaryType, domain, message}";
    if (!exact_keys(td, top, 4))
        return "bad_typed_data";
    json_object_object_get_ex(td, "primaryType", &v);
    *message = "primaryType is not the one of this route";
    if (!json_object_is_type(v, json_type_string) ||
        strcmp(json_object_get_string(v), primary) != 0)
        return "wrong_primary_type";
    json_object_object_get_ex(td, "types", &types);
    *message = "types must be exactly EIP712Domain(string name,string "
               "version,uint256 chainId) and the primary type(address "
               "address,uint256 issuedAt)";
    if (!exact_keys(types, type_names, 2) ||
        !json_object_object_get_ex(types, "EIP712Domain", &v) ||
        !exact_fields(v, dom_n, dom_t, 3) ||
        !json_object_object_get_ex(types, primary, &v) ||
        !exact_fields(v, msg_n, msg_t, 2))
        return "wrong_types";
    return NULL;
}

/* message.issuedAt as seconds: a JSON integer, a decimal or a 0x string
 * (the EIP-712 parser has checked it is a uint256).  0 when it does not
 * fit 63 bits, which no clock is near. */
static int64_t issued_at(json_object *td)
{
    json_object *m, *v;
    const char *s;
    char *end;
    unsigned long long n;

    if (!json_object_object_get_ex(td, "message", &m) ||
        !json_object_object_get_ex(m, "issuedAt", &v))
        return 0;
    if (json_object_is_type(v, json_type_int))
        return json_object_get_int64(v);
    s = json_object_get_string(v);
    if (strncmp(s, "0x", 2) == 0)
        n = strtoull(s + 2, &end, 16);
    else
        n = strtoull(s, &end, 10);
    if (*end != '\0' || n > INT64_MAX || strlen(s) > 20)
        return 0;
    return (int64_t)n;
}

/* Domain values, time window and signer, on parsed typed data. */
static const char *check_proof(const devnet *net, const lithsm_typed_data *t,
                               json_object *td, const char *sig_hex,
                               const char **message)
{
    const char *name, *version, *chain;
    size_t name_len, version_len;
    char want_chain[24];
    uint8_t digest[32], sig[65];
    lithsm_eth_address signer, claimed;
    json_object *m, *v;
    int64_t now = lithsm_time_now_ms() / 1000, at;

    name = lithsm_typed_data_domain_name(t, &name_len);
    version = lithsm_typed_data_domain_version(t, &version_len);
    chain = lithsm_typed_data_domain_chain_id(t);
    snprintf(want_chain, sizeof(want_chain), "%" PRIu64, net->chain_id);
    *message = "the domain must be {name \"Lit ChainSecured\", version \"1\", "
               "chainId the server's}";
    if (name == NULL || name_len != 16 ||
        memcmp(name, "Lit ChainSecured", 16) != 0 || version == NULL ||
        version_len != 1 || version[0] != '1' || chain == NULL ||
        strcmp(chain, want_chain) != 0)
        return "wrong_domain";
    at = issued_at(td);
    *message = "issuedAt is more than 300 s from the server's clock";
    if (at == 0 || at > now + CHIPOTLE_WINDOW_S || at < now - CHIPOTLE_WINDOW_S)
        return "stale_proof";
    *message = "signature is not 0x + 65 bytes in hex, or recovers no key";
    lithsm_typed_data_digest(digest, t);
    if (strlen(sig_hex) != 132 || strncmp(sig_hex, "0x", 2) != 0 ||
        lithsm_hex_decode(sig, sizeof(sig), sig_hex, 132) != LITHSM_OK ||
        lithsm_eth_recover(&signer, digest, sig, sizeof(sig)) != LITHSM_OK)
        return "bad_signature";
    json_object_object_get_ex(td, "message", &m);
    json_object_object_get_ex(m, "address", &v);
    *message = "the signer is not message.address";
    if (lithsm_eth_address_parse(&claimed, json_object_get_string(v), 0) !=
            LITHSM_OK ||
        memcmp(claimed.bytes, signer.bytes, 20) != 0)
        return "signer_mismatch";
    return NULL;
}

/* typed_data as an object: itself, or the object its JSON string holds
 * (a new reference either way; NULL when it is neither). */
static json_object *typed_data_of(json_object *v)
{
    json_object *doc;
    request inner;

    if (json_object_is_type(v, json_type_object))
        return json_object_get(v);
    if (!json_object_is_type(v, json_type_string))
        return NULL;
    memset(&inner, 0, sizeof(inner));
    inner.body = (char *)json_object_get_string(v);
    inner.len = (size_t)json_object_get_string_len(v);
    doc = devnet_parse_body(&inner);
    if (!json_object_is_type(doc, json_type_object)) {
        json_object_put(doc);
        return NULL;
    }
    return doc;
}

/* The body's members: typed_data and signature (and the admin address
 * for ConvertAccount), nothing else.  NULL, or the reason word. */
static const char *check_body(json_object *body, const struct route *r,
                              json_object **td, const char **sig,
                              const char **message)
{
    static const char *const base[] = { "typed_data", "signature",
                                        "new_admin_wallet_address" };
    lithsm_eth_address admin;
    json_object *v;

    *message = r->admin_field ? "the body must be {typed_data, signature, "
                                "new_admin_wallet_address}"
                              : "the body must be {typed_data, signature}";
    if (!json_object_is_type(body, json_type_object))
        return "bad_body";
    if (!exact_keys(body, base, r->admin_field ? 3 : 2)) {
        json_object_object_foreach(body, key, val)
        {
            (void)val;
            if (strcmp(key, base[0]) != 0 && strcmp(key, base[1]) != 0 &&
                (!r->admin_field || strcmp(key, base[2]) != 0))
                return "unknown_field";
        }
        return "missing_field";
    }
    if (r->admin_field) {
        json_object_object_get_ex(body, base[2], &v);
        *message = "new_admin_wallet_address is not an address";
        if (!json_object_is_type(v, json_type_string) ||
            lithsm_eth_address_parse(&admin, json_object_get_string(v), 0) !=
                LITHSM_OK)
            return "bad_body";
    }
    json_object_object_get_ex(body, "signature", &v);
    *message = "signature is not a string";
    if (!json_object_is_type(v, json_type_string))
        return "bad_signature";
    *sig = json_object_get_string(v);
    json_object_object_get_ex(body, "typed_data", &v);
    *message = "typed_data is neither an object nor a JSON string of one";
    if ((*td = typed_data_of(v)) == NULL)
        return "bad_typed_data";
    return NULL;
}

/* The checks after the body's shape: NULL, or the reason word; *status
 * the HTTP status for it. */
static const char *check_all(const devnet *net, const struct route *r,
                             json_object *td, const char *sig, unsigned *status,
                             const char **message, char *detail,
                             size_t detail_len)
{
    lithsm_typed_data *t = NULL;
    const char *text, *word;

    *status = MHD_HTTP_BAD_REQUEST;
    if ((word = check_shape(td, r->primary, message)) != NULL)
        return word;
    text = json_object_to_json_string_ext(td, JSON_FLAGS);
    if (text == NULL ||
        lithsm_typed_data_parse(&t, text, strlen(text)) != LITHSM_OK) {
        snprintf(detail, detail_len, "%.300s", lithsm_last_error());
        *message = detail;
        return "bad_typed_data";
    }
    word = check_proof(net, t, td, sig, message);
    lithsm_typed_data_free(t);
    if (word != NULL && strcmp(word, "wrong_domain") != 0)
        *status = MHD_HTTP_UNAUTHORIZED;
    return word;
}

static enum MHD_Result accept_proof(struct MHD_Connection *conn,
                                    const struct route *r, json_object *td)
{
    json_object *o = json_object_new_object(), *m, *v;
    lithsm_eth_address a;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];

    json_object_object_get_ex(td, "message", &m);
    json_object_object_get_ex(m, "address", &v);
    if (lithsm_eth_address_parse(&a, json_object_get_string(v), 0) !=
        LITHSM_OK) {
        json_object_put(o);
        return reject(conn, MHD_HTTP_BAD_REQUEST, "bad_typed_data",
                      "message.address");
    }
    lithsm_eth_address_to_text(text, &a);
    if (o != NULL &&
        (json_object_object_add(o, "ok", json_object_new_boolean(1)) != 0 ||
         cli_json_add_str(o, "primaryType", r->primary) != 0 ||
         cli_json_add_str(o, "address", text) != 0 ||
         cli_json_add_int(o, "issuedAt", issued_at(td)) != 0)) {
        json_object_put(o);
        o = NULL;
    }
    return devnet_respond_json(conn, MHD_HTTP_OK, o);
}

enum MHD_Result devnet_chipotle(devnet_node *node, struct MHD_Connection *conn,
                                const char *url, const char *method,
                                const request *req)
{
    const struct route *r = NULL;
    json_object *body, *td = NULL;
    const char *word, *message, *sig = NULL;
    char detail[320];
    unsigned status = MHD_HTTP_BAD_REQUEST;
    enum MHD_Result ret;
    size_t i;

    for (i = 0; i < N_ROUTES; i++)
        if (strcmp(url, routes[i].path) == 0)
            r = &routes[i];
    if (r == NULL)
        return reject(conn, MHD_HTTP_NOT_FOUND, "not_found",
                      "no such ChainSecured route");
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
        return reject(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method", "POST only");
    if (req->too_large || req->len > CHIPOTLE_MAX_BODY)
        return reject(conn, MHD_HTTP_CONTENT_TOO_LARGE, "body_too_large",
                      "the body is over 4 KiB");
    body = devnet_parse_body(req);
    if (body == NULL)
        return reject(conn, MHD_HTTP_BAD_REQUEST, "bad_json",
                      "the body is not JSON");
    word = check_body(body, r, &td, &sig, &message);
    if (word == NULL)
        word = check_all(node->net, r, td, sig, &status, &message, detail,
                         sizeof(detail));
    ret = word != NULL ? reject(conn, status, word, message)
                       : accept_proof(conn, r, td);
    json_object_put(td);
    json_object_put(body);
    return ret;
}
