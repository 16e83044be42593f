CREATE PROCEDURE aggregate_ride_days_range(
    IN p_from_date DATE,
    IN p_to_date DATE,
    IN p_now DATETIME,
    OUT p_rows BIGINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: rewrites daily_ride_stats for every local date in [p_from_date,
p_to_date): the range''s rows are deleted, then one INSERT ... SELECT sums the
hourly_ride_stats rows in [utc_start, utc_end) of calendar_days (23, 24 or 25
hours) per day and ride (sums and counts; the peak is the largest). A ride
gets a row for a day where it has an hourly row. Does not commit or log.

Parameters
----------
p_from_date (DATE): first local date.
p_to_date (DATE): end of the range (exclusive).
p_now (DATETIME): value written to aggregated_at.
p_rows (OUT BIGINT): daily ride rows in the range afterwards.

Example
-------
CALL aggregate_ride_days_range(''2026-11-23'', ''2026-11-24'', UTC_TIMESTAMP(), @rows);
-- @rows = rides with snapshots that local day
'
BEGIN
    DECLARE v_utc_from DATETIME;
    DECLARE v_utc_to DATETIME;

    -- Constant UTC bounds keep the hourly read one range scan.
    SELECT MIN(utc_start),
           MAX(utc_end)
      INTO v_utc_from, v_utc_to
      FROM calendar_days
     WHERE local_date >= p_from_date
       AND local_date < p_to_date;

    DELETE FROM daily_ride_stats
     WHERE stat_date >= p_from_date
       AND stat_date < p_to_date;

    INSERT INTO daily_ride_stats
        (stat_date, ride_id, park_id, sample_count, open_sample_count, operating_samples, down_samples, closed_samples, refurbishment_samples, wait_sum, wait_count, peak_wait_minutes, aggregated_at)
    SELECT c.local_date,
           h.ride_id,
           MAX(h.park_id),
           SUM(h.sample_count),
           SUM(h.open_sample_count),
           SUM(h.operating_samples),
           SUM(h.down_samples),
           SUM(h.closed_samples),
           SUM(h.refurbishment_samples),
           SUM(h.wait_sum),
           SUM(h.wait_count),
           MAX(h.peak_wait_minutes),
           p_now
      FROM calendar_days AS c
      JOIN hourly_ride_stats AS h
        ON h.hour_start_utc >= c.utc_start
       AND h.hour_start_utc < c.utc_end
     WHERE c.local_date >= p_from_date
       AND c.local_date < p_to_date
       AND h.hour_start_utc >= v_utc_from
       AND h.hour_start_utc < v_utc_to
     GROUP BY c.local_date, h.ride_id;

    SELECT COUNT(*)
      INTO p_rows
      FROM daily_ride_stats
     WHERE stat_date >= p_from_date
       AND stat_date < p_to_date;
END
