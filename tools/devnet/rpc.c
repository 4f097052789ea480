/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * rpc.c - the devnet's staking JSON-RPC endpoint: eth_call of
 * getActiveUnkickedValidatorStructsAndCounts() on the staking address,
 * net_version, and the Ethereum methods of chain.c (server.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server.h"

/* The staking call lithsm and the SDK make for the validator list:
 * getActiveUnkickedValidatorStructsAndCounts(). */
#define VALIDATORS_SELECTOR "0xc51d020e"
#define EPOCH_LENGTH_S 86400
#define EPOCH_TIMEOUT_S 60

/* Writes one 32-byte ABI word holding `v` (big-endian) as 64 hex at out;
 * returns where the next word goes. */
static char *abi_u64(char *out, uint64_t v)
{
    uint8_t w[32];
    int i;

    memset(w, 0, sizeof(w));
    for (i = 0; i < 8; i++)
        w[31 - i] = (uint8_t)(v >> (8 * i));
    devnet_hex_lower(out, w, 32);
    return out + 64;
}

static char *abi_address(char *out, const uint8_t addr[20])
{
    uint8_t w[32];

    memset(w, 0, 12);
    memcpy(w + 12, addr, 20);
    devnet_hex_lower(out, w, 32);
    return out + 64;
}

/* The reply of getActiveUnkickedValidatorStructsAndCounts():
 * (Epoch{epochLength, number, endTime, retries, timeout}, minNodeCount,
 *  Validator[]{ip, ipv6, port, nodeAddress, reward, senderPubKey,
 *  receiverPubKey}) as 0x + 64 hex per word.  Caller frees. */
static char *validators_abi(const devnet *net)
{
    size_t words = 8 + 7 * net->n_nodes, i;
    char *out = malloc(2 + 64 * words + 1), *w;
    /* The epoch began a minute before the start, so that clients send
     * `number` rather than `number - 1` (SDK rule: within 45 s of its
     * start the previous epoch is used). */
    uint64_t end = (uint64_t)(net->start_s - 60 + EPOCH_LENGTH_S);

    if (out == NULL)
        return NULL;
    out[0] = '0';
    out[1] = 'x';
    w = out + 2;
    w = abi_u64(w, EPOCH_LENGTH_S);
    w = abi_u64(w, net->epoch);
    w = abi_u64(w, end);
    w = abi_u64(w, 0); /* retries */
    w = abi_u64(w, EPOCH_TIMEOUT_S);
    w = abi_u64(w, net->min_nodes);
    w = abi_u64(w, 7 * 32); /* offset of the array: 0xe0 */
    w = abi_u64(w, net->n_nodes);
    for (i = 0; i < net->n_nodes; i++) {
        const devnet_node *n = &net->nodes[i];

        w = abi_u64(w, net->ip); /* uint32 ip, big-endian */
        w = abi_u64(w, 0);       /* ipv6 */
        w = abi_u64(w, n->port);
        w = abi_address(w, n->address);
        w = abi_u64(w, 0); /* reward */
        w = abi_u64(w, 0); /* senderPubKey */
        w = abi_u64(w, 0); /* receiverPubKey */
    }
    *w = '\0';
    return out;
}

json_object *devnet_rpc_error(json_object *id, int code, const char *message)
{
    json_object *out = json_object_new_object();
    json_object *e = json_object_new_object();

    if (out == NULL || e == NULL ||
        cli_json_add_str(out, "jsonrpc", "2.0") != 0 ||
        json_object_object_add(out, "id", json_object_get(id)) != 0 ||
        cli_json_add_int(e, "code", code) != 0 ||
        cli_json_add_str(e, "message", message) != 0 ||
        json_object_object_add(out, "error", e) != 0) {
        json_object_put(e);
        json_object_put(out);
        return NULL;
    }
    return out;
}

static json_object *rpc_result(json_object *id, char *result)
{
    json_object *out = json_object_new_object();
    int ok = out != NULL && result != NULL &&
             cli_json_add_str(out, "jsonrpc", "2.0") == 0 &&
             json_object_object_add(out, "id", json_object_get(id)) == 0 &&
             cli_json_add_str(out, "result", result) == 0;

    free(result);
    if (!ok) {
        json_object_put(out);
        return NULL;
    }
    return out;
}

/* eth_call: the staking contract answers the validator query and reverts
 * on any other selector; other addresses have no code ("0x"). */
static json_object *rpc_eth_call(const devnet *net, json_object *id,
                                 json_object *params)
{
    json_object *call, *to, *data;
    const char *data_s;

    if (params == NULL || !json_object_is_type(params, json_type_array) ||
        json_object_array_length(params) < 1 ||
        (call = json_object_array_get_idx(params, 0)) == NULL ||
        !json_object_is_type(call, json_type_object) ||
        !json_object_object_get_ex(call, "to", &to) ||
        !json_object_is_type(to, json_type_string))
        return devnet_rpc_error(id, -32602,
                                "invalid params: [{to, data}, block]");
    if (strcasecmp(json_object_get_string(to), net->staking) != 0)
        return rpc_result(id, strdup("0x"));
    data_s = "";
    if ((json_object_object_get_ex(call, "data", &data) ||
         json_object_object_get_ex(call, "input", &data)) &&
        json_object_is_type(data, json_type_string))
        data_s = json_object_get_string(data);
    if (strncasecmp(data_s, VALIDATORS_SELECTOR, strlen(VALIDATORS_SELECTOR)) !=
        0)
        return devnet_rpc_error(id, -32000, "execution reverted");
    return rpc_result(id, validators_abi(net));
}

enum MHD_Result devnet_rpc(devnet_node *node, struct MHD_Connection *conn,
                           const request *req)
{
    json_object *body = devnet_parse_body(req), *v, *id = NULL, *out;
    const char *method;
    char chain[32];
    int handled;

    if (body == NULL)
        return devnet_respond_json(
            conn, MHD_HTTP_OK, devnet_rpc_error(NULL, -32700, "parse error"));
    if (!json_object_is_type(body, json_type_object)) {
        json_object_put(body);
        return devnet_respond_json(
            conn, MHD_HTTP_OK,
            devnet_rpc_error(NULL, -32600, "invalid request"));
    }
    json_object_object_get_ex(body, "id", &id);
    if (!json_object_object_get_ex(body, "jsonrpc", &v) ||
        !json_object_is_type(v, json_type_string) ||
        strcmp(json_object_get_string(v), "2.0") != 0 ||
        !json_object_object_get_ex(body, "method", &v) ||
        !json_object_is_type(v, json_type_string)) {
        out = devnet_rpc_error(id, -32600, "invalid request");
    } else {
        method = json_object_get_string(v);
        if (!json_object_object_get_ex(body, "params", &v))
            v = NULL;
        if (strcmp(method, "eth_call") == 0) {
            out = rpc_eth_call(node->net, id, v);
        } else if (strcmp(method, "net_version") == 0) {
            snprintf(chain, sizeof(chain), "%llu",
                     (unsigned long long)node->net->chain_id);
            out = rpc_result(id, strdup(chain));
        } else {
            out = devnet_chain_rpc(node->net->chain, method, id, v, &handled);
            if (!handled)
                out = devnet_rpc_error(id, -32601, "method not found");
        }
    }
    json_object_put(body);
    return devnet_respond_json(conn, MHD_HTTP_OK, out);
}
