/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * siwe.c - EIP-4361 "Sign-In with Ethereum" messages.
 *
 * lithsm_siwe_to_text() writes what the siwe npm package's prepareMessage()
 * writes, after the same checks.  lithsm_siwe_parse() is as strict as the
 * siwe-rs crate of a Lit node, and stricter where siwe-rs accepts text that
 * it would re-serialize differently: the node hashes its own
 * re-serialization, so only canonical text can ever verify.  Every message
 * that parses gives back the identical text through lithsm_siwe_to_text().
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* Far above any real SIWE (a Lit session SIWE is 1-3 KiB); bounds what a
 * hostile peer can make us copy. */
#define SIWE_MAX_LEN (1024u * 1024u)

#define SIWE_PREAMBLE " wants you to sign in with your Ethereum account:"
#define SIWE_PREAMBLE_LEN (sizeof(SIWE_PREAMBLE) - 1)

struct lithsm_siwe_msg {
    lithsm_siwe fields;
    const char **resources; /* owned array of pointers into text */
    char text[];            /* the message, a NUL at the end of each field */
};

/* ------------------------------------------------------------------------
 * Field checks, shared by the writer and the parser so that whatever one
 * writes the other reads back.
 */
static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3986 unreserved and sub-delims. */
static int is_unreserved(int c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

static int is_sub_delim(int c)
{
    return c != '\0' && strchr("!$&'()*+,;=", c) != NULL;
}

/* pct-encoded = "%" HEXDIG HEXDIG; any other "%" is no URI character. */
static int is_pct_encoded(const char *s)
{
    return s[0] == '%' && is_hex((unsigned char)s[1]) &&
           is_hex((unsigned char)s[2]);
}

/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ); returns its length,
 * 0 if s does not start with one. */
static size_t scheme_len(const char *s)
{
    size_t i = 0;

    if (!is_alpha((unsigned char)s[0]))
        return 0;
    while (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) ||
           s[i] == '+' || s[i] == '-' || s[i] == '.')
        i++;
    return i;
}

/* A present scheme always fails its rule (see field_rules). */
static int no_scheme(const char *s)
{
    (void)s;
    return 0;
}

/* An RFC 3986 authority ([userinfo "@"] host [":" port]): unreserved,
 * pct-encoded, sub-delims, ":", "@" and the brackets of an IP literal. */
static int valid_domain(const char *s)
{
    size_t i;

    if (s[0] == '\0')
        return 0;
    for (i = 0; s[i] != '\0'; i++) {
        int c = (unsigned char)s[i];

        if (is_pct_encoded(s + i))
            i += 2;
        else if (!is_unreserved(c) && !is_sub_delim(c) && c != ':' &&
                 c != '@' && c != '[' && c != ']')
            return 0;
    }
    return 1;
}

/* An RFC 3986 URI: a scheme, ":", then only URI characters (unreserved,
 * reserved, pct-encoded) with at most one "#".  This is what siwe's
 * valid-url and siwe-rs's iri-string both require of the shape. */
static int valid_uri(const char *s)
{
    size_t i = scheme_len(s);
    int hashes = 0;

    if (i == 0 || s[i] != ':')
        return 0;
    for (i++; s[i] != '\0'; i++) {
        int c = (unsigned char)s[i];

        if (is_pct_encoded(s + i)) {
            i += 2;
        } else if (c == '#') {
            if (++hashes > 1)
                return 0;
        } else if (!is_unreserved(c) && !is_sub_delim(c) &&
                   strchr(":/?@[]", c) == NULL) {
            return 0;
        }
    }
    return 1;
}

/* siwe: the nonce matches [a-zA-Z0-9]{8,} as a whole. */
static int valid_nonce(const char *s)
{
    size_t i;

    for (i = 0; s[i] != '\0'; i++)
        if (!is_alpha((unsigned char)s[i]) && !is_digit((unsigned char)s[i]))
            return 0;
    return i >= 8;
}

/* "0x" + 40 hex digits, before the checksum is looked at. */
static int address_shape(const char *s)
{
    size_t i;

    if (s[0] != '0' || s[1] != 'x')
        return 0;
    for (i = 2; i < 42; i++)
        if (!is_hex((unsigned char)s[i]))
            return 0;
    return s[42] == '\0';
}

static int valid_eip55(const char *s)
{
    lithsm_eth_address a;

    return lithsm_eth_address_parse(&a, s, 1) == LITHSM_OK;
}

