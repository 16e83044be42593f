-- Ride-level aggregates, built from ride_snapshots (through the view
-- ride_snapshot_classes: each ride row with its park's park_open and its class
-- under the down rule) with the park levels' rules: sums and counts only (the
-- averages are generated columns), absolute rewrites, a day the sum of its hours,
-- a year the sum of its days. Rows only where the ride has snapshots. Written by
-- the same buckets as the park levels (aggregation_run_bucket), so they share the
-- watermarks, the queue, backfill, verify and retention (hourly: 3 years).
-- depends: 0007_ride_snapshots 0008_aggregation_bookkeeping

CREATE TABLE hourly_ride_stats (
    hour_start_utc        DATETIME          NOT NULL,
    ride_id               INT UNSIGNED      NOT NULL,
    park_id               INT UNSIGNED      NOT NULL,
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
    CONSTRAINT pk_hourly_ride_stats PRIMARY KEY (hour_start_utc, ride_id),
    INDEX ix_hourly_ride_stats_ride (ride_id, hour_start_utc),
    INDEX ix_hourly_ride_stats_park (park_id, hour_start_utc)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'Per ride and UTC hour; key (ride_id, hour_start_utc)';

CREATE TABLE daily_ride_stats (
    stat_date             DATE              NOT NULL COMMENT 'Local date in the reporting time zone',
    ride_id               INT UNSIGNED      NOT NULL,
    park_id               INT UNSIGNED      NOT NULL,
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
    CONSTRAINT pk_daily_ride_stats PRIMARY KEY (stat_date, ride_id),
    INDEX ix_daily_ride_stats_ride (ride_id, stat_date),
    INDEX ix_daily_ride_stats_park (park_id, stat_date)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'Per ride and local day; key (ride_id, stat_date)';

CREATE TABLE yearly_ride_stats (
    year                  SMALLINT UNSIGNED NOT NULL COMMENT 'Local calendar year',
    ride_id               INT UNSIGNED      NOT NULL,
    park_id               INT UNSIGNED      NOT NULL,
    days_covered          SMALLINT UNSIGNED NOT NULL COMMENT 'Daily rows summed',
    sample_count          BIGINT UNSIGNED      NOT NULL COMMENT 'The ride''s snapshots',
    open_sample_count     BIGINT UNSIGNED      NOT NULL COMMENT 'Those with its park open',
    operating_samples     BIGINT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class operating',
    down_samples          BIGINT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class down (the down rule)',
    closed_samples        BIGINT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class closed',
    refurbishment_samples BIGINT UNSIGNED      NOT NULL COMMENT 'Open snapshots: class refurbishment',
    wait_sum              BIGINT UNSIGNED      NOT NULL COMMENT 'Sum of posted waits > 0 while OPERATING, park open',
    wait_count            BIGINT UNSIGNED      NOT NULL COMMENT 'How many such waits',
    avg_wait_minutes      DECIMAL(10, 4)    GENERATED ALWAYS AS (wait_sum / NULLIF(wait_count, 0)) VIRTUAL,
    peak_wait_minutes     SMALLINT UNSIGNED NULL COMMENT 'The largest of those waits',
    aggregated_at         DATETIME          NOT NULL,
    CONSTRAINT pk_yearly_ride_stats PRIMARY KEY (year, ride_id),
    INDEX ix_yearly_ride_stats_ride (ride_id, year),
    INDEX ix_yearly_ride_stats_park (park_id, year)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'Per ride and local year; key (ride_id, year)';
