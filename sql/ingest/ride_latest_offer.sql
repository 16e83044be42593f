CREATE PROCEDURE ride_latest_offer(
    IN p_park_id     INT UNSIGNED,
    IN p_recorded_at DATETIME,
    IN p_ride_id     INT UNSIGNED)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Internal, called by record_park_snapshot_write (its snapshot),
ride_latest_reoffer, ride_latest_refresh, the ride_snapshots update trigger (a
ride row changed) and park_snapshots_after_update (park_open changed): offers
the ride rows of the park snapshot (p_park_id, p_recorded_at) as their rides''
newest rows.
A row is taken into ride_latest_snapshots as the view ride_latest_rows maps
it (what it adds to each ride measure, its ride''s park now), unless a newer
row of its ride is stored there; a row already stored is rewritten (its
class or park_open may have changed). Only ride p_ride_id, or every ride of
the snapshot when NULL. Rows of rides missing from rides are left out. One
INSERT ... SELECT ... ON DUPLICATE KEY UPDATE by keys: a few index probes per
ride row. Does not commit.

Parameters
----------
p_park_id (INT UNSIGNED): the park of the snapshot.
p_recorded_at (DATETIME): UTC time of the snapshot.
p_ride_id (INT UNSIGNED): one ride of it, or NULL for all of them.

Example
-------
CALL ride_latest_offer(7, ''2026-11-24 18:05:00'', 12);
SELECT ride_id, recorded_at, operating_samples FROM ride_latest_snapshots WHERE ride_id = 12;
-- -> 12 | 2026-11-24 18:05:00 | 1   (when that was its newest row, OPERATING, park open)
'
BEGIN
    INSERT INTO ride_latest_snapshots (
        ride_id, current_park_id, park_id, recorded_at, ride_class, open_sample_count,
        operating_samples, down_samples, closed_samples, refurbishment_samples,
        wait_sum, wait_count, peak_wait_minutes
    )
    SELECT v.ride_id,
           v.current_park_id,
           v.park_id,
           v.recorded_at,
           v.ride_class,
           v.open_sample_count,
           v.operating_samples,
           v.down_samples,
           v.closed_samples,
           v.refurbishment_samples,
           v.wait_sum,
           v.wait_count,
           v.peak_wait_minutes
      FROM ride_latest_rows AS v
     WHERE v.park_id = p_park_id
       AND v.snapshot_recorded_at = p_recorded_at
       AND v.ride_id BETWEEN COALESCE(p_ride_id, 0) AND COALESCE(p_ride_id, 4294967295)
       -- The stored row of the ride, by key (a NOT EXISTS was read as a range of
       -- the time index instead: every stored row newer than p_recorded_at).
       AND COALESCE((SELECT l.recorded_at
                       FROM ride_latest_snapshots AS l
                      WHERE l.ride_id = v.ride_id), '1000-01-01') <= p_recorded_at
    ON DUPLICATE KEY UPDATE
        current_park_id = VALUES(current_park_id),
        park_id = VALUES(park_id),
        recorded_at = VALUES(recorded_at),
        ride_class = VALUES(ride_class),
        open_sample_count = VALUES(open_sample_count),
        operating_samples = VALUES(operating_samples),
        down_samples = VALUES(down_samples),
        closed_samples = VALUES(closed_samples),
        refurbishment_samples = VALUES(refurbishment_samples),
        wait_sum = VALUES(wait_sum),
        wait_count = VALUES(wait_count),
        peak_wait_minutes = VALUES(peak_wait_minutes);
END
