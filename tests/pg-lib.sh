# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# pg-lib.sh - a throwaway PostgreSQL cluster for the fleet's tests and
# benchmark (POSIX sh): pg_start DIR, pg_stop, pg_restart, pg_kill,
# pg_sql and the PG_* variables of examples/fleet/pg.sh, their one home
# (examples/fleet/start.sh needs them too, also from an installed tree).
. "${top_srcdir:-.}/examples/fleet/pg.sh"
