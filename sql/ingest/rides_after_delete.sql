CREATE TRIGGER rides_after_delete
    AFTER DELETE ON rides
    FOR EACH ROW
BEGIN
    -- A ride no longer in rides has no live row (ride_latest_snapshots).
    DELETE FROM ride_latest_snapshots
     WHERE ride_id = OLD.ride_id;
END
