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

/* The name to load the provider by (OSSL_PROVIDER_load) and the property
 * query that picks its algorithms. */
#define LITHSM_PROVIDER_NAME "lithsm"
#define LITHSM_PROVIDER_PROPQ "provider=lithsm"

/* Provider configuration (openssl.cnf section): the PKCS#11 module used
 * when a URI names none, and the PIN source ("file:PATH" or "env:NAME")
 * used when a URI has none. */
#define LITHSM_PROV_PARAM_MODULE_PATH "module-path"
#define LITHSM_PROV_PARAM_PIN_SOURCE "pin-source"

/* Key generation (EVP_PKEY_CTX_set_params on an "EC" context fetched with
 * LITHSM_PROVIDER_PROPQ; openssl genpkey -pkeyopt lithsm-uri:...): the
 * pkcs11: URI of the token and the new key's label (object=), optionally
 * id=, pin-source= and module-path=.  Without it the provider generates
 * nothing: software keys are the default provider's. */
#define LITHSM_PKEY_PARAM_URI "lithsm-uri"

/* The reason codes of the provider's errors.  Numbers are fixed: append
 * new ones last, never renumber. */
enum {
    LITHSM_R_MALLOC = 1,           /* out of memory */
    LITHSM_R_URI = 2,              /* bad pkcs11: URI */
    LITHSM_R_CONFIG = 3,           /* bad provider configuration */
    LITHSM_R_MODULE = 4,           /* the PKCS#11 module cannot be used */
    LITHSM_R_TOKEN_NOT_FOUND = 5,  /* no token matches the URI */
    LITHSM_R_OBJECT_NOT_FOUND = 6, /* no key or certificate matches it */
    LITHSM_R_PIN_SOURCE = 7,       /* no PIN, or its source cannot be read */
    LITHSM_R_PIN_INCORRECT = 8,    /* the token refused the PIN */
    LITHSM_R_PIN_LOCKED = 9,       /* locked, final try, or to be changed */
    LITHSM_R_LOGIN = 10,           /* login failed, or refused to retry */
    LITHSM_R_PKCS11 = 11,          /* a PKCS#11 call failed */
    LITHSM_R_KEY = 12,             /* unsupported key or curve */
    LITHSM_R_DIGEST_LENGTH = 13,   /* ECDSA input is not a 32-byte digest */
    LITHSM_R_NOT_PRIVATE = 14,     /* signing with a public key */
    LITHSM_R_BAD_ARGUMENT = 15,    /* bad argument or parameter */
    LITHSM_R_TOKEN_BUSY = 16       /* the token could not be read right now */
};

#endif /* LITHSM_PROVIDER_H */
