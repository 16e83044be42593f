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
       -- MERGE keeps a WHERE on recorded_at a range scan of ride_snapshots'
       -- clustered key (recorded_at, ride_id), joined to park_snapshots by its key.
       rs.park_id AS park_id,
       rs.recorded_at AS recorded_at,
       ps.park_open AS park_open,
       rs.status AS status,
       rs.wait_minutes AS wait_minutes,
       rs.ride_class AS ride_class,
       rs.weight_counted AS weight_counted
  FROM ride_snapshots AS rs
  JOIN park_snapshots AS ps
    ON ps.recorded_at = rs.recorded_at
   AND ps.park_id = rs.park_id
