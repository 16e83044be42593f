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
    -- Always: an update that moves the snapshot moves its ride rows with it; one
    -- that moves it or changes park_open, outside record_park_snapshot and the
    -- recomputation themselves (@parkstats_deriving), queues the park's local
    -- day(s) in snapshot_recompute_queue when the snapshot has ride rows, so the
    -- next cycle derives them again (a trigger cannot update park_snapshots).
    DECLARE v_old_day DATE;
    DECLARE v_new_day DATE;
    DECLARE v_now DATETIME;

    SET v_new_day = local_date_of(NEW.recorded_at);
    SET v_old_day = local_date_of(OLD.recorded_at);
    IF COALESCE(@parkstats_bulk_load, 0) <> 1 THEN
        CALL aggregation_mark_dirty(NEW.recorded_at);
        IF TIMESTAMPDIFF(HOUR, '2000-01-01', OLD.recorded_at)
           <> TIMESTAMPDIFF(HOUR, '2000-01-01', NEW.recorded_at) THEN
            CALL aggregation_mark_dirty(OLD.recorded_at);
        END IF;
        CALL running_daily_refresh(NEW.park_id, v_new_day, v_new_day);
        IF NOT (OLD.park_id <=> NEW.park_id AND v_old_day <=> v_new_day) THEN
            CALL running_daily_refresh(OLD.park_id, v_old_day, v_old_day);
        END IF;
    END IF;
    IF NOT (OLD.park_id <=> NEW.park_id AND OLD.recorded_at <=> NEW.recorded_at) THEN
        UPDATE ride_snapshots
           SET park_id = NEW.park_id,
               recorded_at = NEW.recorded_at
         WHERE park_id = OLD.park_id
           AND recorded_at = OLD.recorded_at;
    END IF;
    -- The ride sums (running_daily_ride_stats) of the park's day, and of the old one
    -- when the update moved the snapshot, when what a ride row adds can change:
    -- park_open, or the ride rows moved. Not while record_park_snapshot or the
    -- recomputation derive (@parkstats_deriving): they refresh them once, after
    -- the classes are derived. (MariaDB fires this trigger for every row an UPDATE
    -- matches, changed or not: hence the comparison.)
    IF COALESCE(@parkstats_bulk_load, 0) <> 1
       AND COALESCE(@parkstats_deriving, 0) <> 1
       AND NOT (OLD.park_id <=> NEW.park_id
                AND OLD.recorded_at <=> NEW.recorded_at
                AND OLD.park_open <=> NEW.park_open) THEN
        CALL running_daily_ride_refresh(NEW.park_id, v_new_day, v_new_day);
        IF NOT (OLD.park_id <=> NEW.park_id AND v_old_day <=> v_new_day) THEN
            CALL running_daily_ride_refresh(OLD.park_id, v_old_day, v_old_day);
        END IF;
    END IF;
    -- park_open changed in place: what the snapshot's ride rows add changed with
    -- it, and the live rows of the rides whose newest row it holds are rewritten
    -- (ride_latest_snapshots). Moved ride rows (above) do that in their trigger;
    -- record_park_snapshot (@parkstats_deriving) does it for its snapshot.
    IF COALESCE(@parkstats_bulk_load, 0) <> 1
       AND COALESCE(@parkstats_deriving, 0) <> 1
       AND OLD.park_id <=> NEW.park_id
       AND OLD.recorded_at <=> NEW.recorded_at
       AND NOT (OLD.park_open <=> NEW.park_open) THEN
        CALL ride_latest_offer(NEW.park_id, NEW.recorded_at, NULL);
    END IF;
    IF COALESCE(@parkstats_deriving, 0) <> 1
       AND NOT (OLD.park_id <=> NEW.park_id
                AND OLD.recorded_at <=> NEW.recorded_at
                AND OLD.park_open <=> NEW.park_open)
       AND EXISTS (SELECT 1
                     FROM ride_snapshots
                    WHERE park_id = NEW.park_id
                      AND recorded_at = NEW.recorded_at) THEN
        SET v_now = parkstats_now();
        INSERT INTO snapshot_recompute_queue (park_id, local_date, queued_at, failures, next_attempt_at)
        SELECT q.park_id,
               q.local_date,
               v_now,
               0,
               v_now
          FROM (SELECT NEW.park_id AS park_id, v_new_day AS local_date
                UNION
                SELECT OLD.park_id, v_old_day) AS q
         WHERE q.local_date IS NOT NULL
        ON DUPLICATE KEY UPDATE
            queued_at = VALUES(queued_at);
    END IF;
END
