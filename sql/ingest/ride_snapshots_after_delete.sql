CREATE TRIGGER ride_snapshots_after_delete
    AFTER DELETE ON ride_snapshots
    FOR EACH ROW
BEGIN
    -- The deleted row was its ride's newest (ride_latest_snapshots): the row
    -- before it becomes the newest (a corrected or deleted snapshot, a ride a
    -- re-recorded snapshot no longer lists). Other deletions cost one probe.
    -- Skipped as the update trigger is (@parkstats_bulk_load, @parkstats_deriving).
    IF COALESCE(@parkstats_bulk_load, 0) <> 1
       AND COALESCE(@parkstats_deriving, 0) <> 1
       AND EXISTS (SELECT 1
                     FROM ride_latest_snapshots
                    WHERE ride_id = OLD.ride_id
                      AND recorded_at = OLD.recorded_at) THEN
        CALL ride_latest_refresh(OLD.ride_id);
    END IF;
END
