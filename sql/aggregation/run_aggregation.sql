CREATE PROCEDURE run_aggregation()
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
The scheduled cycle (ev_run_aggregation runs it every 5 minutes):
1. every complete UTC hour not aggregated yet (an hour is complete
   aggregation_grace_minutes after its end), from the hourly watermark on,
   at most max_hours_per_cycle hours per cycle in one batch (if the batch
   fails, hour by hour: a failing hour is logged and queued with a back-off,
   the others go on); a long outage is caught up by the following cycles;
   when the watermark reaches hours a backfill aggregated ahead of it
   (aggregated_ranges), it moves past them;
2. the dirty or failed hours of aggregation_queue that are due (hours before
   the watermark, or in a range a backfill aggregated ahead of it);
3. the local days whose hours are all aggregated and not dirty (days just
   completed and days touched by step 2), each in its own transaction;
4. the years of those days (the current year''s row is partial and kept current).
On the first run it starts at the local midnight before the oldest snapshot.
A named lock keeps two cycles from overlapping (the second logs "skipped");
on a read-only server (a replica) it does nothing; on a writable server that
is not the primary of record (primary_of_record_state()) it does nothing and
logs a "skipped" cycle row saying why. Logs one "cycle" row plus a
row per bucket in aggregation_job_log. Returns a one-row summary.

Parameters
----------
None. The clock is parkstats_now() (tests may set @parkstats_now).