static int valid_time(const char *s)
{
    int64_t ms;

    return lithsm_time_parse(&ms, s) == LITHSM_OK;
}

/* One line of free text (statement, request id): valid UTF-8 with no
 * control characters, so no LF or CR can split or hide a line. */
static int valid_line(const char *s)
{
    size_t i;

    for (i = 0; s[i] != '\0'; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return lithsm_utf8_valid(s, i);
}

static int is_version_1(const char *s)
{
    return strcmp(s, "1") == 0;
}

/* JS siwe leaves out an optional line whose value is "" (falsy). */
static int present(const char *s)
{
    return s != NULL && s[0] != '\0';
}

/* ------------------------------------------------------------------------
 * Writing
 */
/* When a field's check applies. */
enum presence {
    REQUIRED,   /* always: NULL fails */
    IF_SET,     /* unless NULL */
    IF_PRESENT, /* unless NULL or "" (JS leaves the line out) */
};

/* What a field that fails its check must be, where several share it. */
#define ONE_LINE "must be one line of UTF-8 text without control characters"
#define URI_WITH_SCHEME "must be an RFC 3986 URI with a scheme"
#define RFC3339_TIME "must be an RFC 3339 date-time"

/* A lithsm_siwe member: where it is and its name in messages. */
#define FIELD(member) offsetof(lithsm_siwe, member), #member

/* The writer's checks of the text fields, in the order they are made; a
 * failure reads "SIWE: <name> <problem>". */
static const struct field_rule {
    size_t offset; /* of the const char * in lithsm_siwe */
    const char *name;
    enum presence when;
    int (*valid)(const char *);
    const char *problem;
} field_rules[] = {
    { FIELD(scheme), IF_PRESENT, no_scheme,
      "is refused: a Lit node's SIWE parser (siwe-rs 0.5) rejects a scheme "
      "before the domain" },
    { FIELD(domain), REQUIRED, valid_domain,
      "must be a non-empty RFC 3986 authority (host[:port], no spaces or "
      "slashes)" },
    { FIELD(address), REQUIRED, address_shape,
      "must be \"0x\" and 40 hex digits" },
    { FIELD(address), REQUIRED, valid_eip55, "is not EIP-55 checksummed" },
    { FIELD(statement), IF_SET, valid_line, ONE_LINE },
    { FIELD(uri), REQUIRED, valid_uri, URI_WITH_SCHEME },
    { FIELD(version), REQUIRED, is_version_1, "must be \"1\"" },
    { FIELD(nonce), REQUIRED, valid_nonce,
      "must be at least 8 alphanumeric characters" },
    { FIELD(issued_at), REQUIRED, valid_time, RFC3339_TIME },
    { FIELD(expiration_time), IF_PRESENT, valid_time, RFC3339_TIME },
    { FIELD(not_before), IF_PRESENT, valid_time, RFC3339_TIME },
    { FIELD(request_id), IF_SET, valid_line, ONE_LINE },
};

static int rule_applies(const struct field_rule *rule, const char *v)
{
    if (rule->when == REQUIRED)
        return 1;
    if (rule->when == IF_SET)
        return v != NULL;
    return present(v);
}

static lithsm_err check_fields(const lithsm_siwe *f)
{
    size_t i;

    for (i = 0; i < sizeof(field_rules) / sizeof(field_rules[0]); i++) {
        const struct field_rule *rule = &field_rules[i];
        const char *v = *(const char *const *)((const char *)f + rule->offset);

        if (!rule_applies(rule, v))
            continue;
        if (v == NULL || !rule->valid(v))
            return lithsm_fail(LITHSM_ERR_INVALID_ARG, "SIWE: %s %s",
                               rule->name, rule->problem);
    }
    if (f->n_resources > 0 && f->resources == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "SIWE: resources is NULL but n_resources is %zu",
                           f->n_resources);
    for (i = 0; i < f->n_resources; i++)
        if (f->resources[i] == NULL || !valid_uri(f->resources[i]))
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "SIWE: resource %zu " URI_WITH_SCHEME, i);
    return LITHSM_OK;
}

