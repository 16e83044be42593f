CREATE FUNCTION snapshot_shame_score_of(p_weight_down INT, p_weight_total INT)
    RETURNS DECIMAL(30, 10)
    DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
The shame score of one park snapshot (park_snapshots.shame_score): the
tier weight of its rides that are down over the tier weight of its rides
counted (weight_down / weight_total), times 10, rounded to 2 decimals
(0.00 to 10.00, stored as DECIMAL(4, 2); returned as DECIMAL(30, 10) like
the other metric functions); NULL when no ride counts (weight_total 0). park_snapshots_derive writes
it; the demo generator expands it in place (a call per row costs about
5 us) from this definition, read through function_definitions.

Parameters
----------
p_weight_down (INT): park_snapshots.weight_down, the weight of the down rides.
p_weight_total (INT): park_snapshots.weight_total, the weight counted.

Example
-------
SELECT snapshot_shame_score_of(3, 8);  -- 3.7500000000
'
RETURN ROUND(p_weight_down / NULLIF(p_weight_total, 0) * 10, 2)
