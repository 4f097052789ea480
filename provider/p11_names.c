/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * p11_names.c - names for messages (CKR_* codes, PKCS#11 strings) and the
 * two curves keys may be on, with their OIDs as tokens store them.
 */
#include <string.h>

#include <openssl/obj_mac.h>

#include "p11.h"

/* DER namedCurve OIDs as SoftHSM2 stores them in CKA_EC_PARAMS. */
static const unsigned char oid_secp256k1[] = { 0x06, 0x05, 0x2b, 0x81,
                                               0x04, 0x00, 0x0a };
static const unsigned char oid_p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
                                          0xce, 0x3d, 0x03, 0x01, 0x07 };

const char *lithsm_curve_name(int curve)
{
    return curve == LITHSM_CURVE_P256 ? "prime256v1" : "secp256k1";
}

int lithsm_curve_nid(int curve)
{
    return curve == LITHSM_CURVE_P256 ? NID_X9_62_prime256v1 : NID_secp256k1;
}

const char *lithsm_ckr_name(CK_RV rv)
{
    switch (rv) {
    case CKR_OK:
        return "CKR_OK";
    case CKR_HOST_MEMORY:
        return "CKR_HOST_MEMORY";
    case CKR_GENERAL_ERROR:
        return "CKR_GENERAL_ERROR";
    case CKR_FUNCTION_FAILED:
        return "CKR_FUNCTION_FAILED";
    case CKR_DEVICE_ERROR:
        return "CKR_DEVICE_ERROR";
    case CKR_DEVICE_REMOVED:
        return "CKR_DEVICE_REMOVED";
    case CKR_KEY_HANDLE_INVALID:
        return "CKR_KEY_HANDLE_INVALID";
    case CKR_KEY_TYPE_INCONSISTENT:
        return "CKR_KEY_TYPE_INCONSISTENT";
    case CKR_KEY_FUNCTION_NOT_PERMITTED:
        return "CKR_KEY_FUNCTION_NOT_PERMITTED";
    case CKR_MECHANISM_INVALID:
        return "CKR_MECHANISM_INVALID";
    case CKR_OBJECT_HANDLE_INVALID:
        return "CKR_OBJECT_HANDLE_INVALID";
    case CKR_PIN_INCORRECT:
        return "CKR_PIN_INCORRECT";
    case CKR_USER_PIN_NOT_INITIALIZED:
        return "CKR_USER_PIN_NOT_INITIALIZED";
    case CKR_PIN_LOCKED:
        return "CKR_PIN_LOCKED";
    case CKR_SESSION_CLOSED:
        return "CKR_SESSION_CLOSED";
    case CKR_SESSION_COUNT:
        return "CKR_SESSION_COUNT";
    case CKR_SESSION_HANDLE_INVALID:
        return "CKR_SESSION_HANDLE_INVALID";
    case CKR_TOKEN_NOT_PRESENT:
        return "CKR_TOKEN_NOT_PRESENT";
    case CKR_USER_NOT_LOGGED_IN:
        return "CKR_USER_NOT_LOGGED_IN";
    case CKR_CRYPTOKI_NOT_INITIALIZED:
        return "CKR_CRYPTOKI_NOT_INITIALIZED";
    default:
        return "CKR_?";
    }
}

void lithsm_padded_str(char *out, size_t size, const CK_UTF8CHAR *in,
                       size_t in_len)
{
    size_t n = in_len;

    while (n > 0 && in[n - 1] == ' ')
        n--;
    if (n >= size)
        n = size - 1;
    memcpy(out, in, n);
    out[n] = '\0';
}

int lithsm_curve_from_params(const unsigned char *p, size_t len)
{
    if (len == sizeof(oid_secp256k1) &&
        memcmp(p, oid_secp256k1, sizeof(oid_secp256k1)) == 0)
        return LITHSM_CURVE_SECP256K1;
    if (len == sizeof(oid_p256) && memcmp(p, oid_p256, sizeof(oid_p256)) == 0)
        return LITHSM_CURVE_P256;
    return 0;
}

const unsigned char *lithsm_curve_params(int curve, size_t *len)
{
    if (curve == LITHSM_CURVE_P256) {
        *len = sizeof(oid_p256);
        return oid_p256;
    }
    *len = sizeof(oid_secp256k1);
    return oid_secp256k1;
}