lithsm_err lithsm_siwe_to_text(char **out, const lithsm_siwe *fields)
{
    const lithsm_siwe *f = fields;
    lithsm_buf b;
    lithsm_err err;
    size_t i;

    if (out == NULL || f == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "SIWE: NULL argument");
    *out = NULL;
    err = check_fields(f);
    if (err != LITHSM_OK)
        return err;

    /* siwe 2.3.2 SiweMessage.toMessage() */
    lithsm_buf_init(&b);
    if (present(f->scheme)) {
        lithsm_buf_puts(&b, f->scheme);
        lithsm_buf_puts(&b, "://");
    }
    lithsm_buf_puts(&b, f->domain);
    lithsm_buf_puts(&b, SIWE_PREAMBLE "\n");
    lithsm_buf_puts(&b, f->address);
    lithsm_buf_puts(&b, "\n\n");
    if (present(f->statement)) {
        lithsm_buf_puts(&b, f->statement);
        lithsm_buf_putc(&b, '\n');
    }
    lithsm_buf_printf(&b,
                      "\nURI: %s\nVersion: %s\nChain ID: %" PRIu64
                      "\nNonce: %s\nIssued At: %s",
                      f->uri, f->version, f->chain_id, f->nonce, f->issued_at);
    if (present(f->expiration_time))
        lithsm_buf_printf(&b, "\nExpiration Time: %s", f->expiration_time);
    if (present(f->not_before))
        lithsm_buf_printf(&b, "\nNot Before: %s", f->not_before);
    if (present(f->request_id))
        lithsm_buf_printf(&b, "\nRequest ID: %s", f->request_id);
    /* JS writes a bare "Resources:" for an empty list, but siwe-rs drops it
     * when it re-serializes, so such a message could never verify. */
    if (f->n_resources > 0) {
        lithsm_buf_puts(&b, "\nResources:");
        for (i = 0; i < f->n_resources; i++) {
            lithsm_buf_puts(&b, "\n- ");
            lithsm_buf_puts(&b, f->resources[i]);
        }
    }
    if (!b.failed && b.len > SIWE_MAX_LEN) {
        lithsm_buf_free(&b);
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "SIWE: the message would exceed %u bytes",
                           SIWE_MAX_LEN);
    }
    return lithsm_buf_finish(&b, out, NULL);
}

/* ------------------------------------------------------------------------
 * Parsing
 */

/* Splits the copy into lines in place, like Rust's str::split('\n'): a text
 * ending in LF has a last, empty line. */
typedef struct {
    char *p;       /* start of the next line */
    char *end;     /* the copy's terminating NUL */
    int done;      /* the last line was handed out */
    unsigned line; /* 1-based number of the line last handed out */
} line_reader;

static char *next_line(line_reader *r)
{
    char *line = r->p, *lf;

    if (r->done)
        return NULL;
    r->line++;
    lf = memchr(r->p, '\n', (size_t)(r->end - r->p));
    if (lf == NULL) {
        r->done = 1;
        return line;
    }
    *lf = '\0';
    r->p = lf + 1;
    return line;
}

/* The value after "<tag>" on the next line, or NULL with the error set. */
static char *tagged_line(line_reader *r, const char *tag, const char *name)
{
    size_t n = strlen(tag);
    char *line = next_line(r);

    if (line == NULL) {
        lithsm_fail(LITHSM_ERR_PARSE, "SIWE: missing %s", name);
        return NULL;
    }
    if (strncmp(line, tag, n) != 0) {
        lithsm_fail(LITHSM_ERR_PARSE, "SIWE line %u: expected \"%s\"", r->line,
                    tag);
        return NULL;
    }
    return line + n;
}

/* 1 if line is "<tag><value>"; *value then points at the value. */
static int has_tag(char *line, const char *tag, char **value)
{
    size_t n = strlen(tag);

    if (line == NULL || strncmp(line, tag, n) != 0)
        return 0;
    *value = line + n;
    return 1;
}

/* The split's last line is empty: the text ended with LF. */
static int trailing_newline(const line_reader *r, const char *line)
{
    return line != NULL && line[0] == '\0' && r->done;
}

