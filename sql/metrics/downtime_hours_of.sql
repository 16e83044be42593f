CREATE FUNCTION downtime_hours_of(p_samples BIGINT, p_interval_minutes INT)
    RETURNS DECIMAL(30, 10)
    DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Ride downtime in hours: down ride-samples times the snapshot interval, over
60. Used for total_downtime_hours (down_samples) and weighted_downtime_hours
(weighted_down_samples). NULL samples count as 0. The API rounds to 2 decimals.

Parameters
----------
p_samples (BIGINT): SUM(down_samples) or SUM(weighted_down_samples).
p_interval_minutes (INT): settings snapshot_interval_minutes (5).

Example
-------
SELECT downtime_hours_of(SUM(down_samples),
                         parkstats_setting(''snapshot_interval_minutes''))
  FROM hourly_park_stats WHERE park_id = 7;

Granted to
----------
api: EXECUTE (the API calls it, or expands it in place).
'
RETURN CAST(COALESCE(p_samples, 0) AS DECIMAL(30, 10)) * p_interval_minutes / 60
