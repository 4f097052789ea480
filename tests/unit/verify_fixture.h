/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * verify_fixture.h - what the verifier's unit tests (test_verify,
 * test_verify_caps, test_verify_map) share; see verify_fixture.c.
 */
#ifndef LITHSM_VERIFY_FIXTURE_H
#define LITHSM_VERIFY_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "util/util.h"
#include "lithsm.h"

#define BASE_VECTOR "accept_valid_first_node"
#define NODE1 "https://node1.example:7470"
#define NOW "2024-06-01T12:05:00.000Z"
#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

extern json_object *vectors;  /* the whole verify-negative.json */
extern EVP_PKEY *session_key; /* ed25519 from seed 0x11 * 32 */
extern lithsm_signer *wallet; /* 0x01 * 32 */
extern lithsm_signer *owner;  /* 0x02 * 32, the capacity owner */
extern int64_t now_ms;        /* NOW */
extern lithsm_verify_result last;

/* Loads the vectors and makes the keys: 0, or 99 (a hard error). */
int fixture_init(void);
void fixture_free(void);

/* strdup, or exit 99. */
char *xstrdup(const char *s);
/* An RFC 3339 time in ms, or exit 99. */
int64_t ms(const char *t);
/* tests/vectors/verify-negative.json (under $top_srcdir), or exit 99. */
json_object *load_vectors(void);
/* The vector named `name`, and its inputs.sessionSig (borrowed). */
json_object *vector(const char *name);
json_object *vector_sessionsig(const char *name);

/* Verifies and returns the reason word; the result stays in `last`. */
const char *verify_len(const char *json, size_t len, const char *node,
                       int64_t now, int64_t grace);
const char *verify(const char *json, const char *node, int64_t now,
                   int64_t grace);

/* The outer SessionSig over `msg`, signed with the session seed; `addr`
 * NULL means its public key.  Caller frees. */
char *outer_for(const char *msg, size_t len, const char *addr);
/* outer_for() of the body as compact JSON.  Caller frees. */
char *resign(json_object *body);
/* A fresh copy of the base vector's signed body.  Caller puts it. */
json_object *base_body(void);
void set_str(json_object *obj, const char *key, const char *val);
/* Capability i of a body, and its SIWE text (borrowed). */
json_object *cap(json_object *body, size_t i);
const char *cap_msg(json_object *body, size_t i);
/* `s` with the first `from` replaced by `to`; caller frees. */
char *replace(const char *s, const char *from, const char *to);
/* Sets capability i's SIWE to `siwe` and signs it with `signer`; `v_adjust`
 * is subtracted from v, `prefix` is put before the hex. */
void cap_sign(json_object *body, size_t i, lithsm_signer *signer,
              const char *siwe, int v_adjust, const char *prefix);
/* Capability i's SIWE with the first `from` replaced by `to`, signed
 * again by `signer`. */
void cap_edit(json_object *body, size_t i, lithsm_signer *signer,
              const char *from, const char *to);
/* Re-signs the body and verifies it at NOW on NODE1. */
const char *check_body(json_object *body, int64_t grace);
/* A delegation SIWE (capability 0) with its ReCap replaced by
 * `recap_json`, signed again by the owner. */
void set_delegation_recap(json_object *body, const char *recap_json);

#endif /* LITHSM_VERIFY_FIXTURE_H */
