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
END
