/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * chain.c - the devnet's Ethereum side of its JSON-RPC endpoint: a CHECK
 * of what a client sends, not a chain.  It executes nothing: no EVM, no
 * balances, no state but one nonce per sender and the transactions it
 * was sent.  eth_sendRawTransaction decodes the raw transaction with
 * lithsm_tx_from_raw(), recovers its sender, checks the chain id, the
 * nonce, the intrinsic gas and the fee against the base fee, and answers
 * the hash; eth_getTransactionReceipt answers null on the first poll
 * after that, then a receipt of a transaction "mined" alone in its own
 * block, status 0x1.
 *
 * The handlers run on libmicrohttpd's threads (one per connection), so
 * every method takes the chain's lock.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server.h"

/* The devnet's fees, fixed: 1 gwei base fee and 1 gwei priority fee. */
#define BASE_FEE 1000000000ull
#define PRIORITY_FEE 1000000000ull
/* eth_getBalance of any address: 10^24 wei (a million ether). */
#define BALANCE "0xd3c21bcecceda1000000"
#define BLOCK_GAS_LIMIT 30000000ull
#define MAX_RAW_HEX (2u * 128u * 1024u)

typedef struct account {
    uint8_t address[20];
    uint64_t nonce; /* the next one */
} account;

typedef struct sent_tx {
    uint8_t hash[32];
    uint8_t from[20];
    int has_to;
    uint8_t to[20];
    uint64_t nonce;
    unsigned type;
    uint64_t gas_used;
    uint64_t price; /* effective gas price */
    uint64_t block;
    unsigned polls;
} sent_tx;

struct devnet_chain {
    pthread_mutex_t lock;
    uint64_t chain_id;
    uint64_t head; /* the latest block number */
    account *accounts;
    size_t n_accounts, cap_accounts;
    sent_tx *txs;
    size_t n_txs, cap_txs;
};

devnet_chain *devnet_chain_new(uint64_t chain_id)
{
    devnet_chain *c = calloc(1, sizeof(*c));

    if (c == NULL)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->chain_id = chain_id;
    c->head = 1;
    return c;
}

void devnet_chain_free(devnet_chain *c)
{
    if (c == NULL)
        return;
    pthread_mutex_destroy(&c->lock);
    free(c->accounts);
    free(c->txs);
    free(c);
}

/* ---- answers */

static json_object *result_obj(json_object *id, json_object *result)
{
    json_object *out = json_object_new_object();

    if (out == NULL || cli_json_add_str(out, "jsonrpc", "2.0") != 0 ||
        json_object_object_add(out, "id", json_object_get(id)) != 0 ||
        json_object_object_add(out, "result", result) != 0) {
        json_object_put(result);
        json_object_put(out);
        return NULL;
    }
    return out;
}

static json_object *result_u64(json_object *id, uint64_t v)
{
    char q[24];

    snprintf(q, sizeof(q), "0x%" PRIx64, v);
    return result_obj(id, json_object_new_string(q));
}

static json_object *hex_string(const uint8_t *b, size_t n)
{
    char text[2 + 2 * 256 + 1];

    if (n > 256)
        return NULL;
    text[0] = '0';
    text[1] = 'x';
    devnet_hex_lower(text + 2, b, n);
    return json_object_new_string(text);
}

static json_object *u64_string(uint64_t v)
{
    char q[24];

    snprintf(q, sizeof(q), "0x%" PRIx64, v);
    return json_object_new_string(q);
}

/* keccak256("lithsm-devnet block" || number, 8 bytes big-endian). */
static void block_hash(uint8_t out[32], uint64_t number)
{
    static const char tag[] = "lithsm-devnet block";
    uint8_t in[sizeof(tag) - 1 + 8];
    int i;

    memcpy(in, tag, sizeof(tag) - 1);
    for (i = 0; i < 8; i++)
        in[sizeof(tag) - 1 + i] = (uint8_t)(number >> (56 - 8 * i));
    lithsm_keccak256(out, in, sizeof(in));
}

/* ---- parameters */

