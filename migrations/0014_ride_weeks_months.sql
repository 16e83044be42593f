-- weekly_ride_stats and monthly_ride_stats: per ride and local Sunday-Saturday
-- week / local calendar month, the sums of the ride's daily rows (days_covered =
-- how many), so that a whole week or month is read as one row a ride instead of
-- 7 or ~31 (the ride rankings of last_week and last_month). Kept like
-- weekly_park_stats: the daily bucket rewrites the weeks and months its days touch
-- in the same transaction (aggregate_ride_weeks_range, aggregate_ride_months_range),
-- and a ride's yearly row is the sum of its monthly rows. Rows only where the ride
-- has daily rows. Filled here from the daily ride rows already there.
-- depends: 0009_ride_stats

CREATE TABLE weekly_ride_stats (
    week_start            DATE              NOT NULL COMMENT 'Local Sunday starting the week (calendar_days.week_start)',
    ride_id               INT UNSIGNED      NOT NULL,
    park_id               INT UNSIGNED      NOT NULL,
    days_covered          TINYINT UNSIGNED  NOT NULL COMMENT 'Daily rows summed (0..7)',
    sample_count          INT UNSIGNED      NOT NULL COMMENT 'The ride''s snapshots',
    open_sample_count     INT UNSIGNED      NOT NULL COMMENT 'Those with its park open',
    operating_samples     INT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class operating',
    down_samples          INT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class down (the down rule)',
    closed_samples        INT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class closed',
    refurbishment_samples INT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class refurbishment',
    wait_sum              INT UNSIGNED      NOT NULL COMMENT 'Sum of posted waits > 0 while OPERATING, park open',
    wait_count            INT UNSIGNED      NOT NULL COMMENT 'How many such waits',
    avg_wait_minutes      DECIMAL(10, 4)    GENERATED ALWAYS AS (wait_sum / NULLIF(wait_count, 0)) VIRTUAL,
    peak_wait_minutes     SMALLINT UNSIGNED NULL COMMENT 'The largest of those waits',
    aggregated_at         DATETIME          NOT NULL,
    CONSTRAINT pk_weekly_ride_stats PRIMARY KEY (week_start, ride_id),
    INDEX ix_weekly_ride_stats_ride (ride_id, week_start),
    INDEX ix_weekly_ride_stats_park (park_id, week_start)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'Per ride and local Sunday-Saturday week; key (ride_id, week_start)';

CREATE TABLE monthly_ride_stats (
    month_start           DATE              NOT NULL COMMENT 'First local day of the calendar month',
    ride_id               INT UNSIGNED      NOT NULL,
    park_id               INT UNSIGNED      NOT NULL,
    days_covered          TINYINT UNSIGNED  NOT NULL COMMENT 'Daily rows summed (0..31)',
    sample_count          INT UNSIGNED      NOT NULL COMMENT 'The ride''s snapshots',
    open_sample_count     INT UNSIGNED      NOT NULL COMMENT 'Those with its park open',
    operating_samples     INT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class operating',
    down_samples          INT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class down (the down rule)',
    closed_samples        INT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class closed',
    refurbishment_samples INT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class refurbishment',
    wait_sum              INT UNSIGNED      NOT NULL COMMENT 'Sum of posted waits > 0 while OPERATING, park open',
    wait_count            INT UNSIGNED      NOT NULL COMMENT 'How many such waits',
    avg_wait_minutes      DECIMAL(10, 4)    GENERATED ALWAYS AS (wait_sum / NULLIF(wait_count, 0)) VIRTUAL,
    peak_wait_minutes     SMALLINT UNSIGNED NULL COMMENT 'The largest of those waits',
    aggregated_at         DATETIME          NOT NULL,
    CONSTRAINT pk_monthly_ride_stats PRIMARY KEY (month_start, ride_id),
    INDEX ix_monthly_ride_stats_ride (ride_id, month_start),
    INDEX ix_monthly_ride_stats_park (park_id, month_start)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'Per ride and local calendar month; key (ride_id, month_start)';

INSERT INTO weekly_ride_stats
    (week_start, ride_id, park_id, days_covered, sample_count, open_sample_count,
     operating_samples, down_samples, closed_samples, refurbishment_samples,
     wait_sum, wait_count, peak_wait_minutes, aggregated_at)
SELECT d.stat_date - INTERVAL (DAYOFWEEK(d.stat_date) - 1) DAY,
       d.ride_id,
       MAX(d.park_id),
       COUNT(*),
       SUM(d.sample_count),
       SUM(d.open_sample_count),
       SUM(d.operating_samples),
       SUM(d.down_samples),
       SUM(d.closed_samples),
       SUM(d.refurbishment_samples),
       SUM(d.wait_sum),
       SUM(d.wait_count),
       MAX(d.peak_wait_minutes),
       UTC_TIMESTAMP()
  FROM daily_ride_stats AS d
 GROUP BY d.stat_date - INTERVAL (DAYOFWEEK(d.stat_date) - 1) DAY, d.ride_id;

INSERT INTO monthly_ride_stats
    (month_start, ride_id, park_id, days_covered, sample_count, open_sample_count,
     operating_samples, down_samples, closed_samples, refurbishment_samples,
     wait_sum, wait_count, peak_wait_minutes, aggregated_at)
SELECT d.stat_date - INTERVAL (DAYOFMONTH(d.stat_date) - 1) DAY,
       d.ride_id,
       MAX(d.park_id),
       COUNT(*),
       SUM(d.sample_count),
       SUM(d.open_sample_count),
       SUM(d.operating_samples),
       SUM(d.down_samples),
       SUM(d.closed_samples),
       SUM(d.refurbishment_samples),
       SUM(d.wait_sum),
       SUM(d.wait_count),
       MAX(d.peak_wait_minutes),
       UTC_TIMESTAMP()
  FROM daily_ride_stats AS d
 GROUP BY d.stat_date - INTERVAL (DAYOFMONTH(d.stat_date) - 1) DAY, d.ride_id;
