/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * libpq.h - libpq, loaded with dlopen() on first use instead of linked;
 * not installed.
 *
 * Linked, libpq made every process that loads liblithsm map and relocate
 * libpq and its tree (OpenLDAP, GnuTLS, Kerberos, SASL) before main, as
 * libcurl did (lib/net/http.c): time for every command that never talks
 * to a database.  The calls the backends make keep their libpq names:
 * after this header, PQexec(...) is a call through pg_pq, the table
 * pg_libpq_load() fills.  A file that uses them calls pg_libpq_load()
 * (every pg.h entry point that reaches libpq does) before the first.
 */
#ifndef LITHSM_PG_LIBPQ_H
#define LITHSM_PG_LIBPQ_H

#include <libpq-fe.h>

#include "util/util.h"

/* The soname: libpq's ABI has kept it since PostgreSQL 8.0. */
#define PG_LIBPQ_SONAME "libpq.so.5"

#define PG_LIBPQ_FUNCTIONS(X) \
    X(PQclear)                \
    X(PQconnectdbParams)      \
    X(PQconninfoFree)         \
    X(PQconninfoParse)        \
    X(PQconsumeInput)         \
    X(PQerrorMessage)         \
    X(PQexec)                 \
    X(PQexecParams)           \
    X(PQfinish)               \
    X(PQfreemem)              \
    X(PQgetResult)            \
    X(PQgetisnull)            \
    X(PQgetlength)            \
    X(PQgetvalue)             \
    X(PQnfields)              \
    X(PQntuples)              \
    X(PQresultErrorField)     \
    X(PQresultErrorMessage)   \
    X(PQresultStatus)         \
    X(PQsendQuery)            \
    X(PQsetNoticeProcessor)   \
    X(PQsetSingleRowMode)     \
    X(PQstatus)               \
    X(PQtransactionStatus)

#define PG_LIBPQ_MEMBER(name) __typeof__(name) *name;
typedef struct pg_libpq {
    PG_LIBPQ_FUNCTIONS(PG_LIBPQ_MEMBER)
} pg_libpq;
#undef PG_LIBPQ_MEMBER

extern pg_libpq pg_pq;

/* Loads libpq once per process (thread-safe).  IO naming the library and
 * the Debian package (libpq5) when it cannot be loaded. */
lithsm_err pg_libpq_load(void);

#ifndef PG_LIBPQ_NO_REDIRECT
#define PQclear pg_pq.PQclear
#define PQconnectdbParams pg_pq.PQconnectdbParams
#define PQconninfoFree pg_pq.PQconninfoFree
#define PQconninfoParse pg_pq.PQconninfoParse
#define PQconsumeInput pg_pq.PQconsumeInput
#define PQerrorMessage pg_pq.PQerrorMessage
#define PQexec pg_pq.PQexec
#define PQexecParams pg_pq.PQexecParams
#define PQfinish pg_pq.PQfinish
#define PQfreemem pg_pq.PQfreemem
#define PQgetResult pg_pq.PQgetResult
#define PQgetisnull pg_pq.PQgetisnull
#define PQgetlength pg_pq.PQgetlength
#define PQgetvalue pg_pq.PQgetvalue
#define PQnfields pg_pq.PQnfields
#define PQntuples pg_pq.PQntuples
#define PQresultErrorField pg_pq.PQresultErrorField
#define PQresultErrorMessage pg_pq.PQresultErrorMessage
#define PQresultStatus pg_pq.PQresultStatus
#define PQsendQuery pg_pq.PQsendQuery
#define PQsetNoticeProcessor pg_pq.PQsetNoticeProcessor
#define PQsetSingleRowMode pg_pq.PQsetSingleRowMode
#define PQstatus pg_pq.PQstatus
#define PQtransactionStatus pg_pq.PQtransactionStatus
#endif

#endif /* LITHSM_PG_LIBPQ_H */
