CREATE PROCEDURE verify_shadows_create(
    IN p_hours_from DATETIME,
    IN p_hours_to DATETIME,
    IN p_day_from DATE,
    IN p_day_to DATE,
    IN p_week_from DATE,
    IN p_week_to DATE,
    IN p_ride_week_from DATE,
    IN p_ride_week_to DATE,
    IN p_year_from SMALLINT,
    IN p_year_to SMALLINT,
    IN p_running_from DATE,
    IN p_running_to DATE)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, for verify_aggregates: shadows each table
its recomputation writes with a TEMPORARY table of the same name
(verify_table_copy) holding the stored rows the recomputation reads, so that
the cycle''s own procedures write the shadows and nothing is written to a base
table:
  hourly_park_stats, hourly_ride_stats, hourly_ride_totals: the checked hours
      and every hour of the checked local days (a day is re-summed from all
      its hours);
  daily_park_stats, daily_ride_stats: every day of the years and of the
      Sunday-Saturday weeks re-summed;
  weekly_park_stats: the checked weeks;
  weekly_ride_stats: the checked ride weeks (every week touching a checked
      month: a month is re-summed from its whole weeks);
  monthly_ride_stats: every month of the checked years (a ride''s year is
      re-summed from its months);
  yearly_park_stats, yearly_ride_stats: the checked years;
  running_daily_park_stats, running_daily_ride_stats: the checked running days.
verify_shadows_drop ends the shadows. Each shadow is created with ALTER TABLE
... RENAME, which commits an open transaction: call it before one starts.

Parameters
----------
p_hours_from, p_hours_to (DATETIME): the UTC hours checked [from, to).
p_day_from, p_day_to (DATE): the local days checked [from, to), or NULL.
p_week_from, p_week_to (DATE): the week starts checked [from, to), or NULL.
p_ride_week_from, p_ride_week_to (DATE): the ride week starts checked [from, to), or NULL.
p_year_from, p_year_to (SMALLINT): the years checked, both included.
p_running_from, p_running_to (DATE): the running days checked, both included.

Example
-------
CALL verify_shadows_create(''2026-11-01 07:00:00'', ''2026-11-24 08:00:00'', ''2026-11-01'',
    ''2026-11-24'', ''2026-10-26'', ''2026-11-23'', ''2026-10-25'', ''2026-12-06'', 2026, 2026,
    ''2026-11-24'', ''2026-11-24'');
-- (verify_aggregates only; the session then reads the shadows: CALL verify_shadows_drop())
'
BEGIN
    DECLARE v_hours_from DATETIME DEFAULT LEAST(p_hours_from,
        COALESCE((SELECT utc_start FROM calendar_days WHERE local_date = p_day_from), p_hours_from));
    DECLARE v_hours_to DATETIME DEFAULT GREATEST(p_hours_to,
        COALESCE((SELECT utc_start FROM calendar_days WHERE local_date = p_day_to), p_hours_to));
    DECLARE v_days_from DATE DEFAULT LEAST(MAKEDATE(p_year_from, 1),
                                           COALESCE(p_week_from, MAKEDATE(p_year_from, 1)),
                                           COALESCE(p_ride_week_from, MAKEDATE(p_year_from, 1)));
    DECLARE v_days_to DATE DEFAULT GREATEST(MAKEDATE(p_year_to + 1, 1),
                                            COALESCE(p_week_to + INTERVAL 7 DAY, MAKEDATE(p_year_to + 1, 1)),
                                            COALESCE(p_ride_week_to, MAKEDATE(p_year_to + 1, 1)));

    CALL verify_table_copy('hourly_park_stats', 'hourly_park_stats', 'hour_start_utc',
                           v_hours_from, v_hours_to);
    CALL verify_table_copy('hourly_ride_stats', 'hourly_ride_stats', 'hour_start_utc',
                           v_hours_from, v_hours_to);
    CALL verify_table_copy('hourly_ride_totals', 'hourly_ride_totals', 'hour_start_utc',
                           v_hours_from, v_hours_to);
    CALL verify_table_copy('daily_park_stats', 'daily_park_stats', 'stat_date', v_days_from, v_days_to);
    CALL verify_table_copy('daily_ride_stats', 'daily_ride_stats', 'stat_date', v_days_from, v_days_to);
    CALL verify_table_copy('weekly_park_stats', 'weekly_park_stats', 'week_start', p_week_from, p_week_to);
    CALL verify_table_copy('yearly_park_stats', 'yearly_park_stats', 'year', p_year_from, p_year_to + 1);
    CALL verify_table_copy('weekly_ride_stats', 'weekly_ride_stats', 'week_start',
                           p_ride_week_from, p_ride_week_to);
    CALL verify_table_copy('monthly_ride_stats', 'monthly_ride_stats', 'month_start',
                           MAKEDATE(p_year_from, 1), MAKEDATE(p_year_to + 1, 1));
    CALL verify_table_copy('yearly_ride_stats', 'yearly_ride_stats', 'year', p_year_from, p_year_to + 1);
    CALL verify_table_copy('running_daily_park_stats', 'running_daily_park_stats', 'stat_date',
                           p_running_from, p_running_to + INTERVAL 1 DAY);
    CALL verify_table_copy('running_daily_ride_stats', 'running_daily_ride_stats', 'stat_date',
                           p_running_from, p_running_to + INTERVAL 1 DAY);
END
