CREATE TRIGGER rides_after_update
    AFTER UPDATE ON rides
    FOR EACH ROW
BEGIN
    -- A ride moved to another park: its live row (ride_latest_snapshots)
    -- carries its park now.
    IF NOT (OLD.park_id <=> NEW.park_id) THEN
        UPDATE ride_latest_snapshots
           SET current_park_id = NEW.park_id
         WHERE ride_id = NEW.ride_id;
    END IF;
    -- A ride given another id: the rows of the old id are orphaned, as if it
    -- were deleted (rides_after_delete), and those of the new one are its own,
    -- as if it were inserted (rides_after_insert).
    IF OLD.ride_id <> NEW.ride_id THEN
        DELETE FROM ride_latest_snapshots
         WHERE ride_id = OLD.ride_id;
        INSERT INTO orphaned_rides
            (ride_id, orphaned_at)
        VALUES
            (OLD.ride_id, UTC_TIMESTAMP())
        ON DUPLICATE KEY UPDATE
            orphaned_at = VALUES(orphaned_at);
        DELETE FROM orphaned_rides
         WHERE ride_id = NEW.ride_id;
    END IF;
END
