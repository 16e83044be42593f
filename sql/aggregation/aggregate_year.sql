CREATE PROCEDURE aggregate_year(IN p_year SMALLINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Recomputes one local calendar year of yearly_park_stats for all parks by
summing its daily rows, in one transaction (absolute values). days_covered
counts the daily rows; is_complete is 1 once the year has ended and every
day of it is aggregated. Logged in aggregation_job_log (job_type yearly;
period = Jan 1 at 00:00). Returns a one-row summary.

Parameters
----------
p_year (SMALLINT): the local calendar year.

Example
-------
CALL aggregate_year(2026);
'
BEGIN
    DECLARE v_now DATETIME DEFAULT parkstats_now();
    DECLARE v_real_start DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
    DECLARE v_ok TINYINT DEFAULT 0;
    DECLARE v_rows BIGINT DEFAULT 0;
    DECLARE v_error VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL;
    DECLARE v_summary VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

    IF p_year IS NULL OR p_year < 2000 OR p_year > 2100 THEN
        SET v_summary = CONCAT('Skipped year ', COALESCE(p_year, 'NULL'),
                               ': outside calendar_days (2000-2100)');
        SET v_error = NULL;
    ELSE
        CALL aggregation_run_bucket('yearly', MAKEDATE(p_year, 1), MAKEDATE(p_year + 1, 1), 'yearly',
                                    1, 0, v_now, v_real_start, v_ok, v_rows, v_error);
        IF v_ok = 1 THEN
            SET v_summary = CONCAT('Aggregated ', v_rows, ' parks for ', p_year);
        ELSE
            SET v_summary = CONCAT('FAILED ', p_year, ': ', v_error);
        END IF;
    END IF;

    SELECT LEFT(CONCAT(v_summary, ' in ',
                       ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1),
                       ' ms'), 1024) AS summary,
           IF(v_ok = 1, 'success', IF(v_error IS NULL, 'skipped', 'failed')) AS status,
           v_rows AS rows_affected,
           ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1) AS duration_ms;
END
