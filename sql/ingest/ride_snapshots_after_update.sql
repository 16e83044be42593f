CREATE TRIGGER ride_snapshots_after_update
    AFTER UPDATE ON ride_snapshots
    FOR EACH ROW
BEGIN
    -- A ride row changed in what it adds to a measure (status, wait, class) or
    -- moved (another park or time: a park snapshot moved, a ride re-recorded
    -- under another park): when it was its ride's newest row in
    -- ride_latest_snapshots and moved away, the ride's newest row is searched
    -- again; the row as it is now is offered as its ride's newest.
    -- An update of an older row costs one probe.
    -- Skipped with @parkstats_bulk_load = 1, and with @parkstats_deriving = 1:
    -- record_park_snapshot and snapshot_recompute_pending keep the table
    -- themselves, once per snapshot they wrote or re-derived instead of once per
    -- ride row (a call per row cost record_park_snapshot 25 -> 33 ms).
    IF COALESCE(@parkstats_bulk_load, 0) <> 1
       AND COALESCE(@parkstats_deriving, 0) <> 1
       AND NOT (OLD.ride_id <=> NEW.ride_id
                AND OLD.recorded_at <=> NEW.recorded_at
                AND OLD.park_id <=> NEW.park_id
                AND OLD.status <=> NEW.status
                AND OLD.wait_minutes <=> NEW.wait_minutes
                AND OLD.ride_class <=> NEW.ride_class) THEN
        IF NOT (OLD.ride_id <=> NEW.ride_id AND OLD.recorded_at <=> NEW.recorded_at)
           AND EXISTS (SELECT 1
                         FROM ride_latest_snapshots
                        WHERE ride_id = OLD.ride_id
                          AND recorded_at = OLD.recorded_at) THEN
            CALL ride_latest_refresh(OLD.ride_id);
        END IF;
        IF COALESCE((SELECT recorded_at
                       FROM ride_latest_snapshots
                      WHERE ride_id = NEW.ride_id), '1000-01-01') <= NEW.recorded_at THEN
            CALL ride_latest_offer(NEW.park_id, NEW.recorded_at, NEW.ride_id);
        END IF;
    END IF;
END
