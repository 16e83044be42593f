CREATE PROCEDURE apply_retention()
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
The daily clean-up (ev_apply_retention runs it once a day):
1. adds the daily park_snapshots partitions ahead (maintain_snapshot_partitions(NULL));
2. raw snapshots: drops, oldest first, every whole daily partition that ended
   more than raw_retention_days ago (and truncates p_archive, everything
   before the first daily partition, once all of it is that old), but only
   while every hour of the partition is aggregated and clean (before the
   hourly watermark, nothing queued in aggregation_queue); it stops at the
   first partition that is not and logs what it kept and why. A dropped
   partition''s range passes to the next one, so each partition''s lower bound
   is the previous one''s upper bound (information_schema.PARTITIONS). Moves
   the raw_purged watermark. ride_snapshots'' partition of the same day is
   dropped with it (the two tables have the same partitions);
   ride_operating_days is trimmed alike, and so is ride_latest_snapshots (the
   rides whose newest ride row was purged have none left);
3. hourly_park_stats and hourly_ride_stats (and hourly_ride_totals): deletes, in batches of 10,000 rows, whole local days
   older than hourly_retention_days whose daily rows are done; moves the
   hourly_purged watermark. daily_park_stats and yearly_park_stats are kept forever,
   and so are the daily, weekly, monthly and yearly ride rows;
4. running_daily_park_stats and running_daily_ride_stats: rows of local days
   more than 7 days before the daily watermark (those days are read from
   daily_park_stats and daily_ride_stats; the margin covers readers holding a
   slightly old copy of the watermark); running_rows_deleted counts both;
5. aggregation_job_log rows older than job_log_retention_days.
Holds the aggregation lock (waits up to 60 s); does nothing on a read-only
server. Logged as job_type retention. Returns the partition summary of
maintain_snapshot_partitions, then its own one-row summary.

Parameters
----------
None. The clock is parkstats_now() (tests may set @parkstats_now).

