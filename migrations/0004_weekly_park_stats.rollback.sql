DROP TABLE IF EXISTS weekly_park_stats;
