/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * authsig.c - AuthSigs: the wallet's session-binding SIWE and capacity
 * delegations (the JS SDK's createSiweMessageWithRecaps + generateAuthSig and
 * createCapacityDelegationAuthSig).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define DAY_MS (24LL * 3600 * 1000)

lithsm_err lithsm_authsig_sign(char **authsig_json_out, lithsm_signer *signer,
                               const char *message, size_t message_len)
{
    uint8_t hash[32];
    lithsm_eth_sig sig;
    lithsm_eth_address addr;
    char sig_hex[2 * LITHSM_ETH_SIG_LEN + 1];
    char addr_text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_buf b;
    lithsm_err err;

    if (authsig_json_out == NULL || signer == NULL || message == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "AuthSig: NULL argument");
    *authsig_json_out = NULL;
    if (!lithsm_utf8_valid(message, message_len))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "AuthSig: the message is not valid UTF-8");
    lithsm_eip191_hash(hash, (const uint8_t *)message, message_len);
    err = lithsm_signer_sign_digest(&sig, signer, hash);
    if (err != LITHSM_OK)
        return err;
    err = lithsm_hex_encode(sig_hex, sizeof(sig_hex), sig.bytes, sizeof(sig));
    if (err != LITHSM_OK)
        return err;
    lithsm_signer_address(&addr, signer);
    lithsm_eth_address_to_text(addr_text, &addr);

    /* Key order of the SDK's AuthSig: sig, derivedVia, signedMessage,
     * address (js7 generate-auth-sig.ts). */
    lithsm_buf_init(&b);
    lithsm_buf_reserve(&b, message_len + 256);
    lithsm_buf_puts(&b, "{\"sig\":\"0x");
    lithsm_buf_puts(&b, sig_hex);
    lithsm_buf_puts(&b, "\",\"derivedVia\":\"web3.eth.personal.sign\","
                        "\"signedMessage\":");
    lithsm_buf_json_str(&b, message, message_len);
    lithsm_buf_puts(&b, ",\"address\":\"");
    lithsm_buf_puts(&b, addr_text);
    lithsm_buf_puts(&b, "\"}");
    return lithsm_buf_finish(&b, authsig_json_out, NULL);
}

/* siwe-recap's add_to_siwe_message: the ReCap sentence follows the statement
 * after one space, or stands alone when there is no statement. */
static char *statement_with_recap(const char *statement, const char *recap_text)
{
    lithsm_buf b;
    char *out = NULL;

    lithsm_buf_init(&b);
    if (statement != NULL && statement[0] != '\0') {
        lithsm_buf_puts(&b, statement);
        lithsm_buf_putc(&b, ' ');
    }
    lithsm_buf_puts(&b, recap_text);
    if (lithsm_buf_finish(&b, &out, NULL) != LITHSM_OK)
        return NULL;
    return out;
}

/* Clears *fields and fills its times: issued_at defaults to now,
 * expiration to issued_at + default_ms (written into issued and expires).
 * Both strings are validated. */
static lithsm_err init_fields(lithsm_siwe *fields,
                              char issued[LITHSM_TIME_LEN + 1],
                              char expires[LITHSM_TIME_LEN + 1],
                              const char *issued_at, const char *expiration,
                              int64_t default_ms)
{
    int64_t iat, exp;
    lithsm_err err;

    memset(fields, 0, sizeof(*fields));
    if (issued_at == NULL) {
        iat = lithsm_time_now_ms();
        err = lithsm_time_format(issued, iat);
        if (err != LITHSM_OK)
            return err;
        issued_at = issued;
    } else if (lithsm_time_parse(&iat, issued_at) != LITHSM_OK) {
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "issued-at time is not RFC 3339: %.40s", issued_at);
    }
    if (expiration == NULL) {
        err = lithsm_time_format(expires, iat + default_ms);
        if (err != LITHSM_OK)
            return err;
        expiration = expires;
    } else if (lithsm_time_parse(&exp, expiration) != LITHSM_OK) {
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "expiration time is not RFC 3339: %.40s",
                           expiration);
    }
    fields->issued_at = issued_at;
    fields->expiration_time = expiration;
    return LITHSM_OK;
}

