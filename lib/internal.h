/*
 * internal.h - helpers shared inside liblithsm; not installed.
 */
#ifndef LITHSM_INTERNAL_H
#define LITHSM_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "lithsm.h"

#if defined(__GNUC__)
#define LITHSM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LITHSM_PRINTF(f, a)
#endif

/* Records the detail message for lithsm_last_error() and returns err, so a
 * failure reads: return lithsm_fail(LITHSM_ERR_PARSE, "SIWE: ...");
 * Detail text never holds secrets: callers pass names, not values. */
lithsm_err lithsm_fail(lithsm_err err, const char *fmt, ...) LITHSM_PRINTF(2, 3);

/* Wipes a secret (OPENSSL_cleanse, which the compiler cannot drop). */
void lithsm_memzero(void *p, size_t len);

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

/* A required string member of a JSON object, or NULL (with the error set)
 * when missing or not a string. */
const char *lithsm_json_get_str(const json_object *obj, const char *key);

/* 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int lithsm_utf8_valid(const char *s, size_t n);

/* strdup that returns NULL on failure (the caller reports NOMEM). */
char *lithsm_strdup(const char *s);

/* The largest input any parser here accepts, so a hostile peer cannot make
 * us allocate without bound. */
#define LITHSM_MAX_INPUT (4u * 1024u * 1024u)

/* ------------------------------------------------------------------------
 * eth.c, signer.c
 */

/* libsecp256k1's context type, named without including its header. */
struct secp256k1_context_struct;

/* The one libsecp256k1 context of the library: created on first use
 * (thread-safely), randomized, with an illegal-argument callback that does
 * not abort.  Read-only afterwards, so every thread shares it. */
lithsm_err lithsm_secp256k1_ctx(const struct secp256k1_context_struct **out);

/* How a kind of signer signs.  A signer gives either a complete Ethereum
 * signature (sign_eth: software keys through libsecp256k1) or a raw (r, s)
 * as a token does (sign_rs: lithsm_signer_sign_digest then normalises s and
 * finds v with lithsm_eth_sig_from_rs).  A PKCS#11 signer plugs in here. */
typedef struct lithsm_signer_ops {
    const char *kind; /* "software", "pkcs11", ... for messages */
    lithsm_err (*sign_eth)(lithsm_eth_sig *out, void *impl,
                           const uint8_t hash[32]);
    lithsm_err (*sign_rs)(uint8_t r[32], uint8_t s[32], void *impl,
                          const uint8_t hash[32]);
    /* Wipes and frees impl; NULL when there is nothing to free. */
    void (*free)(void *impl);
} lithsm_signer_ops;

/* A signer around `impl`, whose public key is `pubkey` (65 or 33 bytes).
 * Takes ownership of impl: on failure ops->free(impl) has been called. */
lithsm_err lithsm_signer_new(lithsm_signer **out, const lithsm_signer_ops *ops,
                             void *impl, const uint8_t *pubkey,
                             size_t pubkey_len);

/* signer_pkcs11.c: opens a pkcs11: URI through OSSL_STORE with the lithsm
 * provider (lithsm_signer_open calls it for pkcs11: URIs). */
lithsm_err lithsm_signer_open_pkcs11(lithsm_signer **out, const char *uri);

#endif /* LITHSM_INTERNAL_H */
