/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * p11_key.c - key objects: what the provider keeps of an EC key found on a
 * token (curve, public point, handle, and what finds it again after a
 * fork), read through the module's function list.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include "p11.h"

lithsm_key *lithsm_key_ref(lithsm_key *key)
{
    __atomic_add_fetch(&key->refs, 1, __ATOMIC_RELAXED);
    return key;
}

void lithsm_key_unref(lithsm_key *key)
{
    if (key == NULL || key->magic != LITHSM_KEY_MAGIC)
        return;
    if (__atomic_sub_fetch(&key->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    lithsm_module_put(key->mod);
    if (key->auth_pin != NULL)
        OPENSSL_secure_clear_free(key->auth_pin, strlen(key->auth_pin) + 1);
    free(key->pin_source);
    OPENSSL_clear_free(key, sizeof(*key));
}

void lithsm_keys_free(lithsm_key **keys, size_t nkeys)
{
    size_t i;

    for (i = 0; i < nkeys; i++)
        lithsm_key_unref(keys[i]);
    free(keys);
}

/* p11.h */
int lithsm_get_attr(lithsm_module *mod, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                    CK_ATTRIBUTE_TYPE type, void *buf, size_t size, size_t *len)
{
    CK_ATTRIBUTE a;

    a.type = type;
    a.pValue = buf;
    a.ulValueLen = size;
    if (mod->fl->C_GetAttributeValue(s, h, &a, 1) != CKR_OK ||
        a.ulValueLen == (CK_ULONG)-1 || a.ulValueLen > size)
        return 0;
    *len = a.ulValueLen;
    return 1;
}

/* CKA_EC_POINT: a DER OCTET STRING around 04||X||Y (PKCS#11 v2.40), or the
 * raw point some modules give; then the point must be on the curve. */
static int parse_point(unsigned char out[65], const unsigned char *p,
                       size_t len, int curve)
{
    EC_GROUP *group = NULL;
    EC_POINT *pt = NULL;
    int ok = 0;

    if (len == 67 && p[0] == 0x04 && p[1] == 0x41)
        p += 2, len -= 2;
    if (len != 65 || p[0] != 0x04)
        return 0;
    group = EC_GROUP_new_by_curve_name(lithsm_curve_nid(curve));
    pt = group != NULL ? EC_POINT_new(group) : NULL;
    if (pt != NULL && EC_POINT_oct2point(group, pt, p, len, NULL) == 1) {
        memcpy(out, p, 65);
        ok = 1;
    }
    EC_POINT_free(pt);
    EC_GROUP_free(group);
    ERR_clear_error(); /* a bad point is reported by the caller */
    return ok;
}

/* The public key object beside a private key: same CKA_ID, same curve. */
static int find_public_point(lithsm_module *mod, CK_SESSION_HANDLE s,
                             const unsigned char *id, size_t id_len,
                             const unsigned char *params, size_t params_len,
                             int curve, unsigned char out[65])
{
    CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
    CK_KEY_TYPE kt = CKK_EC;
    CK_ATTRIBUTE tmpl[4];
    CK_OBJECT_HANDLE h[LITHSM_FIND_BATCH];
    CK_ULONG n = 0, i;
    unsigned char point[160];
    size_t point_len;
    int ok = 0;

    tmpl[0].type = CKA_CLASS, tmpl[0].pValue = &cls;
    tmpl[0].ulValueLen = sizeof(cls);
    tmpl[1].type = CKA_KEY_TYPE, tmpl[1].pValue = &kt;
    tmpl[1].ulValueLen = sizeof(kt);
    tmpl[2].type = CKA_ID, tmpl[2].pValue = (void *)id;
    tmpl[2].ulValueLen = id_len;
    tmpl[3].type = CKA_EC_PARAMS, tmpl[3].pValue = (void *)params;
    tmpl[3].ulValueLen = params_len;
    if (mod->fl->C_FindObjectsInit(s, tmpl, 4) != CKR_OK)
        return 0;
    if (mod->fl->C_FindObjects(s, h, LITHSM_FIND_BATCH, &n) != CKR_OK)
        n = 0;
    (void)mod->fl->C_FindObjectsFinal(s);
    for (i = 0; i < n && !ok; i++)
        if (lithsm_get_attr(mod, s, h[i], CKA_EC_POINT, point, sizeof(point),
                            &point_len))
            ok = parse_point(out, point, point_len, curve);
    return ok;
}

/* p11.h */
int lithsm_attr_true(lithsm_module *mod, CK_SESSION_HANDLE s,
                     CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type)
{
    CK_BBOOL b = CK_FALSE;
    size_t len = 0;

    return lithsm_get_attr(mod, s, h, type, &b, sizeof(b), &len) &&
           len == sizeof(b) && b == CK_TRUE;
}

int lithsm_key_keep_auth_pin(lithsm_provctx *pc, lithsm_key *key,
                             const lithsm_pin *src, const CK_TOKEN_INFO *ti)
{
    char pin[LITHSM_PIN_MAX + 2], token[33];
    size_t len;
    int ok;

    if (src != NULL && src->source != NULL && key->pin_source == NULL &&
        (key->pin_source = strdup(src->source)) == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        return 0;
    }

    if (!key->always_auth || key->auth_pin != NULL ||
        (ti->flags & CKF_PROTECTED_AUTHENTICATION_PATH))
        return 1;
    lithsm_padded_str(token, sizeof(token), ti->label, sizeof(ti->label));
    ok = lithsm_read_pin(pc, src, token, pin, sizeof(pin));
    if (ok) {
        len = strlen(pin);
        key->auth_pin = OPENSSL_secure_malloc(len + 1);
        if (key->auth_pin == NULL) {
            LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
            ok = 0;
        } else {
            memcpy(key->auth_pin, pin, len + 1);
        }
    }
    OPENSSL_cleanse(pin, sizeof(pin));
    return ok;
}

/* p11.h */
int lithsm_key_refresh(lithsm_key *key, CK_SESSION_HANDLE s, int force)
{
    lithsm_module *mod = key->mod;
    int secret = key->class == CKO_SECRET_KEY;
    CK_KEY_TYPE kt = secret ? CKK_AES : CKK_EC;
    CK_ATTRIBUTE tmpl[4];
    CK_OBJECT_HANDLE h[2];
    CK_ULONG n = 0, nt = 2;
    unsigned int gen = __atomic_load_n(&mod->generation, __ATOMIC_ACQUIRE);
    CK_RV rv;

    if (!force && __atomic_load_n(&key->generation, __ATOMIC_ACQUIRE) == gen)
        return 1;
    tmpl[0].type = CKA_CLASS, tmpl[0].pValue = &key->class;
    tmpl[0].ulValueLen = sizeof(key->class);
    tmpl[1].type = CKA_KEY_TYPE, tmpl[1].pValue = &kt;
    tmpl[1].ulValueLen = sizeof(kt);
    if (key->id_len > 0) {
        tmpl[nt].type = CKA_ID, tmpl[nt].pValue = key->id;
        tmpl[nt++].ulValueLen = key->id_len;
    } else if (secret) {
        tmpl[nt].type = CKA_LABEL, tmpl[nt].pValue = key->label;
        tmpl[nt++].ulValueLen = strlen(key->label);
    } else {
        LITHSM_RAISE(key->pc, LITHSM_R_OBJECT_NOT_FOUND,
                     "key \"%s\": no CKA_ID to find it again", key->label);
        return 0;
    }
    if (!secret) {
        tmpl[nt].type = CKA_EC_PARAMS, tmpl[nt].pValue = key->params;
        tmpl[nt++].ulValueLen = key->params_len;
    }
    rv = mod->fl->C_FindObjectsInit(s, tmpl, nt);
    if (rv == CKR_OK) {
        rv = mod->fl->C_FindObjects(s, h, 2, &n);
        (void)mod->fl->C_FindObjectsFinal(s);
    }
    if (rv != CKR_OK || n != 1) {
        /* A key that was used before and is gone now: its token is. */
        LITHSM_RAISE(key->pc,
                     force ? LITHSM_R_TOKEN_NOT_FOUND
                           : LITHSM_R_OBJECT_NOT_FOUND,
                     "key \"%s\": not found again on its token (%s, %lu "
                     "matches)",
                     key->label, lithsm_ckr_name(rv), (unsigned long)n);
        return 0;
    }
    /* Racing threads store the same handle: a plain store is enough. */
    __atomic_store_n(&key->handle, h[0], __ATOMIC_RELAXED);
    __atomic_store_n(&key->generation, gen, __ATOMIC_RELEASE);
    return 1;
}

/* p11.h */
int lithsm_key_session(lithsm_key *key, CK_SESSION_HANDLE *s)
{
    lithsm_module *mod = key->mod;
    CK_RV rv;

    if (!lithsm_module_check_fork(key->pc, mod))
        return 0;
    rv = lithsm_session_get(mod, key->slot_id, s);
    if (rv != CKR_OK) {
        LITHSM_RAISE(key->pc, LITHSM_R_PKCS11, "C_OpenSession: %s (0x%lx)",
                     lithsm_ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    if (!lithsm_key_refresh(key, *s, 0)) {
        lithsm_session_put(mod, key->slot_id, *s, CKR_OK);
        return 0;
    }
    return 1;
}

/* p11.h */
lithsm_key *lithsm_key_new(lithsm_provctx *pc, lithsm_module *mod,
                           CK_SESSION_HANDLE s, CK_SLOT_ID slot,
                           CK_OBJECT_HANDLE h, CK_OBJECT_CLASS cls)
{
    lithsm_key *key = calloc(1, sizeof(*key));
    size_t label_len = 0;

    if (key == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        return NULL;
    }
    if (lithsm_get_attr(mod, s, h, CKA_LABEL, key->label,
                        sizeof(key->label) - 1, &label_len))
        key->label[label_len] = '\0';
    key->magic = LITHSM_KEY_MAGIC;
    key->refs = 1;
    key->pc = pc;
    key->slot_id = slot;
    key->class = cls;
    key->handle = h;
    key->generation = mod->generation;
    key->mod = lithsm_module_ref(mod); /* the key keeps the module loaded */
    return key;
}

/* p11.h */
int lithsm_key_list_push(lithsm_provctx *pc, lithsm_key_list *l,
                         lithsm_key *key)
{
    lithsm_key **k;

    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4;

        k = realloc(l->keys, cap * sizeof(*k));
        if (k == NULL) {
            LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
            return 0;
        }
        l->keys = k;
        l->cap = cap;
    }
    l->keys[l->n++] = key;
    return 1;
}

int lithsm_key_list_add(lithsm_provctx *pc, lithsm_module *mod,
                        CK_SESSION_HANDLE s, CK_SLOT_ID slot,
                        CK_OBJECT_HANDLE h, CK_OBJECT_CLASS cls,
                        lithsm_key_list *l)
{
    unsigned char params[128], id[256], point[160];
    size_t params_len, id_len = 0, point_len;
    lithsm_key *key;
    int curve, ok;

    if (!lithsm_get_attr(mod, s, h, CKA_EC_PARAMS, params, sizeof(params),
                         &params_len) ||
        (curve = lithsm_curve_from_params(params, params_len)) == 0) {
        l->skipped++;
        return 1;
    }
    if ((key = lithsm_key_new(pc, mod, s, slot, h, cls)) == NULL)
        return 0;
    if (!lithsm_get_attr(mod, s, h, CKA_ID, id, sizeof(id), &id_len))
        id_len = 0;
    if (cls == CKO_PUBLIC_KEY)
        ok = lithsm_get_attr(mod, s, h, CKA_EC_POINT, point, sizeof(point),
                             &point_len) &&
             parse_point(key->pub, point, point_len, curve);
    else
        ok = id_len > 0 && find_public_point(mod, s, id, id_len, params,
                                             params_len, curve, key->pub);
    if (!ok) {
        lithsm_key_unref(key);
        l->skipped++;
        return 1;
    }
    if (cls == CKO_PRIVATE_KEY)
        key->always_auth = lithsm_attr_true(mod, s, h, CKA_ALWAYS_AUTHENTICATE);
    key->curve = curve;
    /* An ID too long to keep only means no lookup again after a fork. */
    if (id_len <= sizeof(key->id)) {
        memcpy(key->id, id, id_len);
        key->id_len = id_len;
    }
    memcpy(key->params, params, params_len);
    key->params_len = params_len;
    if (!lithsm_key_list_push(pc, l, key)) {
        lithsm_key_unref(key);
        return 0;
    }
    return 1;
}

char *lithsm_key_uri(lithsm_key *key)
{
    P11KitUri *uri = NULL;
    CK_OBJECT_CLASS cls = key->class;
    CK_ATTRIBUTE a;
    char *text = NULL;
    CK_RV rv;

    if (!lithsm_module_check_fork(key->pc, key->mod))
        return NULL;
    if ((uri = p11_kit_uri_new()) == NULL) {
        LITHSM_RAISE(key->pc, LITHSM_R_MALLOC, "out of memory");
        return NULL;
    }
    rv = key->mod->fl->C_GetTokenInfo(key->slot_id,
                                      p11_kit_uri_get_token_info(uri));
    if (rv != CKR_OK) {
        LITHSM_RAISE(key->pc, LITHSM_R_TOKEN_NOT_FOUND,
                     "key \"%s\": its token cannot be read: C_GetTokenInfo: "
                     "%s (0x%lx)",
                     key->label, lithsm_ckr_name(rv), (unsigned long)rv);
        goto done;
    }
    a.type = CKA_CLASS, a.pValue = &cls, a.ulValueLen = sizeof(cls);
    if (p11_kit_uri_set_attribute(uri, &a) != P11_KIT_URI_OK)
        goto fail;
    a.type = CKA_LABEL, a.pValue = key->label;
    a.ulValueLen = strlen(key->label);
    if (a.ulValueLen > 0 &&
        p11_kit_uri_set_attribute(uri, &a) != P11_KIT_URI_OK)
        goto fail;
    a.type = CKA_ID, a.pValue = key->id, a.ulValueLen = key->id_len;
    if (key->id_len > 0 && p11_kit_uri_set_attribute(uri, &a) != P11_KIT_URI_OK)
        goto fail;
    if (p11_kit_uri_format(uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, &text) ==
        P11_KIT_URI_OK)
        goto done;
fail:
    LITHSM_RAISE(key->pc, LITHSM_R_MALLOC, "the key's URI cannot be made");
    text = NULL;
done:
    p11_kit_uri_free(uri);
    return text;
}
