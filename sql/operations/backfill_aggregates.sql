CREATE PROCEDURE backfill_aggregates(IN p_from_utc DATETIME, IN p_to_utc DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
DBA backfill: re-aggregates the UTC range [p_from_utc, p_to_utc) at every
level from the raw snapshots: the hours in batches of backfill_batch_hours
(one INSERT ... SELECT per batch, each batch its own transaction), then the
local days overlapping the range whose hours are all aggregated (each batch
of days with the weeks and the rides'' months holding them, rewritten from all
their daily rows), then their years. Every batch is logged in aggregation_job_log (job_type backfill).
Absolute upserts, so an interrupted backfill is simply run again. Hours whose
raw snapshots were purged by retention (before raw_purged) are never
recomputed, nor days whose hourly rows were purged: they are reported as
skipped. Only complete hours (aggregation_grace_minutes after their end) are
done. Where the range continues the hourly watermark (or starts it on a
database where nothing was aggregated), the watermarks move past it, so the
scheduled cycle does not redo it. Last, the running sums
(running_daily_park_stats and running_daily_ride_stats) of the local days of
the range that the daily watermark has not passed (as it stands after the
backfill; normally just the current day) are recomputed from raw with
running_daily_refresh() and running_daily_ride_refresh(), and each ride''s
newest row (ride_latest_snapshots) with ride_latest_refresh(); ride ids of
the loaded rows that are not in rides go to orphaned_rides (the rankings leave
their rows out until the ride is added; the summary counts them). Bulk loaders insert
with @parkstats_bulk_load = 1 (the triggers and record_park_snapshot then
neither queue hours nor keep the running sums) and then call this for the
range they loaded. Holds the aggregation lock
(waits up to 60 s for a running cycle). Returns a one-row summary.

Parameters
----------
p_from_utc (DATETIME): start of the range, UTC (rounded down to the hour).
p_to_utc (DATETIME): end of the range, UTC, exclusive (rounded up to the hour).

Example
-------
CALL backfill_aggregates(''2026-01-01 08:00:00'', ''2026-02-01 08:00:00'');
'
proc: BEGIN
    DECLARE v_now DATETIME;
    DECLARE v_real_start DATETIME(6);
    DECLARE v_state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin;
    DECLARE v_abandoned INT DEFAULT 0;
    DECLARE v_job_id BIGINT UNSIGNED DEFAULT NULL;
    DECLARE v_from DATETIME;
    DECLARE v_to DATETIME;
    DECLARE v_complete_until DATETIME;
    DECLARE v_raw_purged DATETIME DEFAULT NULL;
    DECLARE v_hourly_purged DATETIME DEFAULT NULL;
    DECLARE v_hourly_done DATETIME DEFAULT NULL;
    DECLARE v_hourly_was_null TINYINT DEFAULT 0;
    DECLARE v_batch_hours INT;
    DECLARE v_batch_days INT;
    DECLARE v_at DATETIME;
    DECLARE v_end DATETIME;
    DECLARE v_advance TINYINT;
    DECLARE v_keep_null TINYINT DEFAULT 0;
    DECLARE v_day_ready TINYINT;
    DECLARE v_first_done DATE DEFAULT NULL;
    DECLARE v_last_done DATE DEFAULT NULL;
    DECLARE v_first_day DATE DEFAULT NULL;
    DECLARE v_last_day DATE DEFAULT NULL;
    DECLARE v_day DATE;
    DECLARE v_day_end DATE;
    DECLARE v_day_of_done DATE DEFAULT NULL;
    DECLARE v_running_from DATE DEFAULT NULL;
    DECLARE v_running_to DATE DEFAULT NULL;
    DECLARE v_running_days INT DEFAULT 0;
    DECLARE v_orphaned INT DEFAULT 0;
    DECLARE v_year SMALLINT;
    DECLARE v_ok TINYINT;
    DECLARE v_rows BIGINT;
    DECLARE v_error VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE v_hours INT DEFAULT 0;
    DECLARE v_hour_rows BIGINT DEFAULT 0;
    DECLARE v_days INT DEFAULT 0;
    DECLARE v_years INT DEFAULT 0;
    DECLARE v_batches INT DEFAULT 0;
    DECLARE v_failures INT DEFAULT 0;
    DECLARE v_skipped_hours INT DEFAULT 0;
    DECLARE v_skipped_days INT DEFAULT 0;
    DECLARE v_summary VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE v_sqlstate CHAR(5) CHARACTER SET ascii COLLATE ascii_bin;
    DECLARE v_errno INT;
    DECLARE v_message VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        GET DIAGNOSTICS CONDITION 1
            v_sqlstate = RETURNED_SQLSTATE,
            v_errno = MYSQL_ERRNO,
            v_message = MESSAGE_TEXT;
        ROLLBACK;
        CALL aggregation_job_end(v_job_id, 'failed', 0, v_errno, v_sqlstate, v_message,
                                 v_now, v_real_start);
        SELECT LEFT(CONCAT('Backfill failed: ', COALESCE(v_errno, 0), ' ', COALESCE(v_sqlstate, ''),
                           ': ', COALESCE(v_message, ''), ' (run it again once fixed)'), 1024)
                   AS summary,
               v_hours AS hours_aggregated,
               v_days AS days_aggregated,
               v_years AS years_aggregated,
               v_skipped_hours AS hours_skipped,
               v_failures + 1 AS failures,
               ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1)
                   AS duration_ms;
    END;

    SET v_now = parkstats_now();
    SET v_real_start = UTC_TIMESTAMP(6);
    IF p_from_utc IS NULL OR p_to_utc IS NULL OR p_to_utc <= p_from_utc THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'backfill_aggregates: give a UTC range with p_from_utc < p_to_utc';
    END IF;
    SET v_batch_hours = LEAST(8760, GREATEST(1, CAST(parkstats_setting('backfill_batch_hours') AS UNSIGNED)));
    SET v_batch_days = GREATEST(1, v_batch_hours DIV 24);
    SET v_from = TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', p_from_utc), '2000-01-01');
    SET v_to = TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', TIMESTAMPADD(SECOND, 3599, p_to_utc)),
                            '2000-01-01');
    SET v_complete_until = TIMESTAMPADD(MINUTE, -CAST(parkstats_setting('aggregation_grace_minutes') AS UNSIGNED),
                                        v_now);
    SET v_complete_until = TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', v_complete_until),
                                        '2000-01-01');
    SET v_to = LEAST(v_to, v_complete_until);

    CALL aggregation_job_begin('backfill', v_from, v_to, 60,
                               'A run_aggregation() cycle or another backfill held the lock for 60 s; run it again',
                               v_now, v_real_start, v_job_id, v_state, v_abandoned);
    IF v_state <> 'running' THEN
        SELECT CASE v_state
                   WHEN 'read_only' THEN
                       'Read-only server (a replica?): backfill_aggregates() did nothing; run it on the primary'
                   WHEN 'not_primary' THEN
                       CONCAT('Not run: ', primary_of_record_state(), ' (logged as skipped); backfill_aggregates() did nothing')
                   ELSE 'Skipped: the aggregation lock is busy (a cycle or another backfill); run it again'
               END AS summary,
               0 AS hours_aggregated, 0 AS days_aggregated, 0 AS years_aggregated,
               0 AS hours_skipped, 0 AS failures,
               ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1)
                   AS duration_ms;
        LEAVE proc;
    END IF;
    -- Ride rows bulk-loaded into the range (not classified yet) and raw data changed
    -- behind record_park_snapshot(): derive the snapshots they affect first.
    CALL snapshot_recompute_pending(p_from_utc, p_to_utc);

    SELECT MAX(CASE WHEN level = 'hourly' THEN done_through END),
           MAX(CASE WHEN level = 'raw_purged' THEN done_through END),
           MAX(CASE WHEN level = 'hourly_purged' THEN done_through END)
      INTO v_hourly_done, v_raw_purged, v_hourly_purged
      FROM aggregation_watermarks;
    SET v_hourly_was_null = (v_hourly_done IS NULL);

    -- Hours whose raw snapshots are gone keep their rows as they are.
    IF v_from < v_raw_purged THEN
        SET v_skipped_hours = GREATEST(0, TIMESTAMPDIFF(HOUR, v_from, LEAST(v_to, v_raw_purged)));
        IF v_skipped_hours > 0 THEN
            INSERT INTO aggregation_job_log
                (job_type, period_start, period_end, status, started_at, finished_at,
                 rows_affected, error_message)
            VALUES
                ('backfill', v_from, LEAST(v_to, v_raw_purged), 'skipped',
                 aggregation_clock(v_now, v_real_start), aggregation_clock(v_now, v_real_start), 0,
                 CONCAT(v_skipped_hours, ' hour(s) skipped: raw snapshots purged by retention before ',
                        DATE_FORMAT(v_raw_purged, '%Y-%m-%d %H:%i'), '; their aggregates are kept'));
        END IF;
        SET v_from = GREATEST(v_from, v_raw_purged);
    END IF;

    -- 1. Hours, batch by batch.
    SET v_at = v_from;
    WHILE v_at < v_to DO
        SET v_end = LEAST(v_to, TIMESTAMPADD(HOUR, v_batch_hours, v_at));
        -- Move the watermark only where it is contiguous (else the hours are
        -- recorded as aggregated ahead of it); on a database never aggregated,
        -- start it only if no older snapshot would be left behind.
        SET v_advance = 2;
        IF v_hourly_was_null = 1 AND v_at = v_from AND EXISTS (
                SELECT 1
                  FROM park_snapshots
                 WHERE recorded_at < v_from) THEN
            SET v_hourly_was_null = 0;
            SET v_keep_null = 1;
        END IF;
        IF v_keep_null = 1 THEN
            SET v_advance = 3;
        END IF;
        CALL aggregation_run_bucket('hourly', v_at, v_end, 'backfill', 1, v_advance,
                                    v_now, v_real_start, v_ok, v_rows, v_error);
        SET v_batches = v_batches + 1;
        IF v_ok = 1 THEN
            SET v_hours = v_hours + TIMESTAMPDIFF(HOUR, v_at, v_end);
            SET v_hour_rows = v_hour_rows + v_rows;
        ELSE
            SET v_failures = v_failures + 1;
        END IF;
        SET v_at = v_end;
    END WHILE;

    SELECT done_through
      INTO v_hourly_done
      FROM aggregation_watermarks
     WHERE level = 'hourly';

    -- 2. Days overlapping the range whose hours are all aggregated and clean
    --    (before the watermark or in ranges aggregated ahead of it), in runs of
    --    consecutive ready days, batch_days at a time.
    IF v_to > v_from THEN
        SELECT local_date
          INTO v_first_day
          FROM calendar_days
         WHERE utc_start <= v_from
         ORDER BY utc_start DESC
         LIMIT 1;
        SELECT local_date
          INTO v_last_day
          FROM calendar_days
         WHERE utc_start < v_to
         ORDER BY utc_start DESC
         LIMIT 1;
        IF v_hourly_purged IS NOT NULL THEN
            SELECT COUNT(*)
              INTO v_skipped_days
              FROM calendar_days
             WHERE local_date >= v_first_day
               AND local_date <= v_last_day
               AND utc_start < v_hourly_purged;
            IF v_skipped_days > 0 THEN
                INSERT INTO aggregation_job_log
                    (job_type, period_start, period_end, status, started_at, finished_at,
                     rows_affected, error_message)
                VALUES
                    ('backfill', v_first_day, v_first_day + INTERVAL v_skipped_days DAY, 'skipped',
                     aggregation_clock(v_now, v_real_start), aggregation_clock(v_now, v_real_start), 0,
                     CONCAT(v_skipped_days, ' day(s) skipped: their hourly rows were purged by retention; ',
                            'the daily rows are kept'));
                SET v_first_day = v_first_day + INTERVAL v_skipped_days DAY;
            END IF;
        END IF;
        SET v_day = v_first_day;
        WHILE v_day <= v_last_day DO
            IF aggregation_day_ready(v_day) = 0 THEN
                SET v_day = v_day + INTERVAL 1 DAY;
            ELSE
                SET v_day_end = v_day + INTERVAL 1 DAY;
                SET v_day_ready = 1;
                WHILE v_day_ready = 1 AND v_day_end <= v_last_day
                      AND v_day_end < v_day + INTERVAL v_batch_days DAY DO
                    SET v_day_ready = aggregation_day_ready(v_day_end);
                    IF v_day_ready = 1 THEN
                        SET v_day_end = v_day_end + INTERVAL 1 DAY;
                    END IF;
                END WHILE;
                CALL aggregation_run_bucket('daily', v_day, v_day_end, 'backfill', 1, 0,
                                            v_now, v_real_start, v_ok, v_rows, v_error);
                SET v_batches = v_batches + 1;
                IF v_ok = 1 THEN
                    SET v_days = v_days + DATEDIFF(v_day_end, v_day);
                    SET v_first_done = COALESCE(v_first_done, v_day);
                    SET v_last_done = v_day_end - INTERVAL 1 DAY;
                ELSE
                    SET v_failures = v_failures + 1;
                END IF;
                SET v_day = v_day_end;
            END IF;
        END WHILE;

        -- The daily watermark follows where this backfill continued it.
        SELECT done_through
          INTO v_hourly_done
          FROM aggregation_watermarks
         WHERE level = 'hourly';
        SELECT local_date
          INTO v_day_of_done
          FROM calendar_days
         WHERE utc_start <= v_hourly_done
         ORDER BY utc_start DESC
         LIMIT 1;
        UPDATE aggregation_watermarks
           SET done_through = v_day_of_done,
               updated_at = v_now
         WHERE level = 'daily'
           AND v_day_of_done IS NOT NULL
           AND v_last_done IS NOT NULL
           AND ((done_through IS NULL AND v_hourly_was_null = 1)
                OR (done_through >= v_first_done AND done_through < v_day_of_done));

        -- 3. Their years.
        IF v_last_done IS NOT NULL THEN
            SET v_year = YEAR(v_first_done);
            WHILE v_year <= YEAR(v_last_done) DO
                CALL aggregation_run_bucket('yearly', MAKEDATE(v_year, 1), MAKEDATE(v_year + 1, 1),
                                            'backfill', 1, 0, v_now, v_real_start,
                                            v_ok, v_rows, v_error);
                SET v_batches = v_batches + 1;
                IF v_ok = 1 THEN
                    SET v_years = v_years + 1;
                ELSE
                    SET v_failures = v_failures + 1;
                END IF;
                SET v_year = v_year + 1;
            END WHILE;
        END IF;
    END IF;

    -- 4. The running sums of the range's days the daily watermark has not passed
    --    (the bulk load skipped the triggers that keep them): one recomputation.
    SET v_running_from = (SELECT local_date
                            FROM calendar_days
                           WHERE utc_start <= p_from_utc
                           ORDER BY utc_start DESC
                           LIMIT 1);
    SET v_running_to = (SELECT local_date
                          FROM calendar_days
                         WHERE utc_start < p_to_utc
                         ORDER BY utc_start DESC
                         LIMIT 1);
    SET v_running_from = GREATEST(COALESCE(v_running_from, '1000-01-01'),
                                  COALESCE((SELECT DATE(done_through)
                                              FROM aggregation_watermarks
                                             WHERE level = 'daily'), '1000-01-01'));
    IF v_running_from <= v_running_to THEN
        CALL running_daily_refresh(NULL, v_running_from, v_running_to);
        CALL running_daily_ride_refresh(NULL, v_running_from, v_running_to);
        SET v_running_days = DATEDIFF(v_running_to, v_running_from) + 1;
    END IF;
    -- 5. Each ride's newest row (ride_latest_snapshots): the bulk load skipped the
    --    triggers that keep it.
    CALL ride_latest_refresh(NULL);
    -- 6. Ride ids of the loaded rows that are not in rides are orphaned: the rankings
    --    leave their rows out until the ride is inserted (rides_after_insert). Every
    --    aggregated ride row is in a yearly row of its year or a running row (1,900
    --    rows a year to read, not the raw rows).
    INSERT INTO orphaned_rides
        (ride_id, orphaned_at)
    SELECT u.ride_id,
           UTC_TIMESTAMP()
      FROM (SELECT y.ride_id
              FROM yearly_ride_stats AS y
             WHERE y.year >= YEAR(v_first_done)
               AND y.year <= YEAR(v_last_done)
            UNION
            SELECT r.ride_id
              FROM running_daily_ride_stats AS r
             WHERE r.stat_date >= v_running_from
               AND r.stat_date <= v_running_to) AS u
     WHERE NOT EXISTS (SELECT 1
                         FROM rides AS x
                        WHERE x.ride_id = u.ride_id)
    ON DUPLICATE KEY UPDATE
        orphaned_at = orphaned_at;
    SET v_orphaned = ROW_COUNT();

    SET v_summary = CONCAT(
        'Backfilled ', DATE_FORMAT(v_from, '%Y-%m-%d %H:00'), ' .. ', DATE_FORMAT(v_to, '%Y-%m-%d %H:00'),
        ': ', v_hours, ' hour(s) (', v_hour_rows, ' rows), ', v_days, ' day(s), ', v_years, ' year(s) in ',
        v_batches, ' batch(es)',
        IF(v_running_days > 0, CONCAT('; running sums of ', v_running_days, ' day(s) refreshed'), ''),
        IF(v_skipped_hours > 0, CONCAT('; ', v_skipped_hours, ' hour(s) skipped (raw data purged)'), ''),
        IF(v_skipped_days > 0, CONCAT('; ', v_skipped_days, ' day(s) skipped (hourly rows purged)'), ''),
        IF(v_failures > 0, CONCAT('; ', v_failures, ' FAILED batch(es), see aggregation_job_log, run it again'), ''),
        IF(v_abandoned > 0, CONCAT('; marked ', v_abandoned, ' abandoned job(s) failed'), ''),
        IF(v_orphaned > 0, CONCAT('; ', v_orphaned, ' ride id(s) not in rides: their rows are ',
                                  'left out of the rankings until the ride is added'), ''),
        '; ', ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1), ' ms');

    CALL aggregation_job_end(v_job_id, IF(v_failures > 0, 'failed', 'success'), v_hour_rows, NULL, NULL,
                             IF(v_failures > 0 OR v_skipped_hours > 0 OR v_skipped_days > 0, v_summary, NULL),
                             v_now, v_real_start);

    SELECT v_summary AS summary,
           v_hours AS hours_aggregated,
           v_days AS days_aggregated,
           v_years AS years_aggregated,
           v_skipped_hours AS hours_skipped,
           v_failures AS failures,
           ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1) AS duration_ms;
END
