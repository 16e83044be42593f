CREATE ALGORITHM = MERGE SQL SECURITY INVOKER VIEW ride_snapshot_measures AS
SELECT c.ride_id AS ride_id,
       c.park_id AS park_id,
       c.recorded_at AS recorded_at,
       c.ride_recorded_at AS ride_recorded_at,
       -- The class itself, for ride_latest_rows (current_is_open).
       c.ride_class AS ride_class,
       -- What one ride row adds to each ride measure of docs/contract.md section 4
       -- (NULL: nothing), as park_snapshot_measures does for park rows. Every reader
       -- of raw ride rows (aggregate_ride_hours_range, the API's not-yet-aggregated
       -- tail) takes COALESCE(SUM(col), 0) of the sums and MAX(col) of the maxima:
       -- the definitions live only here. The class is the ride row's under the down
       -- rule (ride_snapshot_classes); a class counts while the park is open; waits
       -- count when the ride is OPERATING with a posted wait > 0. MERGE keeps a WHERE
       -- on recorded_at a range scan of park_snapshots into each snapshot's ride
       -- rows. (sample_count is COUNT(*).)
       CASE WHEN c.park_open = 1 THEN 1 END AS open_sample_count,
       CASE WHEN c.park_open = 1 AND c.ride_class = 'operating' THEN 1 END AS operating_samples,
       CASE WHEN c.park_open = 1 AND c.ride_class = 'down' THEN 1 END AS down_samples,
       CASE WHEN c.park_open = 1 AND c.ride_class = 'closed' THEN 1 END AS closed_samples,
       CASE WHEN c.park_open = 1 AND c.ride_class = 'refurbishment' THEN 1 END
           AS refurbishment_samples,
       CASE WHEN c.park_open = 1 AND c.status = 'OPERATING' AND c.wait_minutes > 0
            THEN c.wait_minutes END AS wait_sum,
       CASE WHEN c.park_open = 1 AND c.status = 'OPERATING' AND c.wait_minutes > 0
            THEN 1 END AS wait_count,
       CASE WHEN c.park_open = 1 AND c.status = 'OPERATING' AND c.wait_minutes > 0
            THEN c.wait_minutes END AS peak_wait_minutes
  FROM ride_snapshot_classes AS c
