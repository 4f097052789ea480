/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * decide.c - lithsm_policy_decide: the caller, its rate limit (a token
 * bucket under the policy's lock, or the shared one of lithsm_rates),
 * route and key, then the route's rules over the body (rules.c).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "policy/policy.h"

void pol_deny(lithsm_policy_decision *d, const pol_caller *c, const char *key,
              const char *fmt, ...)
{
    va_list ap;

    d->allowed = 0;
    if (c != NULL)
        snprintf(d->rule, sizeof(d->rule), "%s.%s", c->name, key);
    else
        snprintf(d->rule, sizeof(d->rule), "%s", key);
    va_start(ap, fmt);
    vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
    va_end(ap);
    pol_ascii(d->rule);
    pol_ascii(d->reason);
}

/* Request text quoted in a reason may have been cut inside a UTF-8
 * sequence or hold control characters: the service writes reasons into
 * JSON and logs, so they are kept to printable ASCII. */
void pol_ascii(char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
            *s = '?';
}

/* Iterative glob with one backtrack point: at most text x pattern steps,
 * never exponential; text over POL_GLOB_MAX bytes never matches. */
int pol_glob(const char *pat, const char *text)
{
    const char *star = NULL, *resume = NULL;

    if (strlen(text) > POL_GLOB_MAX)
        return 0;

    while (*text != '\0') {
        if (*pat == '*') {
            star = pat++;
            resume = text;
        } else if (*pat == *text) {
            pat++;
            text++;
        } else if (star != NULL) {
            pat = star + 1;
            text = ++resume;
        } else {
            return 0;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

int pol_list_allows(const pol_list *l, const char *text, int glob)
{
    size_t i;

    if (l->any)
        return 1;
    for (i = 0; i < l->n; i++)
        if (glob ? pol_glob(l->items[i], text) : strcmp(l->items[i], text) == 0)
            return 1;
    return 0;
}

/* The first caller with a matcher for `who` (fingerprints compared in
 * lowercase), or NULL. */
static const pol_caller *caller_find(const lithsm_policy *p, const char *who)
{
    char norm[600];
    size_t i;

    if (strlen(who) >= sizeof(norm))
        return NULL;
    snprintf(norm, sizeof(norm), "%s", who);
    if (strncmp(norm, "fingerprint:", 12) == 0)
        for (i = 12; norm[i] != '\0'; i++)
            norm[i] = (char)tolower((unsigned char)norm[i]);
    for (i = 0; i < p->n_callers; i++)
        if (pol_list_allows(&p->callers[i].match, norm, 1))
            return &p->callers[i];
    return NULL;
}

/* Takes a token from c's bucket: 1, or 0 when it is empty.  Units are
 * tokens * rate_period_ms, so refills stay integral. */
static int rate_take(lithsm_policy *p, pol_caller *c, int64_t now)
{
    int64_t cap, elapsed;
    int ok;

    if (c->rate_n == 0)
        return 1;
    cap = c->burst * c->rate_period_ms;
    pthread_mutex_lock(&p->lock);
    if (!c->bucket_started) {
        c->bucket_started = 1;
        c->bucket_milli = cap;
        c->bucket_at_ms = now;
    }
    elapsed = now - c->bucket_at_ms;
    if (elapsed > 0) {
        if (elapsed >= cap)
            c->bucket_milli = cap;
        else if ((c->bucket_milli += elapsed * c->rate_n) > cap)
            c->bucket_milli = cap;
        c->bucket_at_ms = now;
    }
    ok = c->bucket_milli >= c->rate_period_ms;
    if (ok)
        c->bucket_milli -= c->rate_period_ms;
    pthread_mutex_unlock(&p->lock);
    return ok;
}

/* The caller's rate limit: its shared bucket when p has rates, else its
 * own.  out->allowed 0 when over the limit (rule "rate"), or with the
 * shared buckets' error (rule "rate-unavailable"). */
static lithsm_err rate_check(lithsm_policy_decision *out, lithsm_policy *p,
                             pol_caller *c, int64_t now)
{
    lithsm_rates *rates = p->rates;
    lithsm_err err;
    int ok;

    out->allowed = 1;
    if (c->rate_n == 0)
        return LITHSM_OK;
    if (rates == NULL) {
        ok = rate_take(p, c, now);
    } else if ((err =
                    lithsm_rates_take(&ok, rates, c->name, (uint64_t)c->rate_n,
                                      (uint64_t)c->rate_period_ms,
                                      (uint64_t)c->burst)) != LITHSM_OK) {
        pol_deny(out, NULL, "rate-unavailable",
                 "the shared rate limits cannot be reached");
        return err;
    }
    if (!ok)
        pol_deny(out, c, "rate", "caller %s is over its rate limit", c->name);
    return LITHSM_OK;
}

/* The body's key member for `route`, checked against the request's. */
static lithsm_err body_key_check(lithsm_policy_decision *d,
                                 const lithsm_policy_request *req,
                                 json_object *body)
{
    const char *member = strcmp(req->route, "session-sigs") == 0  ? "wallet"
                         : strcmp(req->route, "delegations") == 0 ? "owner"
                                                                  : "key";
    json_object *v;

    if (!json_object_object_get_ex(body, member, &v))
        return LITHSM_OK;
    if (!json_object_is_type(v, json_type_string))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: %s: not a string", req->route,
                           member);
    if (req->key != NULL && strcmp(json_object_get_string(v), req->key) != 0)
        pol_deny(d, NULL, "default-deny",
                 "the body's %s differs from the request's key", member);
    return LITHSM_OK;
}

static lithsm_err route_rules(lithsm_policy_decision *d, const pol_caller *c,
                              const lithsm_policy_request *req)
{
    json_object *body = NULL;
    lithsm_err err;

    if (strcmp(req->route, "keys") == 0)
        return LITHSM_OK;
    if (req->body == NULL)
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: no body", req->route);
    /* Any unusable body (RANGE: a number past 2^53 too) is a bad request. */
    if ((err = lithsm_json_parse_nul(&body, req->body, req->body_len, 1,
                                     req->route)) != LITHSM_OK)
        return err == LITHSM_ERR_NOMEM ? err : LITHSM_ERR_PARSE;
    if (!json_object_is_type(body, json_type_object))
        err =
            lithsm_fail(LITHSM_ERR_PARSE, "%s: not a JSON object", req->route);
    else
        err = body_key_check(d, req, body);
    if (err != LITHSM_OK || !d->allowed)
        ;
    else if (strcmp(req->route, "session-sigs") == 0)
        err = pol_rules_session(d, c, body, req->now_ms);
    else if (strcmp(req->route, "delegations") == 0)
        err = pol_rules_delegation(d, c, body, req->now_ms);
    else if (strcmp(req->route, "sign/typed-data") == 0)
        err = pol_rules_typed_data(d, c, body);
    else if (strcmp(req->route, "sign/transaction") == 0)
        err = pol_rules_tx(d, c, body);
    json_object_put(body);
    return err;
}

static const char *const known_routes[] = {
    "session-sigs",    "delegations",      "sign/message",
    "sign/typed-data", "sign/transaction", "keys"
};

static int route_known(const char *route)
{
    size_t i;

    for (i = 0; i < sizeof(known_routes) / sizeof(known_routes[0]); i++)
        if (strcmp(route, known_routes[i]) == 0)
            return 1;
    return 0;
}

lithsm_err lithsm_policy_decide(lithsm_policy_decision *out, lithsm_policy *p,
                                const lithsm_policy_request *req)
{
    pol_caller *c;
    lithsm_err err;

    if (out == NULL || p == NULL || req == NULL || req->caller == NULL ||
        req->route == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "policy: NULL argument");
    memset(out, 0, sizeof(*out));
    c = (pol_caller *)caller_find(p, req->caller);
    if (c != NULL)
        snprintf(out->caller, sizeof(out->caller), "%s", c->name);
    if (c == NULL) {
        pol_deny(out, NULL, "default-deny",
                 "the caller matches no policy "
                 "caller");
        return LITHSM_OK;
    }
    if ((err = rate_check(out, p, c, req->now_ms)) != LITHSM_OK ||
        !out->allowed)
        return err;
    if (!route_known(req->route)) {
        pol_deny(out, NULL, "default-deny", "unknown route");
        return LITHSM_OK;
    }
    if (!pol_list_allows(&c->routes, req->route, 0)) {
        pol_deny(out, c, "routes", "route %s is not allowed for caller %s",
                 req->route, c->name);
        return LITHSM_OK;
    }
    if (strcmp(req->route, "keys") != 0 &&
        (req->key == NULL || !pol_list_allows(&c->keys, req->key, 0))) {
        if (req->key == NULL)
            pol_deny(out, NULL, "default-deny", "the request names no key");
        else
            pol_deny(out, c, "keys", "key %.64s is not allowed for caller %s",
                     req->key, c->name);
        return LITHSM_OK;
    }
    out->allowed = 1;
    if ((err = route_rules(out, c, req)) != LITHSM_OK) {
        pol_deny(out, NULL, "bad-request", "the body is not %s JSON",
                 req->route);
        return err;
    }
    if (out->allowed) {
        snprintf(out->rule, sizeof(out->rule), "%s.allow", c->name);
        snprintf(out->reason, sizeof(out->reason),
                 "every rule of caller %s allows it", c->name);
    }
    return LITHSM_OK;
}
