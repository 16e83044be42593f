CREATE FUNCTION aggregation_clock(p_now DATETIME, p_real_start DATETIME(6))
    RETURNS DATETIME(3)
    NOT DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Internal helper of the aggregation routines: the time to write in
aggregation_job_log. A routine reads parkstats_now() once (p_now) and the
real clock once (p_real_start); this returns p_now plus the real time
elapsed since, so logged durations are real while the logged instants follow
the @parkstats_now override in tests (and are the real clock otherwise).

Parameters
----------
p_now (DATETIME): parkstats_now() as read at the start of the routine.
p_real_start (DATETIME(6)): UTC_TIMESTAMP(6) read at the same moment.

Example
-------
SELECT aggregation_clock(parkstats_now(), UTC_TIMESTAMP(6));
'
RETURN TIMESTAMPADD(MICROSECOND, TIMESTAMPDIFF(MICROSECOND, p_real_start, UTC_TIMESTAMP(6)), p_now)
