-- The primary of record: which server of a replicated topology runs the
-- operational jobs (run_aggregation, backfill_aggregates, apply_retention).
--
-- One row. It replicates like every table, so each replica knows which server
-- is the primary. aggregation_job_begin asks primary_of_record_state() before
-- a job: a writable server that is not the primary of record (an old primary
-- back after a failover, writable and with its events enabled) logs a
-- 'skipped' job row saying why and changes nothing. The first cycle of a
-- server with no row records itself; `parkstats promote` records the promoted
-- replica (claim_primary_of_record).
--
-- server_started_at tells a restart of the recorded server: it is that
-- server's start (UTC_TIMESTAMP() minus its status Uptime) when the row was
-- last confirmed. replicas_seen says whether a replica was ever seen
-- replicating from it (status Slaves_connected > 0, MariaDB): a recorded
-- primary with replicas that restarted resumes only once a replica replicates
-- from it again.
-- depends: 0009_ride_stats

CREATE TABLE primary_of_record (
    record_id         TINYINT UNSIGNED NOT NULL DEFAULT 1 COMMENT 'Always 1: the table has one row',
    server_id         INT UNSIGNED     NOT NULL COMMENT '@@server_id of the primary of record',
    server_started_at DATETIME         NOT NULL COMMENT 'UTC start of that server (UTC_TIMESTAMP() minus status Uptime) when last confirmed',
    replicas_seen     TINYINT UNSIGNED NOT NULL COMMENT '1 once a replica was seen replicating from it (status Slaves_connected > 0)',
    recorded_at       DATETIME         NOT NULL COMMENT 'When the row was last written (UTC)',
    recorded_by       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL
                      COMMENT 'What wrote it: a job (first record, restart confirmed) or claim_primary_of_record() and its account',
    CONSTRAINT pk_primary_of_record PRIMARY KEY (record_id),
    CONSTRAINT chk_primary_of_record_one_row CHECK (record_id = 1),
    CONSTRAINT chk_primary_of_record_replicas_seen CHECK (replicas_seen IN (0, 1))
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT = 'The one server that runs the operational jobs (read by primary_of_record_state())';