/* params[i] as a string, or NULL. */
static const char *param_str(json_object *params, size_t i)
{
    json_object *v;

    if (params == NULL || !json_object_is_type(params, json_type_array) ||
        json_object_array_length(params) <= i)
        return NULL;
    v = json_object_array_get_idx(params, i);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                    : NULL;
}

/* A block tag the devnet answers for: its head in every case. */
static int tag_ok(const char *tag)
{
    return tag != NULL &&
           (strcmp(tag, "latest") == 0 || strcmp(tag, "pending") == 0 ||
            strcmp(tag, "safe") == 0 || strcmp(tag, "finalized") == 0);
}

/* Intrinsic gas: 21000, 16 per non-zero and 4 per zero data byte, 32000
 * more for a contract creation, and EIP-2930's 2400 per access-list
 * address and 1900 per storage key. */
static uint64_t intrinsic_gas(const uint8_t *data, size_t len, int create,
                              size_t n_addresses, size_t n_keys)
{
    uint64_t gas = 21000 + (create ? 32000 : 0);
    size_t i;

    for (i = 0; i < len; i++)
        gas += data[i] != 0 ? 16 : 4;
    return gas + 2400 * (uint64_t)n_addresses + 1900 * (uint64_t)n_keys;
}

/* The addresses and storage keys of a call's "accessList"; 0 when it is
 * there but not a list of {address, storageKeys: [...]}. */
static int count_access_list(const json_object *call, size_t *n_addresses,
                             size_t *n_keys)
{
    json_object *list, *entry, *keys;
    size_t i;

    *n_addresses = *n_keys = 0;
    if (!json_object_object_get_ex(call, "accessList", &list))
        return 1;
    if (!json_object_is_type(list, json_type_array))
        return 0;
    for (i = 0; i < json_object_array_length(list); i++) {
        entry = json_object_array_get_idx(list, i);
        if (!json_object_object_get_ex(entry, "storageKeys", &keys) ||
            !json_object_is_type(keys, json_type_array))
            return 0;
        *n_keys += json_object_array_length(keys);
    }
    *n_addresses = json_object_array_length(list);
    return 1;
}

/* The access list of a transaction, counted. */
static void tx_access_counts(const lithsm_tx *tx, size_t *n_addresses,
                             size_t *n_keys)
{
    size_t i, n;

    *n_addresses = lithsm_tx_access_list_count(tx);
    *n_keys = 0;
    for (i = 0; i < *n_addresses; i++)
        if (lithsm_tx_access_list_get(NULL, NULL, &n, tx, i) == LITHSM_OK)
            *n_keys += n;
}

static account *find_account(devnet_chain *c, const uint8_t addr[20])
{
    size_t i;

    for (i = 0; i < c->n_accounts; i++)
        if (memcmp(c->accounts[i].address, addr, 20) == 0)
            return &c->accounts[i];
    return NULL;
}

static uint64_t nonce_of(devnet_chain *c, const uint8_t addr[20])
{
    account *a = find_account(c, addr);

    return a != NULL ? a->nonce : 0;
}

static sent_tx *find_tx(devnet_chain *c, const uint8_t hash[32])
{
    size_t i;

    for (i = 0; i < c->n_txs; i++)
        if (memcmp(c->txs[i].hash, hash, 32) == 0)
            return &c->txs[i];
    return NULL;
}

/* ---- methods */

static json_object *get_transaction_count(devnet_chain *c, json_object *id,
                                          json_object *params)
{
    lithsm_eth_address addr;
    const char *text = param_str(params, 0);

    if (text == NULL || lithsm_eth_address_parse(&addr, text, 0) != LITHSM_OK ||
        !tag_ok(param_str(params, 1)))
        return devnet_rpc_error(id, -32602,
                                "invalid params: [address, \"latest\" or "
                                "\"pending\"]");
    return result_u64(id, nonce_of(c, addr.bytes));
}

