/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * p11_find.c - the searches of the store: EC keys and X.509 certificates
 * matching a pkcs11: URI (p11-kit's matcher for the module, slot and token;
 * C_FindObjects for the objects) on every token it matches.
 */
#include <stdlib.h>
#include <string.h>

#include "p11.h"

/* Collects every handle matching tmpl first: no attribute reads while a
 * search is active.  *found is freed by the caller. */
static int find_handles(lithsm_provctx *pc, lithsm_module *mod,
                        CK_SESSION_HANDLE s, CK_ATTRIBUTE *tmpl, CK_ULONG nt,
                        CK_OBJECT_HANDLE **found, CK_ULONG *nfound)
{
    CK_OBJECT_HANDLE h[LITHSM_FIND_BATCH];
    CK_OBJECT_HANDLE *grown;
    CK_ULONG n;
    CK_RV rv;

    *found = NULL;
    *nfound = 0;
    rv = mod->fl->C_FindObjectsInit(s, tmpl, nt);
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11, "C_FindObjectsInit: %s (0x%lx)",
                     lithsm_ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    for (;;) {
        rv = mod->fl->C_FindObjects(s, h, LITHSM_FIND_BATCH, &n);
        if (rv != CKR_OK || n == 0)
            break;
        grown = realloc(*found, (*nfound + n) * sizeof(*grown));
        if (grown == NULL) {
            rv = CKR_HOST_MEMORY;
            break;
        }
        *found = grown;
        memcpy(*found + *nfound, h, n * sizeof(*h));
        *nfound += n;
    }
    (void)mod->fl->C_FindObjectsFinal(s);
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11, "C_FindObjects: %s (0x%lx)",
                     lithsm_ckr_name(rv), (unsigned long)rv);
        free(*found);
        *found = NULL;
        *nfound = 0;
        return 0;
    }
    return 1;
}

/* The handles of class `cls` whose `kind_attr` (CKA_KEY_TYPE,
 * CKA_CERTIFICATE_TYPE) is `kind`, matching the URI's label and id. */
static int find_objects(lithsm_provctx *pc, lithsm_module *mod,
                        CK_SESSION_HANDLE s, P11KitUri *uri,
                        CK_OBJECT_CLASS cls, CK_ATTRIBUTE_TYPE kind_attr,
                        CK_ULONG kind, CK_OBJECT_HANDLE **found,
                        CK_ULONG *nfound)
{
    CK_ATTRIBUTE tmpl[4], *a;
    int nt = 0;

    tmpl[nt].type = CKA_CLASS, tmpl[nt].pValue = &cls;
    tmpl[nt++].ulValueLen = sizeof(cls);
    tmpl[nt].type = kind_attr, tmpl[nt].pValue = &kind;
    tmpl[nt++].ulValueLen = sizeof(kind);
    if ((a = p11_kit_uri_get_attribute(uri, CKA_LABEL)) != NULL)
        tmpl[nt++] = *a;
    if ((a = p11_kit_uri_get_attribute(uri, CKA_ID)) != NULL)
        tmpl[nt++] = *a;
    return find_handles(pc, mod, s, tmpl, (CK_ULONG)nt, found, nfound);
}

/* Finds the EC keys of class cls matching the URI's object attributes. */
static int find_class(lithsm_provctx *pc, lithsm_module *mod,
                      CK_SESSION_HANDLE s, CK_SLOT_ID slot, P11KitUri *uri,
                      CK_OBJECT_CLASS cls, lithsm_key_list *l)
{
    CK_OBJECT_HANDLE *found;
    CK_ULONG nfound, i;
    int ok = 1;

    if (!find_objects(pc, mod, s, uri, cls, CKA_KEY_TYPE, CKK_EC, &found,
                      &nfound))
        return 0;
    for (i = 0; i < nfound && ok; i++)
        ok = lithsm_key_list_add(pc, mod, s, slot, found[i], cls, l);
    free(found);
    return ok;
}

