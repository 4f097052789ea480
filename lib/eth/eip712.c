/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * eip712.c - EIP-712 typed data (eth_signTypedData_v4): the top level of
 * the JSON document, the domain's fields for a policy, the digest and the
 * signature.  The rules are in include/lithsm_eip712.h; types are read in
 * eip712_types.c and values hashed in eip712_values.c.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/eip712.h"

struct lithsm_typed_data {
    char *primary_type;
    char *encoded_type;
    uint8_t type_hash[32];
    uint8_t domain_separator[32];
    uint8_t struct_hash[32];
    uint8_t digest[32];
    char *name, *version; /* NULL when absent */
    size_t name_len, version_len;
    int has_chain_id, has_contract, has_salt;
    char chain_id[LITHSM_UINT256_DEC_MAX];
    lithsm_eth_address contract;
    uint8_t salt[32];
};

static const char *const top_keys[] = { "types", "primaryType", "domain",
                                        "message" };

void lithsm_typed_data_free(lithsm_typed_data *td)
{
    if (td == NULL)
        return;
    free(td->primary_type);
    free(td->encoded_type);
    free(td->name);
    free(td->version);
    free(td);
}

/* The four members of the document, and nothing else. */
static lithsm_err top_level(json_object *parts[4], json_object *root)
{
    size_t i;

    if (!json_object_is_type(root, json_type_object))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "typed data: must be a JSON object {types, "
                           "primaryType, domain, message}");
    json_object_object_foreach(root, key, unused)
    {
        (void)unused;
        for (i = 0; i < 4; i++)
            if (strcmp(key, top_keys[i]) == 0)
                break;
        if (i == 4)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "typed data: \"%.80s\" is not a typed-data "
                               "member (types, primaryType, domain, message)",
                               key);
    }
    for (i = 0; i < 4; i++)
        if (!json_object_object_get_ex(root, top_keys[i], &parts[i]))
            return lithsm_fail(LITHSM_ERR_PARSE, "typed data: %s: missing",
                               top_keys[i]);
    if (!json_object_is_type(parts[1], json_type_string) ||
        strlen(json_object_get_string(parts[1])) !=
            (size_t)json_object_get_string_len(parts[1]))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "typed data: primaryType: must be a type name "
                           "string");
    return LITHSM_OK;
}

static char *copy_text(const json_object *v, size_t *len)
{
    char *out;

    *len = (size_t)json_object_get_string_len(v);
    out = malloc(*len + 1);
    if (out != NULL) {
        memcpy(out, json_object_get_string((json_object *)v), *len);
        out[*len] = '\0';
    }
    return out;
}

/* The domain's fields for the accessors; the domain is already checked
 * against EIP712Domain, so each present value has its type. */