static json_object *get_block(devnet_chain *c, json_object *id,
                              json_object *params)
{
    const char *tag = param_str(params, 0);
    json_object *b, *full;
    uint8_t hash[32];
    uint64_t number = c->head;
    char *end;

    if (tag != NULL && strncmp(tag, "0x", 2) == 0 && tag[2] != '\0') {
        number = strtoull(tag + 2, &end, 16);
        if (*end != '\0')
            tag = NULL;
        else if (number > c->head)
            return result_obj(id, NULL);
    } else if (!tag_ok(tag)) {
        tag = NULL;
    }
    if (tag == NULL || json_object_array_length(params) != 2 ||
        !json_object_is_type(full = json_object_array_get_idx(params, 1),
                             json_type_boolean))
        return devnet_rpc_error(id, -32602,
                                "invalid params: [block tag, full]");
    b = json_object_new_object();
    block_hash(hash, number);
    if (b == NULL ||
        json_object_object_add(b, "number", u64_string(number)) != 0 ||
        json_object_object_add(b, "hash", hex_string(hash, 32)) != 0)
        goto fail;
    block_hash(hash, number - 1);
    if (json_object_object_add(b, "parentHash", hex_string(hash, 32)) != 0 ||
        json_object_object_add(
            b, "timestamp",
            u64_string((uint64_t)(lithsm_time_now_ms() / 1000))) != 0 ||
        json_object_object_add(b, "gasLimit", u64_string(BLOCK_GAS_LIMIT)) !=
            0 ||
        json_object_object_add(b, "baseFeePerGas", u64_string(BASE_FEE)) != 0 ||
        json_object_object_add(b, "transactions", json_object_new_array()) != 0)
        goto fail;
    return result_obj(id, b);
fail:
    json_object_put(b);
    return NULL;
}

static json_object *get_balance(json_object *id, json_object *params)
{
    lithsm_eth_address addr;
    const char *text = param_str(params, 0);

    if (text == NULL || lithsm_eth_address_parse(&addr, text, 0) != LITHSM_OK)
        return devnet_rpc_error(id, -32602, "invalid params: [address, tag]");
    return result_obj(id, json_object_new_string(BALANCE));
}

static json_object *fee_history(devnet_chain *c, json_object *id,
                                json_object *params)
{
    json_object *h = json_object_new_object(), *a;

    (void)params;
    if (h == NULL ||
        json_object_object_add(h, "oldestBlock", u64_string(c->head)) != 0 ||
        (a = json_object_new_array()) == NULL ||
        json_object_object_add(h, "baseFeePerGas", a) != 0 ||
        json_object_array_add(a, u64_string(BASE_FEE)) != 0 ||
        json_object_array_add(a, u64_string(BASE_FEE)) != 0 ||
        (a = json_object_new_array()) == NULL ||
        json_object_object_add(h, "gasUsedRatio", a) != 0 ||
        json_object_array_add(a, json_object_new_double(0.0)) != 0 ||
        (a = json_object_new_array()) == NULL ||
        json_object_object_add(h, "reward", a) != 0 ||
        json_object_array_add(a, json_object_new_array()) != 0 ||
        json_object_array_add(json_object_array_get_idx(a, 0),
                              u64_string(PRIORITY_FEE)) != 0) {
        json_object_put(h);
        return NULL;
    }
    return result_obj(id, h);
}

static json_object *estimate_gas(json_object *id, json_object *params)
{
    json_object *call, *v;
    const char *data = "0x";
    uint8_t *bytes = NULL;
    size_t len = 0, n_addresses, n_keys;
    int create;
    uint64_t gas;

    if (params == NULL || !json_object_is_type(params, json_type_array) ||
        json_object_array_length(params) < 1 ||
        !json_object_is_type(call = json_object_array_get_idx(params, 0),
                             json_type_object))
        return devnet_rpc_error(id, -32602, "invalid params: [call]");
    create = !json_object_object_get_ex(call, "to", &v) ||
             json_object_is_type(v, json_type_null);
    v = NULL;
    if (!json_object_object_get_ex(call, "data", &v))
        json_object_object_get_ex(call, "input", &v);
    if (v != NULL && !json_object_is_type(v, json_type_null))
        data = json_object_get_string(v);
    if (strncmp(data, "0x", 2) != 0 || strlen(data) % 2 != 0 ||
        strlen(data) > MAX_RAW_HEX)
        return devnet_rpc_error(id, -32602, "invalid params: call data");
    if (!count_access_list(call, &n_addresses, &n_keys))
        return devnet_rpc_error(id, -32602, "invalid params: accessList");
    len = (strlen(data) - 2) / 2;
    if (len > 0 &&
        ((bytes = malloc(len)) == NULL ||
         lithsm_hex_decode(bytes, len, data, strlen(data)) != LITHSM_OK)) {
        free(bytes);
        return devnet_rpc_error(id, -32602, "invalid params: call data");
    }
    gas = intrinsic_gas(bytes, len, create, n_addresses, n_keys);
    free(bytes);
    return result_u64(id, gas);
}

