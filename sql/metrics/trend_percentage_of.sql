CREATE FUNCTION trend_percentage_of(p_now DECIMAL(30, 10), p_before DECIMAL(30, 10))
    RETURNS DECIMAL(30, 10)
    DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
Change of a metric against the previous period of the same kind, in
percent: (now - before) / before * 100. NULL when either value is NULL or
before is 0 (no base to compare with). The API rounds it to 1 decimal.

Parameters
----------
p_now (DECIMAL): the metric in the period asked for.
p_before (DECIMAL): the same metric in the previous period.

Example
-------
SELECT trend_percentage_of(2.7, 2.4);  -- 12.5

Granted to
----------
api: EXECUTE (the API calls it, or expands it in place).
'
RETURN CASE WHEN p_before <> 0 AND p_now IS NOT NULL THEN (p_now - p_before) * 100 / p_before END
