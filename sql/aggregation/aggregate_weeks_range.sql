CREATE PROCEDURE aggregate_weeks_range(
    IN p_from_week DATE,
    IN p_to_week DATE,
    IN p_now DATETIME,
    OUT p_rows BIGINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: writes weekly_park_stats for every local Sunday-Saturday week whose
week_start is in [p_from_week, p_to_week) with one set-based INSERT ... SELECT
... ON DUPLICATE KEY UPDATE (absolute values), summing the daily rows of
[week_start, week_start + 7 days) per park. days_covered counts the daily
rows. Keys: parks with a daily row in the week, and parks that already have a
weekly row (zeroed when their days are gone). Does not commit, log or move
watermarks. p_rows returns the weekly rows in the range afterwards.

Parameters
----------
p_from_week (DATE): first week_start (a Sunday; earlier dates are rounded down).
p_to_week (DATE): end of the range (exclusive).
p_now (DATETIME): value written to aggregated_at.
p_rows (OUT BIGINT): weekly rows in the range.

Example
-------
CALL aggregate_weeks_range(''2026-11-15'', ''2026-11-22'', UTC_TIMESTAMP(), @rows);
'
BEGIN
    DECLARE v_from DATE;

    -- Round down to the Sunday starting the week (DAYOFWEEK: Sunday = 1).
    SET v_from = p_from_week - INTERVAL (DAYOFWEEK(p_from_week) - 1) DAY;

    INSERT INTO weekly_park_stats
        (week_start, park_id, days_covered, sample_count, open_sample_count, shame_sum, shame_count,
         wait_sum, wait_count, peak_wait_minutes, down_samples, weighted_down_samples,
         operating_samples, max_rides_down, aggregated_at)
    SELECT b.week_start,
           b.park_id,
           SUM(b.days_covered),
           SUM(b.sample_count),
           SUM(b.open_sample_count),
           SUM(b.shame_sum),
           SUM(b.shame_count),
           SUM(b.wait_sum),
           SUM(b.wait_count),
           MAX(b.peak_wait_minutes),
           SUM(b.down_samples),
           SUM(b.weighted_down_samples),
           SUM(b.operating_samples),
           MAX(b.max_rides_down),
           p_now
      FROM (
            -- The daily rows of each week, summed per park ...
            SELECT c.week_start AS week_start,
                   d.park_id AS park_id,
                   COUNT(*) AS days_covered,
                   SUM(d.sample_count) AS sample_count,
                   SUM(d.open_sample_count) AS open_sample_count,
                   SUM(d.shame_sum) AS shame_sum,
                   SUM(d.shame_count) AS shame_count,
                   SUM(d.wait_sum) AS wait_sum,
                   SUM(d.wait_count) AS wait_count,
                   MAX(d.peak_wait_minutes) AS peak_wait_minutes,
                   SUM(d.down_samples) AS down_samples,
                   SUM(d.weighted_down_samples) AS weighted_down_samples,
                   SUM(d.operating_samples) AS operating_samples,
                   MAX(d.max_rides_down) AS max_rides_down
              FROM daily_park_stats AS d
              JOIN calendar_days AS c
                ON c.local_date = d.stat_date
             WHERE d.stat_date >= v_from
               AND d.stat_date < p_to_week + INTERVAL 6 DAY
               AND c.week_start >= v_from
               AND c.week_start < p_to_week
             GROUP BY c.week_start, d.park_id
            UNION ALL
            -- ... and a zero row for every weekly row already there (its days may be gone).
            SELECT w.week_start,
                   w.park_id,
                   0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, NULL
              FROM weekly_park_stats AS w
             WHERE w.week_start >= v_from
               AND w.week_start < p_to_week
           ) AS b
     GROUP BY b.week_start, b.park_id
    ON DUPLICATE KEY UPDATE
        days_covered = VALUES(days_covered),
        sample_count = VALUES(sample_count),
        open_sample_count = VALUES(open_sample_count),
        shame_sum = VALUES(shame_sum),
        shame_count = VALUES(shame_count),
        wait_sum = VALUES(wait_sum),
        wait_count = VALUES(wait_count),
        peak_wait_minutes = VALUES(peak_wait_minutes),
        down_samples = VALUES(down_samples),
        weighted_down_samples = VALUES(weighted_down_samples),
        operating_samples = VALUES(operating_samples),
        max_rides_down = VALUES(max_rides_down),
        aggregated_at = VALUES(aggregated_at);

    SELECT COUNT(*)
      INTO p_rows
      FROM weekly_park_stats
     WHERE week_start >= v_from
       AND week_start < p_to_week;
END
