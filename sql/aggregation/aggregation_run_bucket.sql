CREATE PROCEDURE aggregation_run_bucket(
    IN p_level VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin,
    IN p_start DATETIME,
    IN p_end DATETIME,
    IN p_job_type VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin,
    IN p_on_failure TINYINT,
    IN p_advance TINYINT,
    IN p_now DATETIME,
    IN p_real_start DATETIME(6),
    OUT p_ok TINYINT,
    OUT p_rows BIGINT,
    OUT p_error VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: (re)aggregates one bucket (or one batch of buckets) of a level in
its own transaction, park and ride tables alike (hourly_park_stats and
hourly_ride_stats, ...: aggregate_ride_*_range), and logs it in
aggregation_job_log.
  hourly: the UTC hours in [p_start, p_end); removes them from
          aggregation_queue; queues their local days that were already
          aggregated (before the daily watermark, or wholly aggregated hours
          ahead of it); moves the hourly watermark (p_advance) or records the
          hours as aggregated ahead of it (aggregated_ranges, merged), and
          when the watermark reaches a recorded range, moves it to the
          range''s end; all in the same transaction.
  daily:  the local dates in [DATE(p_start), DATE(p_end)) (the rides''
          from their running sums when those agree with the hours:
          aggregate_ride_days_range), then the Sunday-Saturday weeks they
          touch (weekly_park_stats); removes them from the queue. A new day
          (one day without any daily row before) is added to the rides''
          weeks, months and years and the parks'' years
          (aggregate_new_day_upward); a day that had rows, or a range of
          days, regroups the rides'' weeks (weekly_ride_stats) and months
          (monthly_ride_stats, from those weeks:
          aggregate_ride_months_range) and queues its years.
  yearly: the years in [YEAR(p_start), YEAR(p_end)) (rides: from their monthly
          rows); removes them from the queue.
On any SQL error an exit handler rolls back, reads SQLSTATE, errno and message
with GET DIAGNOSTICS and, depending on p_on_failure, logs the failure and
queues the bucket with a growing back-off (5 min, 10, 20, ... up to 1 day),
then returns p_ok = 0 so the caller goes on with the next bucket.

Parameters
----------
p_level (VARCHAR): hourly, daily or yearly.
p_start, p_end (DATETIME): the bucket range; p_end exclusive.
p_job_type (VARCHAR): job_type written to the log (the level, or backfill).
p_on_failure (TINYINT): 0 roll back silently, 1 log, 2 log and queue with back-off.
p_advance (TINYINT): hourly only: 1 moves the hourly watermark to p_end on
    success (the cycle: hours skipped before p_start are queued); 2 moves it
    if it is NULL or inside [p_start, p_end], else records the hours from the
    watermark on in aggregated_ranges (backfill: never claims hours before
    p_start); 3 is 2 without starting a NULL watermark (a backfill that
    leaves older snapshots behind); 0 leaves it all (a re-aggregation).
p_now (DATETIME), p_real_start (DATETIME(6)): the caller''s clock readings.
p_ok (OUT TINYINT): 1 on success.
p_rows (OUT BIGINT): rows of the level in the range.
p_error (OUT VARCHAR): "errno SQLSTATE: message" on failure.

Example
-------
CALL aggregation_run_bucket(''hourly'', ''2026-11-23 14:00:00'', ''2026-11-23 15:00:00'',
    ''hourly'', 2, 0, UTC_TIMESTAMP(), UTC_TIMESTAMP(6), @ok, @rows, @error);
'
BEGIN
    DECLARE v_started DATETIME(3);
    DECLARE v_sqlstate CHAR(5) CHARACTER SET ascii COLLATE ascii_bin DEFAULT NULL;
    DECLARE v_errno INT DEFAULT NULL;
    DECLARE v_message VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL;
    DECLARE v_daily_done DATETIME DEFAULT NULL;
    DECLARE v_hourly_done DATETIME DEFAULT NULL;
    DECLARE v_range_start DATETIME DEFAULT NULL;
    DECLARE v_range_end DATETIME DEFAULT NULL;
    DECLARE v_week_rows BIGINT DEFAULT 0;
    DECLARE v_ride_rows BIGINT DEFAULT 0;
    DECLARE v_new_day TINYINT DEFAULT 0;

    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        GET DIAGNOSTICS CONDITION 1
            v_sqlstate = RETURNED_SQLSTATE,
            v_errno = MYSQL_ERRNO,
            v_message = MESSAGE_TEXT;
        ROLLBACK;
        SET p_ok = 0;
        SET p_rows = 0;
        SET p_error = LEFT(CONCAT(COALESCE(v_errno, 0), ' ', COALESCE(v_sqlstate, '?????'), ': ',
                                  COALESCE(v_message, 'unknown error')), 1024);
        IF p_on_failure >= 1 THEN
            INSERT INTO aggregation_job_log
                (job_type, period_start, period_end, status, started_at, finished_at,
                 rows_affected, error_code, error_sqlstate, error_message)
            VALUES
                (p_job_type, p_start, p_end, 'failed', v_started,
                 aggregation_clock(p_now, p_real_start), 0, v_errno, v_sqlstate,
                 LEFT(v_message, 1024));
        END IF;
        IF p_on_failure >= 2 THEN
            INSERT INTO aggregation_queue
                (level, period_start, queued_at, failures, next_attempt_at, last_error)
            VALUES
                (p_level, p_start, p_now, 1, TIMESTAMPADD(MINUTE, 5, p_now), p_error)
            ON DUPLICATE KEY UPDATE
                failures = failures + 1,
                next_attempt_at = TIMESTAMPADD(MINUTE, LEAST(1440, 5 << LEAST(failures - 1, 9)),
                                               VALUES(queued_at)),
                last_error = VALUES(last_error);
        END IF;
    END;

    SET v_started = aggregation_clock(p_now, p_real_start);
    SET p_ok = 0;
    SET p_rows = 0;
    SET p_error = NULL;

    START TRANSACTION;

    IF p_level = 'hourly' THEN
        CALL aggregate_hours_range(p_start, p_end, p_now, p_rows);
        CALL aggregate_ride_hours_range(p_start, p_end, p_now, v_ride_rows);

        DELETE FROM aggregation_queue
         WHERE level = 'hourly'
           AND period_start >= p_start
           AND period_start < p_end;

        SELECT done_through
          INTO v_daily_done
          FROM aggregation_watermarks
         WHERE level = 'daily';

        -- Days already aggregated that contain these hours must be redone.
        INSERT INTO aggregation_queue
            (level, period_start, queued_at, failures, next_attempt_at, last_error)
        SELECT 'daily',
               c.local_date,
               p_now,
               0,
               p_now,
               NULL
          FROM calendar_days AS c
         WHERE c.utc_start < p_end
           AND c.utc_start > TIMESTAMPADD(HOUR, -26, p_start)
           AND c.utc_end > p_start
           AND (c.local_date < v_daily_done
                OR aggregation_hours_done(c.utc_start, c.utc_end) = 1)
        ON DUPLICATE KEY UPDATE
            queued_at = VALUES(queued_at);

        SELECT done_through
          INTO v_hourly_done
          FROM aggregation_watermarks
         WHERE level = 'hourly'
           FOR UPDATE;
        IF p_advance = 1
           OR (p_advance = 2 AND v_hourly_done IS NULL)
           OR (p_advance IN (2, 3) AND v_hourly_done >= p_start AND v_hourly_done <= p_end) THEN
            SET v_hourly_done = GREATEST(COALESCE(v_hourly_done, p_end), p_end);
        ELSEIF p_advance IN (2, 3) AND (v_hourly_done IS NULL OR v_hourly_done < p_end) THEN
            -- Ahead of the watermark: record the hours as aggregated, merged with
            -- the ranges they overlap or touch.
            SET v_range_start = GREATEST(p_start, COALESCE(v_hourly_done, p_start));
            SELECT LEAST(v_range_start, COALESCE(MIN(range_start), v_range_start)),
                   GREATEST(p_end, COALESCE(MAX(range_end), p_end))
              INTO v_range_start, v_range_end
              FROM aggregated_ranges
             WHERE range_start <= p_end
               AND range_end >= v_range_start;
            DELETE FROM aggregated_ranges
             WHERE range_start >= v_range_start
               AND range_start <= v_range_end;
            INSERT INTO aggregated_ranges
                (range_start, range_end, aggregated_at)
            VALUES
                (v_range_start, v_range_end, p_now);
        END IF;
        IF p_advance > 0 AND v_hourly_done IS NOT NULL THEN
            -- The watermark reached ranges aggregated ahead of it: it jumps to their end.
            SELECT MAX(range_end)
              INTO v_range_end
              FROM aggregated_ranges
             WHERE range_start <= v_hourly_done;
            IF v_range_end IS NOT NULL THEN
                DELETE FROM aggregated_ranges
                 WHERE range_start <= v_hourly_done;
                SET v_hourly_done = GREATEST(v_hourly_done, v_range_end);
            END IF;
            UPDATE aggregation_watermarks
               SET done_through = v_hourly_done,
                   updated_at = p_now
             WHERE level = 'hourly'
               AND (done_through IS NULL OR done_through < v_hourly_done);
        END IF;
    ELSEIF p_level = 'daily' THEN
        -- A new day (one day without any daily row of a park or ride yet: the cycle
        -- that completes a day) is added to the rides' weeks, months and years and
        -- the parks' years (aggregate_new_day_upward); a day that had rows, or a
        -- range of days (a backfill), regroups them.
        SET v_new_day = DATE(p_end) = DATE(p_start) + INTERVAL 1 DAY
                        AND NOT EXISTS (SELECT 1
                                          FROM daily_park_stats
                                         WHERE stat_date >= DATE(p_start)
                                           AND stat_date < DATE(p_end))
                        AND NOT EXISTS (SELECT 1
                                          FROM daily_ride_stats
                                         WHERE stat_date >= DATE(p_start)
                                           AND stat_date < DATE(p_end));
        CALL aggregate_days_range(DATE(p_start), DATE(p_end), p_now, p_rows);
        CALL aggregate_ride_days_range(DATE(p_start), DATE(p_end), p_now, 1, v_ride_rows);
        -- The parks' weeks holding these days, in the same transaction (DAYOFWEEK:
        -- Sunday = 1).
        CALL aggregate_weeks_range(
            DATE(p_start) - INTERVAL (DAYOFWEEK(p_start) - 1) DAY,
            DATE(p_end) - INTERVAL (DAYOFWEEK(DATE(p_end) - INTERVAL 1 DAY) - 1) DAY + INTERVAL 6 DAY,
            p_now, v_week_rows);
        IF v_new_day THEN
            CALL aggregate_new_day_upward(DATE(p_start), p_now);
        ELSE
            -- The rides' weeks holding these days, then their months (from those weeks
            -- and their other days).
            CALL aggregate_ride_weeks_range(
                DATE(p_start) - INTERVAL (DAYOFWEEK(p_start) - 1) DAY,
                DATE(p_end) - INTERVAL (DAYOFWEEK(DATE(p_end) - INTERVAL 1 DAY) - 1) DAY + INTERVAL 6 DAY,
                p_now, v_week_rows);
            CALL aggregate_ride_months_range(
                DATE(p_start) - INTERVAL (DAYOFMONTH(p_start) - 1) DAY,
                LAST_DAY(DATE(p_end) - INTERVAL 1 DAY) + INTERVAL 1 DAY,
                p_now, v_week_rows);
        END IF;

        DELETE FROM aggregation_queue
         WHERE level = 'daily'
           AND period_start >= p_start
           AND period_start < p_end;

        IF NOT v_new_day THEN
            INSERT INTO aggregation_queue
                (level, period_start, queued_at, failures, next_attempt_at, last_error)
            SELECT 'yearly',
                   MAKEDATE(y.year, 1),
                   p_now,
                   0,
                   p_now,
                   NULL
              FROM (
                    SELECT DISTINCT c.year
                      FROM calendar_days AS c
                     WHERE c.local_date >= DATE(p_start)
                       AND c.local_date < DATE(p_end)
                   ) AS y
            ON DUPLICATE KEY UPDATE
                queued_at = VALUES(queued_at);
        END IF;
    ELSEIF p_level = 'yearly' THEN
        CALL aggregate_years_range(YEAR(p_start), YEAR(p_end), p_now, p_rows);
        CALL aggregate_ride_years_range(YEAR(p_start), YEAR(p_end), p_now, v_ride_rows);

        DELETE FROM aggregation_queue
         WHERE level = 'yearly'
           AND period_start >= p_start
           AND period_start < p_end;
    ELSE
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'aggregation_run_bucket: level must be hourly, daily or yearly';
    END IF;

    INSERT INTO aggregation_job_log
        (job_type, period_start, period_end, status, started_at, finished_at, rows_affected)
    VALUES
        (p_job_type, p_start, p_end, 'success', v_started,
         aggregation_clock(p_now, p_real_start), p_rows);

    COMMIT;
    SET p_ok = 1;
END
