/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * eth_check.c - independent checks for tests/integration/cli-token.sh,
 * without the token or the lithsm provider:
 *
 *   eth_check address PUBPEM        the EIP-55 address of a public key
 *                                   read by OpenSSL's default provider
 *   eth_check recover MESSAGE SIG   the address libsecp256k1 recovers
 *                                   from an EIP-191 signature (0x + 130
 *                                   hex digits, v 27 or 28) over MESSAGE
 *   eth_check recover-digest HASH SIG   the same over a 32-byte digest
 *                                   given as 0x + 64 hex digits (EIP-712)
 *
 * Prints the address; exit status 0, 1 on failure, 2 on usage.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "lithsm.h"

static int print_address(const uint8_t pub[65])
{
    lithsm_eth_address addr;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];

    if (lithsm_eth_address_from_pubkey(&addr, pub, 65) != LITHSM_OK)
        return 1;
    lithsm_eth_address_to_text(text, &addr);
    printf("%s\n", text);
    return 0;
}

static int from_pem(const char *path)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *pkey;
    uint8_t pub[65];
    size_t len = 0;
    int rc = 1;

    if (f == NULL) {
        perror(path);
        return 1;
    }
    pkey = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    if (pkey != NULL &&
        EVP_PKEY_get_octet_string_param(
            pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub, sizeof(pub), &len) &&
        len == 65)
        rc = print_address(pub);
    if (rc != 0)
        fprintf(stderr, "eth_check: %s: not an uncompressed EC public key\n",
                path);
    EVP_PKEY_free(pkey);
    return rc;
}

/* msg is the EIP-191 message, or with is_digest the hash itself in hex. */
static int recover(const char *msg, const char *hex, int is_digest)
{
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_ecdsa_recoverable_signature rsig;
    secp256k1_pubkey pk;
    uint8_t sig[65], hash[32], pub[65];
    size_t len = sizeof(pub);
    int rc = 1;

    if (ctx == NULL)
        return 1;
    if (strlen(hex) != 132 ||
        lithsm_hex_decode(sig, sizeof(sig), hex, strlen(hex)) != LITHSM_OK ||
        (sig[64] != 27 && sig[64] != 28)) {
        fprintf(stderr, "eth_check: bad signature text\n");
        goto done;
    }
    if (!is_digest)
        lithsm_eip191_hash(hash, (const uint8_t *)msg, strlen(msg));
    else if (strlen(msg) != 66 ||
             lithsm_hex_decode(hash, 32, msg, 66) != LITHSM_OK) {
        fprintf(stderr, "eth_check: bad digest text\n");
        goto done;
    }
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig, sig,
                                                             sig[64] - 27) ||
        !secp256k1_ecdsa_recover(ctx, &pk, &rsig, hash) ||
        !secp256k1_ec_pubkey_serialize(ctx, pub, &len, &pk,
                                       SECP256K1_EC_UNCOMPRESSED)) {
        fprintf(stderr, "eth_check: the signature does not recover\n");
        goto done;
    }
    rc = print_address(pub);

done:
    secp256k1_context_destroy(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "address") == 0)
        return from_pem(argv[2]);
    if (argc == 4 && strcmp(argv[1], "recover") == 0)
        return recover(argv[2], argv[3], 0);
    if (argc == 4 && strcmp(argv[1], "recover-digest") == 0)
        return recover(argv[2], argv[3], 1);
    fprintf(stderr, "usage: eth_check address PUBPEM | recover MSG SIG | "
                    "recover-digest HASH SIG\n");
    return 2;
}
