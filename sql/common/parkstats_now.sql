CREATE FUNCTION parkstats_now()
    RETURNS DATETIME
    NOT DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
The current UTC time as every parkstats routine sees it: UTC_TIMESTAMP(),
unless the session variable @parkstats_now overrides it (tests replay DST
days, late data and retention deterministically with it). Events run in
their own sessions, so the scheduler always sees the real clock.

Parameters
----------
None.

Example
-------
SET @parkstats_now = ''2026-03-08 10:00:00'';
SELECT parkstats_now();
SET @parkstats_now = NULL;
'
RETURN COALESCE(CAST(@parkstats_now AS DATETIME), UTC_TIMESTAMP())
