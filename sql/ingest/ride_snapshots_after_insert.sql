CREATE TRIGGER ride_snapshots_after_insert
    AFTER INSERT ON ride_snapshots
    FOR EACH ROW
BEGIN
    -- A new ride row is its ride's newest unless a newer one is stored:
    -- ride_latest_offer keeps ride_latest_snapshots (the live ride rankings'
    -- rows) in the writer's transaction. record_park_snapshot and
    -- snapshot_recompute_pending (@parkstats_deriving = 1) keep it themselves,
    -- once per snapshot they wrote or re-derived instead of once per ride row
    -- (a call per row cost record_park_snapshot 25 -> 33 ms).
    -- Bulk loaders set @parkstats_bulk_load = 1 to skip this and then call
    -- backfill_aggregates() (it recomputes the table: ride_latest_refresh).
    IF COALESCE(@parkstats_bulk_load, 0) <> 1
       AND COALESCE(@parkstats_deriving, 0) <> 1 THEN
        CALL ride_latest_offer(NEW.park_id, NEW.recorded_at, NEW.ride_id);
    END IF;
END