int lithsm_slot_matches(lithsm_module *mod, const lithsm_slot *ss,
                        P11KitUri *uri, CK_TOKEN_INFO *ti)
{
    CK_SLOT_INFO si;
    CK_SLOT_ID want = p11_kit_uri_get_slot_id(uri);

    if (want != (CK_SLOT_ID)-1 && want != ss->id)
        return 0;
    if (mod->fl->C_GetSlotInfo(ss->id, &si) != CKR_OK ||
        !(si.flags & CKF_TOKEN_PRESENT) ||
        !p11_kit_uri_match_slot_info(uri, &si))
        return 0;
    /* An uninitialised token holds no keys, and libp11 0.4.12 waits
     * forever for a session on one (SoftHSM2's free slot). */
    return mod->fl->C_GetTokenInfo(ss->id, ti) == CKR_OK &&
           (ti->flags & CKF_TOKEN_INITIALIZED) &&
           p11_kit_uri_match_token_info(uri, ti);
}

enum { URI_ERROR, URI_NO_MATCH, URI_SEARCH };
#define URI_ANY_CLASS ((CK_OBJECT_CLASS)~0UL) /* the URI has no type= */

/* The checks before any object search: the module after a fork, unknown
 * attributes (RFC 7512: they match nothing) and the module's own info.
 * *cls is the URI's type= class, or URI_ANY_CLASS when it names none. */
static int uri_search_start(lithsm_provctx *pc, lithsm_module *mod,
                            P11KitUri *uri, CK_OBJECT_CLASS *cls)
{
    CK_INFO info;
    CK_ATTRIBUTE *a;

    *cls = URI_ANY_CLASS;
    if (!lithsm_module_check_fork(pc, mod))
        return URI_ERROR;
    if (p11_kit_uri_any_unrecognized(uri))
        return URI_NO_MATCH;
    if (mod->fl->C_GetInfo(&info) == CKR_OK &&
        !p11_kit_uri_match_module_info(uri, &info))
        return URI_NO_MATCH;
    a = p11_kit_uri_get_attribute(uri, CKA_CLASS);
    if (a != NULL && a->ulValueLen == sizeof(*cls))
        memcpy(cls, a->pValue, sizeof(*cls));
    return URI_SEARCH;
}

/* One search on one token's session; adds what it finds to its list. */
typedef int (*token_search_fn)(lithsm_provctx *pc, lithsm_module *mod,
                               CK_SESSION_HANDLE s, CK_SLOT_ID slot,
                               P11KitUri *uri, void *arg);

/* Runs `search` on the token of slot ss (info ti), logged in first when
 * `login_first`.  Objects may be CKA_PRIVATE (hidden until login): when
 * `login_on_miss` and the search adds nothing to *count while a PIN source
 * is at hand, it logs in and searches once more (never with a PIN that
 * failed: lithsm_slot_login refuses). */
static int search_slot(lithsm_provctx *pc, lithsm_module *mod, lithsm_slot *ss,
                       const CK_TOKEN_INFO *ti, P11KitUri *uri,
                       const lithsm_pin *pin, int login_first,
                       int login_on_miss, token_search_fn search, void *arg,
                       const size_t *count)
{
    CK_SESSION_HANDLE s;
    CK_RV rv;
    size_t before;
    int ok;

    if (login_first && !lithsm_slot_login(pc, mod, ss, ti, pin))
        return 0;
    rv = lithsm_session_get(mod, ss->id, &s);
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11, "C_OpenSession: %s (0x%lx)",
                     lithsm_ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    before = *count;
    ok = search(pc, mod, s, ss->id, uri, arg);
    if (ok && login_on_miss && *count == before && pin != NULL &&
        pin->source != NULL) {
        ok = lithsm_slot_login(pc, mod, ss, ti, pin);
        if (ok)
            ok = search(pc, mod, s, ss->id, uri, arg);
    }
    lithsm_session_put(mod, ss->id, s, ok ? CKR_OK : CKR_GENERAL_ERROR);
    return ok;
}

