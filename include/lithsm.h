/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm.h - the public interface of liblithsm.
 *
 * liblithsm builds Lit Protocol SessionSigs byte for byte like the Lit JS SDK
 * v7.4.0, with the Ethereum keys behind a signer: a PEM file, or a PKCS#11
 * token reached through the lithsm OpenSSL provider.
 *
 * Conventions (see README.md):
 *  - Fallible functions return lithsm_err; LITHSM_OK is 0.  After a failure,
 *    lithsm_last_error() gives a sentence naming the problem (thread-local,
 *    valid until the next failing call on the same thread).
 *  - Output arguments come first, then inputs; a length follows its buffer.
 *  - Strings returned through `char **` are NUL-terminated, owned by the
 *    caller, and freed with lithsm_free().
 *  - Times are milliseconds since the Unix epoch (int64_t) or RFC 3339 text
 *    as JavaScript's toISOString() prints it: YYYY-MM-DDTHH:MM:SS.sssZ.
 *
 * How each function is documented:
 *  - const pointers are only read.  Strings are NUL-terminated unless a
 *    length follows them.  Nothing an argument points to is retained after
 *    the call: objects copy what they keep.
 *  - Pointers must not be NULL unless the comment says "may be NULL".  A
 *    function returning lithsm_err checks them (INVALID_ARG) except those
 *    it calls "unchecked"; other functions check none (a NULL is undefined
 *    behaviour) unless they say what a NULL does.
 *  - "Returns:" lists every code the function can return, written without
 *    the LITHSM_ERR_ prefix (PARSE is LITHSM_ERR_PARSE).  On failure
 *    nothing is left for the caller to free.
 *
 * Threads: shared state (OpenSSL, libcurl, the provider's modules) is set
 * up once, thread-safely; lithsm_last_error() and the other lithsm_last_*
 * and lithsm_token_config_warning() are per thread.  Objects have no
 * locks: several threads may use one object only in calls taking it as
 * const.  Exceptions, told at each function: a lithsm_signer signs and is
 * checked from many threads (not while one frees it); a lithsm_audit has
 * its own lock; lithsm_policy_decide() is thread-safe on a reference-
 * counted policy; the file and PostgreSQL stores' ops are, and the
 * wrapped store's when the inner store's are; lithsm_rates_take() is.
 * A lithsm_client or lithsm_rpc is for one thread
 * at a time; lithsm_*pin_source_forget() change the process environment.
 *
 * fork(): a child must not use the parent's objects that hold PKCS#11
 * sessions (token signers, wrapped stores): it opens its own
 * (lithsm_signer_open_token) and frees the inherited ones unused.  (The
 * provider initialises the module again in a new process, but a module
 * that keeps sessions across fork would share them.)  A child opens its
 * own lithsm_audit and lithsm_client too; other objects are plain memory.
 *
 * Parameter structs and the ABI (policy: NEWS): every function is
 * versioned LITHSM_0.1 (lib/liblithsm.map).  Callers zero a struct (= {0})
 * and set fields by name.  A struct grows only at its end, zero in a new
 * field meaning the old behaviour; the functions taking it then get a new
 * version node (LITHSM_0.2) and the LITHSM_0.1 symbols stay as wrappers
 * copying the old struct into a zeroed new one, so old programs keep
 * working and new ones need the new library.  New interfaces with many
 * options take opaque option objects.  Anything else is a new soname.
 */
#ifndef LITHSM_H
#define LITHSM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define LITHSM_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
/* The library is built with -fvisibility=hidden: only these leave it. */
#define LITHSM_API __attribute__((visibility("default")))
#else
#define LITHSM_WARN_UNUSED_RESULT
#define LITHSM_API
#endif

/* ------------------------------------------------------------------------
 * Errors
 */
typedef enum {
    LITHSM_OK = 0,
    LITHSM_ERR_INVALID_ARG, /* misuse: NULL, wrong length, bad option */
    LITHSM_ERR_NOMEM,       /* allocation failed */
    LITHSM_ERR_PARSE,       /* malformed text: SIWE, JSON, hex, time, ReCap */
    LITHSM_ERR_CRYPTO,      /* a crypto library call failed */
    LITHSM_ERR_KEY,         /* key missing, unreadable, wrong type, off curve */
    LITHSM_ERR_SIGNATURE,   /* a signature does not verify or recover */
    LITHSM_ERR_IO,          /* file or OS error */
    LITHSM_ERR_RANGE,       /* a value is out of range or too large */
    LITHSM_ERR_PKCS11,      /* the PKCS#11 module or token failed */
    LITHSM_ERR_NETWORK,     /* a node or RPC endpoint could not be reached */
    LITHSM_ERR_PROTOCOL     /* a peer answered something unusable */
    /* Append new codes last; never renumber or remove. */
} lithsm_err;

/** A static, one-line description of `err` ("unknown error" outside the
 *  enum).  Never NULL; not to be freed. */
LITHSM_API const char *lithsm_strerror(lithsm_err err);

/** The detail message of the last failure on this thread ("" if none).
 *  Thread-local.  Borrowed: the next failing lithsm call on this thread
 *  rewrites it, so copy it to keep it. */
LITHSM_API const char *lithsm_last_error(void);

/** Frees a string or buffer liblithsm returned through `char **` or
 *  `uint8_t **` (objects have their own _free).  NULL is a no-op. */
LITHSM_API void lithsm_free(void *p);

/* ------------------------------------------------------------------------
 * Version (the policy: NEWS)
 */

/* The version of these headers; lithsm_version() is the library's.  Kept
 * equal to configure.ac's AC_INIT version (tests/unit/test_version checks). */
#define LITHSM_VERSION_MAJOR 0
#define LITHSM_VERSION_MINOR 1
#define LITHSM_VERSION_PATCH 0

/** The version of the liblithsm that is running, "MAJOR.MINOR.PATCH" (e.g.
 *  "0.1.0"): compare it with the LITHSM_VERSION_* macros the program was
 *  built with.  Static; never NULL; not to be freed. */
LITHSM_API const char *lithsm_version(void);

/* ------------------------------------------------------------------------
 * Encoding helpers
 */

/** Lowercase hex of in[0..in_len) into `out` (NUL-terminated); needs
 *  out_len >= 2 * in_len + 1.  `in` may be NULL when in_len is 0.
 *  Returns: OK; INVALID_ARG for a NULL or a too small out_len. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_hex_encode(char *out, size_t out_len,
                                        const uint8_t *in, size_t in_len);

/** Decodes exactly `out_len` bytes from hex[0..hex_len) (either case, an
 *  optional "0x" prefix).  On failure `out` may be partly written.
 *  Returns: OK; INVALID_ARG for a NULL; PARSE unless the text has exactly
 *  2 * out_len digits after the prefix, all hex. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_hex_decode(uint8_t *out, size_t out_len,
                                        const char *hex, size_t hex_len);

/** Unpadded base64url (RFC 4648 section 5) of in[0..in_len) into a new
 *  string *out.  `out` is unchecked; `in` may be NULL when in_len is 0.
 *  Returns: OK; RANGE for in_len over 4 MiB; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_base64url_encode(char **out, const uint8_t *in,
                                              size_t in_len);

/** Decodes base64url in[0..in_len), with or without '=' padding, into a new
 *  buffer *out of *out_len bytes, followed by a NUL not counted in
 *  *out_len; caller frees with lithsm_free().  `out` and `out_len` are
 *  unchecked; `in` may be NULL when in_len is 0.
 *  Returns: OK; RANGE for in_len over 4 MiB; PARSE for a bad character,
 *  length or padding, or non-zero trailing bits; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_base64url_decode(uint8_t **out, size_t *out_len,
                                              const char *in, size_t in_len);

#define LITHSM_TIME_LEN 24 /* "2024-06-01T12:00:00.000Z" */

/** Parses an RFC 3339 date-time ("Z" or +hh:mm offset, optional fraction,
 *  kept to milliseconds) into *ms_out.
 *  Returns: OK; INVALID_ARG for a NULL; PARSE for any other text. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_time_parse(int64_t *ms_out, const char *text);

/** Formats like JavaScript's Date.prototype.toISOString(); `out`
 *  (unchecked) needs LITHSM_TIME_LEN + 1 bytes.
 *  Returns: OK; RANGE outside the years 0000-9999. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_time_format(char out[LITHSM_TIME_LEN + 1],
                                         int64_t ms);

/** The current time (CLOCK_REALTIME) in milliseconds since the epoch. */
LITHSM_API int64_t lithsm_time_now_ms(void);

/* ------------------------------------------------------------------------
 * Ethereum: Keccak-256, EIP-191, addresses, recoverable signatures
 */
#define LITHSM_ETH_ADDRESS_LEN 20
#define LITHSM_ETH_ADDRESS_TEXT_LEN 42 /* "0x" + 40 hex */
#define LITHSM_ETH_SIG_LEN 65

/** The last 20 bytes of keccak256(X || Y) of a public key. */
typedef struct lithsm_eth_address {
    uint8_t bytes[LITHSM_ETH_ADDRESS_LEN];
} lithsm_eth_address;

/** r (32) || s (32) || v (1), v = 27 or 28, s low (EIP-2). */
typedef struct lithsm_eth_sig {
    uint8_t bytes[LITHSM_ETH_SIG_LEN];
} lithsm_eth_sig;

/** Keccak-256 (the original Keccak padding, not SHA3-256) of
 *  in[0..in_len); `in` may be NULL when in_len is 0. */
LITHSM_API void lithsm_keccak256(uint8_t out[32], const uint8_t *in,
                                 size_t in_len);

/** keccak256("\x19Ethereum Signed Message:\n" + decimal length + msg);
 *  `msg` may be NULL when msg_len is 0. */
LITHSM_API void lithsm_eip191_hash(uint8_t out[32], const uint8_t *msg,
                                   size_t msg_len);

/** Address of a secp256k1 public key given as 65 bytes (04 || X || Y) or 33
 *  bytes (compressed).
 *  Returns: OK; INVALID_ARG for a NULL; KEY for another length or first
 *  byte, or a point not on the curve; CRYPTO if libsecp256k1 fails. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_eth_address_from_pubkey(lithsm_eth_address *out,
                                                     const uint8_t *pubkey,
                                                     size_t pubkey_len);

/** "0x" + EIP-55 mixed-case hex; out needs LITHSM_ETH_ADDRESS_TEXT_LEN + 1. */
LITHSM_API void lithsm_eth_address_to_text(
    char out[LITHSM_ETH_ADDRESS_TEXT_LEN + 1], const lithsm_eth_address *addr);

/** Parses "0x" + 40 hex digits.  With require_eip55, the text must be the
 *  exact EIP-55 form; otherwise all-lowercase, all-uppercase or a correct
 *  checksum is accepted and a wrong checksum is rejected.
 *  Returns: OK; INVALID_ARG for a NULL; PARSE for a wrong length, prefix,
 *  digit or checksum. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_eth_address_parse(lithsm_eth_address *out,
                                               const char *text,
                                               int require_eip55);

/** Turns any signer's (r, s) over `hash` into an Ethereum signature: s is
 *  normalised to the low half (EIP-2), and v is found by recovering with
 *  libsecp256k1 and comparing with `pubkey` (65 or 33 bytes).
 *  Returns: OK; INVALID_ARG for a NULL; KEY for a bad public key (as
 *  lithsm_eth_address_from_pubkey); SIGNATURE when r or s is zero or not
 *  below the curve order, or neither recovery id gives the key; CRYPTO. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_eth_sig_from_rs(
    lithsm_eth_sig *out, const uint8_t r[32], const uint8_t s[32],
    const uint8_t hash[32], const uint8_t *pubkey, size_t pubkey_len);

/** Recovers the signer's address from a 65-byte signature over `hash`.
 *  v may be 0, 1, 27 or 28 (a Lit node uses v % 27); high s is accepted.
 *  Returns: OK; INVALID_ARG for a NULL; SIGNATURE for sig_len not 65, a
 *  bad v, r or s out of range, or no key recovering; CRYPTO. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_eth_recover(lithsm_eth_address *out,
                                         const uint8_t hash[32],
                                         const uint8_t *sig, size_t sig_len);

/* ------------------------------------------------------------------------
 * Signers: a secp256k1 key that signs 32-byte digests
 */
typedef struct lithsm_signer lithsm_signer;

/** Opens the key named by `uri`: a path to an unencrypted PEM private key
 *  (secp256k1), or a pkcs11: URI (RFC 7512) of a token key, taken as it
 *  is and reached through the lithsm OpenSSL provider
 *  (lithsm_signer_open_token adds settings).
 *  A key file is refused, as ssh refuses it, unless it is a regular file
 *  (a FIFO is never waited on) with mode 0600 or stricter, owned by the
 *  effective user, in a folder not writable by group or others; it is read
 *  into locked memory where the system allows, and wiped.
 *  Caller frees *out with lithsm_signer_free().
 *  Returns: OK; INVALID_ARG for a NULL; IO if the file cannot be read or
 *  fails those checks (the message names the file and the problem); KEY
 *  for a file holding no such key (or over 64 KiB, or encrypted) or a
 *  token key that cannot be loaded or is not on secp256k1; PKCS11 if the
 *  provider or the URI cannot be opened; CRYPTO; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_signer_open(lithsm_signer **out, const char *uri);

/** A software signer from the text of an unencrypted PEM private key
 *  (secp256k1) already in memory, e.g. read from standard input; pem need
 *  not end in NUL.  The text is not kept; the caller wipes its own copy.
 *  Caller frees *out with lithsm_signer_free().
 *  Returns: OK; INVALID_ARG for a NULL; KEY for text holding no such key
 *  (or over 64 KiB, or encrypted); CRYPTO; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_signer_from_pem(lithsm_signer **out,
                                             const char *pem, size_t pem_len);

/** A software signer from a raw 32-byte private key (tests, vectors).
 *  The key bytes are copied; the caller wipes its own copy.  Caller frees
 *  *out with lithsm_signer_free().
 *  Returns: OK; INVALID_ARG for a NULL; KEY unless 0 < secret < the group
 *  order; CRYPTO; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_signer_from_secret(lithsm_signer **out,
                                                const uint8_t secret[32]);

/** Wipes and frees (a token key's provider context too).  NULL is a
 *  no-op. */
LITHSM_API void lithsm_signer_free(lithsm_signer *signer);

/** The key's address. */
LITHSM_API void lithsm_signer_address(lithsm_eth_address *out,
                                      const lithsm_signer *signer);

/** The key's uncompressed public key, 04 || X || Y. */
LITHSM_API void lithsm_signer_pubkey(uint8_t out[65],
                                     const lithsm_signer *signer);

/** Signs a 32-byte digest; the result is low-s and recovers to the key.
 *  Software keys sign deterministically (RFC 6979); a token key signs raw
 *  (r, s) and v is found by recovery.  Thread-safe, the one exception to
 *  the rule of const objects: one signer may sign from several threads at
 *  once (a software key is read only; a token key signs on the
 *  provider's pooled sessions, one per thread), but not while another
 *  thread frees it.
 *  Returns: OK; INVALID_ARG for a NULL; CRYPTO if libsecp256k1 fails;
 *  PKCS11 if the token does not sign; SIGNATURE if its signature is not
 *  DER (r, s) or does not recover to the key; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_signer_sign_digest(lithsm_eth_sig *out,
                                                lithsm_signer *signer,
                                                const uint8_t hash[32]);

/** Is the key usable now?  A software key always is; for a token key the
 *  token is asked, cheaply (no signature, no login; the provider's
 *  LITHSM_PKEY_PARAM_TOKEN_OK): is it there, and the key on it?
 *  Thread-safe like signing.
 *  Returns: OK; INVALID_ARG for a NULL; PKCS11 when the token or the key
 *  is not available (lithsm_last_error_token_unavailable() is 1 then). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_signer_check(lithsm_signer *signer);

/* ------------------------------------------------------------------------
 * Keys in a PKCS#11 token, through the lithsm OpenSSL provider
 */

/** Settings for token keys; every member may be NULL / 0. */
typedef struct lithsm_token_opts {
    /** PKCS#11 module path.  NULL: the URI's module-path, else the lithsm
     *  provider's (openssl.cnf "module-path", else SoftHSM2's). */
    const char *module;
    /** Where the user PIN comes from: "file:PATH" (first line of an
     *  owner-only file) or "env:NAME" (that environment variable).  NULL:
     *  the URI's pin-source, else the provider's configuration.  Never a
     *  PIN itself. */
    const char *pin_source;
    /** Nonzero: when no PIN source is known at all, ask for the PIN on the
     *  terminal (/dev/tty, without echo). */
    int prompt;
} lithsm_token_opts;

/** Like lithsm_signer_open(); for a pkcs11: URI, `opts` adds a module and
 *  a PIN source, and opts->prompt lets the PIN be asked on the terminal.
 *  opts may be NULL (no settings; the URI is still checked).
 *  Returns: what lithsm_signer_open() returns, and INVALID_ARG for a
 *  module or PIN source also in the URI (pin-value too), a PIN source that
 *  lithsm_pin_source_check() refuses, or either given for a key file;
 *  PARSE for a URI with an empty attribute (";;"). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_signer_open_token(lithsm_signer **out,
                                               const char *uri,
                                               const lithsm_token_opts *opts);

/** Checks that `source` is a PIN source lithsm reads (README "PINs"):
 *  "file:PATH" (PATH not empty, not starting with '|'; file:///abs is
 *  /abs) or "env:NAME" (NAME 1 to 64 bytes, no '=').  Only the form is
 *  checked: the file or variable is read when a token needs the PIN.
 *  Returns: OK; INVALID_ARG otherwise (NULL included), with a message
 *  that never echoes `source`: it may be a PIN given by mistake. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_pin_source_check(const char *source);

/** Once the PIN of an "env:NAME" source has been used (the key is open),
 *  overwrites the variable's value in this process's environment and
 *  removes it, so nothing later in the process, or a child, sees the PIN.
 *  Does nothing for other sources or NULL.  Not thread-safe: the
 *  environment is process-wide. */
LITHSM_API void lithsm_pin_source_forget(const char *source);

/** lithsm_pin_source_forget() for the pin-source of a pkcs11: URI itself
 *  ("...;pin-source=env:NAME" or "...?pin-source=env:NAME"): call it once
 *  the key the URI names is open.  The library does not do it on its own
 *  in lithsm_signer_open_token(): changing the environment is not
 *  thread-safe, and a caller may open the same URI again; the lithsm CLI
 *  calls it for every key it opens.  Does nothing for NULL, another URI
 *  or a URI without an env: pin-source. */
LITHSM_API void lithsm_uri_pin_source_forget(const char *uri);

/** After a failed token call on this thread (opening a pkcs11: key,
 *  signing with it, lithsm_keygen): 1 when the failure may pass if tried
 *  again later, because the token or its module is not available now (no
 *  token matches the URI: not inserted; the PKCS#11 module cannot be
 *  loaded or initialised; the token is busy; the token of an open key went
 *  away), else 0.  The lithsm CLI exits 75 (EX_TEMPFAIL) then.  Each
 *  token call resets it. */
LITHSM_API int lithsm_last_error_token_unavailable(void);

/** Token keys read OpenSSL's configuration (OPENSSL_CONF, else OpenSSL's
 *  default openssl.cnf) into lithsm's own library context: the lithsm
 *  provider section's module-path and pin-source apply as they do for
 *  openssl.  After a token call on this thread: a warning about that
 *  section (a key lithsm does not read, such as latchset/pkcs11-provider's
 *  pkcs11-module-path), borrowed until the next token call; else NULL. */
LITHSM_API const char *lithsm_token_config_warning(void);

/** Generates a key pair on the token labelled `token` (1-32 bytes of
 *  UTF-8), with the wallet template (private key: sensitive, never
 *  extractable, sign only), label `label` (1-63 bytes) and a random
 *  CKA_ID, through the lithsm provider.  `curve` is "secp256k1" (NULL
 *  means it) or "P-256".  opts may be NULL; with opts->prompt and no
 *  pin_source, the PIN may be asked first.  On success *uri_out gets a
 *  new string "pkcs11:token=...;object=...;type=private", usable with the
 *  same opts, that the caller frees with lithsm_free() (like every string
 *  returned through `char **`); pubkey_out (may be NULL; else 65 bytes)
 *  gets 04 || X || Y.  On failure *uri_out is NULL and pubkey_out is not
 *  written: nothing to free.
 *  Returns: OK; INVALID_ARG for a NULL uri_out, another curve, a missing,
 *  too long or non-UTF-8 label, or a bad opts->pin_source; PKCS11 if the
 *  provider cannot be loaded or the token cannot be opened, logged in to
 *  or make the key; KEY if the new key has no public key; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_keygen(char **uri_out, uint8_t pubkey_out[65],
                                    const char *token, const char *label,
                                    const char *curve,
                                    const lithsm_token_opts *opts);

/* ------------------------------------------------------------------------
 * SIWE (EIP-4361)
 */

/** The fields of a SIWE message.  NULL means "absent" for the optional
 *  ones (scheme, statement, expiration_time, not_before, request_id);
 *  lithsm_siwe_to_text() also leaves out one that is "". */
typedef struct lithsm_siwe {
    const char *scheme;          /* must be NULL or "": "https://domain ..." is
                                  * refused (a Lit node's siwe-rs 0.5 does) */
    const char *domain;          /* RFC 3986 authority: host[:port] */
    const char *address;         /* "0x" + EIP-55 */
    const char *statement;       /* one line, no control characters, optional */
    const char *uri;             /* RFC 3986 URI */
    const char *version;         /* "1" */
    uint64_t chain_id;           /* EIP-155 chain id (1: Ethereum mainnet) */
    const char *nonce;           /* 8 or more ASCII letters and digits */
    const char *issued_at;       /* RFC 3339 */
    const char *expiration_time; /* RFC 3339, optional */
    const char *not_before;      /* RFC 3339, optional */
    const char *request_id;      /* one line, optional */
    const char *const *resources; /* n_resources URIs (NULL if none) */
    size_t n_resources;
} lithsm_siwe;

/** Writes the exact text of siwe's prepareMessage() after validating the
 *  fields as the siwe package does.  Caller frees *out with lithsm_free().
 *  Returns: OK; INVALID_ARG for a NULL or an invalid field (the message
 *  names it); RANGE if the text would exceed 1 MiB; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_siwe_to_text(char **out,
                                          const lithsm_siwe *fields);

/** A parsed SIWE message; its fields point into storage it owns. */
typedef struct lithsm_siwe_msg lithsm_siwe_msg;

/** Strict parser of text[0..text_len) (copied; `text` may be NULL when
 *  text_len is 0): rejects what the Rust siwe crate of a Lit node rejects
 *  (wrong header, non-EIP-55 address, multi-line statement, nonce shorter
 *  than 8, version other than 1, missing Issued At, fields out of order,
 *  invalid UTF-8), and text lithsm_siwe_to_text() would not write (CR, a
 *  final newline).  Caller frees *out with lithsm_siwe_msg_free().
 *  Returns: OK; INVALID_ARG for a NULL; RANGE over 1 MiB; PARSE, with
 *  lithsm_last_error() naming the line and field; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_siwe_parse(lithsm_siwe_msg **out, const char *text,
                                        size_t text_len);

/** The parsed fields (absent ones NULL; NULL for a NULL msg); borrowed,
 *  valid until lithsm_siwe_msg_free(). */
LITHSM_API const lithsm_siwe *lithsm_siwe_msg_fields(
    const lithsm_siwe_msg *msg);

/** Frees the message and its fields.  NULL is a no-op. */
LITHSM_API void lithsm_siwe_msg_free(lithsm_siwe_msg *msg);

/* ------------------------------------------------------------------------
 * Lit resources, abilities and resource-ability requests
 */
typedef enum {
    LITHSM_ABILITY_ACC_DECRYPTION = 0, /* access-control-condition-decryption */
    LITHSM_ABILITY_ACC_SIGNING,        /* access-control-condition-signing */
    LITHSM_ABILITY_PKP_SIGNING,        /* pkp-signing */
    LITHSM_ABILITY_LIT_ACTION_EXECUTION,    /* lit-action-execution */
    LITHSM_ABILITY_RATE_LIMIT_INCREASE_AUTH /* rate-limit-increase-auth */
} lithsm_ability;

/** Static name: "pkp-signing", ...; NULL outside the enum. */
LITHSM_API const char *lithsm_ability_name(lithsm_ability ability);
/** Static resource prefix: "lit-pkp", ...; NULL outside the enum. */
LITHSM_API const char *lithsm_ability_prefix(lithsm_ability ability);
/** Static ReCap key: "Threshold/Signing", ...; NULL outside the enum. */
LITHSM_API const char *lithsm_ability_recap_key(lithsm_ability ability);

/** The ability named `name` ("pkp-signing", ...).
 *  Returns: OK; INVALID_ARG for a NULL; PARSE for an unknown name. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_ability_from_name(lithsm_ability *out,
                                               const char *name);

/** An ordered list of resource-ability requests. */
typedef struct lithsm_requests lithsm_requests;

/** An empty list; caller frees *out with lithsm_requests_free() (NULL is
 *  a no-op).  Returns: OK; INVALID_ARG for a NULL; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_requests_new(lithsm_requests **out);
LITHSM_API void lithsm_requests_free(lithsm_requests *reqs);

/** Appends a request.  `resource_key` is "<prefix>://<id>" ("*" for any;
 *  UTF-8, no control characters); the prefix must be the ability's.  PKP
 *  ids lose "0x" and are left-padded with zeros to 64 hex digits.
 *  `data_json`, if not NULL, is a JSON object (the nota-bene restrictions)
 *  kept in its key order for the signed message and sorted inside the
 *  ReCap.  On failure the list is unchanged.
 *  Returns: OK; INVALID_ARG for a NULL reqs, resource_key or ability_name;
 *  PARSE for an unknown ability, a bad key, id or prefix, or data_json not
 *  a JSON object; RANGE for a key or data_json over 4 MiB, or an integer
 *  in data_json beyond 2^53; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_requests_add(lithsm_requests *reqs,
                                          const char *resource_key,
                                          const char *ability_name,
                                          const char *data_json);

/** The number of requests (0 for NULL). */
LITHSM_API size_t lithsm_requests_count(const lithsm_requests *reqs);

/** The i-th request's parts (borrowed, valid until the list is freed; each
 *  output may be NULL).  *resource is the normalised id; *data_json is
 *  compact JSON, NULL when absent.
 *  Returns: OK; INVALID_ARG for a NULL reqs or i >= the count. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_requests_get(const lithsm_requests *reqs, size_t i,
                                          lithsm_ability *ability,
                                          const char **prefix,
                                          const char **resource,
                                          const char **data_json);

/* ------------------------------------------------------------------------
 * ReCap (EIP-5573)
 */
/** "att" (resource -> "ns/name" -> nota-bene objects) and "prf".  Functions
 *  returning a new *out: caller frees it with lithsm_recap_free(). */
typedef struct lithsm_recap lithsm_recap;

/** A ReCap holding every request (requests on one resource are merged).
 *  Returns: OK; INVALID_ARG for a NULL; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_recap_from_requests(lithsm_recap **out,
                                                 const lithsm_requests *reqs);

/** Grants "*\/\*" (all abilities) on each resource key given (read as
 *  lithsm_requests_add reads them); resource_keys may be NULL if n_keys is
 *  0.  Returns: OK; INVALID_ARG for a NULL; PARSE for a key (NULL too)
 *  that is not "<Lit prefix>://<id>"; RANGE for a key over 4 MiB; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_recap_all_abilities(
    lithsm_recap **out, const char *const *resource_keys, size_t n_keys);

/** Decodes "urn:recap:<base64url>" strictly: the JSON must be an object with
 *  "att" (resource URI -> "ns/name" -> list of objects, keys sorted at every
 *  level inside "att") and "prf" (a list of strings), nothing else.
 *  Returns: OK; INVALID_ARG for a NULL; RANGE for a URN over 4 MiB or an
 *  integer beyond 2^53; PARSE for anything else malformed; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_recap_decode(lithsm_recap **out, const char *urn);

/** Frees.  NULL is a no-op. */
LITHSM_API void lithsm_recap_free(lithsm_recap *recap);

/** The compact, sorted JSON that is encoded.  Caller frees.
 *  Returns: OK; INVALID_ARG for a NULL; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_recap_json(char **out, const lithsm_recap *recap);

/** "urn:recap:" + unpadded base64url of lithsm_recap_json().  Caller frees.
 *  Returns: OK; INVALID_ARG for a NULL; RANGE for JSON over 4 MiB; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_recap_urn(char **out, const lithsm_recap *recap);

/** The sentence siwe-recap appends to a SIWE statement.  Caller frees.
 *  Returns: OK; INVALID_ARG for a NULL; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_recap_statement(char **out,
                                             const lithsm_recap *recap);

/** 1 if the ReCap grants `ability` on `<prefix>://<resource>` as a Lit node
 *  decides: key "<prefix>://\*" or the exact key, holding "*\/\*" or the
 *  ability's own key; 0 otherwise, and for a NULL. */
LITHSM_API int lithsm_recap_covers(const lithsm_recap *recap,
                                   const char *prefix, const char *resource,
                                   lithsm_ability ability);

/** The first nota-bene object of `ability_key` ("Auth/Auth") on
 *  `resource_key` as compact sorted JSON, or NULL (with OK) if there is
 *  none.  Caller frees.  Used for capacity delegations.
 *  Returns: OK; INVALID_ARG for a NULL; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_recap_restrictions(char **out,
                                                const lithsm_recap *recap,
                                                const char *resource_key,
                                                const char *ability_key);

/** Canonical hash of access-control conditions (JSON array text) as the
 *  SDK's hashAccessControlConditions: lowercase hex SHA-256 of the
 *  canonical JSON.  `canonical_out`, if not NULL, receives that JSON.
 *  Basic EVM conditions only (not the contract, Solana or Cosmos forms).
 *  Returns: OK; INVALID_ARG for a NULL hash_hex_out or conditions_json;
 *  PARSE for invalid JSON, not an array, or an element that is not a
 *  condition (no "operator", no object "returnValueTest"); RANGE for text
 *  over 4 MiB or an integer beyond 2^53; CRYPTO if SHA-256 fails; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_acc_hash(char hash_hex_out[65],
                                      char **canonical_out,
                                      const char *conditions_json);

/* ------------------------------------------------------------------------
 * AuthSigs: the wallet's session-binding SIWE and capacity delegations
 */

/** The SDK's default SIWE statement (two spaces after the first stop). */
#define LITHSM_DEFAULT_STATEMENT \
    "This is a test statement.  You can put anything you want here."

/** Signs `message` (EIP-191) with `signer` and writes the AuthSig JSON
 *  {"sig","derivedVia":"web3.eth.personal.sign","signedMessage","address"}.
 *  Caller frees.
 *  Returns: OK; INVALID_ARG for a NULL; PARSE if the message is not UTF-8;
 *  what lithsm_signer_sign_digest() returns; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_authsig_sign(char **authsig_json_out,
                                          lithsm_signer *signer,
                                          const char *message,
                                          size_t message_len);

/** The SIWE that binds a session key (the SDK's createSiweMessageWithRecaps
 *  in the documented wallet callback). NULL means the SDK default. */
typedef struct lithsm_session_siwe_params {
    const char *session_pubkey_hex;  /* required, 64 hex; lit:session:<hex> */
    const lithsm_requests *requests; /* required: the ReCap's requests */
    const char *nonce;               /* required: latest blockhash */
    const char *domain;              /* default "localhost" */
    const char *statement;           /* default LITHSM_DEFAULT_STATEMENT */
    const char *issued_at;           /* default now */
    const char *expiration;          /* default issued_at + 24 h */
} lithsm_session_siwe_params;

/** Builds the session SIWE for `wallet_address` ("0x" + EIP-55), chain id
 *  1, its ReCap the only resource.  Caller frees.
 *  Returns: OK; INVALID_ARG for a NULL (argument or required member), a
 *  key not 64 characters long, or a field lithsm_siwe_to_text() refuses;
 *  PARSE for a time that is not RFC 3339; RANGE for a default expiration
 *  past 9999 or a SIWE over 1 MiB; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err
lithsm_session_siwe(char **siwe_out, const char *wallet_address,
                    const lithsm_session_siwe_params *params);

/** Builds the session SIWE for the signer's address and signs it: the wallet
 *  AuthSig JSON.  Caller frees.
 *  Returns: what lithsm_session_siwe() and lithsm_authsig_sign() return. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err
lithsm_wallet_authsig(char **authsig_json_out, lithsm_signer *wallet,
                      const lithsm_session_siwe_params *params);

/** A capacity-credit delegation (createCapacityDelegationAuthSig). */
typedef struct lithsm_delegation_params {
    const char *capacity_token_id; /* decimal; NULL: any token */
    const char *const *delegatees; /* 40 hex, "0x" optional, case kept */
    size_t n_delegatees;           /* > 0: delegatees must not be NULL */
    int delegatees_given;   /* 0: anyone; 1 with n_delegatees 0: nobody */
    const char *uses;       /* decimal; NULL: unlimited */
    const char *nonce;      /* required: latest blockhash */
    const char *domain;     /* default "localhost" */
    const char *statement;  /* default LITHSM_DEFAULT_STATEMENT */
    const char *issued_at;  /* default now */
    const char *expiration; /* default issued_at + 7 days */
} lithsm_delegation_params;

/** Builds and signs the delegation; *authsig_json_out is the AuthSig JSON.
 *  `siwe_out`, if not NULL, receives the SIWE text.  Caller frees both.
 *  Returns: OK; INVALID_ARG for a NULL authsig_json_out, owner, params or
 *  params->nonce, or a field lithsm_siwe_to_text() refuses; PARSE for a
 *  token id or uses not decimal, a delegatee not an address (a mixed-case
 *  one must be EIP-55), or a time not RFC 3339; RANGE as
 *  lithsm_session_siwe(); what lithsm_signer_sign_digest() returns;
 *  NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_delegation_authsig(
    char **authsig_json_out, char **siwe_out, lithsm_signer *owner,
    const lithsm_delegation_params *params);

/* ------------------------------------------------------------------------
 * Session keys and SessionSigs
 */
/** An ed25519 key; functions returning a new *out: caller frees it with
 *  lithsm_session_key_free(). */
typedef struct lithsm_session_key lithsm_session_key;

/** A new random ed25519 session key.
 *  Returns: OK; INVALID_ARG for a NULL; CRYPTO if the random generator or
 *  OpenSSL fails; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_session_key_generate(lithsm_session_key **out);

/** The key of a 32-byte seed (the seed is copied, not retained).
 *  Returns: OK; INVALID_ARG for a NULL; CRYPTO; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_session_key_from_seed(lithsm_session_key **out,
                                                   const uint8_t seed[32]);

/** The key of a stored secret: 64 hex (a 32-byte seed) or 128 hex (seed ||
 *  public key, the JS SDK's form, checked for consistency).
 *  Returns: OK; INVALID_ARG for a NULL; PARSE for another length or a
 *  non-hex digit; KEY if the public key is not the seed's; CRYPTO; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err
lithsm_session_key_from_secret_hex(lithsm_session_key **out, const char *hex);

/** The JS SDK's secret form, 128 lowercase hex (seed || public key); out
 *  needs 129 bytes.  A secret: wipe it after use.
 *  Returns: OK; INVALID_ARG for a NULL; CRYPTO if OpenSSL fails. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err
lithsm_session_key_secret_hex(char out[129], const lithsm_session_key *key);

/** 64 lowercase hex of the public key; out needs 65 bytes. */
LITHSM_API void lithsm_session_key_public_hex(char out[65],
                                              const lithsm_session_key *key);

/** Wipes and frees.  NULL is a no-op. */
LITHSM_API void lithsm_session_key_free(lithsm_session_key *key);

/** Checks a node URL the way every part of lithsm takes one (SessionSigs,
 *  the node client, the session-sig check): "https://" or "http://", then
 *  a non-empty host[:port] and nothing else (no path, query, fragment or
 *  trailing slash: a node compares a SessionSig's nodeAddress with its
 *  own host:port, so such a URL could never verify), only printable ASCII
 *  other than a double quote or a backslash, at most LITHSM_NODE_URL_MAX
 *  characters, and no user:pass@ (it would go out as Basic auth, over
 *  plain http too, and into every SessionSig).
 *  Returns: OK; INVALID_ARG for a NULL, another scheme, no host, a
 *  user:pass@ part (not echoed), a URL too long, a path or a bad
 *  character (lithsm_last_error() says which). */
#define LITHSM_NODE_URL_MAX 2048
LITHSM_API lithsm_err lithsm_node_url_check(const char *url);

/** What lithsm_sessionsigs() signs for each node. */
typedef struct lithsm_sessionsigs_params {
    const char *const *node_urls;    /* each passes lithsm_node_url_check() */
    size_t n_nodes;                  /* 1 or more distinct URLs */
    const lithsm_requests *requests; /* 1 or more requests */
    /* AuthSig JSON objects in order: the caller's capabilities, then the
     * capacity delegation, then the wallet AuthSig last (so 1 or more). */
    const char *const *capabilities;
    size_t n_capabilities;
    const char *issued_at;  /* default now */
    const char *expiration; /* required: the wallet SIWE's expiration */
} lithsm_sessionsigs_params;

/** Signs one JSON message per node and writes the SessionSigs map
 *  {url: {"sig","derivedVia","signedMessage","address","algo"}}, byte-equal
 *  to JSON.stringify in the JS SDK.  Caller frees.
 *  Returns: OK; INVALID_ARG for a NULL (argument, URL or capability), no
 *  request, node or capability, or a URL empty, not UTF-8 or repeated;
 *  PARSE for an expiration missing or not RFC 3339, a bad issued_at, or a
 *  capability not an object with string sig, signedMessage and address;
 *  RANGE for a capability over 4 MiB or with an integer beyond 2^53; CRYPTO
 *  if signing fails; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err
lithsm_sessionsigs(char **json_out, const lithsm_session_key *key,
                   const lithsm_sessionsigs_params *params);

#ifdef __cplusplus
}
#endif

#include "lithsm_verify.h"
#include "lithsm_node.h"
#include "lithsm_flow.h"
#include "lithsm_eip712.h"
#include "lithsm_tx.h"
#include "lithsm_abi.h"
#include "lithsm_chipotle.h"
#include "lithsm_rpc.h"
#include "lithsm_audit.h"
#include "lithsm_pg.h"
#include "lithsm_policy.h"

#endif /* LITHSM_H */
