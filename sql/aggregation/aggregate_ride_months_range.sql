CREATE PROCEDURE aggregate_ride_months_range(
    IN p_from_month DATE,
    IN p_to_month DATE,
    IN p_now DATETIME,
    OUT p_rows BIGINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: rewrites monthly_ride_stats for every local calendar month whose
month_start is in [p_from_month, p_to_month): the range''s rows are deleted,
then, month by month, one INSERT ... SELECT sums per ride the weekly_ride_stats
rows of the Sunday-Saturday weeks wholly inside the month (three or four) and
the daily_ride_stats rows of the month''s other days (at most six at each end):
the same sums as the month''s ~31 daily rows, from about a third of the rows
(days_covered = the daily rows summed; one month per statement keeps the
grouping key the ride alone). Exact because every writer of daily ride rows
rewrites the weeks holding them in the same transaction (the daily bucket, the
demo''s summaries, verify''s shadows): call it after aggregate_ride_weeks_range
for the same days. A ride gets a row for a month where it has a daily row.
Does not commit or log.

Parameters
----------
p_from_month (DATE): first month_start (earlier dates are rounded down to the 1st).
p_to_month (DATE): end of the range (exclusive).
p_now (DATETIME): value written to aggregated_at.
p_rows (OUT BIGINT): monthly ride rows in the range afterwards.

Example
-------
CALL aggregate_ride_months_range(''2026-11-01'', ''2026-12-01'', UTC_TIMESTAMP(), @rows);
-- @rows = rides with daily rows that month
'
BEGIN
    DECLARE v_month DATE;
    DECLARE v_next DATE;
    DECLARE v_weeks_from DATE;
    DECLARE v_weeks_to DATE;

    SET v_month = p_from_month - INTERVAL (DAYOFMONTH(p_from_month) - 1) DAY;

    DELETE FROM monthly_ride_stats
     WHERE month_start >= v_month
       AND month_start < p_to_month;

    SET p_rows = 0;
    WHILE v_month < p_to_month DO
        SET v_next = v_month + INTERVAL 1 MONTH;
        -- The whole weeks: from the first Sunday on or after the 1st to the Sunday
        -- starting the week of the next month''s 1st (DAYOFWEEK: Sunday = 1); a month
        -- (28 days or more) always holds three at least.
        SET v_weeks_from = v_month + INTERVAL ((8 - DAYOFWEEK(v_month)) MOD 7) DAY;
        SET v_weeks_to = v_next - INTERVAL (DAYOFWEEK(v_next) - 1) DAY;
        INSERT INTO monthly_ride_stats
            (month_start, ride_id, park_id, days_covered, sample_count, open_sample_count,
             operating_samples, down_samples, closed_samples, refurbishment_samples,
             wait_sum, wait_count, peak_wait_minutes, aggregated_at)
        SELECT v_month,
               b.ride_id,
               MAX(b.park_id),
               SUM(b.days_covered),
               SUM(b.sample_count),
               SUM(b.open_sample_count),
               SUM(b.operating_samples),
               SUM(b.down_samples),
               SUM(b.closed_samples),
               SUM(b.refurbishment_samples),
               SUM(b.wait_sum),
               SUM(b.wait_count),
               MAX(b.peak_wait_minutes),
               p_now
          FROM (
                SELECT w.ride_id, w.park_id, w.days_covered, w.sample_count,
                       w.open_sample_count, w.operating_samples, w.down_samples,
                       w.closed_samples, w.refurbishment_samples, w.wait_sum, w.wait_count,
                       w.peak_wait_minutes
                  FROM weekly_ride_stats AS w
                 WHERE w.week_start >= v_weeks_from
                   AND w.week_start < v_weeks_to
                UNION ALL
                SELECT d.ride_id, d.park_id, 1, d.sample_count,
                       d.open_sample_count, d.operating_samples, d.down_samples,
                       d.closed_samples, d.refurbishment_samples, d.wait_sum, d.wait_count,
                       d.peak_wait_minutes
                  FROM daily_ride_stats AS d
                 WHERE (d.stat_date >= v_month AND d.stat_date < v_weeks_from)
                    OR (d.stat_date >= v_weeks_to AND d.stat_date < v_next)
               ) AS b
         GROUP BY b.ride_id;
        -- The month's rows were deleted above: every row of the month is one inserted.
        SET p_rows = p_rows + ROW_COUNT();
        SET v_month = v_next;
    END WHILE;
END
