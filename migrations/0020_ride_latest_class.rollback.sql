ALTER TABLE ride_latest_snapshots DROP COLUMN ride_class;
