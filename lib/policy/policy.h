/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * policy.h - the signing policy's parts (lithsm_policy.h): the loaded
 * form (load.c), the route rules over request bodies (rules.c) and the
 * decision with its rate limit (decide.c).  Not installed.
 */
#ifndef LITHSM_POLICY_INTERNAL_H
#define LITHSM_POLICY_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "lithsm.h"
#include "util/util.h"

/* A list of words from the file; `any` when it was "*". */
typedef struct pol_list {
    char **items;
    size_t n;
    int any;
    int set; /* the key was given */
} pol_list;

typedef struct pol_domain {
    char *name, *version, *chain_id; /* NULL: any */
    int has_contract;
    lithsm_eth_address contract;
} pol_domain;

typedef struct pol_caller {
    char *name;
    pol_list match, keys, routes;
    /* rate limit: `rate_n` tokens per `rate_period_ms`, bucket `burst` */
    int64_t rate_n, rate_period_ms, burst;
    int64_t bucket_milli; /* tokens * 1000 * rate_period_ms units */
    int64_t bucket_at_ms;
    int bucket_started;
    pol_list s_resources, s_abilities, s_node_urls, s_networks;
    int64_t s_max_exp_ms; /* -1: none */
    pol_list d_delegatees, d_token_ids;
    int64_t d_max_exp_ms;
    int have_d_max_uses;
    uint8_t d_max_uses[32];
    pol_list td_domain_names, td_primary_types;
    pol_domain *td_domains;
    size_t n_td_domains;
    pol_list tx_chain_ids, tx_to, tx_selectors;
    int have_tx_max_value;
    uint8_t tx_max_value[32];
} pol_caller;

struct lithsm_policy {
    pol_caller *callers;
    size_t n_callers;
    pthread_mutex_t lock; /* the buckets */
    int refs;             /* atomically changed */
    lithsm_rates *rates;  /* shared buckets (borrowed), or NULL: ours */
};

/* A deny written into a decision: rule "<caller>.<key>" (or `key` alone
 * when caller is NULL) and a formatted reason. */
void pol_deny(lithsm_policy_decision *d, const pol_caller *c, const char *key,
              const char *fmt, ...) LITHSM_PRINTF(4, 5);

/* Replaces control and non-ASCII bytes of s with '?'. */
void pol_ascii(char *s);

/* 1 when `text` matches the `*` pattern `pat` entirely; a text longer
 * than POL_GLOB_MAX never does (patterns are at most 511 bytes, so a
 * match costs at most 511 x 8192 steps). */
#define POL_GLOB_MAX 8192

int pol_glob(const char *pat, const char *text);

/* 1 when a list allows `text`: "*" or a pattern (exact item when
 * `exact`) that matches. */
int pol_list_allows(const pol_list *l, const char *text, int glob);

/* Route rules over a parsed body (rules.c, rules_eth.c).  Each returns OK
 * with *d filled when it denied (d->allowed 0) or passed (d->allowed 1),
 * or PARSE for a body that is not the route's JSON. */
lithsm_err pol_rules_session(lithsm_policy_decision *d, const pol_caller *c,
                             json_object *body, int64_t now_ms);
lithsm_err pol_rules_delegation(lithsm_policy_decision *d, const pol_caller *c,
                                json_object *body, int64_t now_ms);
lithsm_err pol_rules_typed_data(lithsm_policy_decision *d, const pol_caller *c,
                                json_object *body);
lithsm_err pol_rules_tx(lithsm_policy_decision *d, const pol_caller *c,
                        json_object *body);

/* Reads the caller section c->name of conf (load.c). */
struct conf_st;
lithsm_err pol_caller_read(pol_caller *c, const struct conf_st *conf,
                           const char *file);

/* lithsm_policy_load() over text[0..len) (the fuzzer); `name` stands
 * for the file in errors. */
lithsm_err pol_load_text(lithsm_policy **out, const char *text, size_t len,
                         const char *name);

/* Frees a caller's members. */
void pol_caller_clear(pol_caller *c);

#endif /* LITHSM_POLICY_INTERNAL_H */
