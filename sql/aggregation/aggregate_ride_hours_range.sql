CREATE PROCEDURE aggregate_ride_hours_range(
    IN p_from_utc DATETIME,
    IN p_to_utc DATETIME,
    IN p_now DATETIME,
    OUT p_rows BIGINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: rewrites hourly_ride_stats for every UTC hour in [p_from_utc,
p_to_utc) from the ride rows (view ride_snapshot_measures: what each ride row
adds, from its park''s park_open and its class under the down rule): the range''s rows
are deleted, then, hour by hour, one INSERT ... SELECT ... GROUP BY ride writes a row
for every ride with snapshots in the hour (absolute: running it again gives
the same rows; a ride whose snapshots are gone loses its row). One hour per
statement keeps the grouping key the ride alone (the hour is a constant):
grouping by (hour, ride) cost about 20% more server CPU. What one ride
row adds: sample_count 1; open_sample_count 1 when its park is open; while
open, 1 to operating_, down_, closed_ or refurbishment_samples by its class,
and its posted wait to wait_sum / wait_count / peak_wait_minutes when it is
OPERATING with a wait > 0. Each hour''s column totals over its rides go to
hourly_ride_totals (the gate of aggregate_ride_days_range: ~1 ms an hour).
Does not commit, log or move watermarks (aggregation_run_bucket does, with
the park levels in the same transaction).

Parameters
----------
p_from_utc (DATETIME): first UTC hour (a whole hour).
p_to_utc (DATETIME): end of the range (exclusive, a whole hour).
p_now (DATETIME): value written to aggregated_at.
p_rows (OUT BIGINT): hourly ride rows in the range afterwards.

Example
-------
CALL aggregate_ride_hours_range(''2026-11-23 14:00:00'', ''2026-11-23 15:00:00'', UTC_TIMESTAMP(), @rows);
-- @rows = rides with snapshots in that hour
'
BEGIN
    DECLARE v_hour DATETIME;

    DELETE FROM hourly_ride_stats
     WHERE hour_start_utc >= p_from_utc
       AND hour_start_utc < p_to_utc;
    DELETE FROM hourly_ride_totals
     WHERE hour_start_utc >= p_from_utc
       AND hour_start_utc < p_to_utc;

    SET p_rows = 0;
    SET v_hour = p_from_utc;
    WHILE v_hour < p_to_utc DO
        INSERT INTO hourly_ride_stats
            (hour_start_utc, ride_id, park_id, sample_count, open_sample_count,
             operating_samples, down_samples, closed_samples, refurbishment_samples,
             wait_sum, wait_count, peak_wait_minutes, aggregated_at)
        SELECT v_hour,
               m.ride_id,
               MAX(m.park_id),
               COUNT(*),
               COALESCE(SUM(m.open_sample_count), 0),
               COALESCE(SUM(m.operating_samples), 0),
               COALESCE(SUM(m.down_samples), 0),
               COALESCE(SUM(m.closed_samples), 0),
               COALESCE(SUM(m.refurbishment_samples), 0),
               COALESCE(SUM(m.wait_sum), 0),
               COALESCE(SUM(m.wait_count), 0),
               MAX(m.peak_wait_minutes),
               p_now
          FROM ride_snapshot_measures AS m
         WHERE m.recorded_at >= v_hour
           AND m.recorded_at < TIMESTAMPADD(HOUR, 1, v_hour)
         GROUP BY m.ride_id;
        -- The hour's rows were deleted above: every row of the hour is one inserted.
        SET p_rows = p_rows + ROW_COUNT();
        -- Their totals (no row for an hour without ride rows).
        INSERT INTO hourly_ride_totals
            (hour_start_utc, sample_count, open_sample_count, operating_samples, down_samples,
             closed_samples, refurbishment_samples, wait_sum, wait_count, peak_wait_minutes,
             aggregated_at)
        SELECT h.hour_start_utc,
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
         WHERE h.hour_start_utc = v_hour
         GROUP BY h.hour_start_utc;
        SET v_hour = TIMESTAMPADD(HOUR, 1, v_hour);
    END WHILE;
END
