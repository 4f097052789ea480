/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * check-vectors - checks liblithsm against a directory of golden vectors.
 *
 *   tests/check-vectors DIR
 *
 * DIR holds eip191.json, siwe.json, recap.json, authsig.json,
 * delegation.json, sessionsigs.json, verify-negative.json and eip712.json in
 * the format of tests/vectors/README.md.  Every case is recomputed from its
 * inputs alone and compared byte for byte with its expected values; nothing
 * here knows the keys, times or URLs of any particular set.  A file's
 * "invalid" cases ({"error": true} expected) go through the same checker
 * and pass when refused.  Its "library_disagreements" have no verdict; the
 * documented policy is to refuse them, so each passes only when refused,
 * and its line says what lithsm answered.  The last line printed is
 * "N passed, M failed"; the exit status is non-zero on any failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-vectors.h"

static int n_passed, n_failed;

int vec_fail(vcase *c, const char *fmt, ...)
{
    va_list ap;

    if (c->why[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(c->why, sizeof(c->why), fmt, ap);
        va_end(ap);
    }
    return 0;
}

int vec_lib_fail(vcase *c, const char *what, lithsm_err err)
{
    return vec_fail(c, "%s: %s (%s)", what, lithsm_strerror(err),
                    lithsm_last_error());
}

/* ---------------------------------------------------------------- JSON */

json_object *vec_get(json_object *o, const char *key)
{
    json_object *v = NULL;

    if (o == NULL || !json_object_object_get_ex(o, key, &v))
        return NULL;
    return v;
}

const char *vec_str(json_object *o, const char *key)
{
    json_object *v = vec_get(o, key);

    return v && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

/* JSON.stringify of a vector value; caller frees. */
char *vec_stringify(json_object *v)
{
    lithsm_buf b;
    char *out = NULL;

    lithsm_buf_init(&b);
    lithsm_buf_json_value(&b, v);
    if (lithsm_buf_finish(&b, &out, NULL) != LITHSM_OK)
        return NULL;
    return out;
}

/* For printf: a missing value prints as nothing (the compare then fails). */
const char *vec_or_empty(const char *s)
{
    return s ? s : "";
}

int vec_expect_str(vcase *c, const char *what, const char *got,
                   const char *want)
{
    size_t i = 0;

    if (want == NULL)
        return vec_fail(c, "%s: the vector has no expected value", what);
    if (got != NULL && strcmp(got, want) == 0)
        return 1;
    if (got == NULL)
        return vec_fail(c, "%s: nothing produced", what);
    while (got[i] && got[i] == want[i])
        i++;
    return vec_fail(
        c, "%s differs at byte %zu:\n    got:  %.120s\n    want: %.120s", what,
        i, got + (i > 20 ? i - 20 : 0), want + (i > 20 ? i - 20 : 0));
}

int vec_expect_json(vcase *c, const char *what, const char *got_text,
                    json_object *want)
{
    char *want_text = vec_stringify(want);
    int ok = vec_expect_str(c, what, got_text, want_text);

    free(want_text);
    return ok;
}

int vec_hex_of(char *out, size_t out_len, const uint8_t *b, size_t n)
{
    if (out_len < 2 * n + 3)
        return 0;
    out[0] = '0';
    out[1] = 'x';
    return lithsm_hex_encode(out + 2, out_len - 2, b, n) == LITHSM_OK;
}

lithsm_signer *vec_signer_of(vcase *c, const char *private_key_hex)
{
    uint8_t secret[32];
    lithsm_signer *s = NULL;
    lithsm_err err;

    if (private_key_hex == NULL) {
        vec_fail(c, "no private key in the inputs");
        return NULL;
    }
    err =
        lithsm_hex_decode(secret, 32, private_key_hex, strlen(private_key_hex));
    if (err == LITHSM_OK)
        err = lithsm_signer_from_secret(&s, secret);
    lithsm_memzero(secret, sizeof(secret));
    if (err != LITHSM_OK)
        vec_lib_fail(c, "signer", err);
    return s;
}

/* ---------------------------------------------------------------- driver */

typedef int (*checker)(vcase *c, json_object *in, json_object *ex);

static const struct {
    const char *file;
    checker check;
} files[] = {
    { "eip191.json", check_eip191 },
    { "siwe.json", check_siwe },
    { "recap.json", check_recap },
    { "authsig.json", check_authsig },
    { "delegation.json", check_delegation },
    { "sessionsigs.json", check_sessionsigs },
    { "verify-negative.json", check_verify },
    { "eip712.json", check_eip712 },
    { "transaction.json", check_transaction },
    { "abi-calls.json", check_abi_call },
};

static json_object *load(const char *dir, const char *file)
{
    char path[4096];
    FILE *f;
    char *text;
    long size;
    json_object *o = NULL;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 ||
        (text = malloc((size_t)size + 1)) == NULL) {
        fclose(f);
        return NULL;
    }
    if (fread(text, 1, (size_t)size, f) == (size_t)size)
        lithsm_json_parse_nul(&o, text, (size_t)size, 1, file);
    free(text);
    fclose(f);
    return o;
}

/* Runs the cases of doc[list] through `check`.  With `forced` set, each
 * case is judged against it instead of its own "expected". */
static void run_list(json_object *doc, const char *file, const char *list,
                     checker check, json_object *forced)
{
    json_object *cases = vec_get(doc, list);
    size_t i, n = cases ? json_object_array_length(cases) : 0;
    const char *kind = forced ? "disagreement " : "";

    for (i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(cases, i);
        vcase c;

        memset(&c, 0, sizeof(c));
        c.file = file;
        c.name = vec_str(v, "name") ? vec_str(v, "name") : "(unnamed)";
        if (check(&c, vec_get(v, "inputs"),
                  forced ? forced : vec_get(v, "expected")) &&
            c.why[0] == '\0') {
            printf("PASS %s %s%s%s%s\n", c.file, kind, c.name,
                   c.note[0] ? ": " : "", c.note);
            n_passed++;
        } else {
            printf("FAIL %s %s%s: %s\n", c.file, kind, c.name,
                   c.why[0] ? c.why : "(no detail)");
            n_failed++;
        }
    }
}

int main(int argc, char **argv)
{
    json_object *refuse = json_object_new_object();
    size_t f, i, n;

    if (argc != 2) {
        fprintf(stderr, "usage: check-vectors DIR\n");
        return 2;
    }
    json_object_object_add(refuse, "error", json_object_new_boolean(1));
    for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        json_object *doc = load(argv[1], files[f].file);
        json_object *vectors = vec_get(doc, "vectors"), *quirks;

        if (!json_object_is_type(vectors, json_type_array)) {
            printf("FAIL %s: missing or unreadable (%s)\n", files[f].file,
                   lithsm_last_error());
            n_failed++;
            json_object_put(doc);
            continue;
        }
        run_list(doc, files[f].file, "vectors", files[f].check, NULL);
        run_list(doc, files[f].file, "invalid", files[f].check, NULL);
        run_list(doc, files[f].file, "library_disagreements", files[f].check,
                 refuse);
        quirks = vec_get(doc, "library_quirks");
        n = quirks ? json_object_array_length(quirks) : 0;
        for (i = 0; i < n; i++)
            printf("# %s quirk %s: documented, not judged\n", files[f].file,
                   vec_or_empty(
                       vec_str(json_object_array_get_idx(quirks, i), "name")));
        json_object_put(doc);
    }
    json_object_put(refuse);
    printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}
