CREATE PROCEDURE aggregate_ride_days_range(
    IN p_from_date DATE,
    IN p_to_date DATE,
    IN p_now DATETIME,
    IN p_from_running TINYINT,
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
With p_from_running = 1 (the cycle) a day whose running_daily_ride_stats rows
agree with its hourly rows on the day''s total of every column (each sum, and
the peak; the hours'' totals read from hourly_ride_totals, which
aggregate_ride_hours_range writes with the hourly rows) is copied from those
rows instead: they hold the same sums per ride, kept exact at write time by
record_park_snapshot (the same view, ride_snapshot_measures, classifies
both), and copying 1,900 rows costs about a fifth of regrouping 24 x 1,900
hourly ones (the cycle that completes a day). Running rows left behind by
writes that bypass record_park_snapshot (ride rows inserted directly, a bulk
load without running_daily_ride_refresh, classes derived later for rows
stored without them) disagree on some total: that day is regrouped from its
hours. Only differences between rides that cancel out in every total at once
would pass; verify_aggregates, which regroups (it passes 0), reports those.

Parameters
----------
p_from_date (DATE): first local date.
p_to_date (DATE): end of the range (exclusive).
p_now (DATETIME): value written to aggregated_at.
p_from_running (TINYINT): 1 copies a day from running_daily_ride_stats when
    its column totals agree with the hourly rows''; 0 always regroups the hours.
p_rows (OUT BIGINT): daily ride rows in the range afterwards.

Example
-------
CALL aggregate_ride_days_range(''2026-11-23'', ''2026-11-24'', UTC_TIMESTAMP(), 0, @rows);
-- @rows = rides with snapshots that local day
'
BEGIN
    DECLARE v_day DATE;
    DECLARE v_utc_start DATETIME;
    DECLARE v_utc_end DATETIME;
    DECLARE v_hourly_totals VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin;
    DECLARE v_running_totals VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin;

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
        SET v_hourly_totals = NULL;
        SET v_running_totals = NULL;
        IF v_utc_start IS NOT NULL AND p_from_running = 1 THEN
            SELECT CONCAT_WS('/', COALESCE(SUM(r.sample_count), 0), COALESCE(SUM(r.open_sample_count), 0),
                             COALESCE(SUM(r.operating_samples), 0), COALESCE(SUM(r.down_samples), 0),
                             COALESCE(SUM(r.closed_samples), 0),
                             COALESCE(SUM(r.refurbishment_samples), 0),
                             COALESCE(SUM(r.wait_sum), 0), COALESCE(SUM(r.wait_count), 0),
                             COALESCE(MAX(r.peak_wait_minutes), -1))
              INTO v_running_totals
              FROM running_daily_ride_stats AS r
             WHERE r.stat_date = v_day;
            -- No running rows (a day before the running ones, as in a backfill): regroup.
            IF v_running_totals <> '0/0/0/0/0/0/0/0/-1' THEN
                -- The hours' totals, kept per hour with the hourly ride rows.
                SELECT CONCAT_WS('/', COALESCE(SUM(h.sample_count), 0), COALESCE(SUM(h.open_sample_count), 0),
                                 COALESCE(SUM(h.operating_samples), 0), COALESCE(SUM(h.down_samples), 0),
                                 COALESCE(SUM(h.closed_samples), 0),
                                 COALESCE(SUM(h.refurbishment_samples), 0),
                                 COALESCE(SUM(h.wait_sum), 0), COALESCE(SUM(h.wait_count), 0),
                                 COALESCE(MAX(h.peak_wait_minutes), -1))
                  INTO v_hourly_totals
                  FROM hourly_ride_totals AS h
                 WHERE h.hour_start_utc >= v_utc_start
                   AND h.hour_start_utc < v_utc_end;
            END IF;
        END IF;
        IF v_utc_start IS NOT NULL AND v_hourly_totals = v_running_totals THEN
            INSERT INTO daily_ride_stats
                (stat_date, ride_id, park_id, sample_count, open_sample_count,
                 operating_samples, down_samples, closed_samples, refurbishment_samples,
                 wait_sum, wait_count, peak_wait_minutes, aggregated_at)
            SELECT r.stat_date,
                   r.ride_id,
                   r.park_id,
                   r.sample_count,
                   r.open_sample_count,
                   r.operating_samples,
                   r.down_samples,
                   r.closed_samples,
                   r.refurbishment_samples,
                   r.wait_sum,
                   r.wait_count,
                   r.peak_wait_minutes,
                   p_now
              FROM running_daily_ride_stats AS r
             WHERE r.stat_date = v_day;
            SET p_rows = p_rows + ROW_COUNT();
        ELSEIF v_utc_start IS NOT NULL THEN
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
