CREATE TRIGGER park_snapshots_after_delete
    AFTER DELETE ON park_snapshots
    FOR EACH ROW
BEGIN
    -- After a snapshot is deleted: queue its hour when that hour is
    -- already aggregated, so the next run_aggregation() cycle redoes the hour,
    -- its day and its year; and recompute the running sums of its park and
    -- local day (running_daily_park_stats) from the snapshots left (a maximum
    -- cannot be subtracted).
    -- Bulk loaders set @parkstats_bulk_load = 1 to skip this and then call
    -- backfill_aggregates() for the range they loaded (it also refreshes the
    -- running sums of the days not aggregated yet).
    DECLARE v_day DATE;

    IF COALESCE(@parkstats_bulk_load, 0) <> 1 THEN
        CALL aggregation_mark_dirty(OLD.recorded_at);
        SET v_day = (SELECT local_date
                       FROM calendar_days
                      WHERE utc_start <= OLD.recorded_at
                      ORDER BY utc_start DESC
                      LIMIT 1);
        CALL running_daily_refresh(OLD.park_id, v_day, v_day);
    END IF;
END
