/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * load.c - reads a policy file (OpenSSL configuration syntax, through
 * NCONF_load) into callers, checking every key and value; see
 * lithsm_policy.h for the format.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/conf.h>
#include <openssl/err.h>

#include "eth/int256.h"
#include "policy/policy.h"

/* How a key's value is read. */
typedef enum {
    K_MATCH,
    K_WORDS,
    K_ROUTES,
    K_RESOURCES,
    K_ABILITIES,
    K_PATTERNS,
    K_ADDRESSES,
    K_NUMBERS,
    K_SELECTORS,
    K_DURATION,
    K_UINT,
    K_RATE,
    K_BURST
} key_kind;

typedef struct key_spec {
    const char *name;
    key_kind kind;
    size_t off;
} key_spec;

#define AT(m) offsetof(pol_caller, m)
static const key_spec caller_keys[] = {
    { "keys", K_WORDS, AT(keys) },
    { "routes", K_ROUTES, AT(routes) },
    { "rate", K_RATE, 0 },
    { "burst", K_BURST, 0 },
    { "session_resources", K_RESOURCES, AT(s_resources) },
    { "session_abilities", K_ABILITIES, AT(s_abilities) },
    { "session_max_expiration", K_DURATION, AT(s_max_exp_ms) },
    { "session_node_urls", K_PATTERNS, AT(s_node_urls) },
    { "session_networks", K_WORDS, AT(s_networks) },
    { "delegation_delegatees", K_ADDRESSES, AT(d_delegatees) },
    { "delegation_max_uses", K_UINT, AT(d_max_uses) },
    { "delegation_max_expiration", K_DURATION, AT(d_max_exp_ms) },
    { "delegation_capacity_token_ids", K_NUMBERS, AT(d_token_ids) },
    { "typed_data_domains", K_WORDS, AT(td_domain_names) },
    { "typed_data_primary_types", K_WORDS, AT(td_primary_types) },
    { "tx_chain_ids", K_NUMBERS, AT(tx_chain_ids) },
    { "tx_to", K_ADDRESSES, AT(tx_to) },
    { "tx_max_value", K_UINT, AT(tx_max_value) },
    { "tx_selectors", K_SELECTORS, AT(tx_selectors) },
};

static const char *const routes[] = { "session-sigs",     "delegations",
                                      "sign/message",     "sign/typed-data",
                                      "sign/transaction", "keys" };

/* The place an error names. */
typedef struct where {
    const char *file, *section, *key;
} where;

#define BAD(w, ...) bad((w), __VA_ARGS__)
static lithsm_err bad(const where *w, const char *fmt, ...) LITHSM_PRINTF(2, 3);
static lithsm_err bad(const where *w, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return lithsm_fail(LITHSM_ERR_PARSE, "policy %s: [%s] %s: %s", w->file,
                       w->section, w->key, msg);
}

