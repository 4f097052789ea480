/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * peer-fixtures-check.c - the public SIWE and ReCap test suites (spruceid/siwe,
 * siwe-rs, siwe-recap, recap-ts; tests/peer-fixtures/SOURCES.md) run
 * through lithsm's SIWE parser and writer and its ReCap decoder, with the
 * expectations SOURCES.md describes.  Where a Lit node's crate (siwe-rs
 * 0.5) and the JS library differ, the node's verdict wins; each such case
 * is named in node_refuses below.
 *
^ *   peer-fixtures-check   (reads $top_srcdir/tests/peer-fixtures)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lithsm.h"
#include "tap.h"
#include "siwe_fields.h"

/* Cases JS accepts and a Lit node refuses: siwe-rs 0.5.2 reads the domain
 * with http::uri::Authority::from_str, which stops at the first '/', so
 * "https://example.com wants you..." fails (NodeSIWECapabilityInvalid).
 * lithsm refuses it too (issue 8). */
static const char *const node_refuses[] = {
    "domain contains optional scheme",
};

static int node_refuses_case(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(node_refuses) / sizeof(node_refuses[0]); i++)
        if (strcmp(name, node_refuses[i]) == 0)
            return 1;
    return 0;
}

static char *fixture_path(const char *rel)
{
    const char *top = getenv("top_srcdir");
    size_t n;
    char *p;

    if (top == NULL || *top == '\0')
        top = ".";
    n = strlen(top) + strlen(rel) + 32;
    p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/tests/peer-fixtures/%s", top, rel);
    return p;
}

static json_object *load(const char *rel)
{
    char *path = fixture_path(rel);
    json_object *o = path ? json_object_from_file(path) : NULL;

    if (o == NULL)
        printf("# cannot read %s\n", path ? path : rel);
    free(path);
    return o;
}

/* The whole of a text file, without one trailing newline (SIWE.trim() in
 * siwe-recap's tests), or NULL. */
static char *load_text(const char *rel)
{
    char *path = fixture_path(rel), *text = NULL;
    FILE *f = path ? fopen(path, "rb") : NULL;
    long n;

    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (text = calloc(1, (size_t)n + 1)) &&
        fread(text, 1, (size_t)n, f) == (size_t)n) {
        while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
            text[--n] = '\0';
    }
    if (f != NULL)
        fclose(f);
    if (text == NULL)
        printf("# cannot read %s\n", rel);
    free(path);
    return text;
}

static lithsm_siwe_msg *parse(const char *text)
{
    lithsm_siwe_msg *m = NULL;

    if (text == NULL || lithsm_siwe_parse(&m, text, strlen(text)) != LITHSM_OK)
        return NULL;
    return m;
}

static int parses(const char *text)
{
    lithsm_siwe_msg *m = parse(text);

    lithsm_siwe_msg_free(m);
    return m != NULL;
}

static void name_case(char *what, size_t size, const char *file,
                      const char *name, const char *verdict)
{
    snprintf(what, size, "%s: %s: %s", file, name, verdict);
}

/* ------------------------------------------------------------------------
 * SIWE: spruceid/siwe and siwe-rs
 */

/* parsing_positive: the text parses to the fields, and the fields write the
 * text (client.test.ts); a node_refuses case is refused both ways. */
static void positive_case(const char *file, const char *name, json_object *c)
{
    const char *msg = str_at(c, "message");
    const char *res[SIWE_FIELDS_MAX_RESOURCES];
    json_object *fields = obj_at(c, "fields");
    lithsm_siwe want;
    lithsm_siwe_msg *m;
    char *text = NULL, what[512];
    int good;

    if (node_refuses_case(name)) {
        name_case(what, sizeof(what), file, name,
                  "refused, as a Lit node (siwe-rs 0.5) does; JS accepts");
        ok(!parses(msg), what);
        return;
    }
    m = parse(msg);
    good = m != NULL;
    if (good && fields != NULL && siwe_fields_read(&want, res, fields)) {
        size_t bad;

        good = siwe_fields_eq(lithsm_siwe_msg_fields(m), &want, &bad);
        if (good && lithsm_siwe_to_text(&text, &want) == LITHSM_OK)
            good = strcmp(text, msg) == 0;
        else if (good)
            good = 0;
        lithsm_free(text);
    }
    if (m == NULL)
        printf("# %s\n", lithsm_last_error());
    lithsm_siwe_msg_free(m);
    name_case(what, sizeof(what), file, name, "parses to its fields");
    ok(good, what);
}

static void negative_case(const char *file, const char *name, json_object *c)
{
    char what[512];

    name_case(what, sizeof(what), file, name, "refused");
    ok(!parses(json_object_get_string(c)), what);
}

/* parsing_negative_objects: the writer refuses each; a chainId that is not
 * a number, or none, cannot be said in lithsm_siwe (a uint64_t). */
