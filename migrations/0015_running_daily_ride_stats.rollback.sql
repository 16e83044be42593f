DROP TABLE IF EXISTS running_daily_ride_stats;
