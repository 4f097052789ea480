-- SPDX-License-Identifier: Apache-2.0
-- SPDX-FileCopyrightText: 2026 The lithsm authors
-- examples/fleet/grants.sql - the database role the signing service
-- runs as: it may read and append the audit trail, move its head, and
-- read and write session entries and rate buckets; it cannot create,
-- alter or drop a table, and cannot update or delete an audit record.
-- Run as the schema's owner after 'lithsm serve --config F --migrate'
-- (psql -v ON_ERROR_STOP=1 -f grants.sql); examples/fleet/start.sh does,
-- docs/deployment.md explains.  The role logs in with a password from a
-- passfile in production (ALTER ROLE lithsm_serve PASSWORD ...), here
-- over a trusted unix socket.
CREATE ROLE lithsm_serve LOGIN;
REVOKE ALL ON lithsm_schema, lithsm_audit, lithsm_audit_head, lithsm_store,
    lithsm_rate FROM lithsm_serve;
GRANT SELECT ON lithsm_schema TO lithsm_serve;
GRANT SELECT, INSERT ON lithsm_audit TO lithsm_serve;
GRANT SELECT, UPDATE ON lithsm_audit_head TO lithsm_serve;
GRANT SELECT, INSERT, UPDATE, DELETE ON lithsm_store TO lithsm_serve;
GRANT SELECT, INSERT, UPDATE ON lithsm_rate TO lithsm_serve;
GRANT EXECUTE ON FUNCTION lithsm_rate_take(text, bigint, bigint, bigint)
    TO lithsm_serve;
