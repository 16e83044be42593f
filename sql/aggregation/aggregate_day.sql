CREATE PROCEDURE aggregate_day(IN p_stat_date DATE)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Recomputes one local day of daily_park_stats for all parks by summing its
hourly rows in [local midnight, next local midnight) from calendar_days
(23, 24 or 25 hours), in one transaction (absolute values). Its year is
queued, and the next run_aggregation() cycle updates it (or call
aggregate_year); a day without daily rows yet is added to its year in the
same transaction instead (aggregate_new_day_upward). Refuses a day whose hourly rows were purged by retention.
Logged in aggregation_job_log (job_type daily; period = the local date at
00:00). Returns a one-row summary.

Parameters
----------
p_stat_date (DATE): the local date in the reporting time zone.

Example
-------
CALL aggregate_day(''2026-11-23'');
'
BEGIN
    DECLARE v_now DATETIME DEFAULT parkstats_now();
    DECLARE v_real_start DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
    DECLARE v_day_start DATETIME DEFAULT NULL;
    DECLARE v_hourly_purged DATETIME DEFAULT NULL;
    DECLARE v_ok TINYINT DEFAULT 0;
    DECLARE v_rows BIGINT DEFAULT 0;
    DECLARE v_error VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL;
    DECLARE v_summary VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

    SELECT utc_start
      INTO v_day_start
      FROM calendar_days
     WHERE local_date = p_stat_date;
    SELECT done_through
      INTO v_hourly_purged
      FROM aggregation_watermarks
     WHERE level = 'hourly_purged';

    IF v_day_start IS NULL THEN
        SET v_summary = CONCAT('Skipped ', COALESCE(p_stat_date, 'NULL'), ': not a date of calendar_days');
    ELSEIF v_day_start < v_hourly_purged THEN
        SET v_summary = CONCAT('Skipped ', p_stat_date, ': its hourly rows were purged (before ',
                               DATE_FORMAT(v_hourly_purged, '%Y-%m-%d %H:%i'),
                               '); the daily row is kept as it is');
    ELSE
        CALL aggregation_run_bucket('daily', p_stat_date, p_stat_date + INTERVAL 1 DAY, 'daily', 1, 0,
                                    v_now, v_real_start, v_ok, v_rows, v_error);
        IF v_ok = 1 THEN
            SET v_summary = CONCAT('Aggregated ', v_rows, ' parks for ', p_stat_date);
        ELSE
            SET v_summary = CONCAT('FAILED ', p_stat_date, ': ', v_error);
        END IF;
    END IF;
    IF v_ok = 0 AND v_error IS NULL THEN
        INSERT INTO aggregation_job_log
            (job_type, period_start, period_end, status, started_at, finished_at, rows_affected,
             error_message)
        VALUES
            ('daily', p_stat_date, p_stat_date + INTERVAL 1 DAY, 'skipped',
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