/* Canonical decimal u64: digits only, no sign, no leading zero. */
static int parse_chain_id(uint64_t *out, const char *s)
{
    uint64_t v = 0;
    size_t i;

    if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
        return 0;
    for (i = 0; s[i] != '\0'; i++) {
        unsigned d;

        if (!is_digit((unsigned char)s[i]))
            return 0;
        d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

/* Header line: domain SIWE_PREAMBLE (EIP-4361's optional scheme is
 * refused, as a Lit node does). */
static lithsm_err parse_header(lithsm_siwe *f, char *line)
{
    size_t n = strlen(line), sl;

    if (n < SIWE_PREAMBLE_LEN ||
        strcmp(line + n - SIWE_PREAMBLE_LEN, SIWE_PREAMBLE) != 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SIWE line 1: expected \"<domain>" SIWE_PREAMBLE
                           "\"");
    line[n - SIWE_PREAMBLE_LEN] = '\0';
    sl = scheme_len(line);
    /* siwe-rs 0.5 (a Lit node's parser) reads the domain as an authority,
     * which stops at the first '/': "https://host" is refused there. */
    if (sl > 0 && strncmp(line + sl, "://", 3) == 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SIWE line 1: the domain carries a scheme "
                           "(\"scheme://\"); a Lit node's SIWE parser "
                           "(siwe-rs 0.5) refuses it");
    if (!valid_domain(line))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SIWE line 1: the domain is not an RFC 3986 "
                           "authority");
    f->domain = line;
    return LITHSM_OK;
}

#define NOT_A_TIME "is not an RFC 3339 date-time"

/* The error for a field whose value is not what it `must` be. */
static lithsm_err bad_value(const line_reader *r, const char *name,
                            const char *must)
{
    return lithsm_fail(LITHSM_ERR_PARSE, "SIWE line %u: %s %s", r->line, name,
                       must);
}

/* The value of an optional RFC 3339 time line, checked. */
static lithsm_err time_value(const char **field, char *v, const char *name,
                             const line_reader *r)
{
    if (!valid_time(v))
        return bad_value(r, name, NOT_A_TIME);
    *field = v;
    return LITHSM_OK;
}

/* The next line is empty (line `n` of the text, after the `what`). */
static lithsm_err empty_line(line_reader *r, unsigned n, const char *what)
{
    const char *line = next_line(r);

    if (line == NULL || line[0] != '\0')
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SIWE line %u: expected an empty line after the %s",
                           n, what);
    return LITHSM_OK;
}

static int valid_chain_id(const char *s)
{
    uint64_t v;

    return parse_chain_id(&v, s);
}

/* The lines after the statement that every message has, in order. */
enum { TAG_URI, TAG_VERSION, TAG_CHAIN_ID, TAG_NONCE, TAG_ISSUED_AT, N_TAGS };
static const struct tag_line {
    const char *tag;
    const char *name;
    int (*valid)(const char *);
    const char *must; /* what the error says the value must be */
} tag_lines[N_TAGS] = {
    { "URI: ", "URI", valid_uri, "is not an RFC 3986 URI" },
    { "Version: ", "Version", is_version_1, "must be 1" },
    { "Chain ID: ", "Chain ID", valid_chain_id,
      "must be a decimal number below 2^64 without sign or leading zeros" },
    { "Nonce: ", "Nonce", valid_nonce,
      "must be at least 8 alphanumeric characters" },
    { "Issued At: ", "Issued At", valid_time, NOT_A_TIME },
};

/* The checked values of the tag lines into f. */
static lithsm_err parse_tag_lines(lithsm_siwe *f, line_reader *r)
{
    const char *value[N_TAGS];
    size_t i;

    for (i = 0; i < N_TAGS; i++) {
        const struct tag_line *t = &tag_lines[i];

        value[i] = tagged_line(r, t->tag, t->name);
        if (value[i] == NULL)
            return LITHSM_ERR_PARSE;
        if (!t->valid(value[i]))
            return bad_value(r, t->name, t->must);
    }
    f->uri = value[TAG_URI];
    f->version = value[TAG_VERSION];
    (void)parse_chain_id(&f->chain_id, value[TAG_CHAIN_ID]); /* checked */
    f->nonce = value[TAG_NONCE];
    f->issued_at = value[TAG_ISSUED_AT];
    return LITHSM_OK;
}

