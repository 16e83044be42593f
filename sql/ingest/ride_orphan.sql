CREATE PROCEDURE ride_orphan(IN p_ride_id INT UNSIGNED)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, called by the rides triggers when ride p_ride_id leaves rides
(rides_after_delete; rides_after_update when a ride is given another id): the
ride has no live row any more (its ride_latest_snapshots row is deleted), and
its id goes to orphaned_rides, whose rows the API rankings leave out. Its rows
(raw and aggregated) stay: a ride inserted again with this id takes them back
(rides_after_insert). Does not commit.

Parameters
----------
p_ride_id (INT UNSIGNED): the ride that left rides.

Example
-------
DELETE FROM rides WHERE ride_id = 12;   -- its trigger calls ride_orphan(12)
SELECT ride_id FROM orphaned_rides WHERE ride_id = 12;
-- -> 12
'
BEGIN
    DELETE FROM ride_latest_snapshots
     WHERE ride_id = p_ride_id;
    INSERT INTO orphaned_rides
        (ride_id, orphaned_at)
    VALUES
        (p_ride_id, UTC_TIMESTAMP())
    ON DUPLICATE KEY UPDATE
        orphaned_at = VALUES(orphaned_at);
END
