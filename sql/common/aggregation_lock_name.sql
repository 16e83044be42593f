CREATE FUNCTION aggregation_lock_name()
    RETURNS VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
    NOT DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Internal: the name of the aggregation lock of this database,
parkstats_aggregation.<database> (cut to 64 characters, the longest lock
name). run_aggregation, backfill_aggregates, apply_retention (through
aggregation_job_begin) and verify_aggregates take it with GET_LOCK, so they
never run at once on one database.

Parameters
----------
None.

Example
-------
SELECT aggregation_lock_name();
-- parkstats_aggregation.parkstats
'
RETURN LEFT(CONCAT('parkstats_aggregation.', DATABASE()), 64)
