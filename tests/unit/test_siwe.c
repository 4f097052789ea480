/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_siwe.c - EIP-4361 writer and strict parser against the siwe.json
 * vectors and every SIWE text in the other vector files, and the writer's
 * checks.  Hand-made malformed input: test_siwe_parse.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"
#include "tap.h"
#include "vectors.h"
#include "siwe_check.h"
#include "siwe_fields.h"

/* Fills f from a JSON object with the siwe package's field names. */
static void fields_from_json(lithsm_siwe *f, const char **res, json_object *obj)
{
    if (!siwe_fields_read(f, res, obj))
        printf("# too many resources in a case\n");
}

static int fields_eq(const lithsm_siwe *a, const lithsm_siwe *b)
{
    size_t where;

    return siwe_fields_eq(a, b, &where);
}

/* ------------------------------------------------------------------------
 * siwe.json
 */
/* siwe (JS) writes and reads "scheme://domain"; a Lit node's siwe-rs 0.5
 * refuses it (NodeSIWECapabilityInvalid), so lithsm refuses it both ways. */
static void test_scheme_refused(const lithsm_siwe *f, const char *message,
                                const char *name)
{
    char *text = NULL, what[256];

    snprintf(what, sizeof(what), "%s: to_text refuses the scheme", name);
    ok_int_eq(lithsm_siwe_to_text(&text, f), LITHSM_ERR_INVALID_ARG, what);
    snprintf(what, sizeof(what), "%s: the writer's error names the scheme",
             name);
    ok(text == NULL && error_mentions("scheme"), what);
    snprintf(what, sizeof(what), "%s: parse refuses the scheme", name);
    ok_int_eq(parse_str(message), LITHSM_ERR_PARSE, what);
    snprintf(what, sizeof(what), "%s: the parser's error names siwe-rs", name);
    ok(error_mentions("scheme") && error_mentions("siwe-rs"), what);
}

static void test_format_case(json_object *vec)
{
    json_object *inputs, *expected, *fields_json, *parsed_json;
    const char *name = str_at(vec, "name"), *message;
    const char *res[SIWE_FIELDS_MAX_RESOURCES];
    const char *res2[SIWE_FIELDS_MAX_RESOURCES];
    lithsm_siwe f, want;
    lithsm_siwe_msg *m = NULL;
    char *text = NULL, what[256];
    lithsm_err err;

    json_object_object_get_ex(vec, "inputs", &inputs);
    json_object_object_get_ex(vec, "expected", &expected);
    json_object_object_get_ex(inputs, "fields", &fields_json);
    json_object_object_get_ex(expected, "parsed", &parsed_json);
    message = str_at(expected, "message");

    fields_from_json(&f, res, fields_json);
    if (f.scheme != NULL && f.scheme[0] != '\0') {
        test_scheme_refused(&f, message, name);
        return;
    }
    err = lithsm_siwe_to_text(&text, &f);
    snprintf(what, sizeof(what), "%s: to_text succeeds", name);
    ok_int_eq(err, LITHSM_OK, what);
    snprintf(what, sizeof(what), "%s: to_text gives prepareMessage()", name);
    ok_str_eq(text, message, what);
    lithsm_free(text);

    err = lithsm_siwe_parse(&m, message, strlen(message));
    snprintf(what, sizeof(what), "%s: parse succeeds", name);
    ok_int_eq(err, LITHSM_OK, what);
    if (err != LITHSM_OK) {
        printf("# %s\n", lithsm_last_error());
        return;
    }
    fields_from_json(&want, res2, parsed_json);
    snprintf(what, sizeof(what), "%s: parsed fields equal the siwe parse",
             name);
    ok(fields_eq(lithsm_siwe_msg_fields(m), &want), what);
    lithsm_siwe_msg_free(m);

    snprintf(what, sizeof(what), "%s: round trip", name);
    ok(round_trips(message, strlen(message)), what);
}

static void test_reject_case(json_object *vec)
{
    json_object *inputs, *expected;
    const char *name = str_at(vec, "name"), *message, *reason;
    char what[256];

    json_object_object_get_ex(vec, "inputs", &inputs);
    json_object_object_get_ex(vec, "expected", &expected);
    message = str_at(inputs, "message");
    reason = str_at(expected, "reason");
    snprintf(what, sizeof(what), "%s: parse fails with LITHSM_ERR_PARSE", name);
    ok_int_eq(parse_str(message), LITHSM_ERR_PARSE, what);
    if (reason != NULL && strcmp(reason, "address_not_eip55") == 0) {
        snprintf(what, sizeof(what), "%s: the error names EIP-55", name);
        ok(error_mentions("EIP-55"), what);
    } else {
        snprintf(what, sizeof(what), "%s: the error names a SIWE line", name);
        ok(error_mentions("SIWE"), what);
    }
}

