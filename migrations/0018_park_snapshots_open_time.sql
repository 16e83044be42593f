-- ix_park_snapshots_park_open_time: a park's open snapshots in time order, so
-- that the first and last open snapshot of a local day (the park page's
-- operating sessions) are two index dives, read from the index alone, instead
-- of every snapshot of the day read by key to test park_open (a month of one
-- park: 8,652 snapshots, docs/benchmarks.md). Written with each snapshot like
-- the other keys; adding it to an existing table is an in-place ALTER that
-- does not block writers.
-- depends: 0017_ride_latest_snapshots

CREATE INDEX ix_park_snapshots_park_open_time
    ON park_snapshots (park_id, park_open, recorded_at);
