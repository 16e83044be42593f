DROP TABLE IF EXISTS yearly_ride_stats;
DROP TABLE IF EXISTS daily_ride_stats;
DROP TABLE IF EXISTS hourly_ride_stats;
