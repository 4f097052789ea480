/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * p11_keygen.c - a key pair generated on a token with the wallet template,
 * through the module's function list: libp11 0.4.12 has no EC key
 * generation.
 */
#include <stdlib.h>

#include "p11.h"

/* The one token the URI names: 0 or several is an error. */
static lithsm_slot *single_slot(lithsm_provctx *pc, lithsm_module *mod,
                                P11KitUri *uri, CK_TOKEN_INFO *ti)
{
    CK_TOKEN_INFO tmp;
    lithsm_slot *found = NULL;
    unsigned int i, n = 0;

    for (i = 0; i < mod->nslots; i++)
        if (lithsm_slot_matches(mod, &mod->ss[i], uri, &tmp)) {
            if (n++ == 0) {
                found = &mod->ss[i];
                *ti = tmp;
            }
        }
    if (n == 0)
        LITHSM_RAISE(pc, LITHSM_R_TOKEN_NOT_FOUND,
                     "no token in module %s matches the URI", mod->path);
    else if (n > 1)
        LITHSM_RAISE(pc, LITHSM_R_BAD_ARGUMENT,
                     "the URI matches %u tokens: name one with token=", n);
    return n == 1 ? found : NULL;
}

/* Is there already a private key with this label?  1 yes, 0 no, -1 error. */
static int label_taken(lithsm_module *mod, CK_SESSION_HANDLE s,
                       const CK_ATTRIBUTE *label)
{
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[2];
    CK_OBJECT_HANDLE h;
    CK_ULONG n = 0;

    tmpl[0].type = CKA_CLASS, tmpl[0].pValue = &cls;
    tmpl[0].ulValueLen = sizeof(cls);
    tmpl[1] = *label;
    if (mod->fl->C_FindObjectsInit(s, tmpl, 2) != CKR_OK)
        return -1;
    if (mod->fl->C_FindObjects(s, &h, 1, &n) != CKR_OK)
        n = (CK_ULONG)-1;
    (void)mod->fl->C_FindObjectsFinal(s);
    return n == (CK_ULONG)-1 ? -1 : n > 0;
}

#define ATTR(t, v)                   \
    {                                \
        (t), (void *)&(v), sizeof(v) \
    }

/* What the new pair is called: CKA_LABEL (the URI's object=) and CKA_ID
 * (its id=, else random). */
typedef struct key_names {
    const CK_ATTRIBUTE *label;
    const void *id;
    CK_ULONG id_len;
    unsigned char random_id[16];
} key_names;

/* The token to generate on, logged in: the URI names the new key with
 * object= and exactly one token. */
static lithsm_slot *keygen_slot(lithsm_provctx *pc, lithsm_module *mod,
                                P11KitUri *uri, const lithsm_pin *pin,
                                key_names *names)
{
    const CK_ATTRIBUTE *label;
    CK_TOKEN_INFO ti;
    lithsm_slot *ss;

    if (!lithsm_module_check_fork(pc, mod))
        return NULL;
    label = p11_kit_uri_get_attribute(uri, CKA_LABEL);
    if (label == NULL || label->ulValueLen == 0 || label->ulValueLen > 63) {
        LITHSM_RAISE(pc, LITHSM_R_BAD_ARGUMENT,
                     "key generation: the URI must name the key with "
                     "object=LABEL (1 to 63 bytes)");
        return NULL;
    }
    if (p11_kit_uri_any_unrecognized(uri)) {
        LITHSM_RAISE(pc, LITHSM_R_URI,
                     "key generation: the URI has an unknown attribute");
        return NULL;
    }
    names->label = label;
    if ((ss = single_slot(pc, mod, uri, &ti)) == NULL ||
        !lithsm_slot_login(pc, mod, ss, &ti, pin))
        return NULL;
    return ss;
}

/* The new label must be free (two wallet keys with one label would be
 * ambiguous), and the id given or random. */
static int keygen_names(lithsm_provctx *pc, lithsm_module *mod,
                        CK_SESSION_HANDLE s, P11KitUri *uri, key_names *names)
{
    const CK_ATTRIBUTE *label = names->label, *id;
    int taken = label_taken(mod, s, label);
    CK_RV rv;

    if (taken != 0) {
        LITHSM_RAISE(pc, LITHSM_R_BAD_ARGUMENT,
                     taken > 0 ? "key generation: a private key labelled "
                                 "\"%.*s\" already exists"
                               : "key generation: cannot search for "
                                 "\"%.*s\"",
                     (int)label->ulValueLen, (const char *)label->pValue);
        return 0;
    }
    id = p11_kit_uri_get_attribute(uri, CKA_ID);
    if (id != NULL && (id->ulValueLen == 0 || id->ulValueLen > 64)) {
        LITHSM_RAISE(pc, LITHSM_R_BAD_ARGUMENT,
                     "key generation: id= must be 1 to 64 bytes");
        return 0;
    }
    if (id != NULL) {
        names->id = id->pValue;
        names->id_len = id->ulValueLen;
        return 1;
    }
    rv = mod->fl->C_GenerateRandom(s, names->random_id,
                                   sizeof(names->random_id));
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11, "C_GenerateRandom: %s (0x%lx)",
                     lithsm_ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    names->id = names->random_id;
    names->id_len = sizeof(names->random_id);
    return 1;
}

