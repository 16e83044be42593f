CREATE FUNCTION uptime_percentage_of(p_operating_samples BIGINT, p_down_samples BIGINT)
    RETURNS DECIMAL(30, 10)
    DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Ride uptime of a period in percent: operating ride-samples over operating
plus down ride-samples, times 100 (closed and refurbishing rides count
neither way). NULL when both are 0. The API rounds it to 1 decimal.

Parameters
----------
p_operating_samples (BIGINT): SUM(operating_samples) of the period.
p_down_samples (BIGINT): SUM(down_samples) of the period.

Example
-------
SELECT uptime_percentage_of(930, 70);  -- 93.0

Granted to
----------
api: EXECUTE (the API calls it, or expands it in place).
'
RETURN CASE WHEN p_operating_samples + p_down_samples > 0
            THEN CAST(p_operating_samples AS DECIMAL(30, 10)) * 100
                 / (p_operating_samples + p_down_samples) END
