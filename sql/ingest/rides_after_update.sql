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
    -- A ride given another id: the old id left rides, as if it were deleted
    -- (rides_after_delete), and the rows of the new one are its own, as if it
    -- were inserted (rides_after_insert).
    IF OLD.ride_id <> NEW.ride_id THEN
        CALL ride_orphan(OLD.ride_id);
        DELETE FROM orphaned_rides
         WHERE ride_id = NEW.ride_id;
    END IF;
END
