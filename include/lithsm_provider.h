/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_provider.h - what the lithsm OpenSSL 3 provider and its clients
 * (liblithsm, or any application loading the provider) agree on: its name,
 * its parameter names and the reason codes of its errors.
 *
 * The provider's errors reach the OpenSSL error queue under an error
 * library that OpenSSL gives it when it loads it (one per load, so not a
 * constant), named like the provider ("lithsm"; ERR_lib_error_string).
 * Their reason (ERR_GET_REASON) is one of LITHSM_R_* below; the text of the
 * error (ERR_peek_last_error_all's data) is for people, not for programs.
 */
#ifndef LITHSM_PROVIDER_H
#define LITHSM_PROVIDER_H

/* The name to load the provider by (OSSL_PROVIDER_load, or an openssl.cnf
 * providers section) and the property query that picks its algorithms:
 * an OSSL_STORE loader for pkcs11: URIs (RFC 7512), an EC key manager
 * (secp256k1, P-256) and ECDSA signatures computed by the token. */
#define LITHSM_PROVIDER_NAME "lithsm"
#define LITHSM_PROVIDER_PROPQ "provider=lithsm"

/* Provider configuration (openssl.cnf section, both optional; a URI's own
 * module-path and pin-source win over them):
 *  - module-path: the PKCS#11 module used when a URI names none, an
 *    absolute path to a readable file; default SoftHSM2's (the path is
 *    set when lithsm is built).
 *  - pin-source: where the user PIN comes from when a URI has none:
 *    "file:PATH" (first line of an owner-only regular file) or "env:NAME"
 *    (that variable).  Without either, the application's passphrase
 *    callback is asked (openssl: -passin or a prompt).  A URI's pin-value
 *    is always refused (LITHSM_R_URI): PINs stay out of URIs and argv.
 * Another value, or a PIN written in the section, is LITHSM_R_CONFIG. */
#define LITHSM_PROV_PARAM_MODULE_PATH "module-path"
#define LITHSM_PROV_PARAM_PIN_SOURCE "pin-source"

/* Key generation (EVP_PKEY_CTX_set_params on an "EC" context fetched with
 * LITHSM_PROVIDER_PROPQ; openssl genpkey -pkeyopt lithsm-uri:...): the
 * pkcs11: URI of the token and the new key's label (object=, 1 to 63
 * bytes, not already used by a private key), matching exactly one token
 * (token=), optionally id= (1 to 64 bytes; default 16 random bytes),
 * pin-source= and module-path=.  The curve is the "group" parameter:
 * secp256k1 (default) or P-256 (prime256v1).  Without lithsm-uri the
 * provider generates nothing (LITHSM_R_BAD_ARGUMENT): software keys are
 * the default provider's. */
#define LITHSM_PKEY_PARAM_URI "lithsm-uri"

/* A token key's probe (EVP_PKEY_get_int_param, asked of a key the lithsm
 * provider loaded): is its token there, logged in, and the key on it?  1
 * when it is; otherwise the call fails with LITHSM_R_TOKEN_NOT_FOUND on
 * the error queue, saying why.  Cheap: token and session info and one
 * attribute read on a pooled session, no signature; a token found logged
 * out is logged in to again, with the PIN read again from its source. */
#define LITHSM_PKEY_PARAM_TOKEN_OK "lithsm-token-ok"

/* AES-256 secret keys (CKO_SECRET_KEY, CKK_AES, CKA_VALUE_LEN 32, with
 * CKA_ENCRYPT and CKA_DECRYPT), loaded through OSSL_STORE with a URI that
 * says type=secret-key (only such a URI looks for them; exactly one token
 * may match it, and one key on it), are EVP_PKEYs of key type
 * LITHSM_AES_GCM_NAME.  EVP_PKEY_encrypt / EVP_PKEY_decrypt with such a key
 * (an EVP_PKEY_CTX fetched with LITHSM_PROVIDER_PROPQ) run the asymmetric
 * cipher of the same name in the token: C_Encrypt / C_Decrypt with
 * CKM_AES_GCM, a random 96-bit IV chosen for each encryption, a 128-bit
 * tag, and the additional authenticated data set with the octet-string
 * context parameter LITHSM_ASYM_PARAM_AAD (none when unset).  The
 * ciphertext is IV (12 bytes) || encrypted data || tag (16 bytes): 28 bytes
 * longer than the plaintext.  A ciphertext whose tag does not verify under
 * the key and AAD (changed, or made by another key) fails with
 * LITHSM_R_DECRYPT.  The key itself never leaves the token. */
#define LITHSM_AES_GCM_NAME "LITHSM-AES-GCM"
#define LITHSM_ASYM_PARAM_AAD "lithsm-aad"
#define LITHSM_AES_GCM_IV_LEN 12
#define LITHSM_AES_GCM_TAG_LEN 16

/* The reason codes of the provider's errors.  Numbers are fixed: append
 * new ones last, never renumber.  What each means for the application: */
enum {
    /* Out of memory; nothing else is wrong. */
    LITHSM_R_MALLOC = 1,
    /* The pkcs11: URI does not parse, has an empty attribute (";;") or a
     * pin-value, or (key generation) an unknown attribute: fix the URI. */
    LITHSM_R_URI = 2,
    /* The provider's openssl.cnf section is wrong: a pin-source that is
     * not file:PATH or env:NAME, a module-path that is not an absolute
     * path to a readable file, a PIN written in it (pin =), or
     * pkcs11-provider's key names.  The provider still loads (status 0)
     * and says why on stderr, then refuses every search and key
     * generation with this error, naming the key. */
    LITHSM_R_CONFIG = 3,
    /* The PKCS#11 module cannot be used: missing or unreadable file, not
     * a PKCS#11 module, its slots cannot be listed, or C_Initialize
     * failed (also again after fork). */
    LITHSM_R_MODULE = 4,
    /* No token of the module matches the URI (token=, serial=, ...), or
     * the token of an open key is not available any more (removed, or
     * its key gone: the signature was tried twice, lithsm_prov.h). */
    LITHSM_R_TOKEN_NOT_FOUND = 5,
    /* The token has no key or certificate matching the URI (object=,
     * id=, type=), or a key cannot be found again after fork. */
    LITHSM_R_OBJECT_NOT_FOUND = 6,
    /* The token needs a PIN and none was given (no pin-source, no
     * passphrase callback or an empty answer), or the source cannot be
     * read: file missing, not regular, readable by group or others, empty
     * or first line too long; variable unset, empty or too long; bad
     * form.  The token was not asked. */
    LITHSM_R_PIN_SOURCE = 7,
    /* The token refused the PIN.  That (module, token, PIN source) is not
     * tried again in this process (LITHSM_R_LOGIN then), so retries cannot
     * lock the token: fix the PIN, then start a new process. */
    LITHSM_R_PIN_INCORRECT = 8,
    /* The token reports the user PIN locked, on its final try, or to be
     * changed: lithsm does not log in.  Use the token's own tools. */
    LITHSM_R_PIN_LOCKED = 9,
    /* Login failed for another reason, or an earlier login with this PIN
     * source failed in this process and is not retried, or the token
     * signs only when logged in and the session is not. */
    LITHSM_R_LOGIN = 10,
    /* A PKCS#11 call failed (the text names it and its CKR_ code), or the
     * token signed with r or s zero. */
    LITHSM_R_PKCS11 = 11,
    /* An unsupported curve (key generation: secp256k1 or P-256), a new
     * key that cannot be read back, or a verification with no other
     * provider (such as the default one) for EC public keys loaded. */
    LITHSM_R_KEY = 12,
    /* The data to sign is not one digest (32 bytes for ECDSA without a
     * digest set, else the digest's size): lithsm keys sign digests; use
     * EVP_DigestSign* to hash and sign. */
    LITHSM_R_DIGEST_LENGTH = 13,
    /* Signing with a public key object (type=public): name the private
     * key. */
    LITHSM_R_NOT_PRIVATE = 14,
    /* A bad argument or parameter: no lithsm-uri for key generation, a URI
     * matching several tokens or lacking object=, a label in use, an id=
     * of a bad length, an unknown or unsized digest, a signature buffer
     * too small, a key not the provider's. */
    LITHSM_R_BAD_ARGUMENT = 15,
    /* The token could not be read right now (SoftHSM2 while another
     * process writes it): transient, try again.  OSSL_STORE loads retry
     * on their own a few times first. */
    LITHSM_R_TOKEN_BUSY = 16,
    /* The URI does not name one key: a private key is asked for (the
     * signer's OSSL_STORE_expect(OSSL_STORE_INFO_PKEY)) and it matches
     * several (the text says how many and adds the attribute that tells
     * them apart: id=, object= or token=), or several tokens match and
     * none shows the key without login, so the PIN would go to tokens the
     * user may not have meant (add token=).  No PIN was sent, or only to
     * the one token holding the keys. */
    LITHSM_R_AMBIGUOUS = 17,
    /* A LITHSM-AES-GCM ciphertext does not decrypt: shorter than IV and
     * tag, or its tag does not verify (the data or its AAD changed, or
     * another key made it).  The token answered; nothing is wrong with it.
     * (SoftHSM2 2.6 reports a bad tag as CKR_GENERAL_ERROR from C_Decrypt
     * after C_DecryptInit succeeded: that answer counts as this too.) */
    LITHSM_R_DECRYPT = 18,
    /* A token private key asked for as PEM or DER (openssl pkey, or
     * PEM_write_PrivateKey): it never leaves the token.  Its public key
     * encodes as usual (-pubout), its pkcs11: URI prints as text
     * (EVP_PKEY_print_private, openssl pkey/storeutl -text -noout). */
    LITHSM_R_KEY_IN_TOKEN = 19
};

#endif /* LITHSM_PROVIDER_H */
