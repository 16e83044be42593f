CREATE PROCEDURE verify_aggregates(IN p_from_utc DATETIME, IN p_to_utc DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Recomputes the aggregates of the UTC range [p_from_utc, p_to_utc) from their
sources, writes nothing to the aggregate tables, and reports every bucket that
differs:
  hourly: every aggregated hour (from the oldest hourly row to the hourly
          watermark, raw data not purged) recomputed from park_snapshots; a row with snapshots must
          match, a row without must be all zero, and every active park must
          have a row;
  daily:  every aggregated local day in the range (before the daily
          watermark, hourly rows not purged) against the sum of its hourly rows;
  yearly: every year overlapping the range against the sum of its daily rows.
Returns two result sets: the differences (level, period_start, park_id,
problem = missing / unexpected / differs, columns that differ, expected and
actual sample_count), then a one-row summary. Logged as job_type verify
(rows_affected = differences). Fix differences with backfill_aggregates().

Parameters
----------
p_from_utc (DATETIME): start of the range, UTC (rounded down to the hour).
p_to_utc (DATETIME): end of the range, UTC, exclusive (rounded up to the hour).

Example
-------
CALL verify_aggregates(''2026-11-01 07:00:00'', ''2026-11-24 08:00:00'');
'
BEGIN
    DECLARE v_now DATETIME DEFAULT parkstats_now();
    DECLARE v_real_start DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
    DECLARE v_from DATETIME;
    DECLARE v_to DATETIME;
    DECLARE v_hourly_to DATETIME;
    DECLARE v_hourly_done DATETIME DEFAULT NULL;
    DECLARE v_daily_done DATETIME DEFAULT NULL;
    DECLARE v_raw_purged DATETIME DEFAULT NULL;
    DECLARE v_hourly_purged DATETIME DEFAULT NULL;
    DECLARE v_first_day DATE;
    DECLARE v_hours BIGINT DEFAULT 0;
    DECLARE v_days BIGINT DEFAULT 0;
    DECLARE v_years BIGINT DEFAULT 0;
    DECLARE v_differences BIGINT DEFAULT 0;
    DECLARE v_summary VARCHAR(1024);

    SET SESSION tmp_table_size = GREATEST(@@SESSION.tmp_table_size, 67108864);
    SET SESSION max_heap_table_size = GREATEST(@@SESSION.max_heap_table_size, 67108864);

    SELECT MAX(CASE WHEN level = 'hourly' THEN done_through END),
           MAX(CASE WHEN level = 'daily' THEN done_through END),
           MAX(CASE WHEN level = 'raw_purged' THEN done_through END),
           MAX(CASE WHEN level = 'hourly_purged' THEN done_through END)
      INTO v_hourly_done, v_daily_done, v_raw_purged, v_hourly_purged
      FROM aggregation_watermarks;

    SET v_from = TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', p_from_utc), '2000-01-01');
    SET v_to = TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', TIMESTAMPADD(SECOND, 3599, p_to_utc)),
                            '2000-01-01');
    -- Only what was aggregated: from the oldest hourly row (or raw_purged) on.
    SET v_from = GREATEST(v_from, COALESCE(v_raw_purged, v_from),
                          COALESCE((SELECT MIN(hour_start_utc) FROM hourly_park_stats), v_to));
    SET v_hourly_to = LEAST(v_to, COALESCE(v_hourly_done, v_from));
    SET v_hourly_to = GREATEST(v_hourly_to, v_from);

    DROP TEMPORARY TABLE IF EXISTS verify_differences;
    CREATE TEMPORARY TABLE verify_differences (
        level                 VARCHAR(8)  NOT NULL,
        period_start          DATETIME    NOT NULL,
        park_id               INT UNSIGNED NOT NULL,
        problem               VARCHAR(16) NOT NULL,
        columns_differing     VARCHAR(512) NULL,
        expected_sample_count BIGINT NULL,
        actual_sample_count   BIGINT NULL
    ) ENGINE = InnoDB;

    -- Hourly, from raw snapshots.
    DROP TEMPORARY TABLE IF EXISTS verify_expected;
    CREATE TEMPORARY TABLE verify_expected ENGINE = InnoDB AS
    SELECT TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, v_from, s.recorded_at), v_from)
               AS hour_start_utc,
           s.park_id AS park_id,
           COUNT(*) AS sample_count,
           SUM(s.park_open = 1) AS open_sample_count,
           COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.shame_score END), 0) AS shame_sum,
           COUNT(CASE WHEN s.park_open = 1 THEN s.shame_score END) AS shame_count,
           COALESCE(SUM(CASE WHEN s.park_open = 1
                             THEN s.avg_wait_minutes * s.rides_reporting END), 0) AS wait_sum,
           COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_reporting END), 0) AS wait_count,
           MAX(CASE WHEN s.park_open = 1 THEN s.peak_wait_minutes END) AS peak_wait_minutes,
           COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_down END), 0) AS down_samples,
           COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.weight_down END), 0)
               AS weighted_down_samples,
           COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_operating END), 0)
               AS operating_samples,
           MAX(CASE WHEN s.park_open = 1 THEN s.rides_down END) AS max_rides_down
      FROM park_snapshots AS s
     WHERE s.recorded_at >= v_from
       AND s.recorded_at < v_hourly_to
     GROUP BY hour_start_utc, s.park_id;
    ALTER TABLE verify_expected ADD PRIMARY KEY (hour_start_utc, park_id);

    -- Every active park in every hour, and every row already there, is a key too.
    INSERT IGNORE INTO verify_expected
        (hour_start_utc, park_id, sample_count, open_sample_count, shame_sum, shame_count,
         wait_sum, wait_count, peak_wait_minutes, down_samples, weighted_down_samples,
         operating_samples, max_rides_down)
    SELECT TIMESTAMPADD(HOUR, DATEDIFF(n.local_date, '2000-01-01'), v_from),
           p.park_id,
           0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, NULL
      FROM calendar_days AS n
     CROSS JOIN parks AS p
     WHERE n.local_date >= '2000-01-01'
       AND n.local_date < TIMESTAMPADD(DAY, TIMESTAMPDIFF(HOUR, v_from, v_hourly_to), DATE('2000-01-01'))
       AND p.is_active = 1;
    INSERT IGNORE INTO verify_expected
        (hour_start_utc, park_id, sample_count, open_sample_count, shame_sum, shame_count,
         wait_sum, wait_count, peak_wait_minutes, down_samples, weighted_down_samples,
         operating_samples, max_rides_down)
    SELECT a.hour_start_utc,
           a.park_id,
           0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, NULL
      FROM hourly_park_stats AS a
     WHERE a.hour_start_utc >= v_from
       AND a.hour_start_utc < v_hourly_to;

    INSERT INTO verify_differences
        (level, period_start, park_id, problem, columns_differing, expected_sample_count,
         actual_sample_count)
    SELECT 'hourly',
           e.hour_start_utc,
           e.park_id,
           IF(a.park_id IS NULL, 'missing', 'differs'),
           IF(a.park_id IS NULL, NULL,
              CONCAT_WS(', ',
                         IF(e.sample_count <=> a.sample_count, NULL, 'sample_count'),
                         IF(e.open_sample_count <=> a.open_sample_count, NULL, 'open_sample_count'),
                         IF(e.shame_sum <=> a.shame_sum, NULL, 'shame_sum'),
                         IF(e.shame_count <=> a.shame_count, NULL, 'shame_count'),
                         IF(e.wait_sum <=> a.wait_sum, NULL, 'wait_sum'),
                         IF(e.wait_count <=> a.wait_count, NULL, 'wait_count'),
                         IF(e.peak_wait_minutes <=> a.peak_wait_minutes, NULL, 'peak_wait_minutes'),
                         IF(e.down_samples <=> a.down_samples, NULL, 'down_samples'),
                         IF(e.weighted_down_samples <=> a.weighted_down_samples, NULL, 'weighted_down_samples'),
                         IF(e.operating_samples <=> a.operating_samples, NULL, 'operating_samples'),
                         IF(e.max_rides_down <=> a.max_rides_down, NULL, 'max_rides_down'))),
           e.sample_count,
           a.sample_count
      FROM verify_expected AS e
      LEFT JOIN hourly_park_stats AS a
        ON a.hour_start_utc = e.hour_start_utc
       AND a.park_id = e.park_id
     WHERE a.park_id IS NULL
        OR NOT (e.sample_count <=> a.sample_count AND e.open_sample_count <=> a.open_sample_count AND e.shame_sum <=> a.shame_sum AND e.shame_count <=> a.shame_count AND e.wait_sum <=> a.wait_sum AND e.wait_count <=> a.wait_count AND e.peak_wait_minutes <=> a.peak_wait_minutes AND e.down_samples <=> a.down_samples AND e.weighted_down_samples <=> a.weighted_down_samples AND e.operating_samples <=> a.operating_samples AND e.max_rides_down <=> a.max_rides_down);
    SELECT COUNT(*) INTO v_hours FROM verify_expected;

    -- Daily, from the hourly rows.
    SELECT local_date
      INTO v_first_day
      FROM calendar_days
     WHERE utc_start <= v_from
     ORDER BY utc_start DESC
     LIMIT 1;
    DROP TEMPORARY TABLE IF EXISTS verify_days;
    CREATE TEMPORARY TABLE verify_days ENGINE = InnoDB AS
    SELECT c.local_date, c.utc_start, c.utc_end, c.hours_in_day
      FROM calendar_days AS c
     WHERE c.local_date >= v_first_day
       AND c.local_date <= DATE(v_to)
       AND c.utc_start < v_to
       AND c.local_date < COALESCE(DATE(v_daily_done), '1000-01-01')
       AND c.utc_end <= COALESCE(v_hourly_done, '1000-01-01')
       AND c.utc_start >= COALESCE(v_hourly_purged, '1000-01-01');
    SELECT COUNT(*) INTO v_days FROM verify_days;

    DROP TEMPORARY TABLE IF EXISTS verify_expected;
    CREATE TEMPORARY TABLE verify_expected ENGINE = InnoDB AS
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
      FROM verify_days AS c
      JOIN hourly_park_stats AS h
        ON h.hour_start_utc >= c.utc_start
       AND h.hour_start_utc < c.utc_end
     GROUP BY c.local_date, c.hours_in_day, h.park_id;

    INSERT INTO verify_differences
        (level, period_start, park_id, problem, columns_differing, expected_sample_count,
         actual_sample_count)
    SELECT 'daily',
           e.stat_date,
           e.park_id,
           IF(a.park_id IS NULL, 'missing', 'differs'),
           IF(a.park_id IS NULL, NULL,
              CONCAT_WS(', ',
                         IF(e.sample_count <=> a.sample_count, NULL, 'sample_count'),
                         IF(e.open_sample_count <=> a.open_sample_count, NULL, 'open_sample_count'),
                         IF(e.shame_sum <=> a.shame_sum, NULL, 'shame_sum'),
                         IF(e.shame_count <=> a.shame_count, NULL, 'shame_count'),
                         IF(e.wait_sum <=> a.wait_sum, NULL, 'wait_sum'),
                         IF(e.wait_count <=> a.wait_count, NULL, 'wait_count'),
                         IF(e.peak_wait_minutes <=> a.peak_wait_minutes, NULL, 'peak_wait_minutes'),
                         IF(e.down_samples <=> a.down_samples, NULL, 'down_samples'),
                         IF(e.weighted_down_samples <=> a.weighted_down_samples, NULL, 'weighted_down_samples'),
                         IF(e.operating_samples <=> a.operating_samples, NULL, 'operating_samples'),
                         IF(e.max_rides_down <=> a.max_rides_down, NULL, 'max_rides_down'),
                         IF(e.hours_in_day <=> a.hours_in_day, NULL, 'hours_in_day'))),
           e.sample_count,
           a.sample_count
      FROM verify_expected AS e
      LEFT JOIN daily_park_stats AS a
        ON a.stat_date = e.stat_date
       AND a.park_id = e.park_id
     WHERE a.park_id IS NULL
        OR NOT (e.sample_count <=> a.sample_count AND e.open_sample_count <=> a.open_sample_count AND e.shame_sum <=> a.shame_sum AND e.shame_count <=> a.shame_count AND e.wait_sum <=> a.wait_sum AND e.wait_count <=> a.wait_count AND e.peak_wait_minutes <=> a.peak_wait_minutes AND e.down_samples <=> a.down_samples AND e.weighted_down_samples <=> a.weighted_down_samples AND e.operating_samples <=> a.operating_samples AND e.max_rides_down <=> a.max_rides_down AND e.hours_in_day <=> a.hours_in_day);
    INSERT INTO verify_differences
        (level, period_start, park_id, problem, columns_differing, expected_sample_count,
         actual_sample_count)
    SELECT 'daily',
           a.stat_date,
           a.park_id,
           'unexpected',
           'no hourly rows',
           0,
           a.sample_count
      FROM daily_park_stats AS a
      JOIN verify_days AS c
        ON c.local_date = a.stat_date
     WHERE a.sample_count > 0
       AND NOT EXISTS (
            SELECT 1
              FROM verify_expected AS e
             WHERE e.stat_date = a.stat_date
               AND e.park_id = a.park_id);

    -- Yearly, from the daily rows.
    DROP TEMPORARY TABLE IF EXISTS verify_expected;
    CREATE TEMPORARY TABLE verify_expected ENGINE = InnoDB AS
    SELECT YEAR(d.stat_date) AS year,
           d.park_id AS park_id,
           COUNT(*) AS days_covered,
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
     WHERE d.stat_date >= MAKEDATE(YEAR(v_first_day), 1)
       AND d.stat_date < MAKEDATE(YEAR(v_to) + 1, 1)
     GROUP BY YEAR(d.stat_date), d.park_id;
    SELECT COUNT(*) INTO v_years FROM verify_expected;

    INSERT INTO verify_differences
        (level, period_start, park_id, problem, columns_differing, expected_sample_count,
         actual_sample_count)
    SELECT 'yearly',
           MAKEDATE(e.year, 1),
           e.park_id,
           IF(a.park_id IS NULL, 'missing', 'differs'),
           IF(a.park_id IS NULL, NULL,
              CONCAT_WS(', ',
                         IF(e.sample_count <=> a.sample_count, NULL, 'sample_count'),
                         IF(e.open_sample_count <=> a.open_sample_count, NULL, 'open_sample_count'),
                         IF(e.shame_sum <=> a.shame_sum, NULL, 'shame_sum'),
                         IF(e.shame_count <=> a.shame_count, NULL, 'shame_count'),
                         IF(e.wait_sum <=> a.wait_sum, NULL, 'wait_sum'),
                         IF(e.wait_count <=> a.wait_count, NULL, 'wait_count'),
                         IF(e.peak_wait_minutes <=> a.peak_wait_minutes, NULL, 'peak_wait_minutes'),
                         IF(e.down_samples <=> a.down_samples, NULL, 'down_samples'),
                         IF(e.weighted_down_samples <=> a.weighted_down_samples, NULL, 'weighted_down_samples'),
                         IF(e.operating_samples <=> a.operating_samples, NULL, 'operating_samples'),
                         IF(e.max_rides_down <=> a.max_rides_down, NULL, 'max_rides_down'),
                         IF(e.days_covered <=> a.days_covered, NULL, 'days_covered'))),
           e.sample_count,
           a.sample_count
      FROM verify_expected AS e
      LEFT JOIN yearly_park_stats AS a
        ON a.year = e.year
       AND a.park_id = e.park_id
     WHERE a.park_id IS NULL
        OR NOT (e.sample_count <=> a.sample_count AND e.open_sample_count <=> a.open_sample_count AND e.shame_sum <=> a.shame_sum AND e.shame_count <=> a.shame_count AND e.wait_sum <=> a.wait_sum AND e.wait_count <=> a.wait_count AND e.peak_wait_minutes <=> a.peak_wait_minutes AND e.down_samples <=> a.down_samples AND e.weighted_down_samples <=> a.weighted_down_samples AND e.operating_samples <=> a.operating_samples AND e.max_rides_down <=> a.max_rides_down AND e.days_covered <=> a.days_covered);

    DROP TEMPORARY TABLE IF EXISTS verify_expected;
    DROP TEMPORARY TABLE IF EXISTS verify_days;

    SELECT COUNT(*) INTO v_differences FROM verify_differences;
    SET v_summary = CONCAT('Verified ', DATE_FORMAT(v_from, '%Y-%m-%d %H:00'), ' .. ',
                           DATE_FORMAT(v_to, '%Y-%m-%d %H:00'), ': ', v_hours, ' hourly, ', v_days,
                           ' day(s) and ', v_years, ' yearly row(s) checked; ',
                           IF(v_differences = 0, 'no difference',
                              CONCAT(v_differences, ' DIFFERENCE(S) (fix with backfill_aggregates)')),
                           ' in ', ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1),
                           ' ms');
    IF @@GLOBAL.read_only = 0 AND @@innodb_read_only = 0 THEN
        INSERT INTO aggregation_job_log
            (job_type, period_start, period_end, status, started_at, finished_at, rows_affected,
             error_message)
        VALUES
            ('verify', v_from, v_to, 'success', aggregation_clock(v_now, v_real_start),
             aggregation_clock(v_now, v_real_start), v_differences,
             IF(v_differences = 0, NULL, LEFT(v_summary, 1024)));
    END IF;

    SELECT level, period_start, park_id, problem, columns_differing, expected_sample_count,
           actual_sample_count
      FROM verify_differences
     ORDER BY FIELD(level, 'hourly', 'daily', 'yearly'), period_start, park_id;
    DROP TEMPORARY TABLE IF EXISTS verify_differences;

    SELECT v_summary AS summary,
           v_hours AS hourly_checked,
           v_days AS days_checked,
           v_years AS yearly_checked,
           v_differences AS differences,
           ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1) AS duration_ms;
END
