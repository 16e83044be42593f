CREATE PROCEDURE verify_aggregates(IN p_from_utc DATETIME, IN p_to_utc DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Recomputes the aggregates of the UTC range [p_from_utc, p_to_utc) from raw
snapshots and reports every bucket whose stored row differs, changing
nothing. It recomputes with the very procedures the cycle uses
(aggregate_hours_range, aggregate_days_range, aggregate_years_range), so
verification can never drift from the formulas it verifies, into TEMPORARY
tables: each table the recomputation writes (the hourly, daily, weekly, yearly
and running park tables, the hourly, daily, weekly, monthly and yearly ride
tables) is first
shadowed, for this session only, by a TEMPORARY table of the same name
(verify_shadows_create) holding the stored rows the recomputation reads (the
hours of the checked days, every day of the years and weeks it re-sums); the
same procedures then write the shadows, the comparison reads them, and they
are dropped (verify_shadows_drop). Checked:
  hourly: every aggregated hour (before the hourly watermark or in a range
          a backfill aggregated ahead of it; raw data not purged) from
          park_snapshots;
  daily:  every aggregated local day in the range (before the daily
          watermark, or wholly in a range aggregated ahead of it; hourly rows
          not purged) from its recomputed hours;
  weekly: the Sunday-Saturday weeks of those days from their days;
  yearly: every year overlapping the range from its recomputed days;
  running: the running_daily_park_stats rows of the local days in the range
          that the daily watermark has not passed, from the raw snapshots
          (running_daily_refresh); a row without snapshots is extra;
  running_ride: the running_daily_ride_stats rows of those days, from the
          raw ride rows (running_daily_ride_refresh, through
          verify_running_rides); a row of a ride without ride rows is extra;
  hourly_ride, daily_ride, yearly_ride: the ride tables of those same
          hours, days and years (a ride''s year from its recomputed months; a
          stored ride row the recomputation does not have is extra);
  weekly_ride, monthly_ride: the calendar months holding those days, and
          every Sunday-Saturday week touching them, from their days (a month
          from its whole weeks and its other days);
  latest_ride: the ride_latest_snapshots row of every ride whose newest
          stored ride row, or kept row, is in the range, from the raw ride
          rows (verify_latest_rides); a kept row of a ride without ride rows
          is extra.
Holds the aggregation lock meanwhile (a cycle that starts then is skipped).

Never blocks writers: no base table is written and no transaction is held
open, and its statements run READ COMMITTED (verify_isolation; the caller''s
level is restored at the end, even on failure), so that reading raw snapshots
and aggregates into temporary tables is a consistent read that locks nothing
(with binlog_format ROW or MIXED): the collector (record_park_snapshot, for
the current hour or a late one in the range) and the DBA''s other sessions go
on meanwhile. A transaction the caller left open is committed first. What it
costs: copying the stored rows twice (once to compare, once into the shadows,
a year of daily ride rows, about 700,000 for 1,900 rides, among them) and the
space of the temporary tables (tmp_table_size and max_heap_table_size are
raised for the session).
Returns two result sets: the differences (level, period_start, park_id,
problem = missing / differs / extra, the columns that differ, expected and stored
sample_count, and ride_id for the ride levels), then a one-row summary. Logged as job_type verify
(rows_affected = differences). Fix differences with backfill_aggregates().

On a read-only server (@@read_only or innodb_read_only set, whatever the
caller''s privileges: a replica written even by SUPER gets errant
transactions) it logs nothing, and the summary says so; it runs the same way
otherwise. Works for a database-level user (no SUPER or READ_ONLY ADMIN),
with binlog_format ROW or MIXED (it never uses CREATE ... LIKE or CREATE ...
SELECT, which MariaDB would write to a replica''s binary log under MIXED).

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
    DECLARE v_lock_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT aggregation_lock_name();
    DECLARE v_from DATETIME;
    DECLARE v_to DATETIME;
    DECLARE v_hourly_to DATETIME;
    DECLARE v_compare_to DATETIME;
    DECLARE v_span_start DATETIME;
    DECLARE v_span_end DATETIME;
    DECLARE v_span_rows BIGINT;
    DECLARE v_run_from DATE;
    DECLARE v_run_to DATE;
    DECLARE v_hourly_done DATETIME DEFAULT NULL;
    DECLARE v_daily_done DATETIME DEFAULT NULL;
    DECLARE v_raw_purged DATETIME DEFAULT NULL;
    DECLARE v_hourly_purged DATETIME DEFAULT NULL;
    DECLARE v_first_day DATE;
    DECLARE v_day_from DATE;
    DECLARE v_day_to DATE;
    DECLARE v_week_from DATE;
    DECLARE v_week_to DATE;
    DECLARE v_ride_week_from DATE;
    DECLARE v_ride_week_to DATE;
    DECLARE v_month_from DATE;
    DECLARE v_month_to DATE;
    DECLARE v_running_from DATE DEFAULT NULL;
    DECLARE v_running_to DATE DEFAULT NULL;
    DECLARE v_running BIGINT DEFAULT 0;
    DECLARE v_running_rides BIGINT DEFAULT 0;
    DECLARE v_latest_rides BIGINT DEFAULT 0;
    DECLARE v_hours BIGINT DEFAULT 0;
    DECLARE v_days BIGINT DEFAULT 0;
    DECLARE v_weeks BIGINT DEFAULT 0;
    DECLARE v_years BIGINT DEFAULT 0;
    DECLARE v_ignored BIGINT;
    DECLARE v_differences BIGINT DEFAULT 0;
    DECLARE v_summary VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE v_isolation VARCHAR(32) CHARACTER SET ascii COLLATE ascii_general_ci DEFAULT NULL;
    DECLARE v_ignored_level VARCHAR(32) CHARACTER SET ascii COLLATE ascii_general_ci;
    -- Decided by the server's state, never by the caller's privileges: a replica
    -- written by a SUPER account gets errant transactions.
    DECLARE v_read_only TINYINT DEFAULT (@@GLOBAL.read_only <> 0 OR @@GLOBAL.innodb_read_only <> 0);

    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        CALL verify_shadows_drop();
        DO RELEASE_LOCK(v_lock_name);
        IF v_isolation IS NOT NULL THEN
            CALL verify_isolation(v_isolation, v_ignored_level);
        END IF;
        RESIGNAL;
    END;

    -- READ COMMITTED: copying base rows into temporary tables locks none of them
    -- (REPEATABLE READ would take shared next-key locks on every row read, which
    -- block the collector). The caller's open transaction, if any, ends here, so
    -- that the level applies from the first read on.
    CALL verify_isolation('READ-COMMITTED', v_isolation);
    COMMIT;
    CALL verify_shadows_drop();

    SET SESSION tmp_table_size = GREATEST(@@SESSION.tmp_table_size, 67108864);
    -- The differences live in a MEMORY table.
    SET SESSION max_heap_table_size = GREATEST(@@SESSION.max_heap_table_size, 268435456);

    IF COALESCE(GET_LOCK(v_lock_name, 60), 0) = 0 THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'verify_aggregates: an aggregation cycle or backfill holds the lock; try again';
    END IF;

    SELECT MAX(CASE WHEN level = 'hourly' THEN done_through END),
           MAX(CASE WHEN level = 'daily' THEN done_through END),
           MAX(CASE WHEN level = 'raw_purged' THEN done_through END),
           MAX(CASE WHEN level = 'hourly_purged' THEN done_through END)
      INTO v_hourly_done, v_daily_done, v_raw_purged, v_hourly_purged
      FROM aggregation_watermarks;

    SET v_from = TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', p_from_utc), '2000-01-01');
    SET v_to = TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', TIMESTAMPADD(SECOND, 3599, p_to_utc)),
                            '2000-01-01');
    -- Running sums: the range's local days from the daily watermark on (and
    -- whose raw snapshots are all there).
    SET v_running_from = (SELECT local_date
                            FROM calendar_days
                           WHERE utc_start <= v_from
                           ORDER BY utc_start DESC
                           LIMIT 1);
    SET v_running_from = GREATEST(COALESCE(v_running_from, '1000-01-01'),
                                  COALESCE(DATE(v_daily_done), '1000-01-01'),
                                  COALESCE((SELECT local_date
                                              FROM calendar_days
                                             WHERE utc_start >= v_raw_purged
                                             ORDER BY utc_start
                                             LIMIT 1), '1000-01-01'));
    SET v_running_to = (SELECT local_date
                          FROM calendar_days
                         WHERE utc_start < v_to
                         ORDER BY utc_start DESC
                         LIMIT 1);

    -- Only what was aggregated: from the oldest hourly row (and raw_purged) on.
    SET v_from = GREATEST(v_from, COALESCE(v_raw_purged, v_from),
                          COALESCE((SELECT MIN(hour_start_utc) FROM hourly_park_stats), v_to));
    SET v_hourly_to = GREATEST(LEAST(v_to, COALESCE(v_hourly_done, v_from)), v_from);

    SELECT local_date
      INTO v_first_day
      FROM calendar_days
     WHERE utc_start <= v_from
     ORDER BY utc_start DESC
     LIMIT 1;
    -- The hours compared run up to the end of the last range aggregated ahead of
    -- the watermark inside the range (only aggregated hours are recomputed).
    SET v_compare_to = GREATEST(v_hourly_to,
                                LEAST(v_to, COALESCE((SELECT MAX(range_end)
                                                        FROM aggregated_ranges
                                                       WHERE range_start < v_to), v_from)));
    -- The local days checked: aggregated (before the daily watermark, or wholly in
    -- a range aggregated ahead of it) and their hourly rows not purged.
    DROP TEMPORARY TABLE IF EXISTS verify_days;
    CREATE TEMPORARY TABLE verify_days (
        local_date DATE NOT NULL,
        CONSTRAINT pk_verify_days PRIMARY KEY (local_date)
    ) ENGINE = MEMORY;
    INSERT INTO verify_days
        (local_date)
    SELECT c.local_date
      FROM calendar_days AS c
     WHERE c.local_date >= v_first_day
       AND c.utc_start < v_to
       AND c.utc_start >= COALESCE(v_hourly_purged, '1000-01-01')
       AND ((c.local_date < COALESCE(DATE(v_daily_done), '1000-01-01')
             AND c.utc_end <= COALESCE(v_hourly_done, '1000-01-01'))
            OR EXISTS (
                SELECT 1
                  FROM aggregated_ranges AS r
                 WHERE r.range_start <= c.utc_start
                   AND r.range_end >= c.utc_end));
    SELECT MIN(local_date),
           MAX(local_date) + INTERVAL 1 DAY,
           COUNT(*)
      INTO v_day_from, v_day_to, v_days
      FROM verify_days;

    -- The Sunday-Saturday weeks holding those days (DAYOFWEEK: Sunday = 1).
    SET v_week_from = v_day_from - INTERVAL (DAYOFWEEK(v_day_from) - 1) DAY;
    SET v_week_to = v_day_to - INTERVAL (DAYOFWEEK(v_day_to - INTERVAL 1 DAY) - 1) DAY;
    -- The rides' months holding those days, and every week touching them (a month
    -- is re-summed from its whole weeks, so they are recomputed and checked too).
    SET v_month_from = v_day_from - INTERVAL (DAYOFMONTH(v_day_from) - 1) DAY;
    SET v_month_to = LAST_DAY(v_day_to - INTERVAL 1 DAY) + INTERVAL 1 DAY;
    SET v_ride_week_from = v_month_from - INTERVAL (DAYOFWEEK(v_month_from) - 1) DAY;
    SET v_ride_week_to = v_month_to - INTERVAL (DAYOFWEEK(v_month_to - INTERVAL 1 DAY) - 1) DAY
                         + INTERVAL 6 DAY;

    -- The stored rows, as they are now.
    CALL verify_table_copy('hourly_park_stats', 'verify_hourly_stored', 'hour_start_utc',
                           v_from, v_compare_to);
    CALL verify_table_copy('daily_park_stats', 'verify_daily_stored', 'stat_date',
                           v_day_from, v_day_to);
    CALL verify_table_copy('weekly_park_stats', 'verify_weekly_stored', 'week_start',
                           v_week_from, v_week_to);
    CALL verify_ride_levels(0, v_from, v_compare_to, v_day_from, v_day_to, v_ride_week_from,
                            v_ride_week_to, v_month_from, v_month_to, YEAR(v_first_day), YEAR(v_to));
    CALL verify_table_copy('yearly_park_stats', 'verify_yearly_stored', 'year',
                           YEAR(v_first_day), YEAR(v_to) + 1);

    -- The tables the recomputation writes are shadowed by temporary copies, which
    -- it then writes and the comparison reads: no base table is written.
    CALL verify_shadows_create(v_from, v_compare_to, v_day_from, v_day_to, v_week_from, v_week_to,
                               v_ride_week_from, v_ride_week_to, YEAR(v_first_day), YEAR(v_to),
                               v_running_from, v_running_to);

    DROP TEMPORARY TABLE IF EXISTS verify_differences;
    CREATE TEMPORARY TABLE verify_differences (
        level                 VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        period_start          DATETIME     NOT NULL,
        park_id               INT UNSIGNED NOT NULL,
        problem               VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        columns_differing     VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
        expected_sample_count BIGINT       NULL,
        actual_sample_count   BIGINT       NULL,
        ride_id               INT UNSIGNED NULL
    ) ENGINE = MEMORY;

    -- Recompute with the cycle's own procedures into the shadows, and compare.
    IF v_hourly_to > v_from THEN
        CALL aggregate_hours_range(v_from, v_hourly_to, v_now, v_hours);
        CALL aggregate_ride_hours_range(v_from, v_hourly_to, v_now, v_ignored);
    END IF;
    -- Ranges aggregated ahead of the watermark, each on its own (never the gaps).
    SET v_span_start = v_hourly_to;
    aggregated_ahead: LOOP
        SET v_span_end = NULL;
        SELECT GREATEST(range_start, v_span_start),
               LEAST(range_end, v_to)
          INTO v_span_start, v_span_end
          FROM aggregated_ranges
         WHERE range_end > v_span_start
           AND range_start < v_to
           AND range_end > v_from
         ORDER BY range_start
         LIMIT 1;
        IF v_span_end IS NULL THEN
            LEAVE aggregated_ahead;
        END IF;
        CALL aggregate_hours_range(v_span_start, v_span_end, v_now, v_span_rows);
        CALL aggregate_ride_hours_range(v_span_start, v_span_end, v_now, v_ignored);
        SET v_hours = v_hours + v_span_rows;
        SET v_span_start = v_span_end;
    END LOOP;
    -- Days (and their weeks) run by run of consecutive checked days.
    SET v_run_from = v_day_from;
    WHILE v_run_from IS NOT NULL DO
        SELECT MIN(c.local_date)
          INTO v_run_to
          FROM calendar_days AS c
          LEFT JOIN verify_days AS d
            ON d.local_date = c.local_date
         WHERE c.local_date > v_run_from
           AND d.local_date IS NULL;
        CALL aggregate_days_range(v_run_from, v_run_to, v_now, v_ignored);
        CALL aggregate_ride_days_range(v_run_from, v_run_to, v_now, 0, v_ignored);
        CALL aggregate_weeks_range(
            v_run_from - INTERVAL (DAYOFWEEK(v_run_from) - 1) DAY,
            v_run_to - INTERVAL (DAYOFWEEK(v_run_to - INTERVAL 1 DAY) - 1) DAY + INTERVAL 6 DAY,
            v_now, v_ignored);
        SELECT MIN(local_date)
          INTO v_run_from
          FROM verify_days
         WHERE local_date > v_run_to;
    END WHILE;
    -- The rides' weeks of the checked months, then those months (from their weeks).
    IF v_day_from IS NOT NULL THEN
        CALL aggregate_ride_weeks_range(v_ride_week_from, v_ride_week_to, v_now, v_ignored);
        CALL aggregate_ride_months_range(v_month_from, v_month_to, v_now, v_ignored);
    END IF;
    SELECT COUNT(*)
      INTO v_weeks
      FROM weekly_park_stats
     WHERE week_start >= COALESCE(v_week_from, '9999-12-31')
       AND week_start < COALESCE(v_week_to, '1000-01-01');
    CALL aggregate_years_range(YEAR(v_first_day), YEAR(v_to) + 1, v_now, v_years);
    CALL aggregate_ride_years_range(YEAR(v_first_day), YEAR(v_to) + 1, v_now, v_ignored);
    -- The running rows move with every new snapshot: copied right before their
    -- recomputation (a snapshot recorded in between shows up as a difference).
    CALL verify_table_copy('running_daily_park_stats', 'verify_running_stored', 'stat_date',
                           v_running_from, v_running_to + INTERVAL 1 DAY);
    IF v_running_from <= v_running_to THEN
        CALL running_daily_refresh(NULL, v_running_from, v_running_to);
        SELECT COUNT(*)
          INTO v_running
          FROM running_daily_park_stats
         WHERE stat_date >= v_running_from
           AND stat_date <= v_running_to;
    END IF;
    CALL verify_running_rides(0, v_running_from, v_running_to, v_running_rides);

    -- Per level: every recomputed row whose stored copy is missing or differs in
    -- any column (HAVING reads the select's own problem and columns_differing).
    INSERT INTO verify_differences
        (level, period_start, park_id, problem, columns_differing, expected_sample_count,
         actual_sample_count)
    SELECT 'hourly',
           e.hour_start_utc,
           e.park_id,
           IF(a.park_id IS NULL, 'missing', 'differs') AS problem,
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
                        IF(e.max_rides_down <=> a.max_rides_down, NULL, 'max_rides_down'))) AS columns_differing,
           e.sample_count,
           a.sample_count
      FROM hourly_park_stats AS e
      LEFT JOIN verify_hourly_stored AS a
        ON a.hour_start_utc = e.hour_start_utc
       AND a.park_id = e.park_id
     WHERE e.hour_start_utc >= v_from
       AND e.hour_start_utc < v_compare_to
    HAVING problem = 'missing'
        OR columns_differing <> '';

    INSERT INTO verify_differences
        (level, period_start, park_id, problem, columns_differing, expected_sample_count,
         actual_sample_count)
    SELECT 'daily',
           e.stat_date,
           e.park_id,
           IF(a.park_id IS NULL, 'missing', 'differs') AS problem,
           IF(a.park_id IS NULL, NULL,
              CONCAT_WS(', ',
                        IF(e.hours_in_day <=> a.hours_in_day, NULL, 'hours_in_day'),
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
                        IF(e.max_rides_down <=> a.max_rides_down, NULL, 'max_rides_down'))) AS columns_differing,
           e.sample_count,
           a.sample_count
      FROM daily_park_stats AS e
      LEFT JOIN verify_daily_stored AS a
        ON a.stat_date = e.stat_date
       AND a.park_id = e.park_id
     WHERE e.stat_date >= COALESCE(v_day_from, '9999-12-31')
       AND e.stat_date < COALESCE(v_day_to, '1000-01-01')
    HAVING problem = 'missing'
        OR columns_differing <> '';

    INSERT INTO verify_differences
        (level, period_start, park_id, problem, columns_differing, expected_sample_count,
         actual_sample_count)
    SELECT 'weekly',
           e.week_start,
           e.park_id,
           IF(a.park_id IS NULL, 'missing', 'differs') AS problem,
           IF(a.park_id IS NULL, NULL,
              CONCAT_WS(', ',
                        IF(e.days_covered <=> a.days_covered, NULL, 'days_covered'),
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
                        IF(e.max_rides_down <=> a.max_rides_down, NULL, 'max_rides_down'))) AS columns_differing,
           e.sample_count,
           a.sample_count
      FROM weekly_park_stats AS e
      LEFT JOIN verify_weekly_stored AS a
        ON a.week_start = e.week_start
       AND a.park_id = e.park_id
     WHERE e.week_start >= COALESCE(v_week_from, '9999-12-31')
       AND e.week_start < COALESCE(v_week_to, '1000-01-01')
    HAVING problem = 'missing'
        OR columns_differing <> '';

    INSERT INTO verify_differences
        (level, period_start, park_id, problem, columns_differing, expected_sample_count,
         actual_sample_count)
    SELECT 'yearly',
           MAKEDATE(e.year, 1),
           e.park_id,
           IF(a.park_id IS NULL, 'missing', 'differs') AS problem,
           IF(a.park_id IS NULL, NULL,
              CONCAT_WS(', ',
                        IF(e.days_covered <=> a.days_covered, NULL, 'days_covered'),
                        IF(e.is_complete <=> a.is_complete, NULL, 'is_complete'),
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
                        IF(e.max_rides_down <=> a.max_rides_down, NULL, 'max_rides_down'))) AS columns_differing,
           e.sample_count,
           a.sample_count
      FROM yearly_park_stats AS e
      LEFT JOIN verify_yearly_stored AS a
        ON a.year = e.year
       AND a.park_id = e.park_id
     WHERE e.year BETWEEN YEAR(v_first_day) AND YEAR(v_to)
    HAVING problem = 'missing'
        OR columns_differing <> '';

    CALL verify_ride_levels(1, v_from, v_compare_to, v_day_from, v_day_to, v_ride_week_from,
                            v_ride_week_to, v_month_from, v_month_to, YEAR(v_first_day), YEAR(v_to));

    INSERT INTO verify_differences
        (level, period_start, park_id, problem, columns_differing, expected_sample_count,
         actual_sample_count)
    SELECT 'running',
           e.stat_date,
           e.park_id,
           IF(a.park_id IS NULL, 'missing', 'differs') AS problem,
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
                        IF(e.max_rides_down <=> a.max_rides_down, NULL, 'max_rides_down'))) AS columns_differing,
           e.sample_count,
           a.sample_count
      FROM running_daily_park_stats AS e
      LEFT JOIN verify_running_stored AS a
        ON a.stat_date = e.stat_date
       AND a.park_id = e.park_id
     WHERE e.stat_date >= v_running_from
       AND e.stat_date <= v_running_to
    HAVING problem = 'missing'
        OR columns_differing <> '';

    -- Stored running rows of parks without any snapshot that day.
    INSERT INTO verify_differences
        (level, period_start, park_id, problem, columns_differing, expected_sample_count,
         actual_sample_count)
    SELECT 'running',
           a.stat_date,
           a.park_id,
           'extra',
           NULL,
           NULL,
           a.sample_count
      FROM verify_running_stored AS a
      LEFT JOIN running_daily_park_stats AS e
        ON e.stat_date = a.stat_date
       AND e.park_id = a.park_id
     WHERE e.park_id IS NULL;
    CALL verify_running_rides(1, v_running_from, v_running_to, v_ignored);
    CALL verify_shadows_drop();
    CALL verify_latest_rides(v_from, v_to, v_latest_rides);
    DO RELEASE_LOCK(v_lock_name);

    DROP TEMPORARY TABLE verify_hourly_stored;
    DROP TEMPORARY TABLE verify_daily_stored;
    DROP TEMPORARY TABLE verify_yearly_stored;
    DROP TEMPORARY TABLE verify_weekly_stored;
    DROP TEMPORARY TABLE verify_running_stored;
    DROP TEMPORARY TABLE verify_days;

    SELECT COUNT(*) INTO v_differences FROM verify_differences;
    SET v_summary = CONCAT('Verified ', DATE_FORMAT(v_from, '%Y-%m-%d %H:00'), ' .. ',
                           DATE_FORMAT(v_to, '%Y-%m-%d %H:00'), ': ', v_hours, ' hourly, ', v_days,
                           ' day(s), ', v_weeks, ' weekly, ', v_years, ' yearly, ', v_running,
                           ' running daily, ', v_running_rides, ' running ride and ', v_latest_rides,
                           ' newest ride row(s) checked; ',
                           IF(v_differences = 0, 'no difference',
                              CONCAT(v_differences, ' DIFFERENCE(S) (fix with backfill_aggregates)')),
                           ' in ', ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1),
                           ' ms', IF(v_read_only, ' (read-only server: not logged)', ''));
    IF NOT v_read_only THEN
        INSERT INTO aggregation_job_log
            (job_type, period_start, period_end, status, started_at, finished_at, rows_affected,
             error_message)
        VALUES
            ('verify', v_from, v_to, 'success', aggregation_clock(v_now, v_real_start),
             aggregation_clock(v_now, v_real_start), v_differences,
             IF(v_differences = 0, NULL, LEFT(v_summary, 1024)));
    END IF;

    SELECT level, period_start, park_id, problem, columns_differing, expected_sample_count,
           actual_sample_count, ride_id
      FROM verify_differences
     ORDER BY FIELD(level, 'hourly', 'daily', 'weekly', 'yearly', 'running', 'running_ride', 'hourly_ride',
                    'daily_ride', 'weekly_ride', 'monthly_ride', 'yearly_ride', 'latest_ride'),
              period_start, park_id, ride_id;
    DROP TEMPORARY TABLE verify_differences;
    CALL verify_isolation(v_isolation, v_ignored_level);

    SELECT v_summary AS summary,
           v_hours AS hourly_checked,
           v_days AS days_checked,
           v_weeks AS weekly_checked,
           v_years AS yearly_checked,
           v_running AS running_checked,
           v_running_rides AS running_ride_checked,
           v_latest_rides AS latest_ride_checked,
           v_differences AS differences,
           ROUND(TIMESTAMPDIFF(MICROSECOND, v_real_start, UTC_TIMESTAMP(6)) / 1000, 1) AS duration_ms;
END
