-- Explicit character sets and collations on every table and text column, so
-- nothing depends on the server's or the database's defaults.
--
-- Why: a table declared only `DEFAULT CHARSET = utf8mb4` gets that charset's
-- default collation (utf8mb4_general_ci on MariaDB 10.11, utf8mb4_0900_ai_ci on
-- MySQL 8), while a stored routine's variables and parameters get the
-- database's collation. On a database created `COLLATE utf8mb4_unicode_ci` every
-- comparison of a column with a variable then fails with errno 1267 ("Illegal
-- mix of collations").
--
-- The two kinds used everywhere (tables here, routine variables in sql/):
--   codes and identifiers (setting names, levels, statuses, SQLSTATEs):
--       CHARACTER SET ascii COLLATE ascii_bin
--   human text (names, messages, settings' values):
--       CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
-- Both exist on MariaDB 10.11 and MySQL 8. Every later migration declares the
-- same explicitly. Tables without text columns only get the table default.
-- depends: 0005_running_daily_park_stats

ALTER TABLE settings
    DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    MODIFY setting_name  VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY setting_value VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    MODIFY description   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;

ALTER TABLE parks
    DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    MODIFY name           VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    MODIFY city           VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
    MODIFY state_province VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
    MODIFY country        VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
    MODIFY operator       VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL;

ALTER TABLE rides
    DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    MODIFY name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;

ALTER TABLE aggregation_job_log
    DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    MODIFY job_type ENUM('hourly', 'daily', 'yearly', 'cycle', 'backfill', 'retention', 'verify')
        CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY status ENUM('running', 'success', 'failed', 'skipped')
        CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY error_sqlstate CHAR(5) CHARACTER SET ascii COLLATE ascii_bin NULL,
    MODIFY error_message VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL
        COMMENT 'Error text, or why a job was skipped';

ALTER TABLE aggregation_watermarks
    DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    MODIFY level VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;

ALTER TABLE aggregation_queue
    DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    MODIFY level ENUM('hourly', 'daily', 'yearly') CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY last_error VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL;

ALTER TABLE routine_versions
    DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    MODIFY routine_name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY routine_type ENUM('FUNCTION', 'PROCEDURE', 'VIEW', 'TRIGGER', 'EVENT')
        CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY source_file VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    MODIFY checksum CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
        COMMENT 'sha256 of the installer ABI and the file';

-- No text columns: the table default only (metadata, no rebuild).
ALTER TABLE park_snapshots DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE ride_operating_days DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE hourly_park_stats DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE daily_park_stats DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE weekly_park_stats DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE yearly_park_stats DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE running_daily_park_stats DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE calendar_days DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
