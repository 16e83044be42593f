CREATE PROCEDURE running_daily_add(IN p_park_id INT UNSIGNED, IN p_recorded_at DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, called by the INSERT trigger on park_snapshots: adds what the
snapshot (p_park_id, p_recorded_at) adds to each measure, read from the view
park_snapshot_measures by its key, to the running_daily_park_stats row of its
local day (reporting time zone, calendar_days): one INSERT ... SELECT ... ON
DUPLICATE KEY UPDATE that creates the row or adds the sums and counts and
keeps the greater of the maxima (a NULL maximum, e.g. no wait reported, leaves
the other one). Does nothing when the snapshot does not exist or lies outside
the calendar. Adding is only right for a new snapshot: a changed or deleted
one needs running_daily_refresh(). Does not commit.

Parameters
----------
p_park_id (INT UNSIGNED): park_id of the snapshot.
p_recorded_at (DATETIME): recorded_at of the snapshot (UTC).

Example
-------
CALL running_daily_add(7, ''2026-11-24 18:05:00'');
'
BEGIN
    DECLARE v_day DATE DEFAULT NULL;

    SET v_day = local_date_of(p_recorded_at);

    INSERT INTO running_daily_park_stats
        (stat_date, park_id, sample_count, open_sample_count, shame_sum, shame_count,
         wait_sum, wait_count, peak_wait_minutes, down_samples, weighted_down_samples,
         operating_samples, max_rides_down, updated_at)
    SELECT v_day,
           m.park_id,
           COUNT(*),
           SUM(m.open_sample_count),
           COALESCE(SUM(m.shame_sum), 0),
           COALESCE(SUM(m.shame_count), 0),
           COALESCE(SUM(m.wait_sum), 0),
           COALESCE(SUM(m.wait_count), 0),
           MAX(m.peak_wait_minutes),
           COALESCE(SUM(m.down_samples), 0),
           COALESCE(SUM(m.weighted_down_samples), 0),
           COALESCE(SUM(m.operating_samples), 0),
           MAX(m.max_rides_down),
           parkstats_now()
      FROM park_snapshot_measures AS m
     WHERE m.park_id = p_park_id
       AND m.recorded_at = p_recorded_at
       AND v_day IS NOT NULL
     GROUP BY m.park_id
    ON DUPLICATE KEY UPDATE
        sample_count = running_daily_park_stats.sample_count + VALUES(sample_count),
        open_sample_count = running_daily_park_stats.open_sample_count + VALUES(open_sample_count),
        shame_sum = running_daily_park_stats.shame_sum + VALUES(shame_sum),
        shame_count = running_daily_park_stats.shame_count + VALUES(shame_count),
        wait_sum = running_daily_park_stats.wait_sum + VALUES(wait_sum),
        wait_count = running_daily_park_stats.wait_count + VALUES(wait_count),
        -- GREATEST() is NULL when either is: keep the other one then.
        peak_wait_minutes = COALESCE(GREATEST(running_daily_park_stats.peak_wait_minutes,
                                              VALUES(peak_wait_minutes)),
                                     running_daily_park_stats.peak_wait_minutes,
                                     VALUES(peak_wait_minutes)),
        down_samples = running_daily_park_stats.down_samples + VALUES(down_samples),
        weighted_down_samples = running_daily_park_stats.weighted_down_samples
                                + VALUES(weighted_down_samples),
        operating_samples = running_daily_park_stats.operating_samples + VALUES(operating_samples),
        max_rides_down = COALESCE(GREATEST(running_daily_park_stats.max_rides_down,
                                           VALUES(max_rides_down)),
                                  running_daily_park_stats.max_rides_down,
                                  VALUES(max_rides_down)),
        updated_at = VALUES(updated_at);
END
