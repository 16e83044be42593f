CREATE ALGORITHM = MERGE SQL SECURITY INVOKER VIEW ride_snapshot_classes AS
SELECT rs.ride_id AS ride_id,
       -- Every ride row with its park snapshot's park_open and its class under the
       -- down rule (docs/contract.md section 3): the one classification that the
       -- park snapshot's derived columns sum (rides_operating = its 'operating'
       -- rows, rides_down = its 'down' rows, weight_down = weight_counted of its
       -- 'down' rows, ...), for the ride-level aggregates and for verification.
       -- ride_class and weight_counted are stored in ride_snapshots and kept a
       -- function of the stored ride rows by record_park_snapshot and
       -- snapshot_recompute_pending (park_snapshots_derive); NULL only for ride
       -- rows bulk-loaded since the last backfill_aggregates() of their range.
       -- MERGE keeps a WHERE on recorded_at a range scan: recorded_at is the park
       -- snapshot's, so a time range drives the join from park_snapshots' clustered
       -- key (a few rows an hour) into ride_snapshots by (park_id, recorded_at).
       -- (Exposed as the ride row's, the optimizer read every park snapshot and
       -- probed each one's ride rows: 1.2-1.6 s for an hour of two days' data,
       -- against 20 ms.)
       rs.park_id AS park_id,
       ps.recorded_at AS recorded_at,
       -- The same instant as the ride row's own column: a reader of a few rides bounds
       -- it too, so that the optimizer can start from those rides' rows by
       -- (ride_id, recorded_at) instead of every park snapshot of the range.
       rs.recorded_at AS ride_recorded_at,
       ps.park_open AS park_open,
       rs.status AS status,
       rs.wait_minutes AS wait_minutes,
       rs.ride_class AS ride_class,
       rs.weight_counted AS weight_counted
  FROM park_snapshots AS ps
  JOIN ride_snapshots AS rs
    ON rs.park_id = ps.park_id
   AND rs.recorded_at = ps.recorded_at
