-- Bookkeeping that does not confuse "aggregated" with "before the watermark".
--
-- aggregated_ranges: UTC hour ranges that backfill_aggregates() aggregated
-- ahead of the hourly watermark (or before any watermark existed). An hour is
-- aggregated when it lies before aggregation_watermarks.hourly or inside one of
-- these ranges (function aggregation_hours_done). Ranges are kept merged (never
-- overlapping, never touching each other); when the watermark reaches one, the
-- cycle moves the watermark to its end and deletes it.
--
-- aggregation_job_log.abandoned_at: when a job left 'running' by a session or a
-- server that died was found cut short and marked 'failed' (the next cycle,
-- backfill or retention, holding the aggregation lock, does it).
-- depends: 0006_explicit_character_sets

CREATE TABLE aggregated_ranges (
    range_start   DATETIME NOT NULL COMMENT 'First UTC hour of the range',
    range_end     DATETIME NOT NULL COMMENT 'End of the range (exclusive, a whole UTC hour)',
    aggregated_at DATETIME NOT NULL COMMENT 'When the range last grew',
    CONSTRAINT pk_aggregated_ranges PRIMARY KEY (range_start),
    CONSTRAINT chk_aggregated_ranges_order CHECK (range_end > range_start)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'UTC hours aggregated ahead of the hourly watermark (by backfill_aggregates)';

ALTER TABLE aggregation_job_log
    ADD COLUMN abandoned_at DATETIME(3) NULL
        COMMENT 'Set when the job was found cut short (crash, killed session) and marked failed'
        AFTER finished_at,
    ADD INDEX ix_aggregation_job_log_abandoned (abandoned_at);
