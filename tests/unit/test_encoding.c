/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_encoding.c - hex, base64url and RFC 3339 time.
 */
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "tap.h"

static void test_hex(void)
{
    uint8_t bytes[4] = { 0x00, 0xab, 0xCD, 0xff }, back[4];
    char hex[9], small[8];

    ok_int_eq(lithsm_hex_encode(hex, sizeof(hex), bytes, 4), LITHSM_OK,
              "hex encode");
    ok_str_eq(hex, "00abcdff", "hex is lowercase");
    ok_int_eq(lithsm_hex_encode(small, sizeof(small), bytes, 4),
              LITHSM_ERR_INVALID_ARG, "hex encode refuses a short buffer");
    ok_int_eq(lithsm_hex_decode(back, 4, "0x00ABcdFF", 10), LITHSM_OK,
              "hex decode with 0x and mixed case");
    ok_mem_eq(back, bytes, 4, "hex round trip");
    ok_int_eq(lithsm_hex_decode(back, 4, "00abcdf", 7), LITHSM_ERR_PARSE,
              "odd length rejected");
    ok_int_eq(lithsm_hex_decode(back, 4, "00abcdffee", 10), LITHSM_ERR_PARSE,
              "too long rejected");
    ok_int_eq(lithsm_hex_decode(back, 4, "00abcdfg", 8), LITHSM_ERR_PARSE,
              "non-hex digit rejected");
    ok(strstr(lithsm_last_error(), "position 7") != NULL,
       "the error names the position");
    ok_int_eq(lithsm_hex_decode(back, 4, "0x", 2), LITHSM_ERR_PARSE,
              "bare 0x rejected");
}

static void test_base64url(void)
{
    static const struct {
        const char *plain, *enc;
    } cases[] = { { "", "" },           { "f", "Zg" },
                  { "fo", "Zm8" },      { "foo", "Zm9v" },
                  { "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
                  { "\xfb\xff", "-_8" } };
    size_t i, n;
    char *enc;
    uint8_t *dec;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ok_int_eq(lithsm_base64url_encode(&enc, (const uint8_t *)cases[i].plain,
                                          strlen(cases[i].plain)),
                  LITHSM_OK, "base64url encode");
        ok_str_eq(enc, cases[i].enc, "base64url (RFC 4648 vectors, unpadded)");
        free(enc);
        ok_int_eq(lithsm_base64url_decode(&dec, &n, cases[i].enc,
                                          strlen(cases[i].enc)),
                  LITHSM_OK, "base64url decode");
        ok(n == strlen(cases[i].plain) && memcmp(dec, cases[i].plain, n) == 0,
           "base64url round trip");
        free(dec);
    }
    ok_int_eq(lithsm_base64url_decode(&dec, &n, "Zm8=", 4), LITHSM_OK,
              "padding accepted");
    free(dec);
    ok_int_eq(lithsm_base64url_decode(&dec, &n, "Zm8==", 5), LITHSM_ERR_PARSE,
              "over-padding rejected");
    ok_int_eq(lithsm_base64url_decode(&dec, &n, "Zm+v", 4), LITHSM_ERR_PARSE,
              "standard base64 '+' rejected");
    ok_int_eq(lithsm_base64url_decode(&dec, &n, "Z", 1), LITHSM_ERR_PARSE,
              "impossible length rejected");
    ok_int_eq(lithsm_base64url_decode(&dec, &n, "Zh", 2), LITHSM_ERR_PARSE,
              "non-zero trailing bits rejected");
}

static void test_time(void)
{
    char out[LITHSM_TIME_LEN + 1];
    int64_t ms, ms2;

    ok_int_eq(lithsm_time_parse(&ms, "2024-06-01T12:00:03.250Z"), LITHSM_OK,
              "parse ISO time");
    ok_int_eq(ms, 1717243203250LL, "epoch milliseconds");
    ok_int_eq(lithsm_time_format(out, ms), LITHSM_OK, "format");
    ok_str_eq(out, "2024-06-01T12:00:03.250Z", "toISOString form");
    ok_int_eq(lithsm_time_parse(&ms2, "2024-06-01T14:00:03.250+02:00"),
              LITHSM_OK, "offset accepted");
    ok_int_eq(ms2, ms, "offset applied");
    ok_int_eq(lithsm_time_parse(&ms2, "2024-06-01T12:00:03Z"), LITHSM_OK,
              "no fraction");
    ok_int_eq(ms2, 1717243203000LL, "whole seconds");
    ok_int_eq(lithsm_time_parse(&ms2, "2024-06-01T12:00:03.123456789Z"),
              LITHSM_OK, "nanoseconds");
    ok_int_eq(ms2, 1717243203123LL, "truncated to milliseconds");
    ok_int_eq(lithsm_time_parse(&ms2, "1969-12-31T23:59:59.999Z"), LITHSM_OK,
              "before the epoch");
    ok_int_eq(ms2, -1, "negative milliseconds");
    ok_int_eq(lithsm_time_format(out, -1), LITHSM_OK, "format negative");
    ok_str_eq(out, "1969-12-31T23:59:59.999Z", "negative formats back");
    ok_int_eq(lithsm_time_parse(&ms2, "2024-02-29T00:00:00Z"), LITHSM_OK,
              "leap day");
    ok_int_eq(lithsm_time_parse(&ms2, "2023-02-29T00:00:00Z"), LITHSM_ERR_PARSE,
              "no leap day in 2023");
    ok_int_eq(lithsm_time_parse(&ms2, "2024-13-01T00:00:00Z"), LITHSM_ERR_PARSE,
              "month 13");
    ok_int_eq(lithsm_time_parse(&ms2, "2024-06-01 12:00:00Z"), LITHSM_ERR_PARSE,
              "space instead of T");
    ok_int_eq(lithsm_time_parse(&ms2, "2024-06-01T12:00:00"), LITHSM_ERR_PARSE,
              "missing zone");
    ok_int_eq(lithsm_time_parse(&ms2, "2024-06-01T12:00:00.Z"),
              LITHSM_ERR_PARSE, "empty fraction");
    ok_int_eq(lithsm_time_parse(&ms2, "2024-06-01T12:00:00Zjunk"),
              LITHSM_ERR_PARSE, "trailing junk");
    ok_int_eq(lithsm_time_parse(&ms2, "2024-06-01T12:00:00+0200"),
              LITHSM_ERR_PARSE, "offset without colon");
    ok_int_eq(lithsm_time_format(out, 253402300800000LL), LITHSM_ERR_RANGE,
              "year 10000 refused");
}

int main(void)
{
    test_hex();
    test_base64url();
    test_time();
    return tap_done();
}
