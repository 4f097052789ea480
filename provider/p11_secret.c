/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * p11_secret.c - AES-256 secret keys of the token and CKM_AES_GCM on the
 * provider's own sessions: what LITHSM-AES-GCM (aes_gcm.c) runs.
 *
 * The IV is 96 random bits from the host's DRBG for each encryption (NIST
 * SP 800-38D 8.2.2: random IVs, under 2^32 encryptions per key); the tag is
 * 128 bits.  The ciphertext carries its IV: IV || data || tag.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "p11.h"

#define IV_LEN LITHSM_AES_GCM_IV_LEN
#define TAG_LEN LITHSM_AES_GCM_TAG_LEN

int lithsm_secret_list_add(lithsm_provctx *pc, lithsm_module *mod,
                           CK_SESSION_HANDLE s, CK_SLOT_ID slot,
                           CK_OBJECT_HANDLE h, lithsm_key_list *l)
{
    CK_ULONG value_len = 0;
    size_t len = 0, id_len = 0;
    lithsm_key *key;

    if (!lithsm_get_attr(mod, s, h, CKA_VALUE_LEN, &value_len,
                         sizeof(value_len), &len) ||
        len != sizeof(value_len) || value_len != 32 ||
        !lithsm_attr_true(mod, s, h, CKA_ENCRYPT) ||
        !lithsm_attr_true(mod, s, h, CKA_DECRYPT)) {
        l->skipped++;
        return 1;
    }
    if ((key = lithsm_key_new(pc, mod, s, slot, h, CKO_SECRET_KEY)) == NULL)
        return 0;
    /* An ID too long to keep, or none: found again by label after fork. */
    if (!lithsm_get_attr(mod, s, h, CKA_ID, key->id, sizeof(key->id), &id_len))
        id_len = 0;
    key->id_len = id_len;
    if (!lithsm_key_list_push(pc, l, key)) {
        lithsm_key_unref(key);
        return 0;
    }
    return 1;
}

/* One C_EncryptInit/C_Encrypt or C_DecryptInit/C_Decrypt with CKM_AES_GCM
 * on a pooled session. */
typedef struct gcm_call {
    int encrypt;
    unsigned char *iv;
    const unsigned char *aad, *in;
    size_t aad_len, inlen;
    unsigned char *out;
    CK_ULONG outlen;    /* in: room; out: length written */
    const char *failed; /* the call that failed, for messages */
} gcm_call;

static CK_RV gcm_run(lithsm_key *key, CK_SESSION_HANDLE s, gcm_call *c)
{
    CK_FUNCTION_LIST *fl = key->mod->fl;
    CK_GCM_PARAMS gp;
    CK_MECHANISM mech;
    CK_RV rv;

    memset(&gp, 0, sizeof(gp));
    gp.pIv = c->iv;
    gp.ulIvLen = IV_LEN;
    gp.ulIvBits = IV_LEN * 8;
    gp.pAAD = (CK_BYTE_PTR)c->aad;
    gp.ulAADLen = c->aad_len;
    gp.ulTagBits = TAG_LEN * 8;
    mech.mechanism = CKM_AES_GCM;
    mech.pParameter = &gp;
    mech.ulParameterLen = sizeof(gp);
    if (c->encrypt) {
        c->failed = "C_EncryptInit(CKM_AES_GCM)";
        rv = fl->C_EncryptInit(s, &mech, key->handle);
        if (rv == CKR_OK) {
            c->failed = "C_Encrypt";
            rv = fl->C_Encrypt(s, (CK_BYTE_PTR)c->in, c->inlen, c->out,
                               &c->outlen);
        }
    } else {
        c->failed = "C_DecryptInit(CKM_AES_GCM)";
        rv = fl->C_DecryptInit(s, &mech, key->handle);
        if (rv == CKR_OK) {
            c->failed = "C_Decrypt";
            rv = fl->C_Decrypt(s, (CK_BYTE_PTR)c->in, c->inlen, c->out,
                               &c->outlen);
        }
    }
    return rv;
}