static lithsm_err parse_optional_lines(lithsm_siwe_msg *m, line_reader *r)
{
    lithsm_siwe *f = &m->fields;
    char *line, *v;
    size_t i, n;
    lithsm_err err;

    /* Optional lines, each at most once and in this order. */
    line = next_line(r);
    if (has_tag(line, "Expiration Time: ", &v)) {
        err = time_value(&f->expiration_time, v, "Expiration Time", r);
        if (err != LITHSM_OK)
            return err;
        line = next_line(r);
    }
    if (has_tag(line, "Not Before: ", &v)) {
        if ((err = time_value(&f->not_before, v, "Not Before", r)) != LITHSM_OK)
            return err;
        line = next_line(r);
    }
    if (has_tag(line, "Request ID: ", &v)) {
        /* JS would leave an empty one out, so it cannot be canonical. */
        if (v[0] == '\0')
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "SIWE line %u: Request ID is empty", r->line);
        f->request_id = v;
        line = next_line(r);
    }
    if (line == NULL)
        return LITHSM_OK;
    if (trailing_newline(r, line))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SIWE line %u: the message ends with a newline",
                           r->line);
    if (strcmp(line, "Resources:") != 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SIWE line %u: unexpected content (a field out "
                           "of order, repeated or unknown)",
                           r->line);

    /* Every remaining line is one resource. */
    n = 0;
    if (!r->done) {
        n = 1;
        for (v = r->p; (v = memchr(v, '\n', (size_t)(r->end - v))) != NULL; v++)
            n++;
    }
    if (n == 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SIWE line %u: Resources: lists no resource",
                           r->line);
    m->resources = malloc(n * sizeof(*m->resources));
    if (m->resources == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "SIWE: out of memory");
    for (i = 0; i < n; i++) {
        line = next_line(r);
        if (trailing_newline(r, line))
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "SIWE line %u: the message ends with a "
                               "newline",
                               r->line);
        if (!has_tag(line, "- ", &v) || !valid_uri(v))
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "SIWE line %u: expected \"- <URI>\" (a "
                               "resource)",
                               r->line);
        m->resources[i] = v;
    }
    f->resources = m->resources;
    f->n_resources = n;
    return LITHSM_OK;
}

static lithsm_err parse_lines(lithsm_siwe_msg *m, size_t len)
{
    lithsm_siwe *f = &m->fields;
    line_reader r;
    char *line;

    r.p = m->text;
    r.end = m->text + len;
    r.done = 0;
    r.line = 0;

    if (parse_header(f, next_line(&r)) != LITHSM_OK)
        return LITHSM_ERR_PARSE;

    line = next_line(&r);
    if (line == NULL)
        return lithsm_fail(LITHSM_ERR_PARSE, "SIWE: missing the address");
    if (!address_shape(line))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SIWE line 2: the address is not \"0x\" and 40 "
                           "hex digits");
    if (!valid_eip55(line))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SIWE line 2: the address is not EIP-55 "
                           "checksummed");
    f->address = line;

    /* An empty line, then either "<statement>" and an empty line, or just
     * a second empty line. */
    if (empty_line(&r, 3, "address") != LITHSM_OK)
        return LITHSM_ERR_PARSE;
    line = next_line(&r);
    if (line == NULL)
        return lithsm_fail(LITHSM_ERR_PARSE, "SIWE: missing URI");
    if (line[0] != '\0') {
        f->statement = line;
        if (empty_line(&r, 5, "statement") != LITHSM_OK)
            return LITHSM_ERR_PARSE;
    }

    if (parse_tag_lines(f, &r) != LITHSM_OK)
        return LITHSM_ERR_PARSE;
    return parse_optional_lines(m, &r);
}

lithsm_err lithsm_siwe_parse(lithsm_siwe_msg **out, const char *text,
                             size_t text_len)
{
    lithsm_siwe_msg *m;
    lithsm_err err;
    size_t i;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "SIWE: NULL argument");
    *out = NULL;
    if (text == NULL && text_len > 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "SIWE: NULL text");
    if (text_len > SIWE_MAX_LEN)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "SIWE: the message is %zu bytes, over the limit "
                           "of %u",
                           text_len, SIWE_MAX_LEN);
    /* LF is the only control character: no NUL to cut a field short, no CR
     * to make a line look different from what the node splits. */
    for (i = 0; i < text_len; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c == '\r')
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "SIWE: CR at byte %zu (lines end with LF "
                               "only; a control character)",
                               i);
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "SIWE: control character 0x%02x at byte %zu", c,
                               i);
    }
    if (!lithsm_utf8_valid(text, text_len))
        return lithsm_fail(LITHSM_ERR_PARSE, "SIWE: the text is not UTF-8");

    m = calloc(1, sizeof(*m) + text_len + 1);
    if (m == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "SIWE: out of memory");
    if (text_len > 0)
        memcpy(m->text, text, text_len);
    m->text[text_len] = '\0';

    err = parse_lines(m, text_len);
    if (err != LITHSM_OK) {
        lithsm_siwe_msg_free(m);
        return err;
    }
    *out = m;
    return LITHSM_OK;
}

const lithsm_siwe *lithsm_siwe_msg_fields(const lithsm_siwe_msg *msg)
{
    return msg != NULL ? &msg->fields : NULL;
}

void lithsm_siwe_msg_free(lithsm_siwe_msg *msg)
{
    if (msg == NULL)
        return;
    free(msg->resources);
    free(msg);
}
