CREATE TRIGGER ride_snapshots_after_delete
    AFTER DELETE ON ride_snapshots
    FOR EACH ROW
BEGIN
    -- The deleted row was its ride's newest (ride_latest_snapshots): the row
    -- before it becomes the newest (a corrected or deleted snapshot, a ride a
    -- re-recorded snapshot no longer lists). Other deletions cost one probe.
    -- Skipped with @parkstats_bulk_load = 1, and with @parkstats_deriving = 1:
    -- record_park_snapshot and snapshot_recompute_pending keep the table
    -- themselves, once per snapshot they wrote or re-derived instead of once per
    -- ride row (a call per row cost record_park_snapshot 25 -> 33 ms).
    IF COALESCE(@parkstats_bulk_load, 0) <> 1
       AND COALESCE(@parkstats_deriving, 0) <> 1
       AND EXISTS (SELECT 1
                     FROM ride_latest_snapshots
                    WHERE ride_id = OLD.ride_id
                      AND recorded_at = OLD.recorded_at) THEN
        CALL ride_latest_refresh(OLD.ride_id);
    END IF;
END