/* Is rv, from C_Decrypt once C_DecryptInit took the key, a tag that does
 * not verify?  SoftHSM2 2.6 answers CKR_GENERAL_ERROR for it. */
static int bad_tag(const gcm_call *c, CK_RV rv)
{
    return !c->encrypt && strcmp(c->failed, "C_Decrypt") == 0 &&
           (rv == CKR_ENCRYPTED_DATA_INVALID ||
            rv == CKR_ENCRYPTED_DATA_LEN_RANGE || rv == CKR_GENERAL_ERROR);
}

static int gcm(lithsm_key *key, gcm_call *c)
{
    lithsm_module *mod = key->mod;
    CK_SESSION_HANDLE s;
    CK_RV rv;

    if (key->class != CKO_SECRET_KEY) {
        LITHSM_RAISE(key->pc, LITHSM_R_BAD_ARGUMENT,
                     "key \"%s\" is not an AES secret key", key->label);
        return 0;
    }
    if (!lithsm_key_session(key, &s))
        return 0;
    rv = gcm_run(key, s, c);
    lithsm_session_put(mod, key->slot_id, s, rv);
    if (rv == CKR_OK)
        return 1;
    if (bad_tag(c, rv))
        LITHSM_RAISE(key->pc, LITHSM_R_DECRYPT,
                     "key \"%s\": the data does not decrypt (changed, or "
                     "made by another key): %s: %s",
                     key->label, c->failed, lithsm_ckr_name(rv));
    else
        LITHSM_RAISE(key->pc,
                     rv == CKR_USER_NOT_LOGGED_IN ? LITHSM_R_LOGIN
                                                  : LITHSM_R_PKCS11,
                     "key \"%s\": %s: %s (0x%lx)", key->label, c->failed,
                     lithsm_ckr_name(rv), (unsigned long)rv);
    return 0;
}

int lithsm_secret_encrypt(lithsm_key *key, const unsigned char *aad,
                          size_t aad_len, const unsigned char *in, size_t inlen,
                          unsigned char *out, size_t *outlen)
{
    gcm_call c = { 1, out, aad, in, aad_len, inlen, out + IV_LEN, 0, "" };

    c.outlen = inlen + TAG_LEN;
    if (RAND_bytes_ex(key->pc->libctx, out, IV_LEN, 0) != 1) {
        LITHSM_RAISE(key->pc, LITHSM_R_PKCS11,
                     "no random bytes for the AES-GCM IV");
        return 0;
    }
    if (!gcm(key, &c))
        return 0;
    if (c.outlen != inlen + TAG_LEN) {
        LITHSM_RAISE(key->pc, LITHSM_R_PKCS11,
                     "key \"%s\": C_Encrypt gave %lu bytes, not %zu",
                     key->label, (unsigned long)c.outlen, inlen + TAG_LEN);
        return 0;
    }
    *outlen = IV_LEN + inlen + TAG_LEN;
    return 1;
}

int lithsm_secret_decrypt(lithsm_key *key, const unsigned char *aad,
                          size_t aad_len, const unsigned char *in, size_t inlen,
                          unsigned char *out, size_t *outlen)
{
    unsigned char iv[IV_LEN];
    gcm_call c = { 0, iv, aad, in + IV_LEN, aad_len, 0, out, 0, "" };

    if (inlen < IV_LEN + TAG_LEN) {
        LITHSM_RAISE(key->pc, LITHSM_R_DECRYPT,
                     "AES-GCM data of %zu bytes: shorter than IV and tag",
                     inlen);
        return 0;
    }
    memcpy(iv, in, IV_LEN);
    c.inlen = inlen - IV_LEN;
    c.outlen = inlen; /* more than the plaintext: SoftHSM2 asks for it */
    if (!gcm(key, &c))
        return 0;
    if (c.outlen != inlen - IV_LEN - TAG_LEN) {
        LITHSM_RAISE(key->pc, LITHSM_R_PKCS11,
                     "key \"%s\": C_Decrypt gave %lu bytes, not %zu",
                     key->label, (unsigned long)c.outlen,
                     inlen - IV_LEN - TAG_LEN);
        return 0;
    }
    *outlen = c.outlen;
    return 1;
}