#define ATTR(t, v)                   \
    {                                \
        (t), (void *)&(v), sizeof(v) \
    }

/* C_GenerateKeyPair with the wallet template (reference/pkcs11-and-
 * provider.md §6): the private key signs and does nothing else, and never
 * leaves. */
static CK_RV generate_pair(lithsm_module *mod, CK_SESSION_HANDLE s, int curve,
                           const key_names *names, CK_OBJECT_HANDLE *hpub,
                           CK_OBJECT_HANDLE *hpriv)
{
    static const CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_MECHANISM mech = { CKM_EC_KEY_PAIR_GEN, NULL, 0 };
    const CK_ATTRIBUTE *label = names->label;
    size_t oid_len;
    const unsigned char *oid = lithsm_curve_params(curve, &oid_len);
    CK_ATTRIBUTE pub_tmpl[] = { ATTR(CKA_TOKEN, yes),
                                ATTR(CKA_PRIVATE, no),
                                ATTR(CKA_VERIFY, yes),
                                ATTR(CKA_ENCRYPT, no),
                                ATTR(CKA_WRAP, no),
                                ATTR(CKA_DERIVE, no),
                                { CKA_EC_PARAMS, (void *)oid, oid_len },
                                { CKA_LABEL, label->pValue, label->ulValueLen },
                                { CKA_ID, (void *)names->id, names->id_len } };
    CK_ATTRIBUTE priv_tmpl[] = { ATTR(CKA_TOKEN, yes),
                                 ATTR(CKA_PRIVATE, yes),
                                 ATTR(CKA_SENSITIVE, yes),
                                 ATTR(CKA_EXTRACTABLE, no),
                                 ATTR(CKA_SIGN, yes),
                                 ATTR(CKA_DECRYPT, no),
                                 ATTR(CKA_UNWRAP, no),
                                 ATTR(CKA_DERIVE, no),
                                 ATTR(CKA_MODIFIABLE, no),
                                 ATTR(CKA_COPYABLE, no),
                                 { CKA_LABEL, label->pValue,
                                   label->ulValueLen },
                                 { CKA_ID, (void *)names->id, names->id_len } };

    return mod->fl->C_GenerateKeyPair(
        s, &mech, pub_tmpl, sizeof(pub_tmpl) / sizeof(pub_tmpl[0]), priv_tmpl,
        sizeof(priv_tmpl) / sizeof(priv_tmpl[0]), hpub, hpriv);
}

/* The new private key as a key object; a pair that cannot be read back is
 * destroyed: no half-made key is left behind. */
static int read_back(lithsm_provctx *pc, lithsm_module *mod,
                     CK_SESSION_HANDLE s, CK_SLOT_ID slot,
                     CK_OBJECT_HANDLE hpub, CK_OBJECT_HANDLE hpriv,
                     lithsm_key **out)
{
    lithsm_key_list l = { NULL, 0, 0, 0 };

    if (!lithsm_key_list_add(pc, mod, s, slot, hpriv, CKO_PRIVATE_KEY, &l) ||
        l.n != 1) {
        LITHSM_RAISE(pc, LITHSM_R_KEY,
                     "key generation: the new key cannot be read back");
        (void)mod->fl->C_DestroyObject(s, hpriv);
        (void)mod->fl->C_DestroyObject(s, hpub);
        lithsm_keys_free(l.keys, l.n);
        return 0;
    }
    *out = l.keys[0];
    free(l.keys);
    return 1;
}

int lithsm_generate_key(lithsm_provctx *pc, lithsm_module *mod, P11KitUri *uri,
                        const lithsm_pin *pin, int curve, lithsm_key **out)
{
    key_names names = { NULL, NULL, 0, { 0 } };
    CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE hpub = CK_INVALID_HANDLE, hpriv = CK_INVALID_HANDLE;
    lithsm_slot *ss;
    CK_RV rv;
    int ok = 0;

    *out = NULL;
    if ((ss = keygen_slot(pc, mod, uri, pin, &names)) == NULL)
        return 0;
    /* A session of our own, read-write, closed afterwards. */
    rv = mod->fl->C_OpenSession(ss->id, CKF_SERIAL_SESSION | CKF_RW_SESSION,
                                NULL, NULL, &s);
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11,
                     "C_OpenSession (read-write): %s "
                     "(0x%lx)",
                     lithsm_ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    if (!keygen_names(pc, mod, s, uri, &names))
        goto done;
    rv = generate_pair(mod, s, curve, &names, &hpub, &hpriv);
    if (rv != CKR_OK) {
        LITHSM_RAISE(pc, LITHSM_R_PKCS11,
                     "C_GenerateKeyPair(CKM_EC_KEY_PAIR_GEN, %s): %s (0x%lx)",
                     lithsm_curve_name(curve), lithsm_ckr_name(rv),
                     (unsigned long)rv);
        goto done;
    }
    ok = read_back(pc, mod, s, ss->id, hpub, hpriv, out);

done:
    (void)mod->fl->C_CloseSession(s);
    return ok;
}
