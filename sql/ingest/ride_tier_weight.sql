CREATE FUNCTION ride_tier_weight(p_tier TINYINT)
    RETURNS TINYINT
    DETERMINISTIC
    NO SQL
    SQL SECURITY INVOKER
    COMMENT '
Description
-----------
The weight of a ride in the shame score, by tier: tier 1 (headliners) = 3,
tier 2 = 2, tier 3 = 1, unknown tier (NULL) = 2. The one definition used by
record_park_snapshot() and by every bulk loader.

Parameters
----------
p_tier (TINYINT): rides.tier, 1, 2, 3 or NULL.

Example
-------
SELECT ride_id, tier, ride_tier_weight(tier) AS weight FROM rides WHERE park_id = 7;
'
RETURN CASE p_tier
           WHEN 1 THEN 3
           WHEN 2 THEN 2
           WHEN 3 THEN 1
           ELSE 2
       END