/* keccak256(rlp([sender, nonce]))[12:], the address a creation makes. */
static void create_address(uint8_t out[20], const uint8_t from[20],
                           uint64_t nonce)
{
    uint8_t rlp[1 + 21 + 9], hash[32];
    size_t n = 1, k;
    int i;

    rlp[n++] = 0x80 + 20;
    memcpy(rlp + n, from, 20);
    n += 20;
    if (nonce == 0) {
        rlp[n++] = 0x80;
    } else if (nonce < 0x80) {
        rlp[n++] = (uint8_t)nonce;
    } else {
        for (k = 8; (nonce >> (8 * (k - 1))) == 0; k--)
            ;
        rlp[n++] = (uint8_t)(0x80 + k);
        for (i = (int)k - 1; i >= 0; i--)
            rlp[n++] = (uint8_t)(nonce >> (8 * i));
    }
    rlp[0] = (uint8_t)(0xc0 + (n - 1));
    lithsm_keccak256(hash, rlp, n);
    memcpy(out, hash + 12, 20);
}

/* A 32-byte value as uint64, or UINT64_MAX when it does not fit. */
static uint64_t u64_of(const uint8_t v[32])
{
    uint64_t out = 0;
    int i;

    for (i = 0; i < 24; i++)
        if (v[i] != 0)
            return UINT64_MAX;
    for (i = 24; i < 32; i++)
        out = (out << 8) | v[i];
    return out;
}

/* The checks a node makes before taking a transaction into its pool,
 * then the record of it.  NULL with *why set, or the new entry. */
static sent_tx *admit(devnet_chain *c, const lithsm_tx *tx,
                      const lithsm_eth_address *from, const uint8_t hash[32],
                      char *why, size_t why_len)
{
    uint8_t v[32];
    uint64_t chain = 0, nonce = 0, next, gas, fee, tip = 0;
    const uint8_t *data;
    size_t len, n_addresses, n_keys;
    sent_tx *t;
    lithsm_eth_address to;
    int create = !lithsm_tx_to(&to, tx);

    if (!lithsm_tx_chain_id_u64(&chain, tx) || chain != c->chain_id) {
        snprintf(why, why_len, "invalid chain id");
        return NULL;
    }
    if (find_tx(c, hash) != NULL) {
        snprintf(why, why_len, "already known");
        return NULL;
    }
    next = nonce_of(c, from->bytes);
    (void)lithsm_tx_nonce(&nonce, tx);
    if (nonce != next) {
        snprintf(why, why_len,
                 "nonce too %s: next nonce %" PRIu64 ", tx nonce %" PRIu64,
                 nonce < next ? "low" : "high", next, nonce);
        return NULL;
    }
    data = lithsm_tx_data(&len, tx);
    tx_access_counts(tx, &n_addresses, &n_keys);
    gas = intrinsic_gas(data, len, create, n_addresses, n_keys);
    if (!lithsm_tx_gas_limit(v, tx) || u64_of(v) > BLOCK_GAS_LIMIT) {
        snprintf(why, why_len, "exceeds block gas limit");
        return NULL;
    }
    if (u64_of(v) < gas) {
        snprintf(why, why_len,
                 "intrinsic gas too low: have %" PRIu64 ", want %" PRIu64,
                 u64_of(v), gas);
        return NULL;
    }
    if (!lithsm_tx_max_fee_per_gas(v, tx) || (fee = u64_of(v)) < BASE_FEE) {
        snprintf(why, why_len,
                 "max fee per gas less than block base fee: baseFee %llu",
                 (unsigned long long)BASE_FEE);
        return NULL;
    }
    if (lithsm_tx_priority_fee_per_gas(v, tx))
        tip = u64_of(v);
    else
        tip = fee - BASE_FEE;
    if (c->n_txs == c->cap_txs) {
        size_t cap = c->cap_txs == 0 ? 16 : 2 * c->cap_txs;
        sent_tx *grown = realloc(c->txs, cap * sizeof(*grown));

        if (grown == NULL) {
            snprintf(why, why_len, "out of memory");
            return NULL;
        }
        c->txs = grown;
        c->cap_txs = cap;
    }
    t = &c->txs[c->n_txs];
    memset(t, 0, sizeof(*t));
    memcpy(t->hash, hash, 32);
    memcpy(t->from, from->bytes, 20);
    t->has_to = !create;
    memcpy(t->to, to.bytes, create ? 0 : 20);
    t->nonce = nonce;
    t->type = lithsm_tx_type(tx);
    t->gas_used = gas;
    t->price = tip < fee - BASE_FEE ? BASE_FEE + tip : fee;
    return t;
}

