/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * chipotle.c - Lit Chipotle ChainSecured proofs and AccountConfig calls
 * (doc/lit-networks.md): the typed data the API server checks, signed
 * through the general EIP-712 code, and the contract's write signatures.
 */
#include <string.h>

#include "lit/lit.h"

#define MAX_SAFE_JSON_INT 9007199254740991LL /* 2^53 - 1 */

static const char *const proof_types[] = {
    "CreateWallet",
    "ConvertAccount",
    "AddUsageApiKey",
    "BillingAuth",
};

int lithsm_chipotle_is_proof_type(const char *type)
{
    size_t i;

    if (type == NULL)
        return 0;
    for (i = 0; i < sizeof(proof_types) / sizeof(proof_types[0]); i++)
        if (strcmp(type, proof_types[i]) == 0)
            return 1;
    return 0;
}

static lithsm_err check_params(const lithsm_chipotle_proof_params *p)
{
    if (!lithsm_chipotle_is_proof_type(p->type))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "ChainSecured proof: type must be CreateWallet, "
                           "ConvertAccount, AddUsageApiKey or BillingAuth");
    if (p->chain_id > (uint64_t)MAX_SAFE_JSON_INT)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "ChainSecured proof: chain id above 2^53 - 1");
    if (p->issued_at_s < 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "ChainSecured proof: issuedAt is negative");
    if (p->new_admin != NULL && strcmp(p->type, "ConvertAccount") != 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "ChainSecured proof: a new admin wallet belongs "
                           "to ConvertAccount only");
    return LITHSM_OK;
}

/* The one shape the server takes: exactly these types, domain fields and
 * message fields, in this order. */
static void write_typed_data(lithsm_buf *b, const char *address,
                             const lithsm_chipotle_proof_params *p,
                             int64_t issued_at_s)
{
    lithsm_buf_puts(b, "{\"types\":{\"EIP712Domain\":["
                       "{\"name\":\"name\",\"type\":\"string\"},"
                       "{\"name\":\"version\",\"type\":\"string\"},"
                       "{\"name\":\"chainId\",\"type\":\"uint256\"}],");
    lithsm_buf_printf(b,
                      "\"%s\":[{\"name\":\"address\",\"type\":\"address\"},"
                      "{\"name\":\"issuedAt\",\"type\":\"uint256\"}]},",
                      p->type);
    lithsm_buf_printf(b,
                      "\"primaryType\":\"%s\",\"domain\":{\"name\":\"Lit "
                      "ChainSecured\",\"version\":\"1\",\"chainId\":%llu},",
                      p->type,
                      (unsigned long long)(p->chain_id
                                               ? p->chain_id
                                               : LITHSM_CHIPOTLE_CHAIN_ID));
    lithsm_buf_printf(b, "\"message\":{\"address\":\"%s\",\"issuedAt\":%lld}}",
                      address, (long long)issued_at_s);
}

lithsm_err lithsm_chipotle_typed_data(char **out,
                                      const lithsm_eth_address *address,
                                      const lithsm_chipotle_proof_params *p)
{
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_buf b;
    lithsm_err err;

    if (out == NULL || address == NULL || p == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "ChainSecured proof: NULL argument");
    if ((err = check_params(p)) != LITHSM_OK)
        return err;
    lithsm_eth_address_to_text(text, address);
    lithsm_buf_init(&b);
    write_typed_data(&b, text, p,
                     p->issued_at_s ? p->issued_at_s
                                    : lithsm_time_now_ms() / 1000);
    return lithsm_buf_finish(&b, out, NULL);
}

static lithsm_err sign_typed_data(char sig_hex[2 + 2 * LITHSM_ETH_SIG_LEN + 1],
                                  lithsm_signer *signer, const char *json)
{
    lithsm_typed_data *td = NULL;
    lithsm_eth_sig sig;
    uint8_t digest[32];
    lithsm_err err;

    err = lithsm_typed_data_parse(&td, json, strlen(json));
    if (err == LITHSM_OK)
        err = lithsm_typed_data_sign(&sig, digest, signer, td);
    lithsm_typed_data_free(td);
    if (err != LITHSM_OK)
        return err;
    sig_hex[0] = '0';
    sig_hex[1] = 'x';
    return lithsm_hex_encode(sig_hex + 2, 2 * LITHSM_ETH_SIG_LEN + 1, sig.bytes,
                             sizeof(sig.bytes));
}

lithsm_err lithsm_chipotle_proof(char **body_out, lithsm_signer *signer,
                                 const lithsm_chipotle_proof_params *p)
{
    char sig_hex[2 + 2 * LITHSM_ETH_SIG_LEN + 1];
    char admin[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    char *typed = NULL;
    lithsm_eth_address self;
    lithsm_buf b;
    lithsm_err err;

    if (body_out == NULL || signer == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "ChainSecured proof: NULL argument");
    lithsm_signer_address(&self, signer);
    if ((err = lithsm_chipotle_typed_data(&typed, &self, p)) != LITHSM_OK)
        return err;
    err = sign_typed_data(sig_hex, signer, typed);
    if (err != LITHSM_OK) {
        lithsm_free(typed);
        return err;
    }
    lithsm_buf_init(&b);
    lithsm_buf_printf(&b, "{\"typed_data\":%s,\"signature\":\"%s\"", typed,
                      sig_hex);
    if (strcmp(p->type, "ConvertAccount") == 0) {
        lithsm_eth_address_to_text(admin, p->new_admin ? p->new_admin : &self);
        lithsm_buf_printf(&b, ",\"new_admin_wallet_address\":\"%s\"", admin);
    }
    lithsm_buf_putc(&b, '}');
    lithsm_free(typed);
    return lithsm_buf_finish(&b, body_out, NULL);
}

/* The AccountConfig writes, with the argument names the contract uses. */
static const char *const new_account_args[] = { "accountName",
                                                "accountDescription", NULL };
static const char *const register_args[] = {
    "apiKeyHash", "pkpId", "derivationPath", "name", "description", NULL,
};
static const char *const usage_key_args[] = {
    "accountApiKeyHash",
    "usageApiKeyHash",
    "expiration",
    "balance",
    "name",
    "description",
    "createGroups",
    "deleteGroups",
    "createPKPs",
    "manageIPFSIdsInGroups",
    "addPkpToGroups",
    "removePkpFromGroups",
    "executeInGroups",
    NULL,
};

static const struct {
    const char *name, *signature;
    const char *const *args;
} functions[] = {
    { "newChainSecuredAccount", "newChainSecuredAccount(string,string)",
      new_account_args },
    { "registerWalletDerivation",
      "registerWalletDerivation(uint256,address,uint256,string,string)",
      register_args },
    { "setUsageApiKey",
      "setUsageApiKey(uint256,uint256,uint256,uint256,string,string,bool,"
      "bool,bool,uint256[],uint256[],uint256[],uint256[])",
      usage_key_args },
};

const char *lithsm_chipotle_function(const char *name,
                                     const char *const **arg_names)
{
    size_t i;

    for (i = 0; name != NULL && i < sizeof(functions) / sizeof(functions[0]);
         i++)
        if (strcmp(name, functions[i].name) == 0) {
            if (arg_names != NULL)
                *arg_names = functions[i].args;
            return functions[i].signature;
        }
    return NULL;
}