static void raise_no_token(lithsm_provctx *pc, const lithsm_module *mod)
{
    LITHSM_RAISE(pc, LITHSM_R_TOKEN_NOT_FOUND,
                 "no token in module %s matches the URI", mod->path);
}

/* search_slot on every initialised token the URI matches.  No matching
 * token is an error. */
static int search_tokens(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                         const lithsm_pin *pin, int login_first,
                         int login_on_miss, token_search_fn search, void *arg,
                         const size_t *count)
{
    CK_TOKEN_INFO ti;
    unsigned int i;
    int ntokens = 0, ok = 1;

    for (i = 0; i < mod->nslots && ok; i++) {
        if (!lithsm_slot_matches(mod, &mod->ss[i], uri, &ti))
            continue;
        ntokens++;
        ok = search_slot(pc, mod, &mod->ss[i], &ti, uri, pin, login_first,
                         login_on_miss, search, arg, count);
    }
    if (ok && ntokens == 0) {
        raise_no_token(pc, mod);
        ok = 0;
    }
    return ok;
}

/* ------------------------------------------------------------------------
 * Private keys: found before any login, so that the PIN goes to the one
 * token that holds the key and to no other.
 */

/* The tokens the URI matches, and among them those where an EC key object
 * of either class matching the URI is visible without login (the public
 * key beside a private one usually is). */
typedef struct key_tokens {
    unsigned int *matching, nmatching;
    unsigned int *holders, nholders;
    CK_TOKEN_INFO *ti; /* per slot, read once */
} key_tokens;

static int slot_shows_key(lithsm_provctx *pc, lithsm_module *mod,
                          lithsm_slot *ss, P11KitUri *uri, int *shows)
{
    static const CK_OBJECT_CLASS classes[] = { CKO_PRIVATE_KEY,
                                               CKO_PUBLIC_KEY };
    CK_OBJECT_HANDLE *found;
    CK_SESSION_HANDLE s;
    CK_ULONG n;
    size_t i;
    CK_RV rv;
    int ok = 1;

    *shows = 0;
    rv = lithsm_session_get(mod, ss->id, &s);
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11, "C_OpenSession: %s (0x%lx)",
                     lithsm_ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    for (i = 0; i < 2 && ok && !*shows; i++) {
        ok = find_objects(pc, mod, s, uri, classes[i], CKA_KEY_TYPE, CKK_EC,
                          &found, &n);
        if (ok) {
            free(found);
            *shows = n > 0;
        }
    }
    lithsm_session_put(mod, ss->id, s, ok ? CKR_OK : CKR_GENERAL_ERROR);
    return ok;
}

static int locate_key_tokens(lithsm_provctx *pc, lithsm_module *mod,
                             P11KitUri *uri, key_tokens *kt)
{
    unsigned int i;
    int shows;

    kt->nmatching = kt->nholders = 0;
    kt->matching = calloc(mod->nslots + 1, sizeof(*kt->matching));
    kt->holders = calloc(mod->nslots + 1, sizeof(*kt->holders));
    kt->ti = calloc(mod->nslots + 1, sizeof(*kt->ti));
    if (kt->matching == NULL || kt->holders == NULL || kt->ti == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        return 0;
    }
    for (i = 0; i < mod->nslots; i++) {
        if (!lithsm_slot_matches(mod, &mod->ss[i], uri, &kt->ti[i]))
            continue;
        kt->matching[kt->nmatching++] = i;
        if (!slot_shows_key(pc, mod, &mod->ss[i], uri, &shows))
            return 0;
        if (shows)
            kt->holders[kt->nholders++] = i;
    }
    return 1;
}

/* The tokens to log in to: the one holding the key, or the only token the
 * URI matches.  Several holders (when `unique`), or several tokens none of
 * which shows the key, are refused: the PIN is never tried on a token the
 * user may not have meant. */