/* Builds a SIWE carrying one ReCap, as the SDK's siwe helpers do. */
static lithsm_err siwe_with_recap(char **out, const lithsm_recap *recap,
                                  lithsm_siwe *fields, const char *statement)
{
    char *urn = NULL, *recap_text = NULL, *full_statement = NULL;
    const char *resources[1];
    lithsm_err err;

    err = lithsm_recap_urn(&urn, recap);
    if (err == LITHSM_OK)
        err = lithsm_recap_statement(&recap_text, recap);
    if (err == LITHSM_OK) {
        full_statement = statement_with_recap(statement, recap_text);
        if (full_statement == NULL)
            err = lithsm_fail(LITHSM_ERR_NOMEM, "SIWE: out of memory");
    }
    if (err == LITHSM_OK) {
        resources[0] = urn;
        fields->statement = full_statement;
        fields->resources = resources;
        fields->n_resources = 1;
        err = lithsm_siwe_to_text(out, fields);
        fields->resources = NULL;
        fields->n_resources = 0;
    }
    free(full_statement);
    free(recap_text);
    free(urn);
    return err;
}

lithsm_err lithsm_session_siwe(char **siwe_out, const char *wallet_address,
                               const lithsm_session_siwe_params *params)
{
    char issued[LITHSM_TIME_LEN + 1], expires[LITHSM_TIME_LEN + 1];
    char uri[sizeof("lit:session:") + 64];
    lithsm_recap *recap = NULL;
    lithsm_siwe fields;
    lithsm_err err;

    if (siwe_out == NULL || wallet_address == NULL || params == NULL ||
        params->requests == NULL || params->session_pubkey_hex == NULL ||
        params->nonce == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session SIWE: wallet address, session key, "
                           "requests and nonce are required");
    *siwe_out = NULL;
    if (strlen(params->session_pubkey_hex) != 64)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session SIWE: the session public key must be 64 "
                           "hex characters");
    err = init_fields(&fields, issued, expires, params->issued_at,
                      params->expiration, DAY_MS);
    if (err != LITHSM_OK)
        return err;
    snprintf(uri, sizeof(uri), "lit:session:%s", params->session_pubkey_hex);
    fields.domain = params->domain ? params->domain : "localhost";
    fields.address = wallet_address;
    fields.uri = uri;
    fields.version = "1";
    fields.chain_id = 1;
    fields.nonce = params->nonce;

    err = lithsm_recap_from_requests(&recap, params->requests);
    if (err == LITHSM_OK)
        err = siwe_with_recap(siwe_out, recap, &fields,
                              params->statement ? params->statement
                                                : LITHSM_DEFAULT_STATEMENT);
    lithsm_recap_free(recap);
    return err;
}

lithsm_err lithsm_wallet_authsig(char **authsig_json_out, lithsm_signer *wallet,
                                 const lithsm_session_siwe_params *params)
{
    lithsm_eth_address addr;
    char addr_text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    char *siwe = NULL;
    lithsm_err err;

    if (authsig_json_out == NULL || wallet == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "wallet AuthSig: NULL argument");
    *authsig_json_out = NULL;
    lithsm_signer_address(&addr, wallet);
    lithsm_eth_address_to_text(addr_text, &addr);
    err = lithsm_session_siwe(&siwe, addr_text, params);
    if (err == LITHSM_OK)
        err = lithsm_authsig_sign(authsig_json_out, wallet, siwe, strlen(siwe));
    free(siwe);
    return err;
}

