-- orphaned_rides: the ride ids that may have ride rows (raw or aggregated) but
-- are not in rides: rides since deleted, kept by the rides triggers (a ride
-- deleted is added, a ride inserted again is removed). The ride rankings leave
-- out the rows of these ids with one NOT IN of this short table instead of
-- joining every ride's summed row to rides (1,864 probes: 1.3 ms of the 8.6 ms
-- statement of yesterday's ride downtime ranking, docs/benchmarks.md); a
-- deleted ride's rows stay where they are (nothing is lost, and a ride
-- inserted again with its id finds its history). Seeded here with the ids
-- already orphaned: every ride id of the raw ride rows (90 days, read as one
-- index dive per ride) or of a yearly row (every aggregated day is in one)
-- that is not in rides.
-- depends: 0018_park_snapshots_time_open

CREATE TABLE orphaned_rides (
    ride_id     INT UNSIGNED NOT NULL,
    orphaned_at DATETIME     NOT NULL COMMENT 'UTC time the ride left rides (or the seed ran)',
    CONSTRAINT pk_orphaned_rides PRIMARY KEY (ride_id)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'Ride ids with rows but no row in rides (deleted rides); kept by the rides triggers';

INSERT INTO orphaned_rides
    (ride_id, orphaned_at)
SELECT known.ride_id,
       UTC_TIMESTAMP()
  FROM (SELECT s.ride_id
          FROM ride_snapshots AS s
         GROUP BY s.ride_id
        UNION
        SELECT y.ride_id
          FROM yearly_ride_stats AS y) AS known
 WHERE NOT EXISTS (SELECT 1
                     FROM rides AS r
                    WHERE r.ride_id = known.ride_id);
