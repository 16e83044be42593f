CREATE PROCEDURE aggregate_ride_years_range(
    IN p_from_year SMALLINT,
    IN p_to_year SMALLINT,
    IN p_now DATETIME,
    OUT p_rows BIGINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: rewrites yearly_ride_stats for every local year in [p_from_year,
p_to_year): the range''s rows are deleted, then, year by year, one INSERT ...
SELECT sums the monthly_ride_stats rows of the year per ride (at most 12 a
ride, each the sum of the month''s daily rows, rewritten by the daily bucket
with its days; days_covered = the daily rows summed; one year per statement
keeps the grouping key the ride alone). Does not commit or log.

Parameters
----------
p_from_year (SMALLINT): first local year.
p_to_year (SMALLINT): end of the range (exclusive).
p_now (DATETIME): value written to aggregated_at.
p_rows (OUT BIGINT): yearly ride rows in the range afterwards.

Example
-------
CALL aggregate_ride_years_range(2026, 2027, UTC_TIMESTAMP(), @rows);
-- @rows = rides with daily rows in 2026
'
BEGIN
    DECLARE v_year SMALLINT;

    DELETE FROM yearly_ride_stats
     WHERE year >= p_from_year
       AND year < p_to_year;

    SET p_rows = 0;
    SET v_year = p_from_year;
    WHILE v_year < p_to_year DO
        INSERT INTO yearly_ride_stats
            (year, ride_id, park_id, days_covered, sample_count, open_sample_count,
             operating_samples, down_samples, closed_samples, refurbishment_samples,
             wait_sum, wait_count, peak_wait_minutes, aggregated_at)
        SELECT v_year,
               d.ride_id,
               MAX(d.park_id),
               SUM(d.days_covered),
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
          FROM monthly_ride_stats AS d
         WHERE d.month_start >= MAKEDATE(v_year, 1)
           AND d.month_start < MAKEDATE(v_year + 1, 1)
         GROUP BY d.ride_id;
        -- The year's rows were deleted above: every row of the year is one inserted.
        SET p_rows = p_rows + ROW_COUNT();
        SET v_year = v_year + 1;
    END WHILE;
END
