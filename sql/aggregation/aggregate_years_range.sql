CREATE PROCEDURE aggregate_years_range(
    IN p_from_year SMALLINT,
    IN p_to_year SMALLINT,
    IN p_now DATETIME,
    OUT p_rows BIGINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: writes yearly_park_stats for every local year in [p_from_year,
p_to_year) with one set-based INSERT ... SELECT ... ON DUPLICATE KEY UPDATE,
summing the daily rows of the year. days_covered counts the daily rows;
is_complete = the local year has ended (per p_now) and every one of its days
has a row. Parks that already have a yearly row but no daily rows are zeroed.
Does not commit or log. p_rows returns the yearly rows in the range.

Parameters
----------
p_from_year (SMALLINT): first local year.
p_to_year (SMALLINT): end of the range (exclusive).
p_now (DATETIME): the current UTC time (is_complete, aggregated_at).
p_rows (OUT BIGINT): yearly rows in the range.

Example
-------
CALL aggregate_years_range(2026, 2027, UTC_TIMESTAMP(), @rows);
'
BEGIN
    DECLARE v_today DATE;

    SELECT local_date
      INTO v_today
      FROM calendar_days
     WHERE utc_start <= p_now
     ORDER BY utc_start DESC
     LIMIT 1;

    INSERT INTO yearly_park_stats
        (year, park_id, days_covered, is_complete, first_stat_date, last_stat_date,
         sample_count, open_sample_count, shame_sum, shame_count, wait_sum, wait_count,
         peak_wait_minutes, down_samples, weighted_down_samples, operating_samples,
         max_rides_down, aggregated_at)
    SELECT b.year,
           b.park_id,
           b.days_covered,
           CASE
               WHEN MAKEDATE(b.year + 1, 1) <= v_today
                AND b.days_covered = DATEDIFF(MAKEDATE(b.year + 1, 1), MAKEDATE(b.year, 1))
               THEN 1
               ELSE 0
           END,
           b.first_stat_date,
           b.last_stat_date,
           b.sample_count,
           b.open_sample_count,
           b.shame_sum,
           b.shame_count,
           b.wait_sum,
           b.wait_count,
           b.peak_wait_minutes,
           b.down_samples,
           b.weighted_down_samples,
           b.operating_samples,
           b.max_rides_down,
           p_now
      FROM (
            SELECT YEAR(d.stat_date) AS year,
                   d.park_id AS park_id,
                   COUNT(*) AS days_covered,
                   MIN(d.stat_date) AS first_stat_date,
                   MAX(d.stat_date) AS last_stat_date,
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
             WHERE d.stat_date >= MAKEDATE(p_from_year, 1)
               AND d.stat_date < MAKEDATE(p_to_year, 1)
             GROUP BY YEAR(d.stat_date), d.park_id
            UNION ALL
            SELECT y.year,
                   y.park_id,
                   0, NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, NULL
              FROM yearly_park_stats AS y
             WHERE y.year >= p_from_year
               AND y.year < p_to_year
               AND NOT EXISTS (
                    SELECT 1
                      FROM daily_park_stats AS x
                     WHERE x.park_id = y.park_id
                       AND x.stat_date >= MAKEDATE(y.year, 1)
                       AND x.stat_date < MAKEDATE(y.year + 1, 1))
           ) AS b
    ON DUPLICATE KEY UPDATE
        days_covered = VALUES(days_covered),
        is_complete = VALUES(is_complete),
        first_stat_date = VALUES(first_stat_date),
        last_stat_date = VALUES(last_stat_date),
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
      FROM yearly_park_stats
     WHERE year >= p_from_year
       AND year < p_to_year;
END