Example
-------
CALL run_aggregation();
'
proc: BEGIN
    DECLARE v_now DATETIME;
    DECLARE v_real_start DATETIME(6);
    DECLARE v_state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin;
    DECLARE v_abandoned INT DEFAULT 0;
    DECLARE v_cycle_id BIGINT UNSIGNED DEFAULT NULL;
    DECLARE v_raw_purged DATETIME DEFAULT NULL;
    DECLARE v_hourly_purged DATETIME DEFAULT NULL;
    DECLARE v_hourly_done DATETIME DEFAULT NULL;
    DECLARE v_daily_done DATETIME DEFAULT NULL;
    DECLARE v_first_snapshot DATETIME DEFAULT NULL;
    DECLARE v_complete_until DATETIME;
    DECLARE v_batch_end DATETIME;
    DECLARE v_hour DATETIME;
    DECLARE v_period DATETIME;
    DECLARE v_last DATETIME;
    DECLARE v_day_start DATETIME;
    DECLARE v_day_end DATETIME;
    DECLARE v_max_hours INT;
    DECLARE v_grace INT;
    DECLARE v_ok TINYINT;
    DECLARE v_rows BIGINT;
    DECLARE v_error VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE v_new_hours INT DEFAULT 0;
    DECLARE v_requeued_hours INT DEFAULT 0;
    DECLARE v_days INT DEFAULT 0;
    DECLARE v_years INT DEFAULT 0;
    DECLARE v_failures INT DEFAULT 0;
    DECLARE v_hour_rows BIGINT DEFAULT 0;
    DECLARE v_count INT;
    DECLARE v_first_new DATETIME DEFAULT NULL;
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
        CALL aggregation_job_end(v_cycle_id, 'failed', 0, v_errno, v_sqlstate, v_message,
                                 v_now, v_real_start);
        SELECT LEFT(CONCAT('Cycle failed: ', COALESCE(v_errno, 0), ' ', COALESCE(v_sqlstate, ''),
                           ': ', COALESCE(v_message, '')), 1024) AS summary,
               0 AS hours_aggregated,
               0 AS hours_reaggregated,
               0 AS days_aggregated,
               0 AS years_aggregated,
               1 AS failures,
               ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1)
                   AS duration_ms;
    END;

    SET v_now = parkstats_now();
    SET v_real_start = UTC_TIMESTAMP(6);
    CALL aggregation_job_begin('cycle', NULL, NULL, 0,
                               'Another run_aggregation() cycle holds the lock; this one did nothing',
                               v_now, v_real_start, v_cycle_id, v_state, v_abandoned);
    IF v_state <> 'running' THEN
        SELECT CASE v_state
                   WHEN 'read_only' THEN
                       'Read-only server (a replica?): run_aggregation() did nothing; aggregates come from the primary through replication'
                   WHEN 'not_primary' THEN
                       CONCAT('Not run: ', primary_of_record_state(), ' (logged as skipped); run_aggregation() did nothing')
                   ELSE 'Skipped: another run_aggregation() cycle is running'
               END AS summary,
               0 AS hours_aggregated,
               0 AS hours_reaggregated,
               0 AS days_aggregated,
               0 AS years_aggregated,
               0 AS failures,
               ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1)
                   AS duration_ms;
        LEAVE proc;
    END IF;
    -- Raw data changed behind record_park_snapshot() (deletes, bulk loads): derive
    -- the snapshots it affects again first; their hours are then queued dirty.
    CALL snapshot_recompute_pending(NULL, NULL);

    SET v_max_hours = GREATEST(1, CAST(parkstats_setting('max_hours_per_cycle') AS UNSIGNED));
    SET v_grace = CAST(parkstats_setting('aggregation_grace_minutes') AS UNSIGNED);

    SELECT MAX(CASE WHEN level = 'hourly' THEN done_through END),
           MAX(CASE WHEN level = 'daily' THEN done_through END),
           MAX(CASE WHEN level = 'raw_purged' THEN done_through END),
           MAX(CASE WHEN level = 'hourly_purged' THEN done_through END)
      INTO v_hourly_done, v_daily_done, v_raw_purged, v_hourly_purged
      FROM aggregation_watermarks;

    -- First run: start at the local midnight before the oldest snapshot.
    IF v_hourly_done IS NULL THEN
        SELECT MIN(recorded_at)
          INTO v_first_snapshot
          FROM park_snapshots;
        IF v_first_snapshot IS NOT NULL THEN
            SELECT utc_start
              INTO v_hourly_done
              FROM calendar_days
             WHERE utc_start <= v_first_snapshot
             ORDER BY utc_start DESC
             LIMIT 1;
            UPDATE aggregation_watermarks
               SET done_through = v_hourly_done,
                   updated_at = v_now
             WHERE level = 'hourly';
        END IF;
    END IF;
    IF v_daily_done IS NULL AND v_hourly_done IS NOT NULL THEN
        SELECT local_date
          INTO v_daily_done
          FROM calendar_days
         WHERE utc_start <= v_hourly_done
         ORDER BY utc_start DESC
         LIMIT 1;
        UPDATE aggregation_watermarks
           SET done_through = v_daily_done,
               updated_at = v_now
         WHERE level = 'daily';
    END IF;

    IF v_hourly_done IS NOT NULL THEN
        -- 1. New complete hours, one batch.
        SET v_complete_until = TIMESTAMPADD(MINUTE, -v_grace, v_now);
        SET v_complete_until = TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', v_complete_until),
                                            '2000-01-01');
        SET v_batch_end = LEAST(v_complete_until, TIMESTAMPADD(HOUR, v_max_hours, v_hourly_done));
        -- Up to the next range a backfill aggregated ahead (the watermark then jumps it).
        SET v_batch_end = LEAST(v_batch_end, COALESCE((SELECT MIN(range_start)
                                                          FROM aggregated_ranges
                                                         WHERE range_start > v_hourly_done),
                                                       v_batch_end));
        IF v_batch_end > v_hourly_done THEN
            SET v_first_new = v_hourly_done;
            CALL aggregation_run_bucket('hourly', v_hourly_done, v_batch_end, 'hourly',
                                        IF(TIMESTAMPDIFF(HOUR, v_hourly_done, v_batch_end) = 1, 2, 0),
                                        1, v_now, v_real_start, v_ok, v_rows, v_error);
            IF v_ok = 1 THEN
                SET v_new_hours = TIMESTAMPDIFF(HOUR, v_hourly_done, v_batch_end);
                SET v_hour_rows = v_hour_rows + v_rows;
            ELSEIF TIMESTAMPDIFF(HOUR, v_hourly_done, v_batch_end) = 1 THEN
                SET v_failures = v_failures + 1;
            ELSE
                -- The batch failed: hour by hour, so one bad hour does not block the others.
                SET v_hour = v_hourly_done;
                WHILE v_hour < v_batch_end DO
                    CALL aggregation_run_bucket('hourly', v_hour, TIMESTAMPADD(HOUR, 1, v_hour),
                                                'hourly', 2, 1, v_now, v_real_start,
                                                v_ok, v_rows, v_error);
                    IF v_ok = 1 THEN
                        SET v_new_hours = v_new_hours + 1;
                        SET v_hour_rows = v_hour_rows + v_rows;
                    ELSE
                        SET v_failures = v_failures + 1;
                    END IF;
                    SET v_hour = TIMESTAMPADD(HOUR, 1, v_hour);
                END WHILE;
            END IF;
            SELECT done_through
              INTO v_hourly_done
              FROM aggregation_watermarks
             WHERE level = 'hourly';
        END IF;

        -- 2. Dirty or failed hours that are due (aggregated: before the watermark or
        --    in a range a backfill wrote ahead of it).
        SET v_last = '1000-01-01 00:00:00';
        SET v_count = 0;
        queued_hours: WHILE v_count < v_max_hours DO
            SET v_period = NULL;
            SELECT MIN(period_start)
              INTO v_period
              FROM aggregation_queue
             WHERE level = 'hourly'
               AND next_attempt_at <= v_now
               AND period_start > v_last
               AND (period_start < v_hourly_done
                    OR aggregation_hours_done(period_start, TIMESTAMPADD(HOUR, 1, period_start)) = 1);
            IF v_period IS NULL THEN
                LEAVE queued_hours;
            END IF;
            SET v_last = v_period;
            SET v_count = v_count + 1;
            IF v_period < v_raw_purged THEN
                DELETE FROM aggregation_queue
                 WHERE level = 'hourly'
                   AND period_start = v_period;
                INSERT INTO aggregation_job_log
                    (job_type, period_start, period_end, status, started_at, finished_at,
                     rows_affected, error_message)
                VALUES
                    ('hourly', v_period, TIMESTAMPADD(HOUR, 1, v_period), 'skipped',
                     aggregation_clock(v_now, v_real_start), aggregation_clock(v_now, v_real_start),
                     0, 'Raw snapshots of this hour were purged by retention; the hourly rows are kept as they are');
            ELSE
                CALL aggregation_run_bucket('hourly', v_period, TIMESTAMPADD(HOUR, 1, v_period),
                                            'hourly', 2, 0, v_now, v_real_start,
                                            v_ok, v_rows, v_error);
                IF v_ok = 1 THEN
                    SET v_requeued_hours = v_requeued_hours + 1;
                    SET v_hour_rows = v_hour_rows + v_rows;
                ELSE
                    SET v_failures = v_failures + 1;
                END IF;
            END IF;
        END WHILE;

        -- 3. Days: queue the days completed by the hourly watermark, then do every
        --    due day whose hours are all aggregated and clean.
        INSERT INTO aggregation_queue
            (level, period_start, queued_at, failures, next_attempt_at, last_error)
        SELECT 'daily',
               c.local_date,
               v_now,
               0,
               v_now,
               NULL
          FROM calendar_days AS c
         WHERE c.local_date >= DATE(v_daily_done)
           AND c.local_date <= DATE(v_hourly_done)
           AND c.utc_end <= v_hourly_done
        ON DUPLICATE KEY UPDATE
            queued_at = VALUES(queued_at);

        SET v_last = '1000-01-01 00:00:00';
        SET v_count = 0;
        queued_days: WHILE v_count < v_max_hours DO
            SET v_period = NULL;
            SELECT MIN(period_start)
              INTO v_period
              FROM aggregation_queue
             WHERE level = 'daily'
               AND next_attempt_at <= v_now
               AND period_start > v_last;
            IF v_period IS NULL THEN
                LEAVE queued_days;
            END IF;
            SET v_last = v_period;
            SELECT utc_start, utc_end
              INTO v_day_start, v_day_end
              FROM calendar_days
             WHERE local_date = DATE(v_period);
            IF v_day_start < v_hourly_purged THEN
                SET v_count = v_count + 1;
                DELETE FROM aggregation_queue
                 WHERE level = 'daily'
                   AND period_start = v_period;
                INSERT INTO aggregation_job_log
                    (job_type, period_start, period_end, status, started_at, finished_at,
                     rows_affected, error_message)
                VALUES
                    ('daily', v_period, TIMESTAMPADD(DAY, 1, v_period), 'skipped',
                     aggregation_clock(v_now, v_real_start), aggregation_clock(v_now, v_real_start),
                     0, 'Hourly rows of this day were purged by retention; the daily row is kept as it is');
            ELSEIF aggregation_day_ready(DATE(v_period)) = 1 THEN
                SET v_count = v_count + 1;
                CALL aggregation_run_bucket('daily', v_period, TIMESTAMPADD(DAY, 1, v_period),
                                            'daily', 2, 0, v_now, v_real_start,
                                            v_ok, v_rows, v_error);
                IF v_ok = 1 THEN
                    SET v_days = v_days + 1;
                ELSE
                    SET v_failures = v_failures + 1;
                END IF;
            END IF;
        END WHILE;

        -- The daily watermark: the local day containing the hourly watermark.
        SELECT local_date
          INTO v_period
          FROM calendar_days
         WHERE utc_start <= v_hourly_done
         ORDER BY utc_start DESC
         LIMIT 1;
        UPDATE aggregation_watermarks
           SET done_through = v_period,
               updated_at = v_now
         WHERE level = 'daily'
           AND (done_through IS NULL OR done_through < v_period);

        -- 4. Years of the days done (partial for the current year).
        SET v_last = '1000-01-01 00:00:00';
        queued_years: LOOP
            SET v_period = NULL;
            SELECT MIN(period_start)
              INTO v_period
              FROM aggregation_queue
             WHERE level = 'yearly'
               AND next_attempt_at <= v_now
               AND period_start > v_last;
            IF v_period IS NULL THEN
                LEAVE queued_years;
            END IF;
            SET v_last = v_period;
            CALL aggregation_run_bucket('yearly', v_period, TIMESTAMPADD(YEAR, 1, v_period),
                                        'yearly', 2, 0, v_now, v_real_start,
                                        v_ok, v_rows, v_error);
            IF v_ok = 1 THEN
                SET v_years = v_years + 1;
            ELSE
                SET v_failures = v_failures + 1;
            END IF;
        END LOOP;
    END IF;

    IF v_hourly_done IS NULL THEN
        SET v_summary = 'Nothing to aggregate: no snapshots yet';
    ELSEIF v_new_hours = 1 AND v_requeued_hours = 0 THEN
        SET v_summary = CONCAT('Aggregated ', v_hour_rows, ' parks for ',
                               DATE_FORMAT(v_first_new, '%Y-%m-%d %H:00'));
    ELSEIF v_new_hours > 0 THEN
        SET v_summary = CONCAT('Aggregated ', v_new_hours, ' new hour(s) from ',
                               DATE_FORMAT(v_first_new, '%Y-%m-%d %H:00'));
    ELSE
        SET v_summary = CONCAT('No new complete hour (aggregated through ',
                               DATE_FORMAT(v_hourly_done, '%Y-%m-%d %H:00'), ')');
    END IF;
    SET v_summary = CONCAT(v_summary,
                           IF(v_requeued_hours > 0, CONCAT(', re-aggregated ', v_requeued_hours,
                                                           ' dirty hour(s)'), ''),
                           ', ', v_days, ' day(s), ', v_years, ' year(s)',
                           IF(v_failures > 0, CONCAT(', ', v_failures,
                                                     ' FAILED bucket(s) (see aggregation_job_log)'), ''),
                           '; ', v_hour_rows, ' hourly row(s) written in ',
                           ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1),
                           ' ms');

    SET v_summary = CONCAT(v_summary,
                           IF(v_abandoned > 0, CONCAT('; marked ', v_abandoned,
                                                      ' abandoned job(s) failed'), ''));
    CALL aggregation_job_end(v_cycle_id, 'success', v_hour_rows, NULL, NULL,
                             IF(v_failures > 0 OR v_abandoned > 0, v_summary, NULL),
                             v_now, v_real_start);

    SELECT v_summary AS summary,
           v_new_hours AS hours_aggregated,
           v_requeued_hours AS hours_reaggregated,
           v_days AS days_aggregated,
           v_years AS years_aggregated,
           v_failures AS failures,
           ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1) AS duration_ms;
END