static int choose_key_tokens(lithsm_provctx *pc, lithsm_module *mod,
                             const key_tokens *kt, int unique,
                             const unsigned int **targets, unsigned int *n)
{
    if (kt->nmatching == 0) {
        raise_no_token(pc, mod);
        return 0;
    }
    if (kt->nholders > 1 && unique) {
        LITHSM_RAISE(pc, LITHSM_R_AMBIGUOUS,
                     "the URI matches keys on %u tokens: add token= to name "
                     "one",
                     kt->nholders);
        return 0;
    }
    if (kt->nholders == 0 && kt->nmatching > 1) {
        LITHSM_RAISE(pc, LITHSM_R_AMBIGUOUS,
                     "%u tokens match the URI and none shows the key without "
                     "login: add token= to name the one to log in to (the "
                     "PIN is sent to one token only)",
                     kt->nmatching);
        return 0;
    }
    *targets = kt->nholders > 0 ? kt->holders : kt->matching;
    *n = kt->nholders > 0 ? kt->nholders : kt->nmatching;
    return 1;
}

typedef struct key_search {
    lithsm_key_list l;
    int want_private, want_public;
} key_search;

static int search_keys(lithsm_provctx *pc, lithsm_module *mod,
                       CK_SESSION_HANDLE s, CK_SLOT_ID slot, P11KitUri *uri,
                       void *arg)
{
    key_search *ks = arg;
    int ok = 1;

    if (ks->want_private)
        ok = find_class(pc, mod, s, slot, uri, CKO_PRIVATE_KEY, &ks->l);
    if (ok && ks->want_public)
        ok = find_class(pc, mod, s, slot, uri, CKO_PUBLIC_KEY, &ks->l);
    return ok;
}

/* Several private keys match a URI meant to name one: refused, naming the
 * attribute that tells them apart (their labels differ: object=; else
 * id=). */
static int check_unique(lithsm_provctx *pc, const lithsm_key_list *l)
{
    size_t i;
    int labels_differ = 0;

    if (l->n <= 1)
        return 1;
    for (i = 1; i < l->n; i++)
        labels_differ |= strcmp(l->keys[i]->label, l->keys[0]->label) != 0;
    LITHSM_RAISE(pc, LITHSM_R_AMBIGUOUS,
                 "the URI matches %zu private keys on the token: add %s to "
                 "name one (openssl storeutl -text -noout with the URI, "
                 "without -keys, lists each key's URI)",
                 l->n,
                 labels_differ ? "object= (their labels differ)"
                               : "id= (they share the label)");
    return 0;
}

/* Private keys (and public ones when `ks->want_public`): located without
 * login, then searched logged in on the chosen token only. */
static int find_private_keys(lithsm_provctx *pc, lithsm_module *mod,
                             P11KitUri *uri, const lithsm_pin *pin,
                             key_search *ks)
{
    key_tokens kt = { NULL, 0, NULL, 0, NULL };
    const unsigned int *targets = NULL;
    unsigned int n = 0, i;
    int unique = !ks->want_public, ok;

    ok = locate_key_tokens(pc, mod, uri, &kt) &&
         choose_key_tokens(pc, mod, &kt, unique, &targets, &n);
    for (i = 0; ok && i < n; i++) {
        const CK_TOKEN_INFO *ti = &kt.ti[targets[i]];
        size_t j, before = ks->l.n;

        ok = search_slot(pc, mod, &mod->ss[targets[i]], ti, uri, pin, 1, 0,
                         search_keys, ks, &ks->l.n);
        for (j = before; ok && j < ks->l.n; j++)
            ok = lithsm_key_keep_auth_pin(pc, ks->l.keys[j], pin, ti);
    }
    free(kt.matching);
    free(kt.holders);
    free(kt.ti);
    return ok && (!unique || check_unique(pc, &ks->l));
}