static void test_siwe_json(void)
{
    json_object *root = load_vectors("siwe.json"), *vecs;
    size_t i, n, formats = 0, rejects = 0;

    ok(root != NULL, "siwe.json loads");
    if (root == NULL)
        return;
    json_object_object_get_ex(root, "vectors", &vecs);
    n = json_object_array_length(vecs);
    for (i = 0; i < n; i++) {
        json_object *vec = json_object_array_get_idx(vecs, i);

        if (strncmp(str_at(vec, "name"), "reject_", 7) == 0) {
            test_reject_case(vec);
            rejects++;
        } else {
            test_format_case(vec);
            formats++;
        }
    }
    ok(formats >= 9 && rejects >= 5, "siwe.json has its format and reject "
                                     "cases");
    json_object_put(root);
}

/* ------------------------------------------------------------------------
 * Every SIWE text in every vector file, including those inside JSON strings
 * (AuthSig JSON, SessionSig signedMessage and its capabilities).
 */
static size_t siwe_found, siwe_good;

static void walk(json_object *o, int skip_rejects);

/* "https://host wants you...": siwe (JS) writes it, siwe-rs 0.5 refuses it. */
static int header_has_scheme(const char *s)
{
    const char *sep = strstr(s, "://"), *wants = strstr(s, " wants ");

    return sep != NULL && wants != NULL && sep < wants;
}

static void walk_string(const char *s, size_t len, int skip_rejects)
{
    json_object *inner;

    if (len > 0 && (s[0] == '{' || s[0] == '[')) {
        inner = json_tokener_parse(s);
        if (inner != NULL) {
            walk(inner, skip_rejects);
            json_object_put(inner);
        }
        return;
    }
    if (strstr(s, " wants you to sign in with your Ethereum account:\n") ==
        NULL)
        return;
    siwe_found++;
    if (header_has_scheme(s)) {
        if (parse_str(s) == LITHSM_ERR_PARSE)
            siwe_good++; /* refused, as a Lit node does (issue 8) */
        else
            printf("# a scheme in the header is accepted: %.80s...\n", s);
    } else if (round_trips(s, len))
        siwe_good++;
    else
        printf("# does not round-trip: %.80s...\n", s);
}

static void walk(json_object *o, int skip_rejects)
{
    size_t i, n;

    switch (json_object_get_type(o)) {
    case json_type_object: {
        const char *name = str_at(o, "name");

        if (skip_rejects && name != NULL && strncmp(name, "reject_", 7) == 0)
            return;
        json_object_object_foreach(o, key, val)
        {
            (void)key;
            walk(val, skip_rejects);
        }
        break;
    }
    case json_type_array:
        n = json_object_array_length(o);
        for (i = 0; i < n; i++)
            walk(json_object_array_get_idx(o, i), skip_rejects);
        break;
    case json_type_string:
        walk_string(json_object_get_string(o),
                    (size_t)json_object_get_string_len(o), skip_rejects);
        break;
    default:
        break;
    }
}

static void test_all_vector_siwes(void)
{
    static const char *const files[] = {
        "siwe.json",        "authsig.json", "delegation.json",
        "sessionsigs.json", "recap.json",   "verify-negative.json",
    };
    size_t i;

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        json_object *root = load_vectors(files[i]);

        if (root == NULL)
            continue;
        /* Only siwe.json's reject_ cases hold malformed SIWEs; elsewhere a
         * rejected SessionSig still carries well-formed ones. */
        walk(root, strcmp(files[i], "siwe.json") == 0);
        json_object_put(root);
    }
    ok(siwe_found >= 100, "the vector files hold many SIWE texts");
    printf("# %zu SIWE texts found\n", siwe_found);
    ok_int_eq(siwe_good, siwe_found,
              "every vector SIWE parses and writes back identically");
}

/* ------------------------------------------------------------------------
 * Writer checks
 */
static void base_fields(lithsm_siwe *f)
{
    static const char *const res[] = { "urn:recap:eyJhdHQiOnt9LCJwcmYiOltdfQ",
                                       "lit:capability:delegation" };

    memset(f, 0, sizeof(*f));
    f->domain = "localhost";
    f->address = "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1";
    f->statement = "Sign in.";
    f->uri = "lit:session:abc";
    f->version = "1";
    f->chain_id = 1;
    f->nonce = "0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac1";
    f->issued_at = "2024-06-01T12:00:00.000Z";
    f->expiration_time = "2024-06-02T12:00:00.000Z";
    f->resources = res;
    f->n_resources = 2;
}

static void writer_fails(const lithsm_siwe *f, const char *word,
                         const char *what)
{
    char *text = NULL, line[256];

    ok_int_eq(lithsm_siwe_to_text(&text, f), LITHSM_ERR_INVALID_ARG, what);
    ok(text == NULL, "no output on failure");
    snprintf(line, sizeof(line), "%s: the error names %s", what, word);
    if (!ok(error_mentions(word), line))
        printf("#   error: %s\n", lithsm_last_error());
}

#define F(field) offsetof(lithsm_siwe, field)

/* One text field of base_fields() set to a value the writer refuses; the
 * error must name `word`. */
