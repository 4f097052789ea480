/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * util.h - what every part of liblithsm may use: errors, secret wiping,
 * byte buffers, the JS-compatible JSON writer and strict parser, UTF-8.
 * Not installed.
 */
#ifndef LITHSM_UTIL_H
#define LITHSM_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "lithsm.h"

/* json-c's object type, named without including json-c. */
typedef struct json_object json_object;

#if defined(__GNUC__)
#define LITHSM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LITHSM_PRINTF(f, a)
#endif

/* Records the detail message for lithsm_last_error() and returns err, so a
 * failure reads: return lithsm_fail(LITHSM_ERR_PARSE, "SIWE: ...");
 * Detail text never holds secrets: callers pass names, not values. */
lithsm_err lithsm_fail(lithsm_err err, const char *fmt, ...)
    LITHSM_PRINTF(2, 3);

/* Wipes a secret (OPENSSL_cleanse, which the compiler cannot drop). */
void lithsm_memzero(void *p, size_t len);

/* Fills out with len bytes from the kernel's random generator (random.c).
 * LITHSM_ERR_CRYPTO when it fails. */
lithsm_err lithsm_random(void *out, size_t len);

/* A growable byte buffer, always NUL-terminated.  A failed allocation sets
 * `failed` and later appends do nothing, so writers check once at the end. */
typedef struct lithsm_buf {
    char *data;
    size_t len;
    size_t cap;
    int failed;
} lithsm_buf;

void lithsm_buf_init(lithsm_buf *b);
void lithsm_buf_reserve(lithsm_buf *b, size_t extra);
void lithsm_buf_add(lithsm_buf *b, const void *p, size_t n);
void lithsm_buf_puts(lithsm_buf *b, const char *s);
void lithsm_buf_putc(lithsm_buf *b, char c);
void lithsm_buf_printf(lithsm_buf *b, const char *fmt, ...) LITHSM_PRINTF(2, 3);
/* Hands the data to the caller (LITHSM_ERR_NOMEM if an append failed). */
lithsm_err lithsm_buf_finish(lithsm_buf *b, char **out, size_t *len_out);
/* Frees (wiping first: buffers often hold signed or secret material). */
void lithsm_buf_free(lithsm_buf *b);

/* JSON as JavaScript's JSON.stringify writes it: a quoted string with '"',
 * '\\' and control characters escaped (\b \f \n \r \t, others \u00xx),
 * '/' and non-ASCII raw.  The input must be valid UTF-8. */
void lithsm_buf_json_str(lithsm_buf *b, const char *s, size_t n);
/* A json-c value written like JSON.stringify: keys in insertion order,
 * no whitespace.  Doubles use the shortest round-trip form. */
void lithsm_buf_json_value(lithsm_buf *b, const json_object *v);

/* Parses untrusted JSON text strictly (RFC 8259, bounded depth and size,
 * valid UTF-8).  `what` names the input in the error. */
lithsm_err lithsm_json_parse(json_object **out, const char *text, size_t len,
                             const char *what);
/* The same; with nul_values set, string values (never member names, which
 * json-c would cut) may hold U+0000 as "\u0000": read them with
 * json_object_get_string_len(), as EIP-712 strings need. */
lithsm_err lithsm_json_parse_nul(json_object **out, const char *text,
                                 size_t len, int nul_values, const char *what);

/* A required string member of a JSON object, or NULL (with the error set)
 * when missing or not a string. */
const char *lithsm_json_get_str(const json_object *obj, const char *key);

/* The value of a hex digit (either case), or -1. */
int lithsm_hex_digit(char c);

/* 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int lithsm_utf8_valid(const char *s, size_t n);

/* strdup that returns NULL on failure (the caller reports NOMEM). */
char *lithsm_strdup(const char *s);

/* The largest input any parser here accepts, so a hostile peer cannot make
 * us allocate without bound. */
#define LITHSM_MAX_INPUT (4u * 1024u * 1024u)

#endif /* LITHSM_UTIL_H */
