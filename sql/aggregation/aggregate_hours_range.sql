CREATE PROCEDURE aggregate_hours_range(
    IN p_from_utc DATETIME,
    IN p_to_utc DATETIME,
    IN p_now DATETIME,
    OUT p_rows BIGINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: writes hourly_park_stats for every UTC hour in [p_from_utc, p_to_utc)
with one set-based INSERT ... SELECT ... ON DUPLICATE KEY UPDATE (absolute
values). Keys: every active park, every park with snapshots in the hour, and
every park that already has a row for the hour (so deleted snapshots zero a
row): the grouped snapshots and zero rows for those keys are summed again by
key, so the snapshots are read once. Hours without snapshots get
sample_count 0. Does not commit, log or
move watermarks: callers (aggregation_run_bucket) do. p_rows returns the
number of hourly rows in the range afterwards.

Parameters
----------
p_from_utc (DATETIME): first UTC hour (must be a whole hour).
p_to_utc (DATETIME): end of the range (exclusive, whole hour; at most
    36,000 hours after p_from_utc).
p_now (DATETIME): value written to aggregated_at.
p_rows (OUT BIGINT): hourly rows in the range.

Example
-------
CALL aggregate_hours_range(''2026-11-23 14:00:00'', ''2026-11-23 15:00:00'', UTC_TIMESTAMP(), @rows);
'
BEGIN
    SET SESSION tmp_table_size = GREATEST(@@SESSION.tmp_table_size, 67108864);
    SET SESSION max_heap_table_size = GREATEST(@@SESSION.max_heap_table_size, 67108864);

    INSERT INTO hourly_park_stats
        (hour_start_utc, park_id, sample_count, open_sample_count, shame_sum, shame_count,
         wait_sum, wait_count, peak_wait_minutes, down_samples, weighted_down_samples,
         operating_samples, max_rides_down, aggregated_at)
    SELECT b.hour_start_utc,
           b.park_id,
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
            -- The snapshots of the range, grouped by hour and park (one range scan);
            -- what each snapshot adds is defined once, by the view.
            SELECT TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, p_from_utc, m.recorded_at), p_from_utc)
                       AS hour_start_utc,
                   m.park_id AS park_id,
                   COUNT(*) AS sample_count,
                   SUM(m.open_sample_count) AS open_sample_count,
                   COALESCE(SUM(m.shame_sum), 0) AS shame_sum,
                   COALESCE(SUM(m.shame_count), 0) AS shame_count,
                   COALESCE(SUM(m.wait_sum), 0) AS wait_sum,
                   COALESCE(SUM(m.wait_count), 0) AS wait_count,
                   MAX(m.peak_wait_minutes) AS peak_wait_minutes,
                   COALESCE(SUM(m.down_samples), 0) AS down_samples,
                   COALESCE(SUM(m.weighted_down_samples), 0) AS weighted_down_samples,
                   COALESCE(SUM(m.operating_samples), 0) AS operating_samples,
                   MAX(m.max_rides_down) AS max_rides_down
              FROM park_snapshot_measures AS m
             WHERE m.recorded_at >= p_from_utc
               AND m.recorded_at < p_to_utc
             GROUP BY hour_start_utc, m.park_id
            UNION ALL
            -- Zero rows for every active park in every hour (calendar_days serves as
            -- the series 0, 1, 2, ... of hour offsets) ...
            SELECT TIMESTAMPADD(HOUR, DATEDIFF(n.local_date, '2000-01-01'), p_from_utc),
                   p.park_id,
                   0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, NULL
              FROM calendar_days AS n
             CROSS JOIN parks AS p
             WHERE n.local_date >= '2000-01-01'
               AND n.local_date < TIMESTAMPADD(DAY, TIMESTAMPDIFF(HOUR, p_from_utc, p_to_utc),
                                               DATE('2000-01-01'))
               AND p.is_active = 1
            UNION ALL
            -- ... and for every row already there (its snapshots may be gone).
            SELECT e.hour_start_utc,
                   e.park_id,
                   0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, NULL
              FROM hourly_park_stats AS e
             WHERE e.hour_start_utc >= p_from_utc
               AND e.hour_start_utc < p_to_utc
           ) AS b
     GROUP BY b.hour_start_utc, b.park_id
    ON DUPLICATE KEY UPDATE
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
      FROM hourly_park_stats
     WHERE hour_start_utc >= p_from_utc
       AND hour_start_utc < p_to_utc;
END
