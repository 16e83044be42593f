-- hourly_ride_totals: per UTC hour, the totals of that hour's hourly_ride_stats
-- rows (every sum column summed over the rides, the largest peak), written by
-- aggregate_ride_hours_range with the hour's rows. The cycle that completes a
-- local day copies the rides' day from running_daily_ride_stats when the day's
-- totals of every column agree with the hours'; summing the day's 23-25 rows
-- here instead of its ~45,000 hourly ride rows takes that check from ~16 ms to
-- well under 1 ms. Only a gate: totals that disagree make the day regroup its
-- hourly rows, which is always right. So it starts empty: the hours aggregated
-- before it have no totals, and the one day they end is regrouped as before.
-- depends: 0015_running_daily_ride_stats

CREATE TABLE hourly_ride_totals (
    hour_start_utc        DATETIME          NOT NULL COMMENT 'Start of the UTC hour',
    sample_count          BIGINT UNSIGNED   NOT NULL COMMENT 'Sum over the hour''s ride rows',
    open_sample_count     BIGINT UNSIGNED   NOT NULL,
    operating_samples     BIGINT UNSIGNED   NOT NULL,
    down_samples          BIGINT UNSIGNED   NOT NULL,
    closed_samples        BIGINT UNSIGNED   NOT NULL,
    refurbishment_samples BIGINT UNSIGNED   NOT NULL,
    wait_sum              BIGINT UNSIGNED   NOT NULL,
    wait_count            BIGINT UNSIGNED   NOT NULL,
    peak_wait_minutes     SMALLINT UNSIGNED NULL COMMENT 'The largest peak of the hour''s ride rows',
    aggregated_at         DATETIME          NOT NULL,
    CONSTRAINT pk_hourly_ride_totals PRIMARY KEY (hour_start_utc)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'Per UTC hour, the column totals of its hourly_ride_stats rows';
