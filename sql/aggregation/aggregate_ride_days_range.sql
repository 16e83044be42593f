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
p_to_date): the range''s rows are deleted, then, day by day, one INSERT ...
SELECT sums the hourly_ride_stats rows in [utc_start, utc_end) of
calendar_days (23, 24 or 25 hours) per ride (sums and counts; the peak is the
largest): one day per statement keeps the grouping key the ride alone and the
hourly read one range of its key. A ride gets a row for a day where it has an
hourly row. Does not commit or log.

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
    DECLARE v_day DATE;
    DECLARE v_utc_start DATETIME;
    DECLARE v_utc_end DATETIME;

    DELETE FROM daily_ride_stats
     WHERE stat_date >= p_from_date
       AND stat_date < p_to_date;

    SET p_rows = 0;
    SET v_day = p_from_date;
    WHILE v_day < p_to_date DO
        SET v_utc_start = NULL;
        SELECT utc_start, utc_end
          INTO v_utc_start, v_utc_end
          FROM calendar_days
         WHERE local_date = v_day;
        IF v_utc_start IS NOT NULL THEN
            INSERT INTO daily_ride_stats
                (stat_date, ride_id, park_id, sample_count, open_sample_count,
                 operating_samples, down_samples, closed_samples, refurbishment_samples,
                 wait_sum, wait_count, peak_wait_minutes, aggregated_at)
            SELECT v_day,
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
              FROM hourly_ride_stats AS h
             WHERE h.hour_start_utc >= v_utc_start
               AND h.hour_start_utc < v_utc_end
             GROUP BY h.ride_id;
            -- The day's rows were deleted above: every row of the day is one inserted.
            SET p_rows = p_rows + ROW_COUNT();
        END IF;
        SET v_day = v_day + INTERVAL 1 DAY;
    END WHILE;
END
