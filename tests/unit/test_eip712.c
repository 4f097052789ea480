/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_eip712.c - EIP-712 typed data: the specification's Mail example
 * (its published digest), the accessors a signing policy reads, value
 * forms, encodings computed here by hand from the EIP's rules, and the
 * errors, which must name the field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lithsm.h"
#include "tap.h"

#define DOMAIN_TYPE                                              \
    "\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"}," \
    "{\"name\":\"version\",\"type\":\"string\"},"                \
    "{\"name\":\"chainId\",\"type\":\"uint256\"},"               \
    "{\"name\":\"verifyingContract\",\"type\":\"address\"}]"
#define DOMAIN                                                             \
    "\"domain\":{\"name\":\"Ether Mail\",\"version\":\"1\",\"chainId\":1," \
    "\"verifyingContract\":\"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"}"

/* The Mail example of EIP-712. */
static const char mail[] =
    "{\"types\":{" DOMAIN_TYPE ","
    "\"Person\":[{\"name\":\"name\",\"type\":\"string\"},"
    "{\"name\":\"wallet\",\"type\":\"address\"}],"
    "\"Mail\":[{\"name\":\"from\",\"type\":\"Person\"},"
    "{\"name\":\"to\",\"type\":\"Person\"},"
    "{\"name\":\"contents\",\"type\":\"string\"}]},"
    "\"primaryType\":\"Mail\"," DOMAIN ","
    "\"message\":{\"from\":{\"name\":\"Cow\",\"wallet\":"
    "\"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"},"
    "\"to\":{\"name\":\"Bob\",\"wallet\":"
    "\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"},"
    "\"contents\":\"Hello, Bob!\"}}";

/* mail with the first `from` replaced by `to` (a new string; free it). */
static char *edit(const char *from, const char *to)
{
    const char *at = strstr(mail, from);
    size_t n = strlen(mail) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);

    if (at == NULL || out == NULL) {
        free(out);
        return NULL;
    }
    snprintf(out, n, "%.*s%s%s", (int)(at - mail), mail, to, at + strlen(from));
    return out;
}

static void hex32(char out[67], const uint8_t h[32])
{
    out[0] = '0';
    out[1] = 'x';
    if (lithsm_hex_encode(out + 2, 65, h, 32) != LITHSM_OK)
        out[2] = '\0';
}

/* Parses text and expects refusal with `code` and an error naming
 * `want` (a substring). */
static void refused(const char *text, lithsm_err code, const char *want,
                    const char *what)
{
    lithsm_typed_data *td = NULL;
    lithsm_err err;

    if (text == NULL) {
        ok(0, what);
        return;
    }
    err = lithsm_typed_data_parse(&td, text, strlen(text));
    if (!ok(err == code && td == NULL &&
                strstr(lithsm_last_error(), want) != NULL,
            what))
        printf("#   code %d, error: %s\n#   want %d: %s\n", (int)err,
               lithsm_last_error(), (int)code, want);
    lithsm_typed_data_free(td);
}

static void refused_edit(const char *from, const char *to, lithsm_err code,
                         const char *want)
{
    char *text = edit(from, to);
    char what[300];

    snprintf(what, sizeof(what), "refused: %s", want);
    refused(text, code, want, what);
    free(text);
}

