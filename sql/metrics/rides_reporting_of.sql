CREATE FUNCTION rides_reporting_of(p_wait_count BIGINT, p_open_samples BIGINT)
    RETURNS INT
    DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Rides reporting a wait in a period: the mean number of rides reporting a
posted wait per open snapshot (wait_count / open_sample_count), rounded to
a whole number (half away from zero). 0 when the park was never open.

Parameters
----------
p_wait_count (BIGINT): SUM(wait_count) = sum of rides_reporting over open snapshots.
p_open_samples (BIGINT): SUM(open_sample_count).

Example
-------
SELECT rides_reporting_of(2400, 100);  -- 24

Granted to
----------
api: EXECUTE (the API calls it, or expands it in place).
'
RETURN CASE WHEN p_open_samples > 0
            THEN ROUND(CAST(COALESCE(p_wait_count, 0) AS DECIMAL(30, 10)) / p_open_samples)
            ELSE 0 END
