-- ride_latest_snapshots.ride_class: the class of each ride's newest row under
-- the down rule, which the ride rankings' current_is_open reads (operating or
-- not, whether the park is open or not: the measure columns say nothing of a
-- closed park's rides). Read by key from this table instead of one probe of
-- the partitioned ride_snapshots per listed ride. Existing rows get it from
-- `parkstats migrate` (ride_latest_refresh, run when the routines that keep the
-- table change, as they do with this column).
-- depends: 0019_orphaned_rides

ALTER TABLE ride_latest_snapshots
    ADD COLUMN ride_class ENUM('operating', 'down', 'closed', 'refurbishment')
        CHARACTER SET ascii COLLATE ascii_bin NULL
        COMMENT 'The row''s class under the down rule (ride_snapshots.ride_class)'
        AFTER recorded_at;
