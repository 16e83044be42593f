DROP TABLE IF EXISTS ride_latest_snapshots;
