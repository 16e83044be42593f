DROP TABLE IF EXISTS monthly_ride_stats;
DROP TABLE IF EXISTS weekly_ride_stats;
