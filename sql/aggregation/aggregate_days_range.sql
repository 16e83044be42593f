CREATE PROCEDURE aggregate_days_range(
    IN p_from_date DATE,
    IN p_to_date DATE,
    IN p_now DATETIME,
    OUT p_rows BIGINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: writes daily_park_stats for every local date in [p_from_date,
p_to_date) with one set-based INSERT ... SELECT ... ON DUPLICATE KEY UPDATE,
summing the hourly rows in [utc_start, utc_end) of calendar_days (23, 24 or
25 hours). Keys: parks with an hourly row in the day, and parks that already
have a daily row (zeroed when their hours are gone). Does not commit, log or
move watermarks. p_rows returns the daily rows in the range afterwards.

Parameters
----------
p_from_date (DATE): first local date.
p_to_date (DATE): end of the range (exclusive).
p_now (DATETIME): value written to aggregated_at.
p_rows (OUT BIGINT): daily rows in the range.

Example
-------
CALL aggregate_days_range(''2026-11-23'', ''2026-11-24'', UTC_TIMESTAMP(), @rows);
'
BEGIN
    DECLARE v_utc_from DATETIME;
    DECLARE v_utc_to DATETIME;

    SET SESSION tmp_table_size = GREATEST(@@SESSION.tmp_table_size, 67108864);
    SET SESSION max_heap_table_size = GREATEST(@@SESSION.max_heap_table_size, 67108864);

    -- Constant UTC bounds of the whole range keep the hourly read one range scan
    -- (per-day bounds alone are planned as "range checked for each record").
    SELECT MIN(utc_start),
           MAX(utc_end)
      INTO v_utc_from, v_utc_to
      FROM calendar_days
     WHERE local_date >= p_from_date
       AND local_date < p_to_date;

    INSERT INTO daily_park_stats
        (stat_date, park_id, hours_in_day, sample_count, open_sample_count, shame_sum, shame_count,
         wait_sum, wait_count, peak_wait_minutes, down_samples, weighted_down_samples,
         operating_samples, max_rides_down, aggregated_at)
    SELECT b.stat_date,
           b.park_id,
           MAX(b.hours_in_day),
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
            -- The hourly rows of each day, summed per park ...
            SELECT c.local_date AS stat_date,
                   h.park_id AS park_id,
                   c.hours_in_day AS hours_in_day,
                   SUM(h.sample_count) AS sample_count,
                   SUM(h.open_sample_count) AS open_sample_count,
                   SUM(h.shame_sum) AS shame_sum,
                   SUM(h.shame_count) AS shame_count,
                   SUM(h.wait_sum) AS wait_sum,
                   SUM(h.wait_count) AS wait_count,
                   MAX(h.peak_wait_minutes) AS peak_wait_minutes,
                   SUM(h.down_samples) AS down_samples,
                   SUM(h.weighted_down_samples) AS weighted_down_samples,
                   SUM(h.operating_samples) AS operating_samples,
                   MAX(h.max_rides_down) AS max_rides_down
              FROM calendar_days AS c
              JOIN hourly_park_stats AS h
                ON h.hour_start_utc >= c.utc_start
               AND h.hour_start_utc < c.utc_end
             WHERE c.local_date >= p_from_date
               AND c.local_date < p_to_date
               AND h.hour_start_utc >= v_utc_from
               AND h.hour_start_utc < v_utc_to
             GROUP BY c.local_date, c.hours_in_day, h.park_id
            UNION ALL
            -- ... and a zero row for every daily row already there (its hours may be gone).
            SELECT d.stat_date,
                   d.park_id,
                   c.hours_in_day,
                   0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, NULL
              FROM daily_park_stats AS d
              JOIN calendar_days AS c
                ON c.local_date = d.stat_date
             WHERE d.stat_date >= p_from_date
               AND d.stat_date < p_to_date
           ) AS b
     GROUP BY b.stat_date, b.park_id
    ON DUPLICATE KEY UPDATE
        hours_in_day = VALUES(hours_in_day),
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
      FROM daily_park_stats
     WHERE stat_date >= p_from_date
       AND stat_date < p_to_date;
END
