-- running_daily_park_stats: per local day and park, the running sums of every
-- raw snapshot, kept exact by the park_snapshots triggers (running_daily_add on
-- INSERT, running_daily_refresh on UPDATE and DELETE), so a reader gets the
-- days not aggregated yet (>= the daily watermark, i.e. today) as one row per
-- park instead of hourly rows plus raw snapshots.
-- Filled here from the raw snapshots of every local day >= the daily watermark
-- (every day with snapshots when nothing was aggregated yet), with the very
-- statement running_daily_refresh uses: what a snapshot adds comes only from
-- the view park_snapshot_measures. On a new database (no snapshots) the view is
-- not installed yet (routines come after the migrations): nothing to fill then.
-- depends: 0004_weekly_park_stats

CREATE TABLE running_daily_park_stats (
    stat_date             DATE              NOT NULL COMMENT 'Local date in the reporting time zone',
    park_id               INT UNSIGNED      NOT NULL,
    sample_count          INT UNSIGNED      NOT NULL,
    open_sample_count     INT UNSIGNED      NOT NULL,
    shame_sum             DECIMAL(14, 2)    NOT NULL,
    shame_count           INT UNSIGNED      NOT NULL,
    wait_sum              DECIMAL(16, 2)    NOT NULL,
    wait_count            INT UNSIGNED      NOT NULL,
    peak_wait_minutes     SMALLINT UNSIGNED NULL,
    down_samples          INT UNSIGNED      NOT NULL,
    weighted_down_samples INT UNSIGNED      NOT NULL,
    operating_samples     INT UNSIGNED      NOT NULL,
    max_rides_down        SMALLINT UNSIGNED NULL,
    updated_at            DATETIME          NOT NULL,
    CONSTRAINT pk_running_daily_park_stats PRIMARY KEY (stat_date, park_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
COMMENT = 'Running sums per local day and park of every raw snapshot, kept by the park_snapshots triggers; exact for the days not yet aggregated (>= the daily watermark)';

-- The first local day to fill: the daily watermark, or the day of the oldest snapshot.
SET @running_fill_from = COALESCE(
    (SELECT DATE(done_through) FROM aggregation_watermarks WHERE level = 'daily'),
    (SELECT c.local_date
       FROM calendar_days AS c
      WHERE c.utc_start <= (SELECT MIN(recorded_at) FROM park_snapshots)
      ORDER BY c.utc_start DESC
      LIMIT 1));
SET @running_fill_from_utc = (SELECT utc_start FROM calendar_days WHERE local_date = @running_fill_from);

SET @running_fill = IF(
    EXISTS (SELECT 1 FROM park_snapshots)
    OR EXISTS (SELECT 1
                 FROM information_schema.VIEWS
                WHERE TABLE_SCHEMA = DATABASE()
                  AND TABLE_NAME = 'park_snapshot_measures'),
    'INSERT INTO running_daily_park_stats
         (stat_date, park_id, sample_count, open_sample_count, shame_sum, shame_count,
          wait_sum, wait_count, peak_wait_minutes, down_samples, weighted_down_samples,
          operating_samples, max_rides_down, updated_at)
     SELECT c.local_date,
            m.park_id,
            COUNT(*),
            SUM(m.open_sample_count),
            COALESCE(SUM(m.shame_sum), 0),
            COALESCE(SUM(m.shame_count), 0),
            COALESCE(SUM(m.wait_sum), 0),
            COALESCE(SUM(m.wait_count), 0),
            MAX(m.peak_wait_minutes),
            COALESCE(SUM(m.down_samples), 0),
            COALESCE(SUM(m.weighted_down_samples), 0),
            COALESCE(SUM(m.operating_samples), 0),
            MAX(m.max_rides_down),
            UTC_TIMESTAMP()
       FROM calendar_days AS c
       JOIN park_snapshot_measures AS m
         ON m.recorded_at >= c.utc_start
        AND m.recorded_at < c.utc_end
      WHERE c.local_date >= @running_fill_from
        AND m.recorded_at >= @running_fill_from_utc
      GROUP BY c.local_date, m.park_id',
    'DO 0');
PREPARE running_fill FROM @running_fill;
EXECUTE running_fill;
DEALLOCATE PREPARE running_fill;
SET @running_fill = NULL;
SET @running_fill_from = NULL;
SET @running_fill_from_utc = NULL;