/* Counts the transaction: the sender's nonce, a block of its own. */
static int commit(devnet_chain *c, sent_tx *t, char *why, size_t why_len)
{
    account *a = find_account(c, t->from);

    if (a == NULL) {
        if (c->n_accounts == c->cap_accounts) {
            size_t cap = c->cap_accounts == 0 ? 16 : 2 * c->cap_accounts;
            account *grown = realloc(c->accounts, cap * sizeof(*grown));

            if (grown == NULL) {
                snprintf(why, why_len, "out of memory");
                return -1;
            }
            c->accounts = grown;
            c->cap_accounts = cap;
        }
        a = &c->accounts[c->n_accounts++];
        memcpy(a->address, t->from, 20);
        a->nonce = 0;
    }
    a->nonce++;
    t->block = ++c->head;
    c->n_txs++;
    return 0;
}

static json_object *send_raw(devnet_chain *c, json_object *id,
                             json_object *params)
{
    const char *hex = param_str(params, 0);
    uint8_t *raw = NULL, hash[32];
    size_t len;
    lithsm_tx *tx = NULL;
    lithsm_eth_address from;
    char why[200];
    sent_tx *t;
    json_object *out;

    if (hex == NULL || strncmp(hex, "0x", 2) != 0 || strlen(hex) % 2 != 0 ||
        strlen(hex) < 4 || strlen(hex) > MAX_RAW_HEX)
        return devnet_rpc_error(id, -32602, "invalid params: [0x + raw tx]");
    len = (strlen(hex) - 2) / 2;
    if ((raw = malloc(len)) == NULL)
        return NULL;
    if (lithsm_hex_decode(raw, len, hex, strlen(hex)) != LITHSM_OK) {
        free(raw);
        return devnet_rpc_error(id, -32602, "invalid params: [0x + raw tx]");
    }
    if (lithsm_tx_from_raw(&tx, &from, hash, raw, len) != LITHSM_OK) {
        free(raw);
        snprintf(why, sizeof(why), "invalid transaction: %.150s",
                 lithsm_last_error());
        return devnet_rpc_error(id, -32000, why);
    }
    free(raw);
    t = admit(c, tx, &from, hash, why, sizeof(why));
    lithsm_tx_free(tx);
    if (t == NULL || commit(c, t, why, sizeof(why)) != 0)
        return devnet_rpc_error(id, -32000, why);
    out = result_obj(id, hex_string(hash, 32));
    return out;
}

/* Adds "key": 0x-hex of b[0..n) to o; 0 or -1. */
static int add_hex(json_object *o, const char *key, const uint8_t *b, size_t n)
{
    json_object *s = hex_string(b, n);

    if (s == NULL || json_object_object_add(o, key, s) != 0) {
        json_object_put(s);
        return -1;
    }
    return 0;
}

