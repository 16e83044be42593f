CREATE PROCEDURE maintain_snapshot_partitions(IN p_oldest_date DATE)
    SQL SECURITY INVOKER
    MODIFIES SQL DATA
    COMMENT '
Description
-----------
Keeps park_snapshots and ride_snapshots split into one partition per UTC
day, named pYYYYMMDD, the same partitions in both (every DDL is run on both
tables), so that retention drops whole days of both. Adds daily partitions up to
partitions_ahead_days after today (splitting the empty p_future catch-all),
and, when p_oldest_date is older than the first daily partition, splits
p_archive so that history loaded later gets its own daily partitions too.
Called by make migrate and apply_retention(); bulk loaders call it with the
first day they load. Returns a one-row summary.

Parameters
----------
p_oldest_date (DATE): first UTC day that must have its own partition, or NULL
    (on the first call NULL means raw_retention_days before today).

Example
-------
CALL maintain_snapshot_partitions(NULL);
CALL maintain_snapshot_partitions(''2025-01-01'');
'
BEGIN
    DECLARE v_first DATE;
    DECLARE v_last DATE;
    DECLARE v_today DATE DEFAULT DATE(parkstats_now());
    DECLARE v_until DATE;
    DECLARE v_added INT DEFAULT 0;
    DECLARE v_list MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin;
    DECLARE v_archive_end DATE DEFAULT NULL;

    SET SESSION group_concat_max_len = 4194304;
    SET v_until = v_today + INTERVAL parkstats_setting('partitions_ahead_days') DAY;

    SELECT MIN(STR_TO_DATE(SUBSTRING(PARTITION_NAME, 2), '%Y%m%d')),
           MAX(STR_TO_DATE(SUBSTRING(PARTITION_NAME, 2), '%Y%m%d'))
      INTO v_first, v_last
      FROM information_schema.PARTITIONS
     WHERE TABLE_SCHEMA = DATABASE()
       AND TABLE_NAME = 'park_snapshots'
       AND PARTITION_NAME REGEXP '^p[0-9]{8}$';

    IF v_first IS NULL THEN
        -- First call: p_future is the only partition.
        SET v_first = COALESCE(p_oldest_date,
                               v_today - INTERVAL parkstats_setting('raw_retention_days') DAY);
        SET v_list = daily_partition_list(v_first, GREATEST(v_until, v_first));
        SET @parkstats_ddl = CONCAT(
            'ALTER TABLE park_snapshots REORGANIZE PARTITION p_future INTO (',
            'PARTITION p_archive VALUES LESS THAN (''', v_first, '''), ', v_list,
            ', PARTITION p_future VALUES LESS THAN (MAXVALUE))');
        SET v_added = DATEDIFF(GREATEST(v_until, v_first), v_first) + 1;
        PREPARE stmt FROM @parkstats_ddl;
        EXECUTE stmt;
        DEALLOCATE PREPARE stmt;
        -- ride_snapshots has the same partitions: the same DDL.
        SET @parkstats_ddl = REPLACE(@parkstats_ddl, 'ALTER TABLE park_snapshots ', 'ALTER TABLE ride_snapshots ');
        PREPARE stmt FROM @parkstats_ddl;
        EXECUTE stmt;
        DEALLOCATE PREPARE stmt;
    ELSE
        -- p_archive ends where the first daily partition started when it was
        -- made; retention may have dropped daily partitions since, whose ranges
        -- went to the next one, so split only up to p_archive's own upper bound.
        SELECT CAST(TRIM(BOTH '''' FROM PARTITION_DESCRIPTION) AS DATE)
          INTO v_archive_end
          FROM information_schema.PARTITIONS
         WHERE TABLE_SCHEMA = DATABASE()
           AND TABLE_NAME = 'park_snapshots'
           AND PARTITION_NAME = 'p_archive';
        IF p_oldest_date < v_archive_end THEN
            SET v_list = daily_partition_list(p_oldest_date, v_archive_end - INTERVAL 1 DAY);
            SET @parkstats_ddl = CONCAT(
                'ALTER TABLE park_snapshots REORGANIZE PARTITION p_archive INTO (',
                'PARTITION p_archive VALUES LESS THAN (''', p_oldest_date, '''), ', v_list, ')');
            SET v_added = v_added + DATEDIFF(v_archive_end, p_oldest_date);
            PREPARE stmt FROM @parkstats_ddl;
            EXECUTE stmt;
            DEALLOCATE PREPARE stmt;
            -- ride_snapshots has the same partitions: the same DDL.
            SET @parkstats_ddl = REPLACE(@parkstats_ddl, 'ALTER TABLE park_snapshots ', 'ALTER TABLE ride_snapshots ');
            PREPARE stmt FROM @parkstats_ddl;
            EXECUTE stmt;
            DEALLOCATE PREPARE stmt;
        END IF;
        IF v_last < v_until THEN
            SET v_list = daily_partition_list(v_last + INTERVAL 1 DAY, v_until);
            SET @parkstats_ddl = CONCAT(
                'ALTER TABLE park_snapshots REORGANIZE PARTITION p_future INTO (', v_list,
                ', PARTITION p_future VALUES LESS THAN (MAXVALUE))');
            SET v_added = v_added + DATEDIFF(v_until, v_last);
            PREPARE stmt FROM @parkstats_ddl;
            EXECUTE stmt;
            DEALLOCATE PREPARE stmt;
            -- ride_snapshots has the same partitions: the same DDL.
            SET @parkstats_ddl = REPLACE(@parkstats_ddl, 'ALTER TABLE park_snapshots ', 'ALTER TABLE ride_snapshots ');
            PREPARE stmt FROM @parkstats_ddl;
            EXECUTE stmt;
            DEALLOCATE PREPARE stmt;
        END IF;
    END IF;
    SET @parkstats_ddl = NULL;

    SELECT CONCAT('Added ', v_added, ' daily partition(s); park_snapshots has daily partitions ',
                  'from ', MIN(STR_TO_DATE(SUBSTRING(PARTITION_NAME, 2), '%Y%m%d')),
                  ' to ', MAX(STR_TO_DATE(SUBSTRING(PARTITION_NAME, 2), '%Y%m%d'))) AS summary,
           v_added AS partitions_added
      FROM information_schema.PARTITIONS
     WHERE TABLE_SCHEMA = DATABASE()
       AND TABLE_NAME = 'park_snapshots'
       AND PARTITION_NAME REGEXP '^p[0-9]{8}$';
END