static int is_decimal(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* A delegatee as the SDK takes it: 40 hex digits with or without "0x"
 * (createCapacityCreditsResourceData strips the prefix when present).  The
 * digits, case kept, go to *hex40; a mixed-case address must still carry a
 * valid EIP-55 checksum, to catch typos. */
static int delegatee_hex(const char **hex40, const char *a)
{
    char prefixed[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_eth_address addr;

    if (a == NULL)
        return 0;
    if (a[0] == '0' && a[1] == 'x')
        a += 2;
    if (strlen(a) != 40)
        return 0;
    snprintf(prefixed, sizeof(prefixed), "0x%s", a);
    if (lithsm_eth_address_parse(&addr, prefixed, 0) != LITHSM_OK)
        return 0;
    *hex40 = a;
    return 1;
}

/* The nota bene of a capacity delegation (js7 siwe-helper.ts): only the
 * restrictions that were given; addresses lose "0x" and keep their case. */
static lithsm_err delegation_nota_bene(char **out,
                                       const lithsm_delegation_params *p)
{
    lithsm_buf b;
    size_t i;
    int any = 0;

    lithsm_buf_init(&b);
    lithsm_buf_putc(&b, '{');
    if (p->delegatees_given || p->n_delegatees > 0) {
        lithsm_buf_puts(&b, "\"delegate_to\":[");
        for (i = 0; i < p->n_delegatees; i++) {
            const char *hex40;

            if (!delegatee_hex(&hex40, p->delegatees[i])) {
                lithsm_buf_free(&b);
                return lithsm_fail(LITHSM_ERR_PARSE,
                                   "delegation: delegatee %zu is not an "
                                   "Ethereum address (40 hex digits, \"0x\" "
                                   "optional, valid EIP-55 checksum if mixed "
                                   "case)",
                                   i + 1);
            }
            if (i > 0)
                lithsm_buf_putc(&b, ',');
            lithsm_buf_json_str(&b, hex40, 40);
        }
        lithsm_buf_putc(&b, ']');
        any = 1;
    }
    if (p->capacity_token_id != NULL) {
        lithsm_buf_puts(&b, any ? ",\"nft_id\":[" : "\"nft_id\":[");
        lithsm_buf_json_str(&b, p->capacity_token_id,
                            strlen(p->capacity_token_id));
        lithsm_buf_putc(&b, ']');
        any = 1;
    }
    if (p->uses != NULL) {
        lithsm_buf_puts(&b, any ? ",\"uses\":" : "\"uses\":");
        lithsm_buf_json_str(&b, p->uses, strlen(p->uses));
    }
    lithsm_buf_putc(&b, '}');
    return lithsm_buf_finish(&b, out, NULL);
}

lithsm_err lithsm_delegation_authsig(char **authsig_json_out, char **siwe_out,
                                     lithsm_signer *owner,
                                     const lithsm_delegation_params *params)
{
    char issued[LITHSM_TIME_LEN + 1], expires[LITHSM_TIME_LEN + 1];
    char addr_text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_eth_address addr;
    lithsm_requests *reqs = NULL;
    lithsm_recap *recap = NULL;
    lithsm_siwe fields;
    lithsm_buf key;
    char *nota_bene = NULL, *resource_key = NULL, *siwe = NULL;
    lithsm_err err;

    if (authsig_json_out == NULL || owner == NULL || params == NULL ||
        params->nonce == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "delegation: owner key and nonce are required");
    *authsig_json_out = NULL;
    if (siwe_out != NULL)
        *siwe_out = NULL;
    if (params->uses != NULL && !is_decimal(params->uses))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "delegation: uses must be a decimal number");
    if (params->capacity_token_id != NULL &&
        !is_decimal(params->capacity_token_id))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "delegation: the capacity token id must be a "
                           "decimal number");

    err = init_fields(&fields, issued, expires, params->issued_at,
                      params->expiration, 7 * DAY_MS);
    if (err != LITHSM_OK)
        return err;
    lithsm_signer_address(&addr, owner);
    lithsm_eth_address_to_text(addr_text, &addr);
    fields.domain = params->domain ? params->domain : "localhost";
    fields.address = addr_text;
    fields.uri = "lit:capability:delegation";
    fields.version = "1";
    fields.chain_id = 1;
    fields.nonce = params->nonce;

    lithsm_buf_init(&key);
    lithsm_buf_puts(&key, "lit-ratelimitincrease://");
    lithsm_buf_puts(&key, params->capacity_token_id ? params->capacity_token_id
                                                    : "*");
    err = lithsm_buf_finish(&key, &resource_key, NULL);
    if (err == LITHSM_OK)
        err = delegation_nota_bene(&nota_bene, params);
    if (err == LITHSM_OK)
        err = lithsm_requests_new(&reqs);
    if (err == LITHSM_OK)
        err = lithsm_requests_add(reqs, resource_key,
                                  "rate-limit-increase-auth", nota_bene);
    if (err == LITHSM_OK)
        err = lithsm_recap_from_requests(&recap, reqs);
    if (err == LITHSM_OK)
        err = siwe_with_recap(&siwe, recap, &fields,
                              params->statement ? params->statement
                                                : LITHSM_DEFAULT_STATEMENT);
    if (err == LITHSM_OK)
        err = lithsm_authsig_sign(authsig_json_out, owner, siwe, strlen(siwe));
    if (err == LITHSM_OK && siwe_out != NULL) {
        *siwe_out = siwe;
        siwe = NULL;
    }
    free(siwe);
    lithsm_recap_free(recap);
    lithsm_requests_free(reqs);
    free(nota_bene);
    free(resource_key);
    return err;
}
