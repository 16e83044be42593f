CREATE TRIGGER rides_after_delete
    AFTER DELETE ON rides
    FOR EACH ROW
BEGIN
    -- A ride no longer in rides has no live row (ride_latest_snapshots).
    DELETE FROM ride_latest_snapshots
     WHERE ride_id = OLD.ride_id;
    -- Its rows stay; the rankings leave them out (orphaned_rides).
    INSERT INTO orphaned_rides
        (ride_id, orphaned_at)
    VALUES
        (OLD.ride_id, UTC_TIMESTAMP())
    ON DUPLICATE KEY UPDATE
        orphaned_at = VALUES(orphaned_at);
END
