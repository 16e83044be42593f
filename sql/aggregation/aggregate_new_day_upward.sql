CREATE PROCEDURE aggregate_new_day_upward(
    IN p_day DATE,
    IN p_now DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, the daily bucket''s fast path: adds the daily rows of local date
p_day, written in this transaction where no daily row of any park or ride
existed before (the cycle that completes a day), to the coarser rows holding
them: weekly_ride_stats, monthly_ride_stats, yearly_ride_stats and
yearly_park_stats. One INSERT ... SELECT ... ON DUPLICATE KEY UPDATE per
table, one row per ride or park (no grouping: a day has one row of each):
sums and counts added, maxima and the last date kept with GREATEST,
the first date with LEAST (a NULL keeps the other one), is_complete of a
park''s year recomputed from its new days_covered as aggregate_years_range
does. Exact because each of those rows is the sum of its daily rows before
(every writer of daily rows rewrites the weeks and months in the same
transaction; a year is either so or queued, and its yearly bucket then
regroups it) and the added day had no row in any of them: about 4 x 1,900
rows read and updated in place (~35 ms less than regrouping the week, the
month and the year, which read up to 7, 31 and 365 daily rows a ride). A day
that had rows (late data, a re-run) and a range of several days (a backfill)
go through the regrouping procedures instead (aggregate_ride_weeks_range,
aggregate_ride_months_range, the yearly bucket).
Does not commit or log.

Parameters
----------
p_day (DATE): the local date added.
p_now (DATETIME): value written to aggregated_at; its local date decides
    whether a year has ended (is_complete).

Example
-------
CALL aggregate_new_day_upward(''2026-11-23'', UTC_TIMESTAMP());
-- the rides'' week of Nov 22, month of November and year 2026, and the parks''
-- year 2026, now include Nov 23
'
BEGIN
    DECLARE v_today DATE;
    DECLARE v_week_start DATE;
    DECLARE v_month_start DATE;

    SET v_today = local_date_of(p_now);
    -- DAYOFWEEK: Sunday = 1.
    SET v_week_start = p_day - INTERVAL (DAYOFWEEK(p_day) - 1) DAY;
    SET v_month_start = p_day - INTERVAL (DAYOFMONTH(p_day) - 1) DAY;

    INSERT INTO weekly_ride_stats
        (week_start, ride_id, park_id, days_covered, sample_count, open_sample_count,
         operating_samples, down_samples, closed_samples, refurbishment_samples,
         wait_sum, wait_count, peak_wait_minutes, aggregated_at)
    SELECT v_week_start,
           d.ride_id,
           d.park_id,
           1,
           d.sample_count,
           d.open_sample_count,
           d.operating_samples,
           d.down_samples,
           d.closed_samples,
           d.refurbishment_samples,
           d.wait_sum,
           d.wait_count,
           d.peak_wait_minutes,
           p_now
      FROM daily_ride_stats AS d
     WHERE d.stat_date = p_day
    ON DUPLICATE KEY UPDATE
        park_id = GREATEST(weekly_ride_stats.park_id, VALUES(park_id)),
        days_covered = weekly_ride_stats.days_covered + 1,
        sample_count = weekly_ride_stats.sample_count + VALUES(sample_count),
        open_sample_count = weekly_ride_stats.open_sample_count + VALUES(open_sample_count),
        operating_samples = weekly_ride_stats.operating_samples + VALUES(operating_samples),
        down_samples = weekly_ride_stats.down_samples + VALUES(down_samples),
        closed_samples = weekly_ride_stats.closed_samples + VALUES(closed_samples),
        refurbishment_samples = weekly_ride_stats.refurbishment_samples + VALUES(refurbishment_samples),
        wait_sum = weekly_ride_stats.wait_sum + VALUES(wait_sum),
        wait_count = weekly_ride_stats.wait_count + VALUES(wait_count),
        -- GREATEST() is NULL when either is: keep the other one then.
        peak_wait_minutes = COALESCE(GREATEST(weekly_ride_stats.peak_wait_minutes,
                                              VALUES(peak_wait_minutes)),
                                     weekly_ride_stats.peak_wait_minutes,
                                     VALUES(peak_wait_minutes)),
        aggregated_at = VALUES(aggregated_at);

    INSERT INTO monthly_ride_stats
        (month_start, ride_id, park_id, days_covered, sample_count, open_sample_count,
         operating_samples, down_samples, closed_samples, refurbishment_samples,
         wait_sum, wait_count, peak_wait_minutes, aggregated_at)
    SELECT v_month_start,
           d.ride_id,
           d.park_id,
           1,
           d.sample_count,
           d.open_sample_count,
           d.operating_samples,
           d.down_samples,
           d.closed_samples,
           d.refurbishment_samples,
           d.wait_sum,
           d.wait_count,
           d.peak_wait_minutes,
           p_now
      FROM daily_ride_stats AS d
     WHERE d.stat_date = p_day
    ON DUPLICATE KEY UPDATE
        park_id = GREATEST(monthly_ride_stats.park_id, VALUES(park_id)),
        days_covered = monthly_ride_stats.days_covered + 1,
        sample_count = monthly_ride_stats.sample_count + VALUES(sample_count),
        open_sample_count = monthly_ride_stats.open_sample_count + VALUES(open_sample_count),
        operating_samples = monthly_ride_stats.operating_samples + VALUES(operating_samples),
        down_samples = monthly_ride_stats.down_samples + VALUES(down_samples),
        closed_samples = monthly_ride_stats.closed_samples + VALUES(closed_samples),
        refurbishment_samples = monthly_ride_stats.refurbishment_samples + VALUES(refurbishment_samples),
        wait_sum = monthly_ride_stats.wait_sum + VALUES(wait_sum),
        wait_count = monthly_ride_stats.wait_count + VALUES(wait_count),
        peak_wait_minutes = COALESCE(GREATEST(monthly_ride_stats.peak_wait_minutes,
                                              VALUES(peak_wait_minutes)),
                                     monthly_ride_stats.peak_wait_minutes,
                                     VALUES(peak_wait_minutes)),
        aggregated_at = VALUES(aggregated_at);

    INSERT INTO yearly_ride_stats
        (year, ride_id, park_id, days_covered, sample_count, open_sample_count,
         operating_samples, down_samples, closed_samples, refurbishment_samples,
         wait_sum, wait_count, peak_wait_minutes, aggregated_at)
    SELECT YEAR(p_day),
           d.ride_id,
           d.park_id,
           1,
           d.sample_count,
           d.open_sample_count,
           d.operating_samples,
           d.down_samples,
           d.closed_samples,
           d.refurbishment_samples,
           d.wait_sum,
           d.wait_count,
           d.peak_wait_minutes,
           p_now
      FROM daily_ride_stats AS d
     WHERE d.stat_date = p_day
    ON DUPLICATE KEY UPDATE
        park_id = GREATEST(yearly_ride_stats.park_id, VALUES(park_id)),
        days_covered = yearly_ride_stats.days_covered + 1,
        sample_count = yearly_ride_stats.sample_count + VALUES(sample_count),
        open_sample_count = yearly_ride_stats.open_sample_count + VALUES(open_sample_count),
        operating_samples = yearly_ride_stats.operating_samples + VALUES(operating_samples),
        down_samples = yearly_ride_stats.down_samples + VALUES(down_samples),
        closed_samples = yearly_ride_stats.closed_samples + VALUES(closed_samples),
        refurbishment_samples = yearly_ride_stats.refurbishment_samples + VALUES(refurbishment_samples),
        wait_sum = yearly_ride_stats.wait_sum + VALUES(wait_sum),
        wait_count = yearly_ride_stats.wait_count + VALUES(wait_count),
        peak_wait_minutes = COALESCE(GREATEST(yearly_ride_stats.peak_wait_minutes,
                                              VALUES(peak_wait_minutes)),
                                     yearly_ride_stats.peak_wait_minutes,
                                     VALUES(peak_wait_minutes)),
        aggregated_at = VALUES(aggregated_at);

    INSERT INTO yearly_park_stats
        (year, park_id, days_covered, is_complete, first_stat_date, last_stat_date,
         sample_count, open_sample_count, shame_sum, shame_count, wait_sum, wait_count,
         peak_wait_minutes, down_samples, weighted_down_samples, operating_samples,
         max_rides_down, aggregated_at)
    SELECT YEAR(p_day),
           d.park_id,
           1,
           -- One day covered: never a whole year.
           0,
           p_day,
           p_day,
           d.sample_count,
           d.open_sample_count,
           d.shame_sum,
           d.shame_count,
           d.wait_sum,
           d.wait_count,
           d.peak_wait_minutes,
           d.down_samples,
           d.weighted_down_samples,
           d.operating_samples,
           d.max_rides_down,
           p_now
      FROM daily_park_stats AS d
     WHERE d.stat_date = p_day
    ON DUPLICATE KEY UPDATE
        -- Before days_covered: every reference here reads the stored (old) value.
        is_complete = CASE
                          WHEN MAKEDATE(yearly_park_stats.year + 1, 1) <= v_today
                           AND yearly_park_stats.days_covered + 1
                               = DATEDIFF(MAKEDATE(yearly_park_stats.year + 1, 1),
                                          MAKEDATE(yearly_park_stats.year, 1))
                          THEN 1
                          ELSE 0
                      END,
        days_covered = yearly_park_stats.days_covered + 1,
        first_stat_date = COALESCE(LEAST(yearly_park_stats.first_stat_date, VALUES(first_stat_date)),
                                   yearly_park_stats.first_stat_date, VALUES(first_stat_date)),
        last_stat_date = COALESCE(GREATEST(yearly_park_stats.last_stat_date, VALUES(last_stat_date)),
                                  yearly_park_stats.last_stat_date, VALUES(last_stat_date)),
        sample_count = yearly_park_stats.sample_count + VALUES(sample_count),
        open_sample_count = yearly_park_stats.open_sample_count + VALUES(open_sample_count),
        shame_sum = yearly_park_stats.shame_sum + VALUES(shame_sum),
        shame_count = yearly_park_stats.shame_count + VALUES(shame_count),
        wait_sum = yearly_park_stats.wait_sum + VALUES(wait_sum),
        wait_count = yearly_park_stats.wait_count + VALUES(wait_count),
        peak_wait_minutes = COALESCE(GREATEST(yearly_park_stats.peak_wait_minutes,
                                              VALUES(peak_wait_minutes)),
                                     yearly_park_stats.peak_wait_minutes,
                                     VALUES(peak_wait_minutes)),
        down_samples = yearly_park_stats.down_samples + VALUES(down_samples),
        weighted_down_samples = yearly_park_stats.weighted_down_samples + VALUES(weighted_down_samples),
        operating_samples = yearly_park_stats.operating_samples + VALUES(operating_samples),
        max_rides_down = COALESCE(GREATEST(yearly_park_stats.max_rides_down, VALUES(max_rides_down)),
                                  yearly_park_stats.max_rides_down, VALUES(max_rides_down)),
        aggregated_at = VALUES(aggregated_at);
END
