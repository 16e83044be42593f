CREATE TRIGGER park_snapshots_after_insert
    AFTER INSERT ON park_snapshots
    FOR EACH ROW
BEGIN
    -- After a snapshot is inserted: queue its hour when that hour is
    -- already aggregated, so the next run_aggregation() cycle redoes the hour,
    -- its day and its year; and add the snapshot to the running sums of its
    -- local day (running_daily_park_stats).
    -- Bulk loaders set @parkstats_bulk_load = 1 to skip this and then call
    -- backfill_aggregates() for the range they loaded (it also refreshes the
    -- running sums of the days not aggregated yet).
    IF COALESCE(@parkstats_bulk_load, 0) <> 1 THEN
        CALL aggregation_mark_dirty(NEW.recorded_at);
        CALL running_daily_add(NEW.park_id, NEW.recorded_at);
    END IF;
END
