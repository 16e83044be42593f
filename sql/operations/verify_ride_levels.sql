CREATE PROCEDURE verify_ride_levels(
    IN p_compare TINYINT,
    IN p_hours_from DATETIME,
    IN p_hours_to DATETIME,
    IN p_day_from DATE,
    IN p_day_to DATE,
    IN p_week_from DATE,
    IN p_week_to DATE,
    IN p_month_from DATE,
    IN p_month_to DATE,
    IN p_year_from SMALLINT,
    IN p_year_to SMALLINT)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, the ride levels of verify_aggregates (kept apart so that each
routine stays small): with p_compare = 0, copies the stored rows of
hourly_ride_stats, daily_ride_stats, weekly_ride_stats, monthly_ride_stats and
yearly_ride_stats in the ranges into temporary tables with verify_table_copy
(before verify_aggregates recomputes them into its shadows); with p_compare = 1
(after the recomputation), writes every ride row that is missing, differs or
is extra into the temporary table verify_differences (levels hourly_ride,
daily_ride, weekly_ride, monthly_ride, yearly_ride) and drops the copies.

Parameters
----------
p_compare (TINYINT): 0 copy the stored rows, 1 compare.
p_hours_from, p_hours_to (DATETIME): the UTC hours checked [from, to).
p_day_from, p_day_to (DATE): the local days checked [from, to), or NULL.
p_week_from, p_week_to (DATE): the week starts checked [from, to), or NULL.
p_month_from, p_month_to (DATE): the month starts checked [from, to), or NULL.
p_year_from, p_year_to (SMALLINT): the years checked, both included.

Example
-------
CALL verify_ride_levels(0, ''2026-11-01 07:00:00'', ''2026-11-24 08:00:00'', ''2026-11-01'',
    ''2026-11-24'', ''2026-10-26'', ''2026-11-29'', ''2026-11-01'', ''2026-12-01'', 2026, 2026);
