CREATE PROCEDURE running_daily_ride_add(IN p_park_id INT UNSIGNED, IN p_recorded_at DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, called by record_park_snapshot_write for a new snapshot when no
other ride row of its park''s day changed class: adds what each ride row of the
snapshot (p_park_id, p_recorded_at) adds to each ride measure, read from the
view ride_snapshot_measures by the snapshot''s key, to the
running_daily_ride_stats row of the ride and local day (reporting time zone,
calendar_days): one INSERT ... SELECT ... ON DUPLICATE KEY UPDATE that creates
the rows or adds the sums and counts and keeps the greater of the maxima (a
NULL maximum, e.g. no wait posted, leaves the other one). Run after the ride
classes of the snapshot are derived (park_snapshots_derive). Does nothing when
the snapshot has no ride rows or lies outside the calendar. Adding is only
right for ride rows not counted yet whose day no other change touched: a
changed, deleted or reclassified one needs running_daily_ride_refresh().
Writes only rows of the snapshot''s rides (their primary keys: record locks
only). Does not commit.

Parameters
----------
p_park_id (INT UNSIGNED): park_id of the snapshot.
p_recorded_at (DATETIME): recorded_at of the snapshot (UTC).

Example
-------
CALL running_daily_ride_add(7, ''2026-11-24 18:05:00'');
'
BEGIN
    DECLARE v_day DATE DEFAULT NULL;

    SET v_day = local_date_of(p_recorded_at);

    INSERT INTO running_daily_ride_stats
        (stat_date, ride_id, park_id, sample_count, open_sample_count, operating_samples,
         down_samples, closed_samples, refurbishment_samples, wait_sum, wait_count,
         peak_wait_minutes, updated_at)
    SELECT v_day,
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
           parkstats_now()
      FROM ride_snapshot_measures AS m
     WHERE m.park_id = p_park_id
       AND m.recorded_at = p_recorded_at
       AND m.ride_recorded_at = p_recorded_at
       AND v_day IS NOT NULL
     GROUP BY m.ride_id
    ON DUPLICATE KEY UPDATE
        park_id = GREATEST(running_daily_ride_stats.park_id, VALUES(park_id)),
        sample_count = running_daily_ride_stats.sample_count + VALUES(sample_count),
        open_sample_count = running_daily_ride_stats.open_sample_count + VALUES(open_sample_count),
        operating_samples = running_daily_ride_stats.operating_samples + VALUES(operating_samples),
        down_samples = running_daily_ride_stats.down_samples + VALUES(down_samples),
        closed_samples = running_daily_ride_stats.closed_samples + VALUES(closed_samples),
        refurbishment_samples = running_daily_ride_stats.refurbishment_samples
                                + VALUES(refurbishment_samples),
        wait_sum = running_daily_ride_stats.wait_sum + VALUES(wait_sum),
        wait_count = running_daily_ride_stats.wait_count + VALUES(wait_count),
        -- GREATEST() is NULL when either is: keep the other one then.
        peak_wait_minutes = COALESCE(GREATEST(running_daily_ride_stats.peak_wait_minutes,
                                              VALUES(peak_wait_minutes)),
                                     running_daily_ride_stats.peak_wait_minutes,
                                     VALUES(peak_wait_minutes)),
        updated_at = VALUES(updated_at);
END
