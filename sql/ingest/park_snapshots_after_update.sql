CREATE TRIGGER park_snapshots_after_update
    AFTER UPDATE ON park_snapshots
    FOR EACH ROW
BEGIN
    -- After a snapshot is updated: queue its hour (and, for an update that moves
    -- the snapshot, the old hour too) when that hour is already aggregated, so the
    -- next run_aggregation() cycle redoes the hour, its day and its year; and
    -- recompute the running sums (running_daily_park_stats) of its park and local
    -- day, and of the old ones when the update moved it (a maximum cannot be
    -- subtracted).
    -- Bulk loaders set @parkstats_bulk_load = 1 to skip this and then call
    -- backfill_aggregates() for the range they loaded (it also refreshes the
    -- running sums of the days not aggregated yet).
    DECLARE v_old_day DATE;
    DECLARE v_new_day DATE;

    IF COALESCE(@parkstats_bulk_load, 0) <> 1 THEN
        CALL aggregation_mark_dirty(NEW.recorded_at);
        IF TIMESTAMPDIFF(HOUR, '2000-01-01', OLD.recorded_at)
           <> TIMESTAMPDIFF(HOUR, '2000-01-01', NEW.recorded_at) THEN
            CALL aggregation_mark_dirty(OLD.recorded_at);
        END IF;
        SET v_new_day = (SELECT local_date
                           FROM calendar_days
                          WHERE utc_start <= NEW.recorded_at
                          ORDER BY utc_start DESC
                          LIMIT 1);
        SET v_old_day = (SELECT local_date
                           FROM calendar_days
                          WHERE utc_start <= OLD.recorded_at
                          ORDER BY utc_start DESC
                          LIMIT 1);
        CALL running_daily_refresh(NEW.park_id, v_new_day, v_new_day);
        IF NOT (OLD.park_id <=> NEW.park_id AND v_old_day <=> v_new_day) THEN
            CALL running_daily_refresh(OLD.park_id, v_old_day, v_old_day);
        END IF;
    END IF;
END
