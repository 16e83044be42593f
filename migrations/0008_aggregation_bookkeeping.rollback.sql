ALTER TABLE aggregation_job_log
    DROP INDEX ix_aggregation_job_log_abandoned,
    DROP COLUMN abandoned_at;
DROP TABLE IF EXISTS aggregated_ranges;
