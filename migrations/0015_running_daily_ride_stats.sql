-- running_daily_ride_stats: per local day and ride, the running sums of every
-- raw ride row (ride_snapshots), as running_daily_park_stats holds them per
-- park, so that a reader gets the days not aggregated yet (>= the daily
-- watermark, i.e. today) as one row per ride instead of up to 24 hourly ride
-- rows plus the raw ride rows of the hour not aggregated yet. Kept exact in the
-- writer's transaction: record_park_snapshot adds a new snapshot's ride rows
-- (running_daily_ride_add) or, when other ride rows of the park's day may have
-- changed class (a late or re-recorded snapshot), recomputes the park's day
-- (running_daily_ride_refresh); the park_snapshots triggers recompute it on a
-- DELETE, a move or a park_open change, snapshot_recompute_pending after it
-- re-derives a park's days.
-- Filled here from the raw ride rows of every local day >= the daily watermark
-- (every day with ride rows when nothing was aggregated yet), with the
-- statement running_daily_ride_refresh uses: what a ride row adds comes only
-- from the view ride_snapshot_measures. On a new database (no snapshots) the
-- view is not installed yet (routines come after the migrations): nothing to
-- fill then.
-- depends: 0013_server_status

CREATE TABLE running_daily_ride_stats (
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
    updated_at            DATETIME          NOT NULL,
    CONSTRAINT pk_running_daily_ride_stats PRIMARY KEY (stat_date, ride_id),
    INDEX ix_running_daily_ride_stats_park (park_id, stat_date)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'Running sums per local day and ride of every raw ride row; exact for the days not yet aggregated (>= the daily watermark)';

-- The first local day to fill: the daily watermark, or the day of the oldest snapshot.
SET @running_ride_fill_from = COALESCE(
    (SELECT DATE(done_through) FROM aggregation_watermarks WHERE level = 'daily'),
    (SELECT c.local_date
       FROM calendar_days AS c
      WHERE c.utc_start <= (SELECT MIN(recorded_at) FROM park_snapshots)
      ORDER BY c.utc_start DESC
      LIMIT 1));
SET @running_ride_fill_from_utc = (SELECT utc_start FROM calendar_days
                                    WHERE local_date = @running_ride_fill_from);

SET @running_ride_fill = IF(
    EXISTS (SELECT 1 FROM ride_snapshots)
    OR EXISTS (SELECT 1
                 FROM information_schema.VIEWS
                WHERE TABLE_SCHEMA = DATABASE()
                  AND TABLE_NAME = 'ride_snapshot_measures'),
    'INSERT INTO running_daily_ride_stats
         (stat_date, ride_id, park_id, sample_count, open_sample_count, operating_samples,
          down_samples, closed_samples, refurbishment_samples, wait_sum, wait_count,
          peak_wait_minutes, updated_at)
     SELECT c.local_date,
            m.ride_id,
            MAX(m.park_id),
            COUNT(*),
            COALESCE(SUM(m.open_sample_count), 0),
            COALESCE(SUM(m.operating_samples), 0),
            COALESCE(SUM(m.down_samples), 0),
            COALESCE(SUM(m.closed_samples), 0),
            COALESCE(SUM(m.refurbishment_samples), 0),
            COALESCE(SUM(m.wait_sum), 0),
            COALESCE(SUM(m.wait_count), 0),
            MAX(m.peak_wait_minutes),
            UTC_TIMESTAMP()
       FROM calendar_days AS c
       JOIN ride_snapshot_measures AS m
         ON m.recorded_at >= c.utc_start
        AND m.recorded_at < c.utc_end
      WHERE c.local_date >= @running_ride_fill_from
        AND m.recorded_at >= @running_ride_fill_from_utc
      GROUP BY c.local_date, m.ride_id',
    'DO 0');
PREPARE running_ride_fill FROM @running_ride_fill;
EXECUTE running_ride_fill;
DEALLOCATE PREPARE running_ride_fill;
SET @running_ride_fill = NULL;
SET @running_ride_fill_from = NULL;
SET @running_ride_fill_from_utc = NULL;