static void list_clear(pol_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

static lithsm_err list_push(pol_list *l, const char *s, size_t n)
{
    char **items = realloc(l->items, (l->n + 1) * sizeof(*items));
    char *copy;

    if (items == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "policy: out of memory");
    l->items = items;
    copy = malloc(n + 1);
    if (copy == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "policy: out of memory");
    memcpy(copy, s, n);
    copy[n] = '\0';
    l->items[l->n++] = copy;
    return LITHSM_OK;
}

static int printable(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* Checks one list item and rewrites it in canonical form (addresses and
 * selectors lowercase, numbers decimal) in place; `out` has room for
 * LITHSM_UINT256_DEC_MAX bytes. */
static lithsm_err item_check(char *out, key_kind kind, const where *w)
{
    const char *s = out;
    uint8_t v[32];
    lithsm_eth_address a;
    size_t i;

    if (!printable(s))
        return BAD(w, "an item holds control characters");
    switch (kind) {
    case K_ROUTES:
        for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
            if (strcmp(s, routes[i]) == 0)
                return LITHSM_OK;
        return BAD(w, "unknown route \"%s\"", s);
    case K_ABILITIES: {
        lithsm_ability ab;
        if (lithsm_ability_from_name(&ab, s) != LITHSM_OK)
            return BAD(w, "unknown ability \"%s\"", s);
        return LITHSM_OK;
    }
    case K_RESOURCES: {
        const char *sep = strstr(s, "://");
        lithsm_ability ab;
        for (ab = LITHSM_ABILITY_ACC_DECRYPTION;
             ab <= LITHSM_ABILITY_RATE_LIMIT_INCREASE_AUTH; ab++) {
            const char *p = lithsm_ability_prefix(ab);
            if (sep != NULL && (size_t)(sep - s) == strlen(p) &&
                memcmp(s, p, strlen(p)) == 0 && sep[3] != '\0')
                return LITHSM_OK;
        }
        return BAD(w, "\"%s\" is not <lit prefix>://<id pattern>", s);
    }
    case K_ADDRESSES:
        if (strcmp(s, "create") == 0 && strcmp(w->key, "tx_to") == 0)
            return LITHSM_OK;
        if (lithsm_eth_address_parse(&a, s, 0) != LITHSM_OK)
            return BAD(w, "\"%s\" is not an address", s);
        for (i = 0; out[i] != '\0'; i++)
            out[i] = (char)tolower((unsigned char)out[i]);
        out[1] = 'x';
        return LITHSM_OK;
    case K_NUMBERS:
        if (lithsm_int_parse(v, s, strlen(s), LITHSM_UINT256, w->key) !=
            LITHSM_OK)
            return BAD(w, "\"%s\" is not a number", s);
        lithsm_uint256_to_dec(out, v);
        return LITHSM_OK;
    case K_SELECTORS:
        if (strcmp(s, "empty") == 0)
            return LITHSM_OK;
        if (strlen(s) != 10 || s[0] != '0' || s[1] != 'x' ||
            strspn(s + 2, "0123456789abcdefABCDEF") != 8)
            return BAD(w, "\"%s\" is not 0x + 8 hex digits", s);
        for (i = 2; out[i] != '\0'; i++)
            out[i] = (char)tolower((unsigned char)out[i]);
        return LITHSM_OK;
    default:
        return LITHSM_OK;
    }
}

/* Splits `value` at commas and spaces into l, each item checked. */
static lithsm_err list_read(pol_list *l, const char *value, key_kind kind,
                            const where *w)
{
    const char *p = value;
    char item[LITHSM_UINT256_DEC_MAX + 512];
    lithsm_err err;

    if (l->set)
        return BAD(w, "given twice");
    l->set = 1;
    while (*p != '\0') {
        size_t n;
        p += strspn(p, ", \t");
        n = strcspn(p, ", \t");
        if (n == 0)
            break;
        if (n >= 512)
            return BAD(w, "an item is over 511 characters");
        memcpy(item, p, n);
        item[n] = '\0';
        p += n;
        if (strcmp(item, "*") == 0) {
            l->any = 1;
            continue;
        }
        if ((err = item_check(item, kind, w)) != LITHSM_OK ||
            (err = list_push(l, item, strlen(item))) != LITHSM_OK)
            return err;
    }
    if (l->n == 0 && !l->any)
        return BAD(w, "empty list");
    return LITHSM_OK;
}

/* "1d", "12h", "30m", "90s": at most 3650 days. */
static lithsm_err duration_read(int64_t *ms, const char *s, const where *w)
{
    size_t n = strspn(s, "0123456789");
    int64_t v = 0, unit;
    size_t i;

    if (n == 0 || n > 9 || s[n] == '\0' || s[n + 1] != '\0')
        return BAD(w, "\"%s\" is not a duration (N then s, m, h or d)", s);
    for (i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    unit = s[n] == 's'   ? 1000
           : s[n] == 'm' ? 60000
           : s[n] == 'h' ? 3600000
           : s[n] == 'd' ? 86400000
                         : 0;
    if (unit == 0)
        return BAD(w, "\"%s\": unit is not s, m, h or d", s);
    if (v == 0 || v * unit > (int64_t)3650 * 86400000)
        return BAD(w, "\"%s\" is not between 1s and 3650d", s);
    *ms = v * unit;
    return LITHSM_OK;
}

static lithsm_err count_read(int64_t *out, const char *s, size_t n,
                             const where *w)
{
    int64_t v = 0;
    size_t i;

    if (n == 0 || n > 6 || strspn(s, "0123456789") < n)
        return BAD(w, "\"%.*s\" is not a number from 1 to 100000", (int)n, s);
    for (i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    if (v < 1 || v > 100000)
        return BAD(w, "\"%.*s\" is not a number from 1 to 100000", (int)n, s);
    *out = v;
    return LITHSM_OK;
}

/* "N/s", "N/m", "N/h", "N/d". */
static lithsm_err rate_read(pol_caller *c, const char *s, const where *w)
{
    const char *slash = strchr(s, '/');
    lithsm_err err;

    if (slash == NULL || slash[1] == '\0' || slash[2] != '\0')
        return BAD(w, "\"%s\" is not N/s, N/m, N/h or N/d", s);
    if ((err = count_read(&c->rate_n, s, (size_t)(slash - s), w)) != LITHSM_OK)
        return err;
    c->rate_period_ms = slash[1] == 's'   ? 1000
                        : slash[1] == 'm' ? 60000
                        : slash[1] == 'h' ? 3600000
                        : slash[1] == 'd' ? 86400000
                                          : 0;
    if (c->rate_period_ms == 0)
        return BAD(w, "\"%s\" is not N/s, N/m, N/h or N/d", s);
    return LITHSM_OK;
}

static lithsm_err match_read(pol_caller *c, const char *s, const where *w)
{
    char buf[600];
    size_t i;

    if (strlen(s) >= 512 || !printable(s))
        return BAD(w, "too long or holds control characters");
    snprintf(buf, sizeof(buf), "%s", s);
    if (strncmp(s, "subject:", 8) == 0 && s[8] != '\0') {
        /* a pattern */
    } else if (strncmp(s, "fingerprint:", 12) == 0) {
        if (strlen(s + 12) != 64 ||
            strspn(s + 12, "0123456789abcdefABCDEF") != 64)
            return BAD(w, "a fingerprint is 64 hex digits");
        for (i = 12; buf[i] != '\0'; i++)
            buf[i] = (char)tolower((unsigned char)buf[i]);
    } else if (strncmp(s, "uid:", 4) == 0) {
        if (s[4] == '\0' || strlen(s + 4) > 10 ||
            strspn(s + 4, "0123456789") != strlen(s + 4) ||
            (s[4] == '0' && s[5] != '\0'))
            return BAD(w, "a uid is a decimal number");
    } else {
        return BAD(w, "\"%s\" is not subject:, fingerprint: or uid:", s);
    }
    return list_push(&c->match, buf, strlen(buf));
}

static lithsm_err value_read(pol_caller *c, const key_spec *k,
                             const char *value, const where *w)
{
    char *base = (char *)c;
    uint8_t *v;

    switch (k->kind) {
    case K_RATE:
        return c->rate_n ? BAD(w, "given twice") : rate_read(c, value, w);
    case K_BURST:
        return count_read(&c->burst, value, strlen(value), w);
    case K_DURATION:
        return duration_read((int64_t *)(void *)(base + k->off), value, w);
    case K_UINT:
        v = (uint8_t *)(base + k->off);
        if (lithsm_int_parse(v, value, strlen(value), LITHSM_UINT256, w->key) !=
            LITHSM_OK)
            return BAD(w, "\"%s\" is not a number", value);
        if (k->off == AT(d_max_uses))
            c->have_d_max_uses = 1;
        else
            c->have_tx_max_value = 1;
        return LITHSM_OK;
    default:
        return list_read((pol_list *)(void *)(base + k->off), value, k->kind,
                         w);
    }
}

/* Reads the domain sections a caller's typed_data_domains names. */
static lithsm_err domains_read(pol_caller *c, const CONF *conf,
                               const char *file)
{
    size_t i;
    int j;

    if (c->td_domain_names.n == 0)
        return LITHSM_OK;
    c->td_domains = calloc(c->td_domain_names.n, sizeof(*c->td_domains));
    if (c->td_domains == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "policy: out of memory");
    c->n_td_domains = c->td_domain_names.n;
    for (i = 0; i < c->td_domain_names.n; i++) {
        pol_domain *d = &c->td_domains[i];
        STACK_OF(CONF_VALUE) *sec =
            NCONF_get_section(conf, c->td_domain_names.items[i]);
        where w = { file, c->name, "typed_data_domains" };

        if (sec == NULL)
            return BAD(&w, "no section [%s]", c->td_domain_names.items[i]);
        w.section = c->td_domain_names.items[i];
        for (j = 0; j < sk_CONF_VALUE_num(sec); j++) {
            CONF_VALUE *cv = sk_CONF_VALUE_value(sec, j);
            char **slot = strcmp(cv->name, "name") == 0       ? &d->name
                          : strcmp(cv->name, "version") == 0  ? &d->version
                          : strcmp(cv->name, "chain_id") == 0 ? &d->chain_id
                                                              : NULL;
            w.key = cv->name;
            if (strcmp(cv->name, "verifying_contract") == 0) {
                if (lithsm_eth_address_parse(&d->contract, cv->value, 0) !=
                    LITHSM_OK)
                    return BAD(&w, "\"%s\" is not an address", cv->value);
                d->has_contract = 1;
                continue;
            }
            if (slot == NULL)
                return BAD(&w, "unknown key");
            if (slot == &d->chain_id) {
                uint8_t v[32];
                char dec[LITHSM_UINT256_DEC_MAX];
                if (lithsm_int_parse(v, cv->value, strlen(cv->value),
                                     LITHSM_UINT256, "chain_id") != LITHSM_OK)
                    return BAD(&w, "\"%s\" is not a number", cv->value);
                lithsm_uint256_to_dec(dec, v);
                free(*slot);
                *slot = lithsm_strdup(dec);
            } else {
                free(*slot);
                *slot = lithsm_strdup(cv->value);
            }
            if (*slot == NULL)
                return lithsm_fail(LITHSM_ERR_NOMEM, "policy: out of memory");
        }
    }
    return LITHSM_OK;
}

lithsm_err pol_caller_read(pol_caller *c, const CONF *conf, const char *file)
{
    STACK_OF(CONF_VALUE) *sec = NCONF_get_section(conf, c->name);
    where w = { file, c->name, "" };
    lithsm_err err;
    int i;

    c->s_max_exp_ms = c->d_max_exp_ms = -1;
    if (sec == NULL)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "policy %s: [policy] callers: no section [%s]", file,
                           c->name);
    for (i = 0; i < sk_CONF_VALUE_num(sec); i++) {
        CONF_VALUE *cv = sk_CONF_VALUE_value(sec, i);
        const key_spec *k = NULL;
        size_t j;

        w.key = cv->name;
        if (strcmp(cv->name, "match") == 0 ||
            strncmp(cv->name, "match.", 6) == 0) {
            if ((err = match_read(c, cv->value, &w)) != LITHSM_OK)
                return err;
            continue;
        }
        for (j = 0; j < sizeof(caller_keys) / sizeof(caller_keys[0]); j++)
            if (strcmp(cv->name, caller_keys[j].name) == 0)
                k = &caller_keys[j];
        if (k == NULL)
            return BAD(&w, "unknown key");
        if ((err = value_read(c, k, cv->value, &w)) != LITHSM_OK)
            return err;
    }
    w.key = "match";
    if (c->match.n == 0)
        return BAD(&w, "a caller needs at least one match");
    w.key = "burst";
    if (c->burst != 0 && c->rate_n == 0)
        return BAD(&w, "burst without rate");
    if (c->burst == 0)
        c->burst = c->rate_n;
    return domains_read(c, conf, file);
}

void pol_caller_clear(pol_caller *c)
{
    size_t i;

    free(c->name);
    list_clear(&c->match);
    list_clear(&c->keys);
    list_clear(&c->routes);
    list_clear(&c->s_resources);
    list_clear(&c->s_abilities);
    list_clear(&c->s_node_urls);
    list_clear(&c->s_networks);
    list_clear(&c->d_delegatees);
    list_clear(&c->d_token_ids);
    list_clear(&c->td_domain_names);
    list_clear(&c->td_primary_types);
    list_clear(&c->tx_chain_ids);
    list_clear(&c->tx_to);
    list_clear(&c->tx_selectors);
    for (i = 0; i < c->n_td_domains; i++) {
        free(c->td_domains[i].name);
        free(c->td_domains[i].version);
        free(c->td_domains[i].chain_id);
    }
    free(c->td_domains);
    memset(c, 0, sizeof(*c));
}
