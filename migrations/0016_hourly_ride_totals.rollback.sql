DROP TABLE IF EXISTS hourly_ride_totals;
