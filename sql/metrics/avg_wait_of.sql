CREATE FUNCTION avg_wait_of(p_wait_sum DECIMAL(30, 10), p_wait_count BIGINT)
    RETURNS DECIMAL(30, 10)
    DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Mean posted wait of a period in minutes, weighted by the rides reporting:
wait_sum / wait_count of the summed rows. NULL when no ride reported a wait.
The API rounds it to 1 decimal (whole minutes on the trends endpoint).

Parameters
----------
p_wait_sum (DECIMAL): SUM(wait_sum) = sum of avg_wait_minutes * rides_reporting.
p_wait_count (BIGINT): SUM(wait_count) = sum of rides_reporting.

Example
-------
SELECT avg_wait_of(SUM(wait_sum), SUM(wait_count)) FROM yearly_park_stats WHERE year = 2026;

Granted to
----------
api: EXECUTE (the API calls it, or expands it in place).
'
RETURN CASE WHEN p_wait_count > 0 THEN p_wait_sum / p_wait_count END
