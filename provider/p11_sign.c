/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * p11_sign.c - ECDSA by the token: C_Sign(CKM_ECDSA) on a 32-byte digest,
 * on the provider's own sessions, with the key's object found again after
 * a fork or when the token says its handle is gone; the token probe.
 */
#include <string.h>

#include "p11.h"

/* Does rv say that a session, the key's handle or the login is gone (the
 * token was removed, reset or logged out), so that new sessions, the key
 * found again and a login may help? */
static int token_lost(CK_RV rv)
{
    switch (rv) {
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_SESSION_CLOSED:
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_DEVICE_ERROR:
    case CKR_OBJECT_HANDLE_INVALID:
    case CKR_KEY_HANDLE_INVALID:
    case CKR_USER_NOT_LOGGED_IN:
        return 1;
    default:
        return 0;
    }
}

/* Is the token there, asking for a login, and not logged in?  (Logged out,
 * SoftHSM2 answers a private key's handle with CKR_KEY_HANDLE_INVALID, not
 * CKR_USER_NOT_LOGGED_IN: its private objects are hidden.) */
static int logged_out(lithsm_key *key)
{
    lithsm_module *mod = key->mod;
    CK_TOKEN_INFO ti;
    CK_SESSION_INFO si;
    CK_SESSION_HANDLE s;
    CK_RV rv;

    if (mod->fl->C_GetTokenInfo(key->slot_id, &ti) != CKR_OK ||
        !(ti.flags & CKF_LOGIN_REQUIRED) ||
        lithsm_session_get(mod, key->slot_id, &s) != CKR_OK)
        return 0;
    rv = mod->fl->C_GetSessionInfo(s, &si);
    lithsm_session_put(mod, key->slot_id, s, rv);
    return rv == CKR_OK && si.state != CKS_RO_USER_FUNCTIONS &&
           si.state != CKS_RW_USER_FUNCTIONS;
}

/* After token_lost(rv): the slot's idle sessions closed, and a login again
 * when the token said it logged out or shows it. */
static int recover(lithsm_key *key, CK_RV rv)
{
    lithsm_session_drop_pool(key->mod, key->slot_id);
    if (rv != CKR_USER_NOT_LOGGED_IN &&
        (key->class != CKO_PRIVATE_KEY || !logged_out(key)))
        return 1;
    return lithsm_slot_relogin(key->pc, key->mod, key->slot_id,
                               key->pin_source);
}

/* One C_SignInit + C_Sign on a pooled session; *call names the call that
 * failed.  Returns its CKR; 0 (not a CKR) when an error was raised
 * already, in *raised. */
static CK_RV sign_once(lithsm_key *key, const unsigned char *tbs,
                       unsigned char rs[64], CK_ULONG *len, int force,
                       const char **call, int *raised)
{
    lithsm_module *mod = key->mod;
    CK_MECHANISM mech = { CKM_ECDSA, NULL, 0 };
    CK_SESSION_HANDLE s;
    CK_RV rv;

    *raised = 0;
    *call = "C_OpenSession";
    rv = lithsm_session_get(mod, key->slot_id, &s);
    if (rv != CKR_OK)
        return rv;
    if (!lithsm_key_refresh(key, s, force)) {
        lithsm_session_put(mod, key->slot_id, s, CKR_OK);
        *raised = 1;
        return CKR_OK;
    }
    *call = "C_SignInit(CKM_ECDSA)";
    rv = mod->fl->C_SignInit(s, &mech, key->handle);
    if (rv == CKR_OK && key->always_auth) {
        /* CKA_ALWAYS_AUTHENTICATE: between C_SignInit and C_Sign. */
        *call = "C_Login(CKU_CONTEXT_SPECIFIC)";
        rv = mod->fl->C_Login(
            s, CKU_CONTEXT_SPECIFIC, (CK_UTF8CHAR_PTR)key->auth_pin,
            key->auth_pin != NULL ? (CK_ULONG)strlen(key->auth_pin) : 0);
    }
    if (rv == CKR_OK) {
        *call = "C_Sign";
        rv = mod->fl->C_Sign(s, (CK_BYTE_PTR)tbs, 32, rs, len);
    }
    lithsm_session_put(mod, key->slot_id, s, rv);
    return rv;
}

