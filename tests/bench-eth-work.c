/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * bench-eth-work.c - the Ethereum signing work the bench programs time
 * (bench-eth-work.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench-eth-work.h"
#include "bench-util.h"

/* The Mail example of the EIP-712 specification. */
static const char mail_typed_data[] =
    "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},"
    "{\"name\":\"version\",\"type\":\"string\"},{\"name\":\"chainId\","
    "\"type\":\"uint256\"},{\"name\":\"verifyingContract\",\"type\":"
    "\"address\"}],\"Person\":[{\"name\":\"name\",\"type\":\"string\"},"
    "{\"name\":\"wallet\",\"type\":\"address\"}],\"Mail\":[{\"name\":"
    "\"from\",\"type\":\"Person\"},{\"name\":\"to\",\"type\":\"Person\"},"
    "{\"name\":\"contents\",\"type\":\"string\"}]},\"primaryType\":\"Mail\","
    "\"domain\":{\"name\":\"Ether Mail\",\"version\":\"1\",\"chainId\":1,"
    "\"verifyingContract\":\"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"},"
    "\"message\":{\"from\":{\"name\":\"Cow\",\"wallet\":"
    "\"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"},\"to\":{\"name\":"
    "\"Bob\",\"wallet\":\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"},"
    "\"contents\":\"Hello, Bob!\"}}";

/* An EIP-1559 Ether transfer on Base. */
static const char transfer_tx[] =
    "{\"type\":2,\"chainId\":\"8453\",\"nonce\":\"7\",\"to\":"
    "\"0xF0fb06ac29A3348dd490C5f4B9Af080221BB5281\",\"value\":"
    "\"1000000000000000\",\"data\":\"0x\",\"gasLimit\":\"21000\","
    "\"maxPriorityFeePerGas\":\"1000000\",\"maxFeePerGas\":\"2000000000\"}";

/* An ERC-20 transfer. */
static const char erc20_signature[] = "transfer(address,uint256)";
static const char erc20_args[] =
    "[\"0xF0fb06ac29A3348dd490C5f4B9Af080221BB5281\","
    "\"1000000000000000000\"]";

void work_digest(void *arg)
{
    lithsm_typed_data *td = NULL;
    uint8_t digest[32];
    lithsm_err err;

    (void)arg;
    err = lithsm_typed_data_parse(&td, mail_typed_data,
                                  sizeof(mail_typed_data) - 1);
    if (err != LITHSM_OK)
        die("typed data", err);
    lithsm_typed_data_digest(digest, td);
    lithsm_typed_data_free(td);
}

void work_sign_typed_data(void *signer)
{
    lithsm_typed_data *td = NULL;
    lithsm_eth_sig sig;
    uint8_t digest[32];
    lithsm_err err;

    err = lithsm_typed_data_parse(&td, mail_typed_data,
                                  sizeof(mail_typed_data) - 1);
    if (err == LITHSM_OK)
        err = lithsm_typed_data_sign(&sig, digest, signer, td);
    lithsm_typed_data_free(td);
    if (err != LITHSM_OK)
        die("sign typed data", err);
}

void work_sign_tx(void *signer)
{
    lithsm_tx *tx = NULL;
    uint8_t *raw = NULL;
    size_t raw_len;
    lithsm_err err;

    err = lithsm_tx_from_json(&tx, transfer_tx, sizeof(transfer_tx) - 1);
    if (err == LITHSM_OK)
        err = lithsm_tx_sign(&raw, &raw_len, NULL, NULL, tx, signer);
    lithsm_tx_free(tx);
    lithsm_free(raw);
    if (err != LITHSM_OK)
        die("sign tx", err);
}

void work_abi(void *arg)
{
    uint8_t *data = NULL;
    size_t len;
    lithsm_err err;

    (void)arg;
    err = lithsm_abi_call_data(&data, &len, NULL, erc20_signature, erc20_args,
                               sizeof(erc20_args) - 1);
    if (err != LITHSM_OK)
        die("call data", err);
    lithsm_free(data);
}
