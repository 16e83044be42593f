-- Core schema: settings, reference data, raw snapshots, aggregates, bookkeeping.
-- depends:

CREATE TABLE settings (
    setting_name  VARCHAR(64)  NOT NULL,
    setting_value VARCHAR(255) NOT NULL,
    description   VARCHAR(255) NOT NULL,
    CONSTRAINT pk_settings PRIMARY KEY (setting_name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'Tunable settings read by the stored routines';

INSERT INTO settings (setting_name, setting_value, description)
VALUES
    ('reporting_time_zone', 'America/Los_Angeles', 'IANA zone of local days, weeks, months and years (calendar_days is generated for it)'),
    ('snapshot_interval_minutes', '5', 'Minutes between two snapshots of a park; downtime hours = down ride-samples x interval / 60'),
    ('aggregation_grace_minutes', '5', 'An hour is aggregated this long after it ends, to let the collector''s late snapshots in'),
    ('max_hours_per_cycle', '48', 'Most new hours one run_aggregation() cycle aggregates (catch-up goes on next cycle)'),
    ('backfill_batch_hours', '168', 'Hours aggregated by one statement of backfill_aggregates()'),
    ('raw_retention_days', '90', 'Raw snapshots older than this are dropped (whole partitions) once aggregated'),
    ('hourly_retention_days', '1096', 'hourly_park_stats rows older than this (3 years) are deleted; daily and yearly are kept forever'),
    ('job_log_retention_days', '90', 'aggregation_job_log rows older than this are deleted'),
    ('partitions_ahead_days', '14', 'Daily park_snapshots partitions kept ready ahead of today');

CREATE TABLE parks (
    park_id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
    name              VARCHAR(255) NOT NULL,
    city              VARCHAR(128) NULL,
    state_province    VARCHAR(128) NULL,
    country           VARCHAR(64)  NULL,
    operator          VARCHAR(128) NULL,
    is_disney         TINYINT(1)   NOT NULL DEFAULT 0,
    is_universal      TINYINT(1)   NOT NULL DEFAULT 0,
    is_active         TINYINT(1)   NOT NULL DEFAULT 1,
    closed_means_down TINYINT(1)   NOT NULL DEFAULT 0 COMMENT '1: the feed reports breakdowns as CLOSED',
    CONSTRAINT pk_parks PRIMARY KEY (park_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'Theme parks tracked';

CREATE TABLE rides (
    ride_id          INT UNSIGNED     NOT NULL AUTO_INCREMENT,
    park_id          INT UNSIGNED     NOT NULL,
    name             VARCHAR(255)     NOT NULL,
    tier             TINYINT UNSIGNED NULL COMMENT '1, 2, 3 or NULL; weight 3, 2, 1, NULL = 2',
    is_active        TINYINT(1)       NOT NULL DEFAULT 1,
    last_operated_at DATETIME         NULL COMMENT 'UTC time of the newest snapshot showing the ride OPERATING',
    CONSTRAINT pk_rides PRIMARY KEY (ride_id),
    CONSTRAINT fk_rides_park FOREIGN KEY (park_id) REFERENCES parks (park_id),
    CONSTRAINT chk_rides_tier CHECK (tier IN (1, 2, 3)),
    INDEX ix_rides_park (park_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'Rides of the parks';

-- Clustered by time: an hour of all parks is one contiguous range.  The
-- (park_id, recorded_at) identity is the unique key.  Partitioned by day;
-- maintain_snapshot_partitions() splits p_future into daily partitions.
CREATE TABLE park_snapshots (
    park_id             INT UNSIGNED      NOT NULL,
    recorded_at         DATETIME          NOT NULL COMMENT 'UTC',
    park_open           TINYINT(1)        NOT NULL,
    rides_total         SMALLINT UNSIGNED NOT NULL,
    rides_operating     SMALLINT UNSIGNED NOT NULL,
    rides_down          SMALLINT UNSIGNED NOT NULL,
    rides_closed        SMALLINT UNSIGNED NOT NULL,
    rides_refurbishment SMALLINT UNSIGNED NOT NULL,
    weight_total        SMALLINT UNSIGNED NOT NULL,
    weight_down         SMALLINT UNSIGNED NOT NULL,
    shame_score         DECIMAL(4, 2)     NULL,
    avg_wait_minutes    DECIMAL(6, 2)     NULL,
    peak_wait_minutes   SMALLINT UNSIGNED NULL,
    rides_reporting     SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    ride_statuses       JSON              NULL,
    CONSTRAINT pk_park_snapshots PRIMARY KEY (recorded_at, park_id),
    UNIQUE KEY uq_park_snapshots_park_time (park_id, recorded_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'One raw snapshot per park per collection'
PARTITION BY RANGE COLUMNS (recorded_at) (
    PARTITION p_future VALUES LESS THAN (MAXVALUE)
);

-- Per ride and local day, the first and last time it was seen OPERATING:
-- the down rule ("has operated earlier in the same local day") and the
-- 7-day weight rule stay exact for late and out-of-order snapshots.
CREATE TABLE ride_operating_days (
    ride_id           INT UNSIGNED NOT NULL,
    local_date        DATE         NOT NULL,
    first_operated_at DATETIME     NOT NULL,
    last_operated_at  DATETIME     NOT NULL,
    CONSTRAINT pk_ride_operating_days PRIMARY KEY (ride_id, local_date),
    INDEX ix_ride_operating_days_date (local_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'When each ride operated, per local day';

CREATE TABLE hourly_park_stats (
    hour_start_utc        DATETIME          NOT NULL,
    park_id               INT UNSIGNED      NOT NULL,
    sample_count          INT UNSIGNED      NOT NULL,
    open_sample_count     INT UNSIGNED      NOT NULL,
    shame_sum             DECIMAL(14, 2)    NOT NULL,
    shame_count           INT UNSIGNED      NOT NULL,
    avg_shame_score       DECIMAL(10, 4)    GENERATED ALWAYS AS (shame_sum / NULLIF(shame_count, 0)) VIRTUAL,
    wait_sum              DECIMAL(16, 2)    NOT NULL,
    wait_count            INT UNSIGNED      NOT NULL,
    avg_wait_minutes      DECIMAL(10, 4)    GENERATED ALWAYS AS (wait_sum / NULLIF(wait_count, 0)) VIRTUAL,
    peak_wait_minutes     SMALLINT UNSIGNED NULL,
    down_samples          INT UNSIGNED      NOT NULL,
    weighted_down_samples INT UNSIGNED      NOT NULL,
    operating_samples     INT UNSIGNED      NOT NULL,
    max_rides_down        SMALLINT UNSIGNED NULL,
    aggregated_at         DATETIME          NOT NULL,
    CONSTRAINT pk_hourly_park_stats PRIMARY KEY (hour_start_utc, park_id),
    INDEX ix_hourly_park_stats_park (park_id, hour_start_utc)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'Per park and UTC hour; key (park_id, hour_start_utc)';

CREATE TABLE daily_park_stats (
    stat_date             DATE              NOT NULL COMMENT 'Local date in the reporting time zone',
    park_id               INT UNSIGNED      NOT NULL,
    hours_in_day          TINYINT UNSIGNED  NOT NULL COMMENT '23, 24 or 25',
    sample_count          INT UNSIGNED      NOT NULL,
    open_sample_count     INT UNSIGNED      NOT NULL,
    shame_sum             DECIMAL(14, 2)    NOT NULL,
    shame_count           INT UNSIGNED      NOT NULL,
    avg_shame_score       DECIMAL(10, 4)    GENERATED ALWAYS AS (shame_sum / NULLIF(shame_count, 0)) VIRTUAL,
    wait_sum              DECIMAL(16, 2)    NOT NULL,
    wait_count            INT UNSIGNED      NOT NULL,
    avg_wait_minutes      DECIMAL(10, 4)    GENERATED ALWAYS AS (wait_sum / NULLIF(wait_count, 0)) VIRTUAL,
    peak_wait_minutes     SMALLINT UNSIGNED NULL,
    down_samples          INT UNSIGNED      NOT NULL,
    weighted_down_samples INT UNSIGNED      NOT NULL,
    operating_samples     INT UNSIGNED      NOT NULL,
    max_rides_down        SMALLINT UNSIGNED NULL,
    aggregated_at         DATETIME          NOT NULL,
    CONSTRAINT pk_daily_park_stats PRIMARY KEY (stat_date, park_id),
    INDEX ix_daily_park_stats_park (park_id, stat_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'Per park and local day; key (park_id, stat_date)';

CREATE TABLE yearly_park_stats (
    year                  SMALLINT UNSIGNED NOT NULL COMMENT 'Local calendar year',
    park_id               INT UNSIGNED      NOT NULL,
    days_covered          SMALLINT UNSIGNED NOT NULL COMMENT 'Daily rows summed',
    is_complete           TINYINT(1)        NOT NULL COMMENT 'The year has ended and every day of it is aggregated',
    first_stat_date       DATE              NULL,
    last_stat_date        DATE              NULL,
    sample_count          BIGINT UNSIGNED   NOT NULL,
    open_sample_count     BIGINT UNSIGNED   NOT NULL,
    shame_sum             DECIMAL(16, 2)    NOT NULL,
    shame_count           BIGINT UNSIGNED   NOT NULL,
    avg_shame_score       DECIMAL(10, 4)    GENERATED ALWAYS AS (shame_sum / NULLIF(shame_count, 0)) VIRTUAL,
    wait_sum              DECIMAL(18, 2)    NOT NULL,
    wait_count            BIGINT UNSIGNED   NOT NULL,
    avg_wait_minutes      DECIMAL(10, 4)    GENERATED ALWAYS AS (wait_sum / NULLIF(wait_count, 0)) VIRTUAL,
    peak_wait_minutes     SMALLINT UNSIGNED NULL,
    down_samples          BIGINT UNSIGNED   NOT NULL,
    weighted_down_samples BIGINT UNSIGNED   NOT NULL,
    operating_samples     BIGINT UNSIGNED   NOT NULL,
    max_rides_down        SMALLINT UNSIGNED NULL,
    aggregated_at         DATETIME          NOT NULL,
    CONSTRAINT pk_yearly_park_stats PRIMARY KEY (year, park_id),
    INDEX ix_yearly_park_stats_park (park_id, year)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'Per park and local year; key (park_id, year)';

CREATE TABLE aggregation_job_log (
    job_id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    job_type       ENUM('hourly', 'daily', 'yearly', 'cycle', 'backfill', 'retention', 'verify') NOT NULL,
    period_start   DATETIME        NULL COMMENT 'Start of the bucket or range: UTC hour (hourly, backfill, retention, verify), local date at 00:00 (daily), Jan 1 (yearly)',
    period_end     DATETIME        NULL COMMENT 'End (exclusive), same convention',
    status         ENUM('running', 'success', 'failed', 'skipped') NOT NULL,
    started_at     DATETIME(3)     NOT NULL,
    finished_at    DATETIME(3)     NULL,
    rows_affected  BIGINT          NULL,
    error_code     INT             NULL COMMENT 'MySQL errno',
    error_sqlstate CHAR(5)         NULL,
    error_message  VARCHAR(1024)   NULL COMMENT 'Error text, or why a job was skipped',
    CONSTRAINT pk_aggregation_job_log PRIMARY KEY (job_id),
    INDEX ix_aggregation_job_log_type_started (job_type, started_at),
    INDEX ix_aggregation_job_log_type_status (job_type, status, started_at),
    INDEX ix_aggregation_job_log_started (started_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'One row per aggregation, backfill, retention or verify job';

-- How far each level is done.  'hourly': every UTC hour before done_through
-- is aggregated (or queued in aggregation_queue).  'daily': every local date
-- before DATE(done_through) is aggregated (or queued).  'raw_purged' and
-- 'hourly_purged': retention removed the raw snapshots / hourly rows before
-- done_through, so those buckets must never be recomputed from them.
CREATE TABLE aggregation_watermarks (
    level        VARCHAR(16) NOT NULL,
    done_through DATETIME    NULL,
    updated_at   DATETIME    NOT NULL,
    CONSTRAINT pk_aggregation_watermarks PRIMARY KEY (level)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'Progress of each aggregation level';

-- Buckets to (re)aggregate outside the watermark's march: late data, failed
-- buckets waiting for their back-off, days and years touched by them.
CREATE TABLE aggregation_queue (
    level           ENUM('hourly', 'daily', 'yearly') NOT NULL,
    period_start    DATETIME     NOT NULL COMMENT 'UTC hour, or local date / Jan 1 at 00:00 for daily / yearly',
    queued_at       DATETIME     NOT NULL,
    failures        INT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME     NOT NULL,
    last_error      VARCHAR(1024) NULL,
    CONSTRAINT pk_aggregation_queue PRIMARY KEY (level, period_start),
    INDEX ix_aggregation_queue_due (level, next_attempt_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'Dirty or failed buckets awaiting re-aggregation';

INSERT INTO aggregation_watermarks (level, done_through, updated_at)
VALUES
    ('hourly', NULL, UTC_TIMESTAMP()),
    ('daily', NULL, UTC_TIMESTAMP()),
    ('raw_purged', NULL, UTC_TIMESTAMP()),
    ('hourly_purged', NULL, UTC_TIMESTAMP());
