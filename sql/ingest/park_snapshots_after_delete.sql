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
    -- Always: its ride rows go with it, and when one of them was OPERATING the
    -- park's operating facts of that local day change, and with them the down
    -- rule and the 7-day weights of its later snapshots: the park's day is
    -- queued in snapshot_recompute_queue, which the next cycle (or backfill)
    -- works off before it aggregates (a trigger cannot update park_snapshots).
    DECLARE v_day DATE;
    DECLARE v_now DATETIME;

    SET v_day = local_date_of(OLD.recorded_at);
    IF COALESCE(@parkstats_bulk_load, 0) <> 1 THEN
        CALL aggregation_mark_dirty(OLD.recorded_at);
        CALL running_daily_refresh(OLD.park_id, v_day, v_day);
    END IF;
    IF v_day IS NOT NULL
       AND EXISTS (SELECT 1
                     FROM ride_snapshots
                    WHERE park_id = OLD.park_id
                      AND recorded_at = OLD.recorded_at
                      AND status = 'OPERATING') THEN
        SET v_now = parkstats_now();
        INSERT INTO snapshot_recompute_queue (park_id, local_date, queued_at, failures, next_attempt_at)
        VALUES (OLD.park_id, v_day, v_now, 0, v_now)
        ON DUPLICATE KEY UPDATE
            queued_at = VALUES(queued_at);
    END IF;
    DELETE FROM ride_snapshots
     WHERE park_id = OLD.park_id
       AND recorded_at = OLD.recorded_at;
    -- The ride sums of the park's day without those ride rows (running_daily_ride_stats;
    -- a maximum cannot be subtracted).
    IF COALESCE(@parkstats_bulk_load, 0) <> 1 THEN
        CALL running_daily_ride_refresh(OLD.park_id, v_day, v_day);
    END IF;
END
