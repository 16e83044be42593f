CREATE FUNCTION shame_score_of(p_shame_sum DECIMAL(30, 10), p_shame_count BIGINT)
    RETURNS DECIMAL(30, 10)
    DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
The shame score of a period: the mean of the snapshot shame scores of the
open snapshots it holds, i.e. shame_sum / shame_count of the summed
aggregate rows (never an average of averages). NULL when there is no
shame sample. The API rounds it to 1 decimal.

Parameters
----------
p_shame_sum (DECIMAL): sum of shame_score over open snapshots (SUM(shame_sum)).
p_shame_count (BIGINT): number of those snapshots (SUM(shame_count)).

Example
-------
SELECT park_id, shame_score_of(SUM(shame_sum), SUM(shame_count))
  FROM daily_park_stats WHERE stat_date >= ''2026-11-01'' GROUP BY park_id;

Granted to
----------
api: EXECUTE (the API calls it, or expands it in place).
'
RETURN CASE WHEN p_shame_count > 0 THEN p_shame_sum / p_shame_count END