static const struct writer_case {
    size_t field;
    const char *value;
    const char *word;
    const char *what;
} writer_cases[] = {
    { F(statement), "two\nlines", "statement", "a statement with LF fails" },
    { F(statement), "cr\r", "statement", "a statement with CR fails" },
    { F(statement), "bad \xff utf-8", "statement",
      "a statement with invalid UTF-8 fails" },
    { F(domain), NULL, "domain", "a missing domain fails" },
    { F(domain), "", "domain", "an empty domain fails" },
    { F(domain), "local host", "domain", "a domain with a space fails" },
    { F(domain), "localhost\n", "domain", "a domain with LF fails" },
    { F(scheme), "ht tp", "scheme", "a bad scheme fails" },
    { F(scheme), "https", "scheme", "a scheme is refused (siwe-rs 0.5)" },
    { F(address), "0x1a642f0e3c3af545e7acbd38b07251b3990914f1", "EIP-55",
      "a lowercase address fails" },
    { F(address), "0x1a642f", "address", "a short address fails" },
    { F(address), NULL, "address", "a missing address fails" },
    { F(uri), "example.com/login", "uri", "a URI without a scheme fails" },
    { F(uri), NULL, "uri", "a missing URI fails" },
    { F(version), "2", "version", "version 2 fails" },
    { F(version), NULL, "version", "a missing version fails" },
    { F(nonce), "abc1234", "nonce", "a 7-character nonce fails" },
    { F(nonce), "abcd-1234", "nonce", "a nonce with '-' fails" },
    { F(nonce), NULL, "nonce", "a missing nonce fails" },
    { F(issued_at), "2024-06-01 12:00:00", "issued_at",
      "a bad issued_at fails" },
    { F(issued_at), NULL, "issued_at", "a missing issued_at fails" },
    { F(expiration_time), "tomorrow", "expiration_time",
      "a bad expiration_time fails" },
    { F(not_before), "2024-02-30T00:00:00Z", "not_before",
      "a bad not_before fails" },
    { F(request_id), "a\nb", "request_id", "a request_id with LF fails" },
};

static void test_writer_output(void)
{
    lithsm_siwe f;
    char *text = NULL;

    base_fields(&f);
    ok_int_eq(lithsm_siwe_to_text(&text, &f), LITHSM_OK,
              "the base fields write");
    ok_str_eq(text,
              "localhost wants you to sign in with your Ethereum account:\n"
              "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1\n\nSign in.\n\n"
              "URI: lit:session:abc\nVersion: 1\nChain ID: 1\n"
              "Nonce: 0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac1"
              "\nIssued At: 2024-06-01T12:00:00.000Z\n"
              "Expiration Time: 2024-06-02T12:00:00.000Z\nResources:\n"
              "- urn:recap:eyJhdHQiOnt9LCJwcmYiOltdfQ\n"
              "- lit:capability:delegation",
              "the base fields give the expected text");
    ok(text != NULL && round_trips(text, strlen(text)),
       "the written text round-trips");
    lithsm_free(text);

    /* Empty optional strings are left out, as JS does with falsy values. */
    base_fields(&f);
    f.scheme = "";
    f.statement = "";
    f.expiration_time = "";
    f.not_before = "";
    f.request_id = "";
    f.n_resources = 0;
    ok_int_eq(lithsm_siwe_to_text(&text, &f), LITHSM_OK,
              "empty optional fields write");
    ok_str_eq(text,
              "localhost wants you to sign in with your Ethereum account:\n"
              "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1\n\n\n"
              "URI: lit:session:abc\nVersion: 1\nChain ID: 1\n"
              "Nonce: 0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac1"
              "\nIssued At: 2024-06-01T12:00:00.000Z",
              "empty optional fields and no resources are left out");
    lithsm_free(text);
}

static void test_writer_refuses(void)
{
    lithsm_siwe f;
    char *text = NULL;
    const char *bad_res[] = { "https://ok.example", "no scheme" };
    const char *nl_res[] = { "https://ok.example\n- https://evil.example" };
    size_t i;

    for (i = 0; i < sizeof(writer_cases) / sizeof(writer_cases[0]); i++) {
        const struct writer_case *t = &writer_cases[i];

        base_fields(&f);
        *(const char **)((char *)&f + t->field) = t->value;
        writer_fails(&f, t->word, t->what);
    }
    base_fields(&f);
    f.resources = bad_res;
    writer_fails(&f, "resource 1", "a resource without a scheme fails");
    base_fields(&f);
    f.resources = nl_res;
    f.n_resources = 1;
    writer_fails(&f, "resource 0", "a resource with LF fails");
    base_fields(&f);
    f.resources = NULL;
    writer_fails(&f, "resources", "NULL resources with a count fails");

    ok_int_eq(lithsm_siwe_to_text(NULL, &f), LITHSM_ERR_INVALID_ARG,
              "NULL out fails");
    ok_int_eq(lithsm_siwe_to_text(&text, NULL), LITHSM_ERR_INVALID_ARG,
              "NULL fields fail");
}

int main(void)
{
    test_siwe_json();
    test_all_vector_siwes();
    test_writer_output();
    test_writer_refuses();
    return tap_done();
}
