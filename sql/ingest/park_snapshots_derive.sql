CREATE PROCEDURE park_snapshots_derive(
    IN p_park_id INT UNSIGNED,
    IN p_from_utc DATETIME,
    IN p_to_utc DATETIME)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal: recomputes, from the stored ride rows only, every derived value of
the snapshots of park p_park_id recorded in [p_from_utc, p_to_utc] (both
included): first the class and counted weight of each ride row
(ride_snapshots.ride_class, weight_counted), then the derived columns of each
park_snapshots row that has ride rows (rides_total .. rides_reporting), so
that a park snapshot is always the sum of its rides. The one formula of
docs/contract.md section 3:
  - OPERATING rides are operating, REFURBISHMENT rides in refurbishment;
  - a ride is down when its status is DOWN, or CLOSED at an open park with
    closed_means_down = 1, and it operated (was OPERATING) earlier in the same
    local day; every other ride is closed;
  - weight_counted = ride_tier_weight(tier) when the ride is not in
    refurbishment and operated within the 7 days up to recorded_at, else 0;
    weight_total = its sum, weight_down = its sum over down rides,
    shame_score = ROUND(weight_down / weight_total * 10, 2) (NULL when 0);
  - waits: over OPERATING rides posting wait_minutes > 0.
"Operated" is read from ride_operating_days (first and last OPERATING time
per ride and local day), which must be current (record_park_snapshot and
ride_operating_days_refresh keep it so). Only rows whose values change are
written, so only they fire the park_snapshots triggers (their hours are
queued, their running daily sums refreshed). Park snapshots without ride rows
keep their columns. Reads and locks only the given park''s rows (through the
keys (park_id, recorded_at)). Does not commit. Called by record_park_snapshot
and snapshot_recompute_pending; the caller holds the park''s row lock.

Parameters
----------
p_park_id (INT UNSIGNED): the park.
p_from_utc (DATETIME): first recorded_at (UTC), included.
p_to_utc (DATETIME): last recorded_at (UTC), included.

