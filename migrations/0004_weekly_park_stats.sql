-- weekly_park_stats: per park and local Sunday-Saturday week, the sum of the
-- week's daily rows (kept by aggregate_weeks_range whenever days are aggregated),
-- so a whole week is read as one row per park instead of seven.
-- Filled here from the daily rows already there.
-- depends: 0003_routine_versions

CREATE TABLE weekly_park_stats (
    week_start            DATE              NOT NULL COMMENT 'Local Sunday starting the week (calendar_days.week_start)',
    park_id               INT UNSIGNED      NOT NULL,
    days_covered          TINYINT UNSIGNED  NOT NULL COMMENT 'Daily rows summed (0..7)',
    sample_count          INT UNSIGNED      NOT NULL,
    open_sample_count     INT UNSIGNED      NOT NULL,
    shame_sum             DECIMAL(15, 2)    NOT NULL,
    shame_count           INT UNSIGNED      NOT NULL,
    avg_shame_score       DECIMAL(10, 4)    GENERATED ALWAYS AS (shame_sum / NULLIF(shame_count, 0)) VIRTUAL,
    wait_sum              DECIMAL(17, 2)    NOT NULL,
    wait_count            INT UNSIGNED      NOT NULL,
    avg_wait_minutes      DECIMAL(10, 4)    GENERATED ALWAYS AS (wait_sum / NULLIF(wait_count, 0)) VIRTUAL,
    peak_wait_minutes     SMALLINT UNSIGNED NULL,
    down_samples          INT UNSIGNED      NOT NULL,
    weighted_down_samples INT UNSIGNED      NOT NULL,
    operating_samples     INT UNSIGNED      NOT NULL,
    max_rides_down        SMALLINT UNSIGNED NULL,
    aggregated_at         DATETIME          NOT NULL,
    CONSTRAINT pk_weekly_park_stats PRIMARY KEY (week_start, park_id),
    INDEX ix_weekly_park_stats_park (park_id, week_start)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = 'Per park and local Sunday-Saturday week; key (park_id, week_start)';

INSERT INTO weekly_park_stats
    (week_start, park_id, days_covered, sample_count, open_sample_count, shame_sum, shame_count,
     wait_sum, wait_count, peak_wait_minutes, down_samples, weighted_down_samples,
     operating_samples, max_rides_down, aggregated_at)
SELECT c.week_start,
       d.park_id,
       COUNT(*),
       SUM(d.sample_count),
       SUM(d.open_sample_count),
       SUM(d.shame_sum),
       SUM(d.shame_count),
       SUM(d.wait_sum),
       SUM(d.wait_count),
       MAX(d.peak_wait_minutes),
       SUM(d.down_samples),
       SUM(d.weighted_down_samples),
       SUM(d.operating_samples),
       MAX(d.max_rides_down),
       UTC_TIMESTAMP()
  FROM daily_park_stats AS d
  JOIN calendar_days AS c
    ON c.local_date = d.stat_date
 GROUP BY c.week_start, d.park_id;