/* The checks before a signature. */
static int sign_allowed(lithsm_key *key, size_t tbslen)
{
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
    return lithsm_module_check_fork(key->pc, key->mod);
}

int lithsm_key_sign_raw(lithsm_key *key, const unsigned char *tbs,
                        size_t tbslen, unsigned char rs[64])
{
    CK_ULONG len = 64;
    const char *call;
    int raised, again = 0, reason;
    CK_RV rv;

    if (!sign_allowed(key, tbslen))
        return 0;
    rv = sign_once(key, tbs, rs, &len, 0, &call, &raised);
    if (!raised && token_lost(rv)) {
        /* Once: new sessions, the key found again, a login if the token
         * said so. */
        again = 1;
        if (!recover(key, rv))
            return 0;
        len = 64;
        rv = sign_once(key, tbs, rs, &len, 1, &call, &raised);
    }
    if (raised)
        return 0;
    if (rv != CKR_OK) {
        reason = again && token_lost(rv)        ? LITHSM_R_TOKEN_NOT_FOUND
                 : rv == CKR_USER_NOT_LOGGED_IN ? LITHSM_R_LOGIN
                                                : LITHSM_R_PKCS11;
        LITHSM_RAISE(key->pc, reason, "key \"%s\": %s: %s (0x%lx)%s",
                     key->label, call, lithsm_ckr_name(rv), (unsigned long)rv,
                     reason == LITHSM_R_TOKEN_NOT_FOUND
                         ? "; the token is not available"
                         : "");
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

/* One look at the token and the key's object; *call names the call that
 * failed, *raised says an error was raised already. */
static CK_RV probe_once(lithsm_key *key, int force, const char **call,
                        int *raised)
{
    lithsm_module *mod = key->mod;
    CK_OBJECT_CLASS cls;
    CK_ATTRIBUTE a = { CKA_CLASS, &cls, sizeof(cls) };
    CK_TOKEN_INFO ti;
    CK_SESSION_INFO si;
    CK_SESSION_HANDLE s;
    CK_RV rv;

    *raised = 0;
    *call = "C_GetTokenInfo";
    rv = mod->fl->C_GetTokenInfo(key->slot_id, &ti);
    if (rv != CKR_OK)
        return rv;
    *call = "C_OpenSession";
    rv = lithsm_session_get(mod, key->slot_id, &s);
    if (rv != CKR_OK)
        return rv;
    /* A private key needs the token logged in, where it asks for a login. */
    *call = "C_GetSessionInfo";
    rv = mod->fl->C_GetSessionInfo(s, &si);
    if (rv == CKR_OK && key->class == CKO_PRIVATE_KEY &&
        (ti.flags & CKF_LOGIN_REQUIRED) && si.state != CKS_RO_USER_FUNCTIONS &&
        si.state != CKS_RW_USER_FUNCTIONS)
        rv = CKR_USER_NOT_LOGGED_IN;
    if (rv != CKR_OK) {
        lithsm_session_put(mod, key->slot_id, s, rv);
        return rv;
    }
    if (!lithsm_key_refresh(key, s, force)) {
        lithsm_session_put(mod, key->slot_id, s, CKR_OK);
        *raised = 1;
        return CKR_OK;
    }
    *call = "C_GetAttributeValue(CKA_CLASS)";
    rv = mod->fl->C_GetAttributeValue(s, key->handle, &a, 1);
    lithsm_session_put(mod, key->slot_id, s, rv);
    return rv;
}

int lithsm_key_probe(lithsm_key *key)
{
    const char *call;
    int raised;
    CK_RV rv;

    if (!lithsm_module_check_fork(key->pc, key->mod))
        return 0;
    rv = probe_once(key, 0, &call, &raised);
    if (!raised && token_lost(rv)) {
        /* A token back from an outage, or logged out: new sessions, a
         * login again, the key found again. */
        if (!recover(key, rv))
            return 0;
        rv = probe_once(key, 1, &call, &raised);
    }
    if (raised)
        return 0;
    if (rv != CKR_OK) {
        LITHSM_RAISE(key->pc, LITHSM_R_TOKEN_NOT_FOUND,
                     "key \"%s\": the token is not available: %s: %s "
                     "(0x%lx)",
                     key->label, call, lithsm_ckr_name(rv), (unsigned long)rv);
        return 0;
    }
    return 1;
}
