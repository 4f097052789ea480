/*
 * p11_sign.c - ECDSA by the token: C_Sign(CKM_ECDSA) on a 32-byte digest,
 * on the provider's own sessions, with the key's object found again after
 * a fork.
 */
#include <string.h>

#include "p11.h"

/* After a re-initialisation, finds the key's object again by class, key
 * type, CKA_ID and curve; exactly one must match. */
static int key_refresh(lithsm_key *key, CK_SESSION_HANDLE s)
{
    lithsm_module *mod = key->mod;
    CK_KEY_TYPE kt = CKK_EC;
    CK_ATTRIBUTE tmpl[4];
    CK_OBJECT_HANDLE h[2];
    CK_ULONG n = 0;
    unsigned int gen = __atomic_load_n(&mod->generation, __ATOMIC_ACQUIRE);
    CK_RV rv;

    if (__atomic_load_n(&key->generation, __ATOMIC_ACQUIRE) == gen)
        return 1;
    if (key->id_len == 0) {
        LITHSM_RAISE(key->pc, LITHSM_R_OBJECT_NOT_FOUND,
                     "key \"%s\": no CKA_ID to find it again after fork",
                     key->label);
        return 0;
    }
    tmpl[0].type = CKA_CLASS, tmpl[0].pValue = &key->class;
    tmpl[0].ulValueLen = sizeof(key->class);
    tmpl[1].type = CKA_KEY_TYPE, tmpl[1].pValue = &kt;
    tmpl[1].ulValueLen = sizeof(kt);
    tmpl[2].type = CKA_ID, tmpl[2].pValue = key->id;
    tmpl[2].ulValueLen = key->id_len;
    tmpl[3].type = CKA_EC_PARAMS, tmpl[3].pValue = key->params;
    tmpl[3].ulValueLen = key->params_len;
    rv = mod->fl->C_FindObjectsInit(s, tmpl, 4);
    if (rv == CKR_OK) {
        rv = mod->fl->C_FindObjects(s, h, 2, &n);
        (void)mod->fl->C_FindObjectsFinal(s);
    }
    if (rv != CKR_OK || n != 1) {
        LITHSM_RAISE(key->pc, LITHSM_R_OBJECT_NOT_FOUND,
                     "key \"%s\": not found again after fork (%s, %lu "
                     "matches)",
                     key->label, lithsm_ckr_name(rv), (unsigned long)n);
        return 0;
    }
    /* Racing threads store the same handle: a plain store is enough. */
    __atomic_store_n(&key->handle, h[0], __ATOMIC_RELAXED);
    __atomic_store_n(&key->generation, gen, __ATOMIC_RELEASE);
    return 1;
}

int lithsm_key_sign_raw(lithsm_key *key, const unsigned char *tbs,
                        size_t tbslen, unsigned char rs[64])
{
    lithsm_module *mod = key->mod;
    CK_MECHANISM mech = { CKM_ECDSA, NULL, 0 };
    CK_SESSION_HANDLE s;
    CK_ULONG len = 64;
    const char *call;
    CK_RV rv;

    /* SoftHSM2 signs any length, even 0: only a whole digest goes in. */
    if (tbslen != 32) {
        LITHSM_RAISE(key->pc, LITHSM_R_DIGEST_LENGTH,
                     "ECDSA input must be a 32-byte digest, got %zu bytes",
                     tbslen);
        return 0;
    }
    if (key->class != CKO_PRIVATE_KEY) {
        LITHSM_RAISE(key->pc, LITHSM_R_NOT_PRIVATE,
                     "key \"%s\" is a public key: it cannot sign", key->label);
        return 0;
    }
    if (!lithsm_module_check_fork(key->pc, mod))
        return 0;
    rv = lithsm_session_get(mod, key->slot_id, &s);
    if (rv != CKR_OK) {
        LITHSM_RAISE(key->pc, LITHSM_R_PKCS11, "C_OpenSession: %s (0x%lx)",
                     lithsm_ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    if (!key_refresh(key, s)) {
        lithsm_session_put(mod, key->slot_id, s, CKR_OK);
        return 0;
    }
    call = "C_SignInit(CKM_ECDSA)";
    rv = mod->fl->C_SignInit(s, &mech, key->handle);
    if (rv == CKR_OK && key->always_auth) {
        /* CKA_ALWAYS_AUTHENTICATE: between C_SignInit and C_Sign. */
        call = "C_Login(CKU_CONTEXT_SPECIFIC)";
        rv = mod->fl->C_Login(
            s, CKU_CONTEXT_SPECIFIC, (CK_UTF8CHAR_PTR)key->auth_pin,
            key->auth_pin != NULL ? (CK_ULONG)strlen(key->auth_pin) : 0);
    }
    if (rv == CKR_OK) {
        call = "C_Sign";
        rv = mod->fl->C_Sign(s, (CK_BYTE_PTR)tbs, 32, rs, &len);
    }
    lithsm_session_put(mod, key->slot_id, s, rv);
    if (rv != CKR_OK) {
        LITHSM_RAISE(key->pc,
                     rv == CKR_USER_NOT_LOGGED_IN ? LITHSM_R_LOGIN
                                                  : LITHSM_R_PKCS11,
                     "key \"%s\": %s: %s (0x%lx)", key->label, call,
                     lithsm_ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    if (len != 64) {
        LITHSM_RAISE(key->pc, LITHSM_R_PKCS11,
                     "key \"%s\": C_Sign gave %lu bytes, not r||s of 64",
                     key->label, (unsigned long)len);
        return 0;
    }
    return 1;
}
