CREATE TRIGGER park_snapshots_after_update
    AFTER UPDATE ON park_snapshots
    FOR EACH ROW
BEGIN
    -- After a snapshot is updated: queue its hour (and, for an update that moves
    -- the snapshot, the old hour too) when that hour is already aggregated, so the
    -- next run_aggregation() cycle redoes the hour, its day and its year.
    -- Bulk loaders set @parkstats_bulk_load = 1 to skip this and then call
    -- backfill_aggregates() for the range they loaded.
    IF COALESCE(@parkstats_bulk_load, 0) <> 1 THEN
        CALL aggregation_mark_dirty(NEW.recorded_at);
        IF TIMESTAMPDIFF(HOUR, '2000-01-01', OLD.recorded_at)
           <> TIMESTAMPDIFF(HOUR, '2000-01-01', NEW.recorded_at) THEN
            CALL aggregation_mark_dirty(OLD.recorded_at);
        END IF;
    END IF;
END