int lithsm_find_keys(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                     const lithsm_pin *pin, int want_private, int want_public,
                     lithsm_key ***keys, size_t *nkeys)
{
    key_search ks = { { NULL, 0, 0, 0 }, want_private, want_public };
    CK_OBJECT_CLASS cls;
    int start, ok;

    *keys = NULL;
    *nkeys = 0;
    start = uri_search_start(pc, mod, uri, &cls);
    if (start != URI_SEARCH)
        return start == URI_NO_MATCH; /* nothing found, or an error */
    if (cls != URI_ANY_CLASS) {
        ks.want_private = want_private && cls == CKO_PRIVATE_KEY;
        ks.want_public = want_public && cls == CKO_PUBLIC_KEY;
    }
    if (ks.want_private)
        ok = find_private_keys(pc, mod, uri, pin, &ks);
    else
        ok = search_tokens(pc, mod, uri, pin, 0, ks.want_public, search_keys,
                           &ks, &ks.l.n);
    if (!ok) {
        lithsm_keys_free(ks.l.keys, ks.l.n);
        return 0;
    }
    *keys = ks.l.keys;
    *nkeys = ks.l.n;
    return 1;
}

/* ------------------------------------------------------------------------
 * AES secret keys: private objects, so the one token the URI matches is
 * logged in to before the search (the PIN never goes to another token).
 */

static int search_secret(lithsm_provctx *pc, lithsm_module *mod,
                         CK_SESSION_HANDLE s, CK_SLOT_ID slot, P11KitUri *uri,
                         void *arg)
{
    lithsm_key_list *l = arg;
    CK_OBJECT_HANDLE *found;
    CK_ULONG nfound, i;
    int ok = 1;

    if (!find_objects(pc, mod, s, uri, CKO_SECRET_KEY, CKA_KEY_TYPE, CKK_AES,
                      &found, &nfound))
        return 0;
    for (i = 0; i < nfound && ok; i++)
        ok = lithsm_secret_list_add(pc, mod, s, slot, found[i], l);
    free(found);
    return ok;
}

int lithsm_find_secret_keys(lithsm_provctx *pc, lithsm_module *mod,
                            P11KitUri *uri, const lithsm_pin *pin,
                            lithsm_key ***keys, size_t *nkeys)
{
    lithsm_key_list l = { NULL, 0, 0, 0 };
    CK_TOKEN_INFO ti, one;
    CK_OBJECT_CLASS cls;
    unsigned int i, slot = 0, ntokens = 0;
    int start, ok;

    *keys = NULL;
    *nkeys = 0;
    start = uri_search_start(pc, mod, uri, &cls);
    if (start != URI_SEARCH)
        return start == URI_NO_MATCH; /* nothing found, or an error */
    if (cls != CKO_SECRET_KEY)
        return 1;
    for (i = 0; i < mod->nslots; i++)
        if (lithsm_slot_matches(mod, &mod->ss[i], uri, &ti)) {
            if (ntokens++ == 0) {
                slot = i;
                one = ti;
            }
        }
    if (ntokens == 0) {
        raise_no_token(pc, mod);
        return 0;
    }
    if (ntokens > 1) {
        LITHSM_RAISE(pc, LITHSM_R_AMBIGUOUS,
                     "%u tokens match the URI of a secret key: add token= to "
                     "name the one to log in to",
                     ntokens);
        return 0;
    }
    ok = search_slot(pc, mod, &mod->ss[slot], &one, uri, pin, 1, 0,
                     search_secret, &l, &l.n);
    if (ok && l.n > 1) {
        LITHSM_RAISE(pc, LITHSM_R_AMBIGUOUS,
                     "the URI matches %zu AES keys on the token: add object= "
                     "or id= to name one",
                     l.n);
        ok = 0;
    }
    if (!ok) {
        lithsm_keys_free(l.keys, l.n);
        return 0;
    }
    *keys = l.keys;
    *nkeys = l.n;
    return 1;
}