static void test_mail(void)
{
    lithsm_typed_data *td = NULL;
    lithsm_eth_address a;
    char hex[67], *enc = NULL, addr[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    uint8_t h[32], salt[32];
    size_t len = 0;

    if (!ok(lithsm_typed_data_parse(&td, mail, strlen(mail)) == LITHSM_OK,
            "the EIP-712 Mail example parses")) {
        printf("# %s\n", lithsm_last_error());
        return;
    }
    lithsm_typed_data_digest(h, td);
    hex32(hex, h);
    ok_str_eq(
        hex,
        "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2",
        "digest: the one the EIP publishes");
    ok(lithsm_typed_data_encode_type(&enc, td) == LITHSM_OK, "encodeType");
    ok_str_eq(enc,
              "Mail(Person from,Person to,string contents)Person(string "
              "name,address wallet)",
              "... Mail then Person");
    lithsm_keccak256(h, (const uint8_t *)enc, enc ? strlen(enc) : 0);
    lithsm_free(enc);
    {
        uint8_t th[32];

        lithsm_typed_data_type_hash(th, td);
        ok_mem_eq(th, h, 32, "type hash is keccak256(encodeType)");
    }
    ok_str_eq(lithsm_typed_data_primary_type(td), "Mail", "primary type");
    ok_str_eq(lithsm_typed_data_domain_name(td, &len), "Ether Mail",
              "domain name");
    ok_int_eq(len, 10, "... its length");
    ok_str_eq(lithsm_typed_data_domain_version(td, NULL), "1",
              "domain version");
    ok_str_eq(lithsm_typed_data_domain_chain_id(td), "1", "domain chainId");
    ok(lithsm_typed_data_verifying_contract(&a, td), "verifyingContract");
    lithsm_eth_address_to_text(addr, &a);
    ok_str_eq(addr, "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
              "... its value");
    ok(!lithsm_typed_data_domain_salt(salt, td), "no salt");
    lithsm_typed_data_free(td);
}

/* A domain with only chainId (as hex text) and salt: the accessors say
 * what is absent. */
static void test_domain_subset(void)
{
    static const char text[] =
        "{\"types\":{\"EIP712Domain\":[{\"name\":\"chainId\",\"type\":"
        "\"uint256\"},{\"name\":\"salt\",\"type\":\"bytes32\"}],"
        "\"T\":[]},\"primaryType\":\"T\",\"domain\":{\"chainId\":\"0x2105\","
        "\"salt\":\"0x0101010101010101010101010101010101010101010101010101"
        "010101010101\"},\"message\":{}}";
    lithsm_typed_data *td = NULL;
    lithsm_eth_address a;
    uint8_t salt[32], want[32];
    char *enc = NULL;

    if (!ok(lithsm_typed_data_parse(&td, text, strlen(text)) == LITHSM_OK,
            "a domain of chainId and salt, an empty struct")) {
        printf("# %s\n", lithsm_last_error());
        return;
    }
    ok_str_eq(lithsm_typed_data_domain_chain_id(td), "8453",
              "chainId \"0x2105\" reads as 8453");
    ok(lithsm_typed_data_domain_name(td, NULL) == NULL, "no name");
    ok(lithsm_typed_data_domain_version(td, NULL) == NULL, "no version");
    ok(!lithsm_typed_data_verifying_contract(&a, td), "no verifyingContract");
    memset(want, 1, 32);
    ok(lithsm_typed_data_domain_salt(salt, td) && memcmp(salt, want, 32) == 0,
       "salt");
    ok(lithsm_typed_data_encode_type(&enc, td) == LITHSM_OK, "encodeType");
    ok_str_eq(enc, "T()", "... of a struct without fields");
    lithsm_free(enc);
    lithsm_typed_data_free(td);
}

/* uint8[2][] = [[1,2],[3,4]], by the EIP's rules: each array is keccak256
 * of its items' words. */
static void test_nested_arrays(void)
{
    static const char text[] =
        "{\"types\":{\"EIP712Domain\":[],\"G\":[{\"name\":\"g\",\"type\":"
        "\"uint8[2][]\"}]},\"primaryType\":\"G\",\"domain\":{},"
        "\"message\":{\"g\":[[1,\"0x02\"],[\"3\",4]]}}";
    lithsm_typed_data *td = NULL;
    uint8_t words[96] = { 0 }, inner[64] = { 0 }, outer[64], h[32];
    const char *type = "G(uint8[2][] g)";

    if (!ok(lithsm_typed_data_parse(&td, text, strlen(text)) == LITHSM_OK,
            "uint8[2][] parses")) {
        printf("# %s\n", lithsm_last_error());
        return;
    }
    inner[31] = 1;
    inner[63] = 2;
    lithsm_keccak256(outer, inner, 64);
    inner[31] = 3;
    inner[63] = 4;
    lithsm_keccak256(outer + 32, inner, 64);
    lithsm_keccak256(words, (const uint8_t *)type, strlen(type));
    lithsm_keccak256(words + 32, outer, 64);
    lithsm_keccak256(h, words, 64);
    lithsm_typed_data_struct_hash(words, td);
    ok_mem_eq(words, h, 32, "struct hash of nested arrays, by hand");
    lithsm_typed_data_free(td);
    {
        char bad[sizeof(text) + 2];

        memcpy(bad, text, sizeof(text));
        memcpy(strstr(bad, "\"3\""), "\"x\"", 3);
        refused(bad, LITHSM_ERR_PARSE, "typed data: message.g[1][0]: ",
                "an array item's error names its indexes");
        snprintf(bad, sizeof(bad), "%.*s,5%s", (int)(strstr(text, "]]") - text),
                 text, strstr(text, "]]"));
        refused(bad, LITHSM_ERR_PARSE,
                "typed data: message.g[1]: must have exactly 2 items, not 3",
                "a fixed inner array of the wrong length names its index");
    }
}

/* Strings are their UTF-8 bytes, U+0000 included; member names may not
 * hold it. */
static void test_nul(void)
{
    static const char text[] =
        "{\"types\":{\"EIP712Domain\":[],\"S\":[{\"name\":\"s\",\"type\":"
        "\"string\"}]},\"primaryType\":\"S\",\"domain\":{},"
        "\"message\":{\"s\":\"a\\u0000\xc3\xa9\"}}";
    static const uint8_t bytes[] = { 'a', 0, 0xc3, 0xa9 };
    const char *type = "S(string s)";
    lithsm_typed_data *td = NULL;
    uint8_t words[64], h[32];

    if (!ok(lithsm_typed_data_parse(&td, text, strlen(text)) == LITHSM_OK,
            "a string holding U+0000 is accepted")) {
        printf("# %s\n", lithsm_last_error());
        return;
    }
    lithsm_keccak256(words, (const uint8_t *)type, strlen(type));
    lithsm_keccak256(words + 32, bytes, sizeof(bytes));
    lithsm_keccak256(h, words, 64);
    lithsm_typed_data_struct_hash(words, td);
    ok_mem_eq(words, h, 32, "... and its 4 UTF-8 bytes are hashed");
    lithsm_typed_data_free(td);
    refused_edit("\"contents\":\"Hello", "\"con\\u0000tents\":\"Hello",
                 LITHSM_ERR_PARSE, "member name");
}

static void test_errors(void)
{
    refused_edit("\"type\":\"Person\"}", "\"type\":\"Persn\"}",
                 LITHSM_ERR_PARSE,
                 "typed data: types.Mail[0].type: unknown type \"Persn\"");
    refused_edit("\"contents\":\"Hello, Bob!\"",
                 "\"contents\":\"Hello, Bob!\",\"cc\":1", LITHSM_ERR_PARSE,
                 "typed data: message.cc: not a field of Mail");
    refused_edit("\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"",
                 "\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbb\"",
                 LITHSM_ERR_PARSE,
                 "typed data: message.to.wallet: wrong EIP-55");
    refused_edit("\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"", "\"0xbBbB\"",
                 LITHSM_ERR_PARSE,
                 "typed data: message.to.wallet: must be an address");
    refused_edit("\"name\":\"Bob\",", "", LITHSM_ERR_PARSE,
                 "typed data: message.to.name: missing");
    refused_edit("\"name\":\"from\"", "\"name\":\"from-x\"", LITHSM_ERR_PARSE,
                 "typed data: types.Mail[0].name: must be an identifier");
    refused_edit("\"Mail\":[", "\"Ma il\":[", LITHSM_ERR_PARSE,
                 "cannot name a type");
    refused_edit("\"Person\":[", "\"address\":[", LITHSM_ERR_PARSE,
                 "cannot name a type");
    refused_edit("\"primaryType\":\"Mail\"", "\"primaryType\":\"\"",
                 LITHSM_ERR_PARSE, "typed data: primaryType: empty");
    refused_edit("\"primaryType\":\"Mail\"", "\"primaryType\":\"EIP712Domain\"",
                 LITHSM_ERR_PARSE, "primaryType: EIP712Domain is refused");
    refused_edit("\"primaryType\":\"Mail\"",
                 "\"primaryType\":\"Mail\","
                 "\"extra\":1",
                 LITHSM_ERR_PARSE, "\"extra\" is not a typed-data member");
    refused_edit(",\"primaryType\":\"Mail\"", "", LITHSM_ERR_PARSE,
                 "typed data: primaryType: missing");
    refused_edit("\"chainId\":1", "\"chainId\":9007199254740992",
                 LITHSM_ERR_RANGE, "typed data: domain.chainId: a JSON number");
    refused_edit("\"chainId\":1", "\"chainId\":1.5", LITHSM_ERR_PARSE,
                 "typed data: domain.chainId: must be an integer");
    refused_edit("\"chainId\":1", "\"chainId\":\"-1\"", LITHSM_ERR_RANGE,
                 "typed data: domain.chainId: uint256 cannot be negative");
    refused_edit("\"contents\":\"Hello, Bob!\"", "\"contents\":7",
                 LITHSM_ERR_PARSE,
                 "typed data: message.contents: must be a "
                 "JSON string");
    refused_edit("\"type\":\"string\"}]}", "\"type\":\"string[0]\"}]}",
                 LITHSM_ERR_PARSE, "types.Mail[2].type: \"string[0]\" is not");
    refused_edit("\"type\":\"string\"}]}", "\"type\":\"string[01]\"}]}",
                 LITHSM_ERR_PARSE, "types.Mail[2].type");
    refused_edit("\"type\":\"string\"}]}", "\"type\":\"string[\"}]}",
                 LITHSM_ERR_PARSE, "types.Mail[2].type");
    refused_edit("\"type\":\"string\"}]}", "\"type\":\"string []\"}]}",
                 LITHSM_ERR_PARSE, "types.Mail[2].type");
    refused_edit("\"type\":\"string\"}]}", "\"type\":\"EIP712Domain\"}]}",
                 LITHSM_ERR_PARSE, "cannot have type EIP712Domain");
    refused_edit("\"type\":\"string\"}]}",
                 "\"type\":\"string[][][][][][][][][]\"}]}", LITHSM_ERR_RANGE,
                 "more than 8 array dimensions");
    refused_edit("{\"name\":\"contents\",\"type\":\"string\"}",
                 "{\"name\":\"contents\",\"type\":\"string\",\"x\":1}",
                 LITHSM_ERR_PARSE, "types.Mail[2]: must be an object");
    refused_edit("\"message\":{", "\"message\":[{", LITHSM_ERR_PARSE, "JSON");
}

/* Types chained 70 deep: refused before any recursion runs away. */
static void test_deep_types(void)
{
    char *text = malloc(16384);
    size_t n = 0, i;

    if (text == NULL) {
        ok(0, "malloc");
        return;
    }
    n += (size_t)sprintf(text + n, "{\"types\":{\"EIP712Domain\":[]");
    for (i = 0; i < 70; i++)
        n += (size_t)sprintf(
            text + n, ",\"T%zu\":[{\"name\":\"x\",\"type\":\"%s%zu\"}]", i,
            i + 1 < 70 ? "T" : "uint", i + 1 < 70 ? i + 1 : 8);
    sprintf(text + n, "},\"primaryType\":\"T0\",\"domain\":{},\"message\":{}}");
    refused(text, LITHSM_ERR_RANGE, "types nest more than 64 deep",
            "types nested 70 deep are refused");
    free(text);
}

/* Types that reach one big type many times: each encodeType repeats it,
 * so their total is bounded (RANGE), not allocated. */
static void test_encoded_bound(void)
{
    size_t cap = 1u << 20, n = 0, i;
    char *text = malloc(cap);

    if (text == NULL) {
        ok(0, "malloc");
        return;
    }
    n += (size_t)snprintf(text, cap,
                          "{\"types\":{\"EIP712Domain\":[],\"Big\":[");
    for (i = 0; i < 1000; i++)
        n += (size_t)snprintf(text + n, cap - n,
                              "%s{\"name\":\"f%04zu%0200d\",\"type\":\"bool\"}",
                              i ? "," : "", i, 0);
    n += (size_t)snprintf(text + n, cap - n, "],\"P\":[");
    for (i = 0; i < 30; i++)
        n += (size_t)snprintf(text + n, cap - n,
                              "%s{\"name\":\"t%zu\",\"type\":\"T%zu\"}",
                              i ? "," : "", i, i);
    n += (size_t)snprintf(text + n, cap - n, "]");
    for (i = 0; i < 30; i++)
        n += (size_t)snprintf(text + n, cap - n,
                              ",\"T%zu\":[{\"name\":\"b\",\"type\":\"Big\"}]",
                              i);
    snprintf(text + n, cap - n,
             "},\"primaryType\":\"P\",\"domain\":{},\"message\":{}}");
    refused(text, LITHSM_ERR_RANGE, "encodeType texts pass",
            "encodeType repeating a big type is bounded");
    free(text);
}

static void test_limits(void)
{
    char name[320] = "\"name\":\"", *text = malloc(65536);
    size_t n = 0, i;

    memset(name + 8, 'a', 300);
    strcpy(name + 308, "\"");
    refused_edit("\"name\":\"from\"", name, LITHSM_ERR_PARSE,
                 "types.Mail[0].name: must be an identifier");
    if (text == NULL) {
        ok(0, "malloc");
        return;
    }
    n += (size_t)snprintf(text, 65536, "{\"types\":{\"EIP712Domain\":[]");
    for (i = 0; i < 257; i++)
        n += (size_t)snprintf(text + n, 65536 - n, ",\"T%zu\":[]", i);
    snprintf(text + n, 65536 - n,
             "},\"primaryType\":\"T0\",\"domain\":{},\"message\":{}}");
    refused(text, LITHSM_ERR_RANGE, "more than 256 types",
            "more than 256 types are refused");
    free(text);
}

static void test_args(void)
{
    lithsm_typed_data *td = NULL;
    lithsm_eth_sig sig;
    uint8_t d[32];
    char *s = NULL;

    ok(lithsm_typed_data_parse(NULL, mail, strlen(mail)) ==
           LITHSM_ERR_INVALID_ARG,
       "parse: NULL out");
    ok(lithsm_typed_data_parse(&td, NULL, 0) == LITHSM_ERR_INVALID_ARG,
       "parse: NULL text");
    ok(lithsm_typed_data_encode_type(&s, NULL) == LITHSM_ERR_INVALID_ARG,
       "encode_type: NULL");
    ok(lithsm_typed_data_sign(&sig, d, NULL, NULL) == LITHSM_ERR_INVALID_ARG,
       "sign: NULL");
    lithsm_typed_data_free(NULL);
    ok(lithsm_typed_data_parse(&td, mail, strlen(mail) - 1) == LITHSM_ERR_PARSE,
       "parse: truncated text");
}

int main(void)
{
    test_mail();
    test_domain_subset();
    test_nested_arrays();
    test_nul();
    test_errors();
    test_deep_types();
    test_encoded_bound();
    test_limits();
    test_args();
    return tap_done();
}