Example
-------
CALL apply_retention();
'
proc: BEGIN
    DECLARE v_now DATETIME;
    DECLARE v_real_start DATETIME(6);
    DECLARE v_state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin;
    DECLARE v_abandoned INT DEFAULT 0;
    DECLARE v_job_id BIGINT UNSIGNED DEFAULT NULL;
    DECLARE v_raw_cutoff DATETIME;
    DECLARE v_hourly_cutoff DATETIME;
    DECLARE v_log_cutoff DATETIME;
    DECLARE v_hourly_done DATETIME DEFAULT NULL;
    DECLARE v_daily_done DATETIME DEFAULT NULL;
    DECLARE v_raw_purged DATETIME DEFAULT NULL;
    DECLARE v_hourly_purged DATETIME DEFAULT NULL;
    DECLARE v_new_raw_purged DATETIME DEFAULT NULL;
    DECLARE v_position BIGINT DEFAULT 0;
    DECLARE v_partition VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin;
    DECLARE v_description VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin;
    DECLARE v_lower DATETIME DEFAULT '1000-01-01 00:00:00';
    DECLARE v_upper DATETIME;
    DECLARE v_dirty DATETIME;
    DECLARE v_queued_day DATETIME;
    DECLARE v_kept VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL;
    DECLARE v_dropped INT DEFAULT 0;
    DECLARE v_oldest_dropped DATETIME DEFAULT NULL;
    DECLARE v_batch BIGINT;
    DECLARE v_hourly_deleted BIGINT DEFAULT 0;
    DECLARE v_running_deleted BIGINT DEFAULT 0;
    DECLARE v_log_deleted BIGINT DEFAULT 0;
    DECLARE v_operating_deleted BIGINT DEFAULT 0;
    DECLARE v_operating_cutoff DATE DEFAULT NULL;
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
        SET @parkstats_ddl = NULL;
        IF v_new_raw_purged IS NOT NULL THEN
            UPDATE aggregation_watermarks
               SET done_through = v_new_raw_purged,
                   updated_at = v_now
             WHERE level = 'raw_purged'
               AND (done_through IS NULL OR done_through < v_new_raw_purged);
        END IF;
        CALL aggregation_job_end(v_job_id, 'failed', 0, v_errno, v_sqlstate, v_message,
                                 v_now, v_real_start);
        SELECT LEFT(CONCAT('Retention failed: ', COALESCE(v_errno, 0), ' ', COALESCE(v_sqlstate, ''),
                           ': ', COALESCE(v_message, '')), 1024) AS summary,
               v_dropped AS partitions_dropped,
               v_hourly_deleted AS hourly_rows_deleted,
               v_running_deleted AS running_rows_deleted,
               v_log_deleted AS job_log_rows_deleted,
               ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1)
                   AS duration_ms;
    END;

    SET v_now = parkstats_now();
    SET v_real_start = UTC_TIMESTAMP(6);
    CALL aggregation_job_begin('retention', NULL, NULL, 60,
                               'The aggregation lock stayed busy for 60 s; retention runs again tomorrow',
                               v_now, v_real_start, v_job_id, v_state, v_abandoned);
    IF v_state <> 'running' THEN
        SELECT CASE v_state
                   WHEN 'read_only' THEN
                       'Read-only server (a replica?): apply_retention() did nothing; the primary''s retention replicates'
                   WHEN 'not_primary' THEN
                       CONCAT('Not run: ', primary_of_record_state(), ' (logged as skipped); apply_retention() did nothing')
                   ELSE 'Skipped: the aggregation lock is busy'
               END AS summary,
               0 AS partitions_dropped, 0 AS hourly_rows_deleted, 0 AS running_rows_deleted,
               0 AS job_log_rows_deleted,
               ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1)
                   AS duration_ms;
        LEAVE proc;
    END IF;

    -- 1. Partitions ahead.
    CALL maintain_snapshot_partitions(NULL);

    SET v_raw_cutoff = TIMESTAMPADD(DAY, -CAST(parkstats_setting('raw_retention_days') AS UNSIGNED), v_now);
    SET v_hourly_cutoff = TIMESTAMPADD(DAY, -CAST(parkstats_setting('hourly_retention_days') AS UNSIGNED),
                                       v_now);
    SET v_log_cutoff = TIMESTAMPADD(DAY, -CAST(parkstats_setting('job_log_retention_days') AS UNSIGNED),
                                    v_now);
    SELECT MAX(CASE WHEN level = 'hourly' THEN done_through END),
           MAX(CASE WHEN level = 'daily' THEN done_through END),
           MAX(CASE WHEN level = 'raw_purged' THEN done_through END),
           MAX(CASE WHEN level = 'hourly_purged' THEN done_through END)
      INTO v_hourly_done, v_daily_done, v_raw_purged, v_hourly_purged
      FROM aggregation_watermarks;

    -- 2. Raw partitions, oldest first, while old, aggregated and clean.
    raw_partitions: LOOP
        SET v_partition = NULL;
        SELECT PARTITION_NAME, PARTITION_DESCRIPTION, PARTITION_ORDINAL_POSITION
          INTO v_partition, v_description, v_position
          FROM information_schema.PARTITIONS
         WHERE TABLE_SCHEMA = DATABASE()
           AND TABLE_NAME = 'park_snapshots'
           AND PARTITION_ORDINAL_POSITION > v_position
         ORDER BY PARTITION_ORDINAL_POSITION
         LIMIT 1;
        IF v_partition IS NULL OR v_description = 'MAXVALUE' THEN
            LEAVE raw_partitions;
        END IF;
        SET v_upper = CAST(TRIM(BOTH '''' FROM v_description) AS DATETIME);
        IF v_upper > v_raw_cutoff THEN
            LEAVE raw_partitions;
        END IF;
        IF v_hourly_done IS NULL OR v_upper > v_hourly_done THEN
            SET v_kept = CONCAT('Kept raw partition ', v_partition, ' (', v_lower, ' .. ', v_upper,
                                ') and newer: not all of its hours are aggregated yet (hourly watermark ',
                                COALESCE(v_hourly_done, 'NULL'), ')');
            LEAVE raw_partitions;
        END IF;
        SET v_dirty = NULL;
        SELECT MIN(period_start)
          INTO v_dirty
          FROM aggregation_queue
         WHERE level = 'hourly'
           AND period_start >= v_lower
           AND period_start < v_upper;
        IF v_dirty IS NOT NULL THEN
            SET v_kept = CONCAT('Kept raw partition ', v_partition, ' (', v_lower, ' .. ', v_upper,
                                ') and newer: hour ', v_dirty,
                                ' is dirty or failed (queued in aggregation_queue)');
            LEAVE raw_partitions;
        END IF;
        IF v_partition = 'p_archive' THEN
            IF EXISTS (SELECT 1 FROM park_snapshots WHERE recorded_at < v_upper) THEN
                ALTER TABLE park_snapshots TRUNCATE PARTITION p_archive;
                ALTER TABLE ride_snapshots TRUNCATE PARTITION p_archive;
                SET v_dropped = v_dropped + 1;
                SET v_new_raw_purged = v_upper;
            END IF;
        ELSEIF v_partition REGEXP '^p[0-9]{8}$' THEN
            SET @parkstats_ddl = CONCAT('ALTER TABLE park_snapshots DROP PARTITION ', v_partition);
            PREPARE stmt FROM @parkstats_ddl;
            EXECUTE stmt;
            DEALLOCATE PREPARE stmt;
            -- The ride rows of the same day (ride_snapshots has the same partitions).
            SET @parkstats_ddl = CONCAT('ALTER TABLE ride_snapshots DROP PARTITION ', v_partition);
            PREPARE stmt FROM @parkstats_ddl;
            EXECUTE stmt;
            DEALLOCATE PREPARE stmt;
            SET @parkstats_ddl = NULL;
            -- The next partition now starts where this one started.
            SET v_position = v_position - 1;
            SET v_dropped = v_dropped + 1;
            SET v_new_raw_purged = v_upper;
        ELSE
            LEAVE raw_partitions;
        END IF;
        SET v_lower = v_upper;
    END LOOP;

    IF v_new_raw_purged IS NOT NULL THEN
        UPDATE aggregation_watermarks
           SET done_through = v_new_raw_purged,
               updated_at = v_now
         WHERE level = 'raw_purged'
           AND (done_through IS NULL OR done_through < v_new_raw_purged);
        SET v_raw_purged = GREATEST(COALESCE(v_raw_purged, v_new_raw_purged), v_new_raw_purged);
    END IF;
    IF v_kept IS NOT NULL THEN
        INSERT INTO aggregation_job_log
            (job_type, period_start, period_end, status, started_at, finished_at, rows_affected,
             error_message)
        VALUES
            ('retention', IF(v_lower = '1000-01-01 00:00:00', NULL, v_lower), v_upper, 'skipped',
             aggregation_clock(v_now, v_real_start), aggregation_clock(v_now, v_real_start), 0,
             LEFT(v_kept, 1024));
    END IF;

    -- ride_operating_days goes with the raw data it describes.
    IF v_raw_purged IS NOT NULL THEN
        SET v_operating_cutoff = local_date_of(v_raw_purged);
        SET v_batch = 1;
        WHILE v_batch > 0 DO
            DELETE FROM ride_operating_days
             WHERE local_date < v_operating_cutoff
             LIMIT 10000;
            SET v_batch = ROW_COUNT();
            SET v_operating_deleted = v_operating_deleted + v_batch;
        END WHILE;
    END IF;

    -- A ride whose newest row was purged has no ride row left: no live row either.
    IF v_raw_purged IS NOT NULL THEN
        DELETE FROM ride_latest_snapshots
         WHERE recorded_at < v_raw_purged;
    END IF;

    -- 3. Hourly rows: whole local days, only days whose daily rows are done.
    SELECT utc_start
      INTO v_hourly_cutoff
      FROM calendar_days
     WHERE utc_start <= v_hourly_cutoff
     ORDER BY utc_start DESC
     LIMIT 1;
    SELECT MIN(c.utc_start)
      INTO v_queued_day
      FROM aggregation_queue AS q
      JOIN calendar_days AS c
        ON c.local_date = DATE(q.period_start)
     WHERE q.level = 'daily';
    SET v_hourly_cutoff = LEAST(v_hourly_cutoff,
                                COALESCE((SELECT utc_start FROM calendar_days
                                           WHERE local_date = DATE(v_daily_done)), '1000-01-01'),
                                COALESCE(v_queued_day, v_hourly_cutoff));
    SET v_batch = 1;
    WHILE v_batch > 0 DO
        DELETE FROM hourly_park_stats
         WHERE hour_start_utc < v_hourly_cutoff
         ORDER BY hour_start_utc
         LIMIT 10000;
        SET v_batch = ROW_COUNT();
        SET v_hourly_deleted = v_hourly_deleted + v_batch;
    END WHILE;
    -- The rides' hourly rows go with them (same whole local days).
    SET v_batch = 1;
    WHILE v_batch > 0 DO
        DELETE FROM hourly_ride_stats
         WHERE hour_start_utc < v_hourly_cutoff
         ORDER BY hour_start_utc
         LIMIT 10000;
        SET v_batch = ROW_COUNT();
        SET v_hourly_deleted = v_hourly_deleted + v_batch;
    END WHILE;
    -- And their per-hour totals (one row an hour).
    DELETE FROM hourly_ride_totals
     WHERE hour_start_utc < v_hourly_cutoff;
    IF v_hourly_deleted > 0 THEN
        UPDATE aggregation_watermarks
           SET done_through = v_hourly_cutoff,
               updated_at = v_now
         WHERE level = 'hourly_purged'
           AND (done_through IS NULL OR done_through < v_hourly_cutoff);
    END IF;

    -- 4. Running sums of days long aggregated (7 days of margin below the daily
    --    watermark: a reader may hold a slightly old copy of it).
    SET v_batch = 1;
    WHILE v_batch > 0 AND v_daily_done IS NOT NULL DO
        DELETE FROM running_daily_park_stats
         WHERE stat_date < DATE(v_daily_done) - INTERVAL 7 DAY
         ORDER BY stat_date
         LIMIT 10000;
        SET v_batch = ROW_COUNT();
        SET v_running_deleted = v_running_deleted + v_batch;
    END WHILE;
    SET v_batch = 1;
    WHILE v_batch > 0 AND v_daily_done IS NOT NULL DO
        DELETE FROM running_daily_ride_stats
         WHERE stat_date < DATE(v_daily_done) - INTERVAL 7 DAY
         ORDER BY stat_date
         LIMIT 10000;
        SET v_batch = ROW_COUNT();
        SET v_running_deleted = v_running_deleted + v_batch;
    END WHILE;

    -- 5. The job log.
    SET v_batch = 1;
    WHILE v_batch > 0 DO
        DELETE FROM aggregation_job_log
         WHERE started_at < v_log_cutoff
           AND job_id <> v_job_id
         ORDER BY started_at
         LIMIT 10000;
        SET v_batch = ROW_COUNT();
        SET v_log_deleted = v_log_deleted + v_batch;
    END WHILE;

    SET v_summary = CONCAT(
        'Retention: dropped ', v_dropped, ' raw partition(s)',
        IF(v_new_raw_purged IS NULL, '', CONCAT(' (raw data now starts ', v_new_raw_purged, ')')),
        IF(v_kept IS NULL, '', CONCAT('; ', v_kept)),
        '; deleted ', v_hourly_deleted, ' hourly row(s), ', v_running_deleted,
        ' running daily row(s), ', v_operating_deleted,
        ' ride_operating_days row(s), ', v_log_deleted, ' job log row(s)',
        IF(v_abandoned > 0, CONCAT('; marked ', v_abandoned, ' abandoned job(s) failed'), ''), ' in ',
        ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1), ' ms');
    UPDATE aggregation_job_log
       SET period_end = v_new_raw_purged
     WHERE job_id = v_job_id;
    CALL aggregation_job_end(v_job_id, 'success',
                             v_hourly_deleted + v_running_deleted + v_log_deleted + v_operating_deleted,
                             NULL, NULL, v_summary, v_now, v_real_start);

    SELECT v_summary AS summary,
           v_dropped AS partitions_dropped,
           v_hourly_deleted AS hourly_rows_deleted,
           v_running_deleted AS running_rows_deleted,
           v_log_deleted AS job_log_rows_deleted,
           ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1) AS duration_ms;
END