static void negative_object_case(const char *file, const char *name,
                                 json_object *c)
{
    const char *res[SIWE_FIELDS_MAX_RESOURCES];
    json_object *chain = NULL;
    lithsm_siwe f;
    char *text = NULL, what[512];

    name_case(what, sizeof(what), file, name, "the writer refuses it");
    if (!json_object_object_get_ex(c, "chainId", &chain) ||
        !json_object_is_type(chain, json_type_int)) {
        /* Not a test of lithsm: its type cannot hold such a value. */
        printf("# not applicable: %s (lithsm_siwe's chain id is always a "
               "number)\n",
               what);
        return;
    }
    ok(siwe_fields_read(&f, res, c) &&
           lithsm_siwe_to_text(&text, &f) != LITHSM_OK,
       what);
    lithsm_free(text);
}

static void each_case(const char *rel,
                      void (*run)(const char *, const char *, json_object *))
{
    json_object *root = load(rel);

    ok(root != NULL, rel);
    if (root == NULL)
        return;
    json_object_object_foreach(root, name, c) run(rel, name, c);
    json_object_put(root);
}

/* verification_*.json: the fields write a message whose EIP-191 signature
 * recovers to the address, valid at `time` or else issuedAt. */
static int siwe_verifies(json_object *c)
{
    const char *res[SIWE_FIELDS_MAX_RESOURCES], *when;
    char *text = NULL, addr[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    uint8_t hash[32], sig[LITHSM_ETH_SIG_LEN];
    lithsm_eth_address who;
    lithsm_siwe f;
    int64_t at, edge;
    int good;

    if (!siwe_fields_read(&f, res, c) ||
        lithsm_siwe_to_text(&text, &f) != LITHSM_OK)
        return 0;
    lithsm_eip191_hash(hash, (const uint8_t *)text, strlen(text));
    lithsm_free(text);
    when = str_at(c, "time") ? str_at(c, "time") : f.issued_at;
    good = lithsm_hex_decode(sig, sizeof(sig), str_at(c, "signature"),
                             strlen(str_at(c, "signature"))) == LITHSM_OK &&
           lithsm_eth_recover(&who, hash, sig, sizeof(sig)) == LITHSM_OK &&
           lithsm_time_parse(&at, when) == LITHSM_OK;
    if (!good)
        return 0;
    lithsm_eth_address_to_text(addr, &who);
    if (strcmp(addr, f.address) != 0)
        return 0;
    if (f.expiration_time != NULL &&
        (lithsm_time_parse(&edge, f.expiration_time) != LITHSM_OK ||
         at >= edge))
        return 0;
    return f.not_before == NULL ||
           (lithsm_time_parse(&edge, f.not_before) == LITHSM_OK && at >= edge);
}

static void verify_case(const char *file, const char *name, json_object *c,
                        int want)
{
    char what[512];

    name_case(what, sizeof(what), file, name,
              want ? "verifies" : "does not verify");
    /* A Lit node passes only a timestamp to verify (lit-peer siwe.rs), so
     * a message that fails only a domain-binding or nonce-match option
     * verifies there, as it must here: the node's verdict wins. */
    if (obj_at(c, "domainBinding") != NULL || obj_at(c, "matchNonce") != NULL) {
        name_case(what, sizeof(what), file, name,
                  "verifies (a Lit node checks no domain binding or nonce "
                  "match)");
        ok(siwe_verifies(c) == 1, what);
    } else
        ok(siwe_verifies(c) == want, what);
}

static void verify_positive(const char *file, const char *name, json_object *c)
{
    verify_case(file, name, c, 1);
}

static void verify_negative(const char *file, const char *name, json_object *c)
{
    verify_case(file, name, c, 0);
}

/* siwe-rs's own test module: parse_ok parse, parse_err are refused. */
static void test_siwe_rs_inline(void)
{
    static const char *const file = "spruceid-siwe-rs-inline.json";
    json_object *root = load(file), *list;
    char what[512];
    size_t i, n;
    int want;

    ok(root != NULL, file);
    for (want = 1; root != NULL && want >= 0; want--) {
        list = obj_at(root, want ? "parse_ok" : "parse_err");
        n = list ? json_object_array_length(list) : 0;
        for (i = 0; i < n; i++) {
            json_object *c = json_object_array_get_idx(list, i);

            name_case(what, sizeof(what), file, str_at(c, "test"),
                      want ? "parses" : "refused");
            ok(parses(str_at(c, "message")) == want, what);
        }
    }
    json_object_put(root);
}

/* ------------------------------------------------------------------------
 * ReCap: siwe-recap and recap-ts
 */

/* The ReCap of a SIWE: its last resource when that is "urn:recap:" and
 * decodes (siwe-recap's extract_and_verify), else NULL ("no capability").
 * *statement_ok: the statement ends with the ReCap's sentence. */
static lithsm_recap *recap_of(const lithsm_siwe *f, int *statement_ok)
{
    const char *last;
    lithsm_recap *r = NULL;
    char *sentence = NULL;
    size_t sl, n;

    *statement_ok = 0;
    if (f->n_resources == 0)
        return NULL;
    last = f->resources[f->n_resources - 1];
    if (strncmp(last, "urn:recap:", 10) != 0 ||
        lithsm_recap_decode(&r, last) != LITHSM_OK)
        return NULL;
    if (lithsm_recap_statement(&sentence, r) == LITHSM_OK &&
        f->statement != NULL) {
        sl = strlen(sentence);
        n = strlen(f->statement);
        *statement_ok = n >= sl && strcmp(f->statement + n - sl, sentence) == 0;
    }
    lithsm_free(sentence);
    return r;
}

/* A SIWE text: parses; has a verified ReCap iff `caps`. */
static void recap_text_case(const char *file, const char *name,
                            const char *text, int caps)
{
    lithsm_siwe_msg *m = parse(text);
    lithsm_recap *r = NULL;
    char what[512];
    int stmt = 0;

    name_case(what, sizeof(what), file, name, "parses");
    if (!ok(m != NULL, what))
        printf("# %s\n", lithsm_last_error());
    if (m != NULL)
        r = recap_of(lithsm_siwe_msg_fields(m), &stmt);
    name_case(what, sizeof(what), file, name,
              caps ? "its ReCap decodes and matches the statement"
                   : "no capability");
    ok(caps ? (r != NULL && stmt) : r == NULL, what);
    lithsm_recap_free(r);
    lithsm_siwe_msg_free(m);
}

static void test_siwe_recap_texts(void)
{
    static const struct {
        const char *file;
        int caps;
    } texts[] = {
        { "spruceid-siwe-recap/siwe_with_caps.txt", 1 },
        { "spruceid-siwe-recap/siwe_with_statement.txt", 1 },
        { "spruceid-siwe-recap/siwe_with_no_caps.txt", 0 },
        { "spruceid-siwe-recap/siwe_with_statement_no_caps.txt", 0 },
        /* the ReCap is not the last resource: Ok(None) in Rust */
        { "spruceid-siwe-recap/siwe_with_interleaved_resources.txt", 0 },
    };
    size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        char *text = load_text(texts[i].file);

        recap_text_case(texts[i].file, "SIWE.trim()", text, texts[i].caps);
        free(text);
    }
}

