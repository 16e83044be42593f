DROP TABLE IF EXISTS running_daily_park_stats;
