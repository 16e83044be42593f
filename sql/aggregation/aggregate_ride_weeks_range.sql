CREATE PROCEDURE aggregate_ride_weeks_range(
    IN p_from_week DATE,
    IN p_to_week DATE,
    IN p_now DATETIME,
    OUT p_rows BIGINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: rewrites weekly_ride_stats for every local Sunday-Saturday week whose
week_start is in [p_from_week, p_to_week): the range''s rows are deleted, then,
week by week, one INSERT ... SELECT sums the daily_ride_stats rows of
[week_start, week_start + 7 days) per ride (days_covered = how many; one week
per statement keeps the grouping key the ride alone). A ride gets a row for a
week where it has a daily row. Does not commit or log.

Parameters
----------
p_from_week (DATE): first week_start (a Sunday; earlier dates are rounded down).
p_to_week (DATE): end of the range (exclusive).
p_now (DATETIME): value written to aggregated_at.
p_rows (OUT BIGINT): weekly ride rows in the range afterwards.

Example
-------
CALL aggregate_ride_weeks_range(''2026-11-15'', ''2026-11-22'', UTC_TIMESTAMP(), @rows);
-- @rows = rides with daily rows that week
'
BEGIN
    DECLARE v_week DATE;

    -- Round down to the Sunday starting the week (DAYOFWEEK: Sunday = 1).
    SET v_week = p_from_week - INTERVAL (DAYOFWEEK(p_from_week) - 1) DAY;

    DELETE FROM weekly_ride_stats
     WHERE week_start >= v_week
       AND week_start < p_to_week;

    SET p_rows = 0;
    WHILE v_week < p_to_week DO
        INSERT INTO weekly_ride_stats
            (week_start, ride_id, park_id, days_covered, sample_count, open_sample_count,
             operating_samples, down_samples, closed_samples, refurbishment_samples,
             wait_sum, wait_count, peak_wait_minutes, aggregated_at)
        SELECT v_week,
               d.ride_id,
               MAX(d.park_id),
               COUNT(*),
               SUM(d.sample_count),
               SUM(d.open_sample_count),
               SUM(d.operating_samples),
               SUM(d.down_samples),
               SUM(d.closed_samples),
               SUM(d.refurbishment_samples),
               SUM(d.wait_sum),
               SUM(d.wait_count),
               MAX(d.peak_wait_minutes),
               p_now
          FROM daily_ride_stats AS d
         WHERE d.stat_date >= v_week
           AND d.stat_date < v_week + INTERVAL 7 DAY
         GROUP BY d.ride_id;
        -- The week's rows were deleted above: every row of the week is one inserted.
        SET p_rows = p_rows + ROW_COUNT();
        SET v_week = v_week + INTERVAL 7 DAY;
    END WHILE;
END
