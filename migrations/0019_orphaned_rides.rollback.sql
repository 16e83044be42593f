DROP TABLE IF EXISTS orphaned_rides;