-- (verify_aggregates only: it needs the temporary tables of verify_aggregates)
'
BEGIN
    IF p_compare = 0 THEN
        CALL verify_table_copy('hourly_ride_stats', 'verify_hourly_ride_stored', 'hour_start_utc',
                               p_hours_from, p_hours_to);
        CALL verify_table_copy('daily_ride_stats', 'verify_daily_ride_stored', 'stat_date',
                               p_day_from, p_day_to);
        CALL verify_table_copy('weekly_ride_stats', 'verify_weekly_ride_stored', 'week_start',
                               p_week_from, p_week_to);
        CALL verify_table_copy('monthly_ride_stats', 'verify_monthly_ride_stored', 'month_start',
                               p_month_from, p_month_to);
        CALL verify_table_copy('yearly_ride_stats', 'verify_yearly_ride_stored', 'year',
                               p_year_from, p_year_to + 1);
    ELSE
        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'hourly_ride',
               e.hour_start_utc,
               e.park_id,
               IF(a.ride_id IS NULL, 'missing', 'differs') AS problem,
               IF(a.ride_id IS NULL, NULL,
                  CONCAT_WS(', ',
                            IF(e.park_id <=> a.park_id, NULL, 'park_id'),
                            IF(e.sample_count <=> a.sample_count, NULL, 'sample_count'),
                            IF(e.open_sample_count <=> a.open_sample_count, NULL, 'open_sample_count'),
                            IF(e.operating_samples <=> a.operating_samples, NULL, 'operating_samples'),
                            IF(e.down_samples <=> a.down_samples, NULL, 'down_samples'),
                            IF(e.closed_samples <=> a.closed_samples, NULL, 'closed_samples'),
                            IF(e.refurbishment_samples <=> a.refurbishment_samples, NULL, 'refurbishment_samples'),
                            IF(e.wait_sum <=> a.wait_sum, NULL, 'wait_sum'),
                            IF(e.wait_count <=> a.wait_count, NULL, 'wait_count'),
                            IF(e.peak_wait_minutes <=> a.peak_wait_minutes, NULL, 'peak_wait_minutes'))) AS columns_differing,
               e.sample_count,
               a.sample_count,
               e.ride_id
          FROM hourly_ride_stats AS e
          LEFT JOIN verify_hourly_ride_stored AS a
            ON a.hour_start_utc = e.hour_start_utc
           AND a.ride_id = e.ride_id
         WHERE e.hour_start_utc >= p_hours_from
           AND e.hour_start_utc < p_hours_to
        HAVING problem = 'missing'
            OR columns_differing <> '';

        -- Stored ride rows that the recomputation does not have (their snapshots are gone).
        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'hourly_ride',
               a.hour_start_utc,
               a.park_id,
               'extra',
               NULL,
               NULL,
               a.sample_count,
               a.ride_id
          FROM verify_hourly_ride_stored AS a
          LEFT JOIN hourly_ride_stats AS e
            ON e.hour_start_utc = a.hour_start_utc
           AND e.ride_id = a.ride_id
         WHERE e.ride_id IS NULL;

        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'daily_ride',
               e.stat_date,
               e.park_id,
               IF(a.ride_id IS NULL, 'missing', 'differs') AS problem,
               IF(a.ride_id IS NULL, NULL,
                  CONCAT_WS(', ',
                            IF(e.park_id <=> a.park_id, NULL, 'park_id'),
                            IF(e.sample_count <=> a.sample_count, NULL, 'sample_count'),
                            IF(e.open_sample_count <=> a.open_sample_count, NULL, 'open_sample_count'),
                            IF(e.operating_samples <=> a.operating_samples, NULL, 'operating_samples'),
                            IF(e.down_samples <=> a.down_samples, NULL, 'down_samples'),
                            IF(e.closed_samples <=> a.closed_samples, NULL, 'closed_samples'),
                            IF(e.refurbishment_samples <=> a.refurbishment_samples, NULL, 'refurbishment_samples'),
                            IF(e.wait_sum <=> a.wait_sum, NULL, 'wait_sum'),
                            IF(e.wait_count <=> a.wait_count, NULL, 'wait_count'),
                            IF(e.peak_wait_minutes <=> a.peak_wait_minutes, NULL, 'peak_wait_minutes'))) AS columns_differing,
               e.sample_count,
               a.sample_count,
               e.ride_id
          FROM daily_ride_stats AS e
          LEFT JOIN verify_daily_ride_stored AS a
            ON a.stat_date = e.stat_date
           AND a.ride_id = e.ride_id
         WHERE e.stat_date >= COALESCE(p_day_from, '9999-12-31')
           AND e.stat_date < COALESCE(p_day_to, '1000-01-01')
        HAVING problem = 'missing'
            OR columns_differing <> '';

        -- Stored ride rows that the recomputation does not have (their snapshots are gone).
        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'daily_ride',
               a.stat_date,
               a.park_id,
               'extra',
               NULL,
               NULL,
               a.sample_count,
               a.ride_id
          FROM verify_daily_ride_stored AS a
          LEFT JOIN daily_ride_stats AS e
            ON e.stat_date = a.stat_date
           AND e.ride_id = a.ride_id
         WHERE e.ride_id IS NULL;

        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'weekly_ride',
               e.week_start,
               e.park_id,
               IF(a.ride_id IS NULL, 'missing', 'differs') AS problem,
               IF(a.ride_id IS NULL, NULL,
                  CONCAT_WS(', ',
                            IF(e.park_id <=> a.park_id, NULL, 'park_id'),
                            IF(e.days_covered <=> a.days_covered, NULL, 'days_covered'),
                            IF(e.sample_count <=> a.sample_count, NULL, 'sample_count'),
                            IF(e.open_sample_count <=> a.open_sample_count, NULL, 'open_sample_count'),
                            IF(e.operating_samples <=> a.operating_samples, NULL, 'operating_samples'),
                            IF(e.down_samples <=> a.down_samples, NULL, 'down_samples'),
                            IF(e.closed_samples <=> a.closed_samples, NULL, 'closed_samples'),
                            IF(e.refurbishment_samples <=> a.refurbishment_samples, NULL, 'refurbishment_samples'),
                            IF(e.wait_sum <=> a.wait_sum, NULL, 'wait_sum'),
                            IF(e.wait_count <=> a.wait_count, NULL, 'wait_count'),
                            IF(e.peak_wait_minutes <=> a.peak_wait_minutes, NULL, 'peak_wait_minutes'))) AS columns_differing,
               e.sample_count,
               a.sample_count,
               e.ride_id
          FROM weekly_ride_stats AS e
          LEFT JOIN verify_weekly_ride_stored AS a
            ON a.week_start = e.week_start
           AND a.ride_id = e.ride_id
         WHERE e.week_start >= COALESCE(p_week_from, '9999-12-31')
           AND e.week_start < COALESCE(p_week_to, '1000-01-01')
        HAVING problem = 'missing'
            OR columns_differing <> '';

        -- Stored ride rows that the recomputation does not have (their days are gone).
        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'weekly_ride',
               a.week_start,
               a.park_id,
               'extra',
               NULL,
               NULL,
               a.sample_count,
               a.ride_id
          FROM verify_weekly_ride_stored AS a
          LEFT JOIN weekly_ride_stats AS e
            ON e.week_start = a.week_start
           AND e.ride_id = a.ride_id
         WHERE e.ride_id IS NULL;

        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'monthly_ride',
               e.month_start,
               e.park_id,
               IF(a.ride_id IS NULL, 'missing', 'differs') AS problem,
               IF(a.ride_id IS NULL, NULL,
                  CONCAT_WS(', ',
                            IF(e.park_id <=> a.park_id, NULL, 'park_id'),
                            IF(e.days_covered <=> a.days_covered, NULL, 'days_covered'),
                            IF(e.sample_count <=> a.sample_count, NULL, 'sample_count'),
                            IF(e.open_sample_count <=> a.open_sample_count, NULL, 'open_sample_count'),
                            IF(e.operating_samples <=> a.operating_samples, NULL, 'operating_samples'),
                            IF(e.down_samples <=> a.down_samples, NULL, 'down_samples'),
                            IF(e.closed_samples <=> a.closed_samples, NULL, 'closed_samples'),
                            IF(e.refurbishment_samples <=> a.refurbishment_samples, NULL, 'refurbishment_samples'),
                            IF(e.wait_sum <=> a.wait_sum, NULL, 'wait_sum'),
                            IF(e.wait_count <=> a.wait_count, NULL, 'wait_count'),
                            IF(e.peak_wait_minutes <=> a.peak_wait_minutes, NULL, 'peak_wait_minutes'))) AS columns_differing,
               e.sample_count,
               a.sample_count,
               e.ride_id
          FROM monthly_ride_stats AS e
          LEFT JOIN verify_monthly_ride_stored AS a
            ON a.month_start = e.month_start
           AND a.ride_id = e.ride_id
         WHERE e.month_start >= COALESCE(p_month_from, '9999-12-31')
           AND e.month_start < COALESCE(p_month_to, '1000-01-01')
        HAVING problem = 'missing'
            OR columns_differing <> '';

        -- Stored ride rows that the recomputation does not have (their days are gone).
        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'monthly_ride',
               a.month_start,
               a.park_id,
               'extra',
               NULL,
               NULL,
               a.sample_count,
               a.ride_id
          FROM verify_monthly_ride_stored AS a
          LEFT JOIN monthly_ride_stats AS e
            ON e.month_start = a.month_start
           AND e.ride_id = a.ride_id
         WHERE e.ride_id IS NULL;

        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'yearly_ride',
               MAKEDATE(e.year, 1),
               e.park_id,
               IF(a.ride_id IS NULL, 'missing', 'differs') AS problem,
               IF(a.ride_id IS NULL, NULL,
                  CONCAT_WS(', ',
                            IF(e.park_id <=> a.park_id, NULL, 'park_id'),
                            IF(e.days_covered <=> a.days_covered, NULL, 'days_covered'),
                            IF(e.sample_count <=> a.sample_count, NULL, 'sample_count'),
                            IF(e.open_sample_count <=> a.open_sample_count, NULL, 'open_sample_count'),
                            IF(e.operating_samples <=> a.operating_samples, NULL, 'operating_samples'),
                            IF(e.down_samples <=> a.down_samples, NULL, 'down_samples'),
                            IF(e.closed_samples <=> a.closed_samples, NULL, 'closed_samples'),
                            IF(e.refurbishment_samples <=> a.refurbishment_samples, NULL, 'refurbishment_samples'),
                            IF(e.wait_sum <=> a.wait_sum, NULL, 'wait_sum'),
                            IF(e.wait_count <=> a.wait_count, NULL, 'wait_count'),
                            IF(e.peak_wait_minutes <=> a.peak_wait_minutes, NULL, 'peak_wait_minutes'))) AS columns_differing,
               e.sample_count,
               a.sample_count,
               e.ride_id
          FROM yearly_ride_stats AS e
          LEFT JOIN verify_yearly_ride_stored AS a
            ON a.year = e.year
           AND a.ride_id = e.ride_id
         WHERE e.year BETWEEN p_year_from AND p_year_to
        HAVING problem = 'missing'
            OR columns_differing <> '';

        -- Stored ride rows that the recomputation does not have (their days are gone).
        INSERT INTO verify_differences
            (level, period_start, park_id, problem, columns_differing, expected_sample_count,
             actual_sample_count, ride_id)
        SELECT 'yearly_ride',
               MAKEDATE(a.year, 1),
               a.park_id,
               'extra',
               NULL,
               NULL,
               a.sample_count,
               a.ride_id
          FROM verify_yearly_ride_stored AS a
          LEFT JOIN yearly_ride_stats AS e
            ON e.year = a.year
           AND e.ride_id = a.ride_id
         WHERE e.ride_id IS NULL;

        DROP TEMPORARY TABLE verify_hourly_ride_stored;
        DROP TEMPORARY TABLE verify_daily_ride_stored;
        DROP TEMPORARY TABLE verify_weekly_ride_stored;
        DROP TEMPORARY TABLE verify_monthly_ride_stored;
        DROP TEMPORARY TABLE verify_yearly_ride_stored;
    END IF;
END