static int add_u64(json_object *o, const char *key, uint64_t v)
{
    return json_object_object_add(o, key, u64_string(v));
}

static json_object *receipt(const sent_tx *t)
{
    json_object *r = json_object_new_object();
    uint8_t bh[32], created[20], bloom[256];

    block_hash(bh, t->block);
    memset(bloom, 0, sizeof(bloom));
    if (r == NULL || add_hex(r, "transactionHash", t->hash, 32) != 0 ||
        add_u64(r, "transactionIndex", 0) != 0 ||
        add_hex(r, "blockHash", bh, 32) != 0 ||
        add_u64(r, "blockNumber", t->block) != 0 ||
        add_hex(r, "from", t->from, 20) != 0 ||
        (t->has_to ? add_hex(r, "to", t->to, 20)
                   : json_object_object_add(r, "to", NULL)) != 0)
        goto fail;
    create_address(created, t->from, t->nonce);
    if ((t->has_to ? json_object_object_add(r, "contractAddress", NULL)
                   : add_hex(r, "contractAddress", created, 20)) != 0 ||
        add_u64(r, "cumulativeGasUsed", t->gas_used) != 0 ||
        add_u64(r, "gasUsed", t->gas_used) != 0 ||
        add_u64(r, "effectiveGasPrice", t->price) != 0 ||
        json_object_object_add(r, "logs", json_object_new_array()) != 0 ||
        add_hex(r, "logsBloom", bloom, sizeof(bloom)) != 0 ||
        add_u64(r, "status", 1) != 0 || add_u64(r, "type", t->type) != 0)
        goto fail;
    return r;
fail:
    json_object_put(r);
    return NULL;
}

static json_object *get_receipt(devnet_chain *c, json_object *id,
                                json_object *params)
{
    const char *text = param_str(params, 0);
    uint8_t hash[32];
    sent_tx *t;

    if (text == NULL || strlen(text) != 66 || strncmp(text, "0x", 2) != 0 ||
        lithsm_hex_decode(hash, 32, text, 66) != LITHSM_OK)
        return devnet_rpc_error(id, -32602, "invalid params: [0x + 64 hex]");
    t = find_tx(c, hash);
    /* Unknown, or just sent: not mined yet. */
    if (t == NULL || t->polls++ == 0)
        return result_obj(id, NULL);
    return result_obj(id, receipt(t));
}

json_object *devnet_chain_rpc(devnet_chain *c, const char *method,
                              json_object *id, json_object *params,
                              int *handled)
{
    json_object *out = NULL;

    *handled = 1;
    pthread_mutex_lock(&c->lock);
    if (strcmp(method, "eth_chainId") == 0)
        out = result_u64(id, c->chain_id);
    else if (strcmp(method, "eth_blockNumber") == 0)
        out = result_u64(id, c->head);
    else if (strcmp(method, "eth_getTransactionCount") == 0)
        out = get_transaction_count(c, id, params);
    else if (strcmp(method, "eth_gasPrice") == 0)
        out = result_u64(id, BASE_FEE + PRIORITY_FEE);
    else if (strcmp(method, "eth_maxPriorityFeePerGas") == 0)
        out = result_u64(id, PRIORITY_FEE);
    else if (strcmp(method, "eth_feeHistory") == 0)
        out = fee_history(c, id, params);
    else if (strcmp(method, "eth_getBlockByNumber") == 0)
        out = get_block(c, id, params);
    else if (strcmp(method, "eth_estimateGas") == 0)
        out = estimate_gas(id, params);
    else if (strcmp(method, "eth_getBalance") == 0)
        out = get_balance(id, params);
    else if (strcmp(method, "eth_sendRawTransaction") == 0)
        out = send_raw(c, id, params);
    else if (strcmp(method, "eth_getTransactionReceipt") == 0)
        out = get_receipt(c, id, params);
    else
        *handled = 0;
    pthread_mutex_unlock(&c->lock);
    return out;
}
