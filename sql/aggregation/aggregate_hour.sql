CREATE PROCEDURE aggregate_hour(IN p_hour_start_utc DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Recomputes one UTC hour of hourly_park_stats for all parks from the raw
snapshots, in one transaction (absolute values: running it again changes
nothing). If the hour''s local day was already aggregated, the day is queued
and the next run_aggregation() cycle redoes it and its year. Refuses an hour
that has not ended yet, and an hour whose raw snapshots were purged by
retention (its rows are kept as they are). Logged in aggregation_job_log
(job_type hourly). Returns a one-row summary.

Parameters
----------
p_hour_start_utc (DATETIME): any instant of the UTC hour (truncated to the hour).

Example
-------
CALL aggregate_hour(''2026-11-23 14:00:00'');
'
BEGIN
    DECLARE v_now DATETIME DEFAULT parkstats_now();
    DECLARE v_real_start DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
    DECLARE v_hour DATETIME;
    DECLARE v_raw_purged DATETIME DEFAULT NULL;
    DECLARE v_ok TINYINT DEFAULT 0;
    DECLARE v_rows BIGINT DEFAULT 0;
    DECLARE v_error VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL;
    DECLARE v_summary VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

    SET v_hour = TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', p_hour_start_utc), '2000-01-01');
    SELECT done_through
      INTO v_raw_purged
      FROM aggregation_watermarks
     WHERE level = 'raw_purged';

    IF v_hour IS NULL OR TIMESTAMPADD(HOUR, 1, v_hour) > v_now THEN
        SET v_summary = CONCAT('Skipped ', COALESCE(DATE_FORMAT(v_hour, '%Y-%m-%d %H:00'), 'NULL'),
                               ': the hour has not ended yet');
    ELSEIF v_hour < v_raw_purged THEN
        SET v_summary = CONCAT('Skipped ', DATE_FORMAT(v_hour, '%Y-%m-%d %H:00'),
                               ': its raw snapshots were purged (before ',
                               DATE_FORMAT(v_raw_purged, '%Y-%m-%d %H:%i'),
                               '); the hourly rows are kept as they are');
    ELSE
        CALL aggregation_run_bucket('hourly', v_hour, TIMESTAMPADD(HOUR, 1, v_hour), 'hourly', 1, 0,
                                    v_now, v_real_start, v_ok, v_rows, v_error);
        IF v_ok = 1 THEN
            SET v_summary = CONCAT('Aggregated ', v_rows, ' parks for ',
                                   DATE_FORMAT(v_hour, '%Y-%m-%d %H:00'));
        ELSE
            SET v_summary = CONCAT('FAILED ', DATE_FORMAT(v_hour, '%Y-%m-%d %H:00'), ': ', v_error);
        END IF;
    END IF;
    IF v_ok = 0 AND v_error IS NULL THEN
        INSERT INTO aggregation_job_log
            (job_type, period_start, period_end, status, started_at, finished_at, rows_affected,
             error_message)
        VALUES
            ('hourly', v_hour, TIMESTAMPADD(HOUR, 1, v_hour), 'skipped',
             aggregation_clock(v_now, v_real_start), aggregation_clock(v_now, v_real_start), 0,
             v_summary);
    END IF;

    SELECT LEFT(CONCAT(v_summary, ' in ',
                       ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1),
                       ' ms'), 1024) AS summary,
           IF(v_ok = 1, 'success', IF(v_error IS NULL, 'skipped', 'failed')) AS status,
           v_rows AS rows_affected,
           ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1) AS duration_ms;
END