Example
-------
CALL park_snapshots_derive(7, ''2026-11-24 08:00:00'', ''2026-12-02 08:00:00'');
'
BEGIN
    DECLARE v_first_day DATE;
    DECLARE v_last_day DATE;
    DECLARE v_closed_means_down TINYINT DEFAULT 0;

    SET v_first_day = COALESCE(local_date_of(p_from_utc), '2000-01-01');
    SET v_last_day = COALESCE(local_date_of(p_to_utc), '2100-12-31');
    SELECT closed_means_down
      INTO v_closed_means_down
      FROM parks
     WHERE park_id = p_park_id;

    -- 1. Each ride row: its class and counted weight. The calendar join has
    --    constant bounds (the days of the range), so it stays a few rows. The
    --    ride rows are read through (park_id, recorded_at): the time-first
    --    primary key would lock the rows of every park recorded at those times,
    --    and concurrent writers of other parks would deadlock on them.
    UPDATE ride_snapshots AS rs FORCE INDEX (ix_ride_snapshots_park_time)
      JOIN park_snapshots AS ps
        ON ps.recorded_at = rs.recorded_at
       AND ps.park_id = rs.park_id
      JOIN rides AS r
        ON r.ride_id = rs.ride_id
      JOIN calendar_days AS c
        ON c.local_date BETWEEN v_first_day AND v_last_day
       AND c.utc_start <= rs.recorded_at
       AND c.utc_end > rs.recorded_at
       SET rs.ride_class = CASE
               WHEN rs.status = 'OPERATING' THEN 'operating'
               WHEN rs.status = 'REFURBISHMENT' THEN 'refurbishment'
               WHEN (rs.status = 'DOWN'
                     OR (rs.status = 'CLOSED' AND v_closed_means_down = 1 AND ps.park_open = 1))
                    AND EXISTS (SELECT 1
                                  FROM ride_operating_days AS d
                                 WHERE d.ride_id = rs.ride_id
                                   AND d.local_date = c.local_date
                                   AND d.first_operated_at < rs.recorded_at)
                   THEN 'down'
               ELSE 'closed'
           END,
           rs.weight_counted = CASE
               WHEN rs.status = 'REFURBISHMENT' THEN 0
               WHEN rs.status = 'OPERATING' THEN ride_tier_weight(r.tier)
               WHEN EXISTS (SELECT 1
                              FROM ride_operating_days AS d
                             WHERE d.ride_id = rs.ride_id
                               AND d.local_date BETWEEN c.local_date - INTERVAL 8 DAY AND c.local_date
                               AND d.first_operated_at <= rs.recorded_at
                               AND d.last_operated_at >= rs.recorded_at - INTERVAL 7 DAY)
                   THEN ride_tier_weight(r.tier)
               ELSE 0
           END
     WHERE rs.park_id = p_park_id
       AND rs.recorded_at BETWEEN p_from_utc AND p_to_utc;

    -- 2. Each park snapshot with ride rows: the sums of its rides.
    UPDATE park_snapshots AS ps FORCE INDEX (uq_park_snapshots_park_time)
      JOIN (SELECT rs.recorded_at AS recorded_at,
                   COUNT(*) AS rides_total,
                   COALESCE(SUM(rs.ride_class = 'operating'), 0) AS rides_operating,
                   COALESCE(SUM(rs.ride_class = 'down'), 0) AS rides_down,
                   COALESCE(SUM(rs.ride_class = 'closed'), 0) AS rides_closed,
                   COALESCE(SUM(rs.ride_class = 'refurbishment'), 0) AS rides_refurbishment,
                   COALESCE(SUM(rs.weight_counted), 0) AS weight_total,
                   COALESCE(SUM(CASE WHEN rs.ride_class = 'down' THEN rs.weight_counted ELSE 0 END), 0)
                       AS weight_down,
                   ROUND(AVG(CASE WHEN rs.status = 'OPERATING' AND rs.wait_minutes > 0
                                  THEN rs.wait_minutes END), 2) AS avg_wait_minutes,
                   MAX(CASE WHEN rs.status = 'OPERATING' AND rs.wait_minutes > 0
                            THEN rs.wait_minutes END) AS peak_wait_minutes,
                   COALESCE(SUM(rs.status = 'OPERATING' AND rs.wait_minutes > 0), 0) AS rides_reporting
              FROM ride_snapshots AS rs FORCE INDEX (ix_ride_snapshots_park_time)
             WHERE rs.park_id = p_park_id
               AND rs.recorded_at BETWEEN p_from_utc AND p_to_utc
             GROUP BY rs.recorded_at) AS a
        ON ps.park_id = p_park_id
       AND ps.recorded_at = a.recorded_at
       SET ps.rides_total = a.rides_total,
           ps.rides_operating = a.rides_operating,
           ps.rides_down = a.rides_down,
           ps.rides_closed = a.rides_closed,
           ps.rides_refurbishment = a.rides_refurbishment,
           ps.weight_total = a.weight_total,
           ps.weight_down = a.weight_down,
           ps.shame_score = snapshot_shame_score_of(a.weight_down, a.weight_total),
           ps.avg_wait_minutes = a.avg_wait_minutes,
           ps.peak_wait_minutes = a.peak_wait_minutes,
           ps.rides_reporting = a.rides_reporting
     WHERE NOT (ps.rides_total <=> a.rides_total
                AND ps.rides_operating <=> a.rides_operating
                AND ps.rides_down <=> a.rides_down
                AND ps.rides_closed <=> a.rides_closed
                AND ps.rides_refurbishment <=> a.rides_refurbishment
                AND ps.weight_total <=> a.weight_total
                AND ps.weight_down <=> a.weight_down
                AND ps.shame_score <=> snapshot_shame_score_of(a.weight_down, a.weight_total)
                AND ps.avg_wait_minutes <=> a.avg_wait_minutes
                AND ps.peak_wait_minutes <=> a.peak_wait_minutes
                AND ps.rides_reporting <=> a.rides_reporting);
END
