CREATE ALGORITHM = MERGE SQL SECURITY INVOKER VIEW ride_latest_rows AS
SELECT m.ride_id AS ride_id,
       -- The row ride_latest_snapshots keeps of a ride row when it is its ride's
       -- newest: what it adds to each ride measure (ride_snapshot_measures) and the
       -- ride's park now (rides: a ride missing there has none). Written by
       -- ride_latest_offer, recomputed by verify_latest_rides: the one mapping.
       -- snapshot_recorded_at is the park snapshot's time (the key to filter on:
       -- MERGE keeps it a probe of park_snapshots); recorded_at is the ride row's
       -- own, the same value.
       r.park_id AS current_park_id,
       m.park_id AS park_id,
       m.recorded_at AS snapshot_recorded_at,
       m.ride_recorded_at AS recorded_at,
       m.ride_class AS ride_class,
       m.open_sample_count AS open_sample_count,
       m.operating_samples AS operating_samples,
       m.down_samples AS down_samples,
       m.closed_samples AS closed_samples,
       m.refurbishment_samples AS refurbishment_samples,
       m.wait_sum AS wait_sum,
       m.wait_count AS wait_count,
       m.peak_wait_minutes AS peak_wait_minutes
  FROM ride_snapshot_measures AS m
  JOIN rides AS r
    ON r.ride_id = m.ride_id
