/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * time.c - RFC 3339 parsing and JavaScript toISOString() formatting.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/util.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so no timegm() and no time zone state is involved. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, size_t n, unsigned *out)
{
    size_t i;
    unsigned v = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 1;
}

static int days_in_month(unsigned y, unsigned m)
{
    static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dim[m - 1];
}

lithsm_err lithsm_time_parse(int64_t *ms_out, const char *text)
{
    unsigned y, mo, d, h, mi, s, oh = 0, om = 0, frac_ms = 0;
    const char *p;
    int64_t ms, offset_min = 0;

    if (text == NULL || ms_out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "time: NULL argument");
    /* date-time = full-date "T" partial-time time-offset (RFC 3339 §5.6) */
    if (strlen(text) < 20 || !digits(text, 4, &y) || text[4] != '-' ||
        !digits(text + 5, 2, &mo) || text[7] != '-' ||
        !digits(text + 8, 2, &d) || (text[10] != 'T' && text[10] != 't') ||
        !digits(text + 11, 2, &h) || text[13] != ':' ||
        !digits(text + 14, 2, &mi) || text[16] != ':' ||
        !digits(text + 17, 2, &s))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "time: \"%.40s\" is not an RFC 3339 date-time",
                           text);
    if (mo < 1 || mo > 12 || d < 1 || (int)d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || s > 60)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "time: \"%.40s\" has a field out of range", text);
    p = text + 19;
    if (*p == '.') {
        unsigned scale = 100;

        p++;
        if (*p < '0' || *p > '9')
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "time: \"%.40s\" has an empty fraction", text);
        /* Keep milliseconds; further digits are truncated like JS Date. */
        for (; *p >= '0' && *p <= '9'; p++) {
            frac_ms += (unsigned)(*p - '0') * scale;
            scale /= 10;
        }
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        offset_min = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
               digits(p + 1, 2, &oh) && p[3] == ':' && digits(p + 4, 2, &om) &&
               oh <= 23 && om <= 59) {
        offset_min = (int64_t)(oh * 60 + om) * (*p == '-' ? -1 : 1);
    } else {
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "time: \"%.40s\" lacks a valid time zone (Z or "
                           "+hh:mm)",
                           text);
    }
    if (s == 60) /* a leap second reads as the next second, as in JS */
        s = 59, frac_ms += 1000;
    ms = days_from_civil(y, mo, d) * 86400000 +
         ((int64_t)h * 3600 + mi * 60 + s) * 1000 + frac_ms -
         offset_min * 60000;
    *ms_out = ms;
    return LITHSM_OK;
}

lithsm_err lithsm_time_format(char out[LITHSM_TIME_LEN + 1], int64_t ms)
{
    int64_t days, y, rem;
    unsigned m, d;

    /* 0000-01-01 .. 9999-12-31: the range toISOString() writes in 4 digits */
    if (ms < -62167219200000LL || ms > 253402300799999LL)
        return lithsm_fail(LITHSM_ERR_RANGE, "time: year out of range");
    days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    rem = ms - days * 86400000;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, LITHSM_TIME_LEN + 1, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
             (unsigned)y % 10000u, m % 100u, d % 100u,
             (unsigned)(rem / 3600000) % 100u, (unsigned)(rem / 60000 % 60),
             (unsigned)(rem / 1000 % 60), (unsigned)(rem % 1000));
    return LITHSM_OK;
}

int64_t lithsm_time_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