/* A recap-ts message: a string, or fields written with lithsm's writer. */
static void recap_ts_case(const char *file, const char *name, json_object *c,
                          int caps)
{
    const char *res[SIWE_FIELDS_MAX_RESOURCES];
    json_object *msg = obj_at(c, "message");
    lithsm_siwe f;
    char *text = NULL, what[512];

    if (json_object_is_type(msg, json_type_string)) {
        recap_text_case(file, name, json_object_get_string(msg), caps);
        return;
    }
    if (siwe_fields_read(&f, res, msg) &&
        lithsm_siwe_to_text(&text, &f) == LITHSM_OK) {
        recap_text_case(file, name, text, caps);
    } else {
        name_case(what, sizeof(what), file, name, "written");
        ok(!caps, what); /* an unwritable message has no capability */
    }
    lithsm_free(text);
}

static void recap_ts_valid(const char *file, const char *name, json_object *c)
{
    recap_ts_case(file, name, c, 1);
}

static void recap_ts_invalid(const char *file, const char *name, json_object *c)
{
    recap_ts_case(file, name, c, 0);
}

/* serialized_cap.json (siwe-recap's serde_jcs form): as a URN it decodes
 * and encodes back to the same canonical JSON. */
static void test_serialized_cap(const char *rel)
{
    json_object *root = load(rel);
    const char *json;
    lithsm_recap *r = NULL;
    char *b64 = NULL, *urn = NULL, *back = NULL, what[512];

    ok(root != NULL, rel);
    if (root == NULL)
        return;
    json = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (lithsm_base64url_encode(&b64, (const uint8_t *)json, strlen(json)) ==
            LITHSM_OK &&
        (urn = malloc(strlen(b64) + 11)) != NULL) {
        snprintf(urn, strlen(b64) + 11, "urn:recap:%s", b64);
        if (lithsm_recap_decode(&r, urn) == LITHSM_OK &&
            lithsm_recap_json(&back, r) != LITHSM_OK)
            back = NULL;
    }
    name_case(what, sizeof(what), rel, "serialized_cap",
              "decodes and re-encodes to the same JSON");
    ok(back != NULL && strcmp(back, json) == 0, what);
    if (back == NULL)
        printf("# %s\n", lithsm_last_error());
    lithsm_free(back);
    lithsm_recap_free(r);
    free(urn);
    lithsm_free(b64);
    json_object_put(root);
}

int main(void)
{
    each_case("spruceid-siwe/parsing_positive.json", positive_case);
    each_case("spruceid-siwe/parsing_negative.json", negative_case);
    each_case("spruceid-siwe/parsing_negative_objects.json",
              negative_object_case);
    each_case("spruceid-siwe/verification_positive.json", verify_positive);
    each_case("spruceid-siwe/verification_negative.json", verify_negative);
    each_case("spruceid-siwe-rs-pin/parsing_positive.json", positive_case);
    test_siwe_rs_inline();
    test_siwe_recap_texts();
    each_case("spruceid-recap-ts/valid.json", recap_ts_valid);
    each_case("spruceid-recap-ts/invalid.json", recap_ts_invalid);
    test_serialized_cap("spruceid-siwe-recap/serialized_cap.json");
    return tap_done();
}
