-- ride_latest_snapshots: per ride, its newest stored ride row (ride_snapshots)
-- and what that row adds to each ride measure, with the ride's park now, so
-- that the live ride rankings read 1,900 narrow rows by one range on
-- recorded_at instead of finding and probing each ride's newest row among the
-- raw rows (a probe of ride_snapshots, park_snapshots and rides per ride: the
-- live statement 22.8 -> 9.2 ms, docs/benchmarks.md). Kept exact in the
-- writer's transaction by record_park_snapshot and snapshot_recompute_pending
-- (once per snapshot written or re-derived), the ride_snapshots triggers (a
-- row changed or deleted by hand that is, was or becomes its ride's newest),
-- the park_snapshots update trigger (park_open of a snapshot holding newest
-- rows) and the rides triggers (a ride moved or deleted); ride rows inserted
-- directly (a bulk load) are caught up by backfill_aggregates(), and
-- retention deletes the rows whose raw row it purged. What a ride row adds
-- comes only from the view ride_snapshot_measures, read by the procedure.
-- Filled by `parkstats migrate` once the routines are installed (a new
-- database has no rows to fill from).
-- depends: 0016_hourly_ride_totals

CREATE TABLE ride_latest_snapshots (
    ride_id               INT UNSIGNED      NOT NULL,
    current_park_id       INT UNSIGNED      NOT NULL COMMENT 'The ride''s park now (rides.park_id)',
    park_id               INT UNSIGNED      NOT NULL COMMENT 'The park of the snapshot holding the row',
    recorded_at           DATETIME          NOT NULL COMMENT 'UTC time of the ride''s newest stored row',
    open_sample_count     TINYINT UNSIGNED  NULL COMMENT 'What the row adds (ride_snapshot_measures)',
    operating_samples     TINYINT UNSIGNED  NULL,
    down_samples          TINYINT UNSIGNED  NULL,
    closed_samples        TINYINT UNSIGNED  NULL,
    refurbishment_samples TINYINT UNSIGNED  NULL,
    wait_sum              SMALLINT UNSIGNED NULL,
    wait_count            TINYINT UNSIGNED  NULL,
    peak_wait_minutes     SMALLINT UNSIGNED NULL,
    CONSTRAINT pk_ride_latest_snapshots PRIMARY KEY (ride_id),
    INDEX ix_ride_latest_snapshots_time (recorded_at)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'Per ride, its newest stored ride row and what it adds to each measure; exact in the writer''s transaction';
