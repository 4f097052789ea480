/*
 * p11_sign.c - ECDSA by the token: C_Sign(CKM_ECDSA) on a 32-byte digest,
 * on the provider's own sessions, with the key's object found again after
 * a fork (lithsm_key_session).
 */
#include <string.h>

#include "p11.h"

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
    if (!lithsm_key_session(key, &s))
        return 0;
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
