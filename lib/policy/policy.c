/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * policy.c - lithsm_policy_load: the file's [policy] section, its callers
 * (load.c reads each) and a check that no section goes unused; the
 * reference count that lets a service swap policies under readers.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/err.h>

#include "policy/policy.h"

static int caller_name_ok(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && n <= 64 &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789_-") == n &&
           strcmp(s, "policy") != 0 && strcmp(s, "default") != 0;
}

/* The callers = list of [policy]. */
static lithsm_err callers_read(lithsm_policy *p, const CONF *conf,
                               const char *file)
{
    STACK_OF(CONF_VALUE) *sec = NCONF_get_section(conf, "policy");
    const char *list = NULL, *s;
    int i;

    if (sec == NULL)
        return lithsm_fail(LITHSM_ERR_PARSE, "policy %s: no [policy] section",
                           file);
    for (i = 0; i < sk_CONF_VALUE_num(sec); i++) {
        CONF_VALUE *cv = sk_CONF_VALUE_value(sec, i);
        if (strcmp(cv->name, "callers") != 0)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "policy %s: [policy] %s: unknown key", file,
                               cv->name);
        list = cv->value;
    }
    if (list == NULL)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "policy %s: [policy] callers: missing", file);
    for (s = list; *s != '\0';) {
        size_t n, j;
        pol_caller *c;

        s += strspn(s, ", \t");
        n = strcspn(s, ", \t");
        if (n == 0)
            break;
        c = realloc(p->callers, (p->n_callers + 1) * sizeof(*c));
        if (c == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "policy: out of memory");
        p->callers = c;
        c = &p->callers[p->n_callers];
        memset(c, 0, sizeof(*c));
        if ((c->name = malloc(n + 1)) == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "policy: out of memory");
        p->n_callers++;
        memcpy(c->name, s, n);
        c->name[n] = '\0';
        s += n;
        if (!caller_name_ok(c->name))
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "policy %s: [policy] callers: \"%s\" is not a "
                               "caller name ([A-Za-z0-9_-], 1 to 64)",
                               file, c->name);
        for (j = 0; j + 1 < p->n_callers; j++)
            if (strcmp(p->callers[j].name, c->name) == 0)
                return lithsm_fail(LITHSM_ERR_PARSE,
                                   "policy %s: [policy] callers: \"%s\" "
                                   "named twice",
                                   file, c->name);
    }
    if (p->n_callers == 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "policy %s: [policy] callers: empty list", file);
    return LITHSM_OK;
}

static int section_used(const lithsm_policy *p, const CONF *conf,
                        const char *name)
{
    size_t i, j;

    if (strcmp(name, "policy") == 0)
        return 1;
    if (strcmp(name, "default") == 0) {
        STACK_OF(CONF_VALUE) *sec = NCONF_get_section(conf, name);
        return sec == NULL || sk_CONF_VALUE_num(sec) == 0;
    }
    for (i = 0; i < p->n_callers; i++) {
        const pol_list *l = &p->callers[i].td_domain_names;
        if (strcmp(p->callers[i].name, name) == 0)
            return 1;
        for (j = 0; j < l->n; j++)
            if (strcmp(l->items[j], name) == 0)
                return 1;
    }
    return 0;
}

static lithsm_err sections_check(const lithsm_policy *p, const CONF *conf,
                                 const char *file)
{
    STACK_OF(OPENSSL_CSTRING) *names = NCONF_get_section_names(conf);
    lithsm_err err = LITHSM_OK;
    int i;

    if (names == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "policy: out of memory");
    for (i = 0; i < sk_OPENSSL_CSTRING_num(names) && err == LITHSM_OK; i++) {
        const char *name = sk_OPENSSL_CSTRING_value(names, i);
        if (!section_used(p, conf, name))
            err = lithsm_fail(LITHSM_ERR_PARSE,
                              strcmp(name, "default") == 0
                                  ? "policy %s: [%s]: keys before the first "
                                    "section"
                                  : "policy %s: [%s]: no caller or "
                                    "typed_data_domains names this section",
                              file, name);
    }
    sk_OPENSSL_CSTRING_free(names);
    return err;
}

/* Reads the configuration text of `bio`; `name` is the file named in
 * errors. */
static lithsm_err policy_read(lithsm_policy *p, BIO *bio, const char *name)
{
    CONF *conf = NCONF_new(NULL);
    long eline = 0;
    lithsm_err err;
    size_t i;

    if (conf == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "policy: out of memory");
    ERR_set_mark();
    if (NCONF_load_bio(conf, bio, &eline) <= 0) {
        ERR_pop_to_mark();
        NCONF_free(conf);
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "policy %s: line %ld: syntax error", name, eline);
    }
    ERR_pop_to_mark();
    err = callers_read(p, conf, name);
    for (i = 0; i < p->n_callers && err == LITHSM_OK; i++)
        err = pol_caller_read(&p->callers[i], conf, name);
    if (err == LITHSM_OK)
        err = sections_check(p, conf, name);
    NCONF_free(conf);
    return err;
}

static lithsm_err policy_new(lithsm_policy **out, BIO *bio, const char *name)
{
    lithsm_policy *p;
    lithsm_err err;

    *out = NULL;
    if ((p = calloc(1, sizeof(*p))) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "policy: out of memory");
    p->refs = 1;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return lithsm_fail(LITHSM_ERR_NOMEM, "policy: no mutex");
    }
    if ((err = policy_read(p, bio, name)) != LITHSM_OK) {
        lithsm_policy_free(p);
        return err;
    }
    *out = p;
    return LITHSM_OK;
}

lithsm_err lithsm_policy_load(lithsm_policy **out, const char *path)
{
    BIO *bio;
    lithsm_err err;

    if (out == NULL || path == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "policy: NULL argument");
    *out = NULL;
    ERR_set_mark();
    bio = BIO_new_file(path, "r");
    ERR_pop_to_mark();
    if (bio == NULL)
        return lithsm_fail(LITHSM_ERR_IO, "policy %s: cannot be read", path);
    err = policy_new(out, bio, path);
    BIO_free(bio);
    return err;
}

lithsm_err pol_load_text(lithsm_policy **out, const char *text, size_t len,
                         const char *name)
{
    BIO *bio;
    lithsm_err err;

    *out = NULL;
    if (len > LITHSM_MAX_INPUT ||
        (bio = BIO_new_mem_buf(text, (int)len)) == NULL)
        return lithsm_fail(LITHSM_ERR_RANGE, "policy %s: too large", name);
    err = policy_new(out, bio, name);
    BIO_free(bio);
    return err;
}

lithsm_policy *lithsm_policy_ref(lithsm_policy *p)
{
    if (p != NULL)
        __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
    return p;
}

void lithsm_policy_free(lithsm_policy *p)
{
    size_t i;

    if (p == NULL || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (i = 0; i < p->n_callers; i++)
        pol_caller_clear(&p->callers[i]);
    free(p->callers);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void lithsm_policy_set_rates(lithsm_policy *p, lithsm_rates *rates)
{
    if (p != NULL)
        p->rates = rates;
}

size_t lithsm_policy_caller_count(const lithsm_policy *p)
{
    return p != NULL ? p->n_callers : 0;
}