static lithsm_err keep_domain(lithsm_typed_data *td, json_object *domain)
{
    json_object *v;
    uint8_t n[32];

    if (json_object_object_get_ex(domain, "name", &v) &&
        (td->name = copy_text(v, &td->name_len)) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    if (json_object_object_get_ex(domain, "version", &v) &&
        (td->version = copy_text(v, &td->version_len)) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    if (json_object_object_get_ex(domain, "chainId", &v)) {
        if (lithsm_int_from_json(n, v, LITHSM_UINT256,
                                 "typed data: domain.chainId") != LITHSM_OK)
            return LITHSM_ERR_PARSE;
        lithsm_uint256_to_dec(td->chain_id, n);
        td->has_chain_id = 1;
    }
    if (json_object_object_get_ex(domain, "verifyingContract", &v)) {
        /* Its checksum, if any, was checked with the domain. */
        if (lithsm_hex_decode(td->contract.bytes, 20,
                              json_object_get_string(v) + 2, 40) != LITHSM_OK)
            return LITHSM_ERR_PARSE;
        td->has_contract = 1;
    }
    if (json_object_object_get_ex(domain, "salt", &v)) {
        if (lithsm_hex_decode(td->salt, 32, json_object_get_string(v),
                              (size_t)json_object_get_string_len(v)) !=
            LITHSM_OK)
            return LITHSM_ERR_PARSE;
        td->has_salt = 1;
    }
    return LITHSM_OK;
}

/* Everything after the JSON text is read: types, both hashes, digest. */
static lithsm_err build(lithsm_typed_data *td, json_object *root)
{
    json_object *parts[4];
    eip712_types types;
    eip712_path path;
    lithsm_buf scratch;
    uint8_t pre[66];
    size_t primary;
    lithsm_err err;

    if ((err = top_level(parts, root)) != LITHSM_OK)
        return err;
    err = eip712_types_read(&types, &primary, parts[0],
                            json_object_get_string(parts[1]));
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_init(&scratch);
    eip712_path_init(&path, "domain");
    err = eip712_hash_struct(td->domain_separator, &types, types.domain_index,
                             parts[2], &path, &scratch);
    eip712_path_init(&path, "message");
    if (err == LITHSM_OK)
        err = eip712_hash_struct(td->struct_hash, &types, primary, parts[3],
                                 &path, &scratch);
    lithsm_buf_free(&scratch);
    if (err == LITHSM_OK) {
        memcpy(td->type_hash, types.structs[primary].type_hash, 32);
        td->primary_type = lithsm_strdup(types.structs[primary].name);
        td->encoded_type = lithsm_strdup(types.structs[primary].encoded);
        if (td->primary_type == NULL || td->encoded_type == NULL)
            err = lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    }
    eip712_types_clear(&types);
    if (err == LITHSM_OK)
        err = keep_domain(td, parts[2]);
    pre[0] = 0x19;
    pre[1] = 0x01;
    memcpy(pre + 2, td->domain_separator, 32);
    memcpy(pre + 34, td->struct_hash, 32);
    lithsm_keccak256(td->digest, pre, sizeof(pre));
    return err;
}

lithsm_err lithsm_typed_data_parse(lithsm_typed_data **out, const char *json,
                                   size_t len)
{
    json_object *root = NULL;
    lithsm_typed_data *td;
    lithsm_err err;

    if (out == NULL || json == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "typed data: NULL argument");
    *out = NULL;
    err = lithsm_json_parse_nul(&root, json, len, 1, "typed data");
    if (err != LITHSM_OK)
        return err;
    td = calloc(1, sizeof(*td));
    if (td == NULL) {
        json_object_put(root);
        return lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    }
    err = build(td, root);
    json_object_put(root);
    if (err != LITHSM_OK) {
        lithsm_typed_data_free(td);
        return err;
    }
    *out = td;
    return LITHSM_OK;
}

lithsm_err lithsm_typed_data_encode_type(char **out,
                                         const lithsm_typed_data *td)
{
    if (out == NULL || td == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "typed data: NULL argument");
    *out = lithsm_strdup(td->encoded_type);
    return *out ? LITHSM_OK
                : lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
}

void lithsm_typed_data_type_hash(uint8_t out[32], const lithsm_typed_data *td)
{
    memcpy(out, td->type_hash, 32);
}

void lithsm_typed_data_domain_separator(uint8_t out[32],
                                        const lithsm_typed_data *td)
{
    memcpy(out, td->domain_separator, 32);
}

void lithsm_typed_data_struct_hash(uint8_t out[32], const lithsm_typed_data *td)
{
    memcpy(out, td->struct_hash, 32);
}

void lithsm_typed_data_digest(uint8_t out[32], const lithsm_typed_data *td)
{
    memcpy(out, td->digest, 32);
}

lithsm_err lithsm_typed_data_sign(lithsm_eth_sig *sig, uint8_t digest[32],
                                  lithsm_signer *signer,
                                  const lithsm_typed_data *td)
{
    if (sig == NULL || digest == NULL || signer == NULL || td == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "typed data: NULL argument");
    memcpy(digest, td->digest, 32);
    return lithsm_signer_sign_digest(sig, signer, td->digest);
}

const char *lithsm_typed_data_primary_type(const lithsm_typed_data *td)
{
    return td->primary_type;
}

const char *lithsm_typed_data_domain_name(const lithsm_typed_data *td,
                                          size_t *len_out)
{
    if (len_out != NULL)
        *len_out = td->name ? td->name_len : 0;
    return td->name;
}

const char *lithsm_typed_data_domain_version(const lithsm_typed_data *td,
                                             size_t *len_out)
{
    if (len_out != NULL)
        *len_out = td->version ? td->version_len : 0;
    return td->version;
}

const char *lithsm_typed_data_domain_chain_id(const lithsm_typed_data *td)
{
    return td->has_chain_id ? td->chain_id : NULL;
}

int lithsm_typed_data_verifying_contract(lithsm_eth_address *out,
                                         const lithsm_typed_data *td)
{
    if (td->has_contract)
        *out = td->contract;
    return td->has_contract;
}

int lithsm_typed_data_domain_salt(uint8_t out[32], const lithsm_typed_data *td)
{
    if (td->has_salt)
        memcpy(out, td->salt, 32);
    return td->has_salt;
}