/* ------------------------------------------------------------------------
 * Certificates: CKO_CERTIFICATE objects of type X.509, read as DER.  They
 * are usually public objects, found without logging in.
 */

#define CERT_MAX (64 * 1024) /* a larger CKA_VALUE is skipped */

typedef struct cert_list {
    lithsm_cert *certs;
    size_t n, cap;
} cert_list;

void lithsm_certs_free(lithsm_cert *certs, size_t ncerts)
{
    size_t i;

    for (i = 0; i < ncerts; i++)
        free(certs[i].der);
    free(certs);
}

/* Reads the certificate's CKA_VALUE into the list; an object without a
 * readable value is skipped (returns 1 with nothing added). */
static int add_cert(lithsm_provctx *pc, lithsm_module *mod, CK_SESSION_HANDLE s,
                    CK_OBJECT_HANDLE h, cert_list *l)
{
    CK_ATTRIBUTE a = { CKA_VALUE, NULL, 0 };
    lithsm_cert *grown;
    unsigned char *der;

    if (mod->fl->C_GetAttributeValue(s, h, &a, 1) != CKR_OK ||
        a.ulValueLen == 0 || a.ulValueLen == (CK_ULONG)-1 ||
        a.ulValueLen > CERT_MAX)
        return 1;
    if ((der = malloc(a.ulValueLen)) == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        return 0;
    }
    a.pValue = der;
    if (mod->fl->C_GetAttributeValue(s, h, &a, 1) != CKR_OK ||
        a.ulValueLen == (CK_ULONG)-1) {
        free(der);
        return 1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4;

        grown = realloc(l->certs, cap * sizeof(*grown));
        if (grown == NULL) {
            free(der);
            LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
            return 0;
        }
        l->certs = grown;
        l->cap = cap;
    }
    l->certs[l->n].der = der;
    l->certs[l->n].der_len = a.ulValueLen;
    l->n++;
    return 1;
}

/* The X.509 certificates on one token matching the URI's object and id. */
static int find_certs_on(lithsm_provctx *pc, lithsm_module *mod,
                         CK_SESSION_HANDLE s, P11KitUri *uri, cert_list *l)
{
    CK_OBJECT_HANDLE *found;
    CK_ULONG nfound, i;
    int ok = 1;

    if (!find_objects(pc, mod, s, uri, CKO_CERTIFICATE, CKA_CERTIFICATE_TYPE,
                      CKC_X_509, &found, &nfound))
        return 0;
    for (i = 0; i < nfound && ok; i++)
        ok = add_cert(pc, mod, s, found[i], l);
    free(found);
    return ok;
}

/* search_tokens' form of find_certs_on. */
static int search_certs(lithsm_provctx *pc, lithsm_module *mod,
                        CK_SESSION_HANDLE s, CK_SLOT_ID slot, P11KitUri *uri,
                        void *arg)
{
    (void)slot;
    return find_certs_on(pc, mod, s, uri, arg);
}

int lithsm_find_certs(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                      const lithsm_pin *pin, lithsm_cert **certs,
                      size_t *ncerts)
{
    cert_list l = { NULL, 0, 0 };
    CK_OBJECT_CLASS cls;
    int start;

    *certs = NULL;
    *ncerts = 0;
    start = uri_search_start(pc, mod, uri, &cls);
    if (start != URI_SEARCH)
        return start == URI_NO_MATCH; /* nothing found, or an error */
    if (cls != URI_ANY_CLASS && cls != CKO_CERTIFICATE)
        return 1;
    /* Certificates are usually public objects: no login unless a search
     * finds nothing and a PIN source is at hand. */
    if (!search_tokens(pc, mod, uri, pin, 0, 1, search_certs, &l, &l.n)) {
        lithsm_certs_free(l.certs, l.n);
        return 0;
    }
    *certs = l.certs;
    *ncerts = l.n;
    return 1;
}
