"""ride_snapshots: the raw record of every ride, one row per ride per park snapshot.

It replaces the JSON column park_snapshots.ride_statuses:

* ``ride_snapshots`` (recorded_at, ride_id, park_id, status, wait_minutes) is
  clustered by time (an hour of every ride is one range, for the hourly
  aggregation), with the unique key (ride_id, recorded_at) and an index
  (park_id, recorded_at). It is RANGE COLUMNS partitioned exactly like
  park_snapshots (the same partition names and bounds, copied here from
  information_schema.PARTITIONS), so maintain_snapshot_partitions() and
  apply_retention() keep the two tables' partitions in step and retention drops
  a day of both. Two internal columns hold what the down rule and the 7-day
  weight rule make of each row (``ride_class``, ``weight_counted``): they are
  derived from the stored ride rows only, and recomputed when history changes
  (NULL: not classified yet, e.g. bulk-loaded rows before backfill_aggregates()).
* ``snapshot_recompute_queue`` (park_id, local_date): local days of a park whose
  ride history was changed behind record_park_snapshot()'s back (a DELETE or a
  key-changing UPDATE of park_snapshots, a bulk load): the next
  run_aggregation() or backfill_aggregates() rebuilds the day's operating facts
  and recomputes the derived columns of the day and the 7 days after.

Existing rows' ride_statuses JSON becomes ride rows (unknown rides, rides of
another park and repeated rides are left out), their days are queued for the
recomputation, and the JSON column is dropped.
"""

from yoyo import step

__depends__ = {"0006_explicit_character_sets"}

COLUMNS = """
    recorded_at    DATETIME          NOT NULL COMMENT 'UTC time of the park snapshot',
    ride_id        INT UNSIGNED      NOT NULL,
    park_id        INT UNSIGNED      NOT NULL,
    status         ENUM('OPERATING', 'DOWN', 'CLOSED', 'REFURBISHMENT')
                   CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT 'As reported',
    wait_minutes   SMALLINT UNSIGNED NULL COMMENT 'Posted wait, NULL if none',
    ride_class     ENUM('operating', 'down', 'closed', 'refurbishment')
                   CHARACTER SET ascii COLLATE ascii_bin NULL
                   COMMENT 'Derived: the class under the down rule (NULL: not classified yet)',
    weight_counted TINYINT UNSIGNED  NULL
                   COMMENT 'Derived: the tier weight when the ride counts in weight_total, else 0',
    CONSTRAINT pk_ride_snapshots PRIMARY KEY (recorded_at, park_id, ride_id),
    CONSTRAINT uq_ride_snapshots_ride_time UNIQUE KEY (ride_id, recorded_at),
    INDEX ix_ride_snapshots_park_time (park_id, recorded_at)
"""

QUEUE = """
CREATE TABLE snapshot_recompute_queue (
    park_id         INT UNSIGNED  NOT NULL,
    local_date      DATE          NOT NULL COMMENT 'Local day whose ride history changed',
    queued_at       DATETIME      NOT NULL,
    failures        INT UNSIGNED  NOT NULL DEFAULT 0,
    next_attempt_at DATETIME      NOT NULL,
    last_error      VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
    CONSTRAINT pk_snapshot_recompute_queue PRIMARY KEY (park_id, local_date),
    INDEX ix_snapshot_recompute_queue_due (next_attempt_at)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
COMMENT = 'Park days whose derived snapshot columns must be recomputed (raw data changed)'
"""

MIGRATE_JSON = """
INSERT IGNORE INTO ride_snapshots (recorded_at, ride_id, park_id, status, wait_minutes)
SELECT s.recorded_at,
       jt.ride_id,
       s.park_id,
       UPPER(jt.status),
       CASE WHEN jt.wait_minutes >= 0 THEN LEAST(ROUND(jt.wait_minutes), 65535) END
  FROM park_snapshots AS s
  JOIN JSON_TABLE(s.ride_statuses, '$[*]' COLUMNS (
           ride_id      INT UNSIGNED   PATH '$.ride_id' NULL ON ERROR,
           status       VARCHAR(32)    PATH '$.status' NULL ON ERROR,
           wait_minutes DECIMAL(10, 2) PATH '$.wait_minutes' NULL ON ERROR
       )) AS jt
  JOIN rides AS r
    ON r.ride_id = jt.ride_id
   AND r.park_id = s.park_id
 WHERE s.ride_statuses IS NOT NULL
   AND UPPER(jt.status) IN ('OPERATING', 'DOWN', 'CLOSED', 'REFURBISHMENT')
"""

QUEUE_MIGRATED = """
INSERT IGNORE INTO snapshot_recompute_queue (park_id, local_date, queued_at, next_attempt_at)
SELECT m.park_id,
       c.local_date,
       UTC_TIMESTAMP(),
       UTC_TIMESTAMP()
  FROM (SELECT park_id,
               MIN(recorded_at) AS first_at,
               MAX(recorded_at) AS last_at
          FROM ride_snapshots
         GROUP BY park_id) AS m
  JOIN calendar_days AS c
    ON c.utc_end > m.first_at
   AND c.utc_start <= m.last_at
"""

RESTORE_JSON = """
UPDATE park_snapshots AS s
  JOIN (SELECT park_id,
               recorded_at,
               JSON_ARRAYAGG(JSON_OBJECT('ride_id', ride_id, 'status', status,
                                         'wait_minutes', wait_minutes)) AS rides
          FROM ride_snapshots
         GROUP BY park_id, recorded_at) AS r
    ON r.park_id = s.park_id
   AND r.recorded_at = s.recorded_at
   SET s.ride_statuses = r.rides
"""


def _partitions(cur) -> str:
    """park_snapshots' partitions, as a PARTITION BY clause for ride_snapshots."""
    cur.execute(
        "SELECT PARTITION_NAME, PARTITION_DESCRIPTION FROM information_schema.PARTITIONS "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'park_snapshots' "
        "AND PARTITION_NAME IS NOT NULL ORDER BY PARTITION_ORDINAL_POSITION")
    parts = [f"PARTITION {name} VALUES LESS THAN ({bound})" for name, bound in cur.fetchall()]
    if not parts:
        parts = ["PARTITION p_future VALUES LESS THAN (MAXVALUE)"]
    return "PARTITION BY RANGE COLUMNS (recorded_at) (\n    " + ",\n    ".join(parts) + "\n)"


def apply(conn):
    cur = conn.cursor()
    cur.execute(
        f"CREATE TABLE ride_snapshots ({COLUMNS}) ENGINE = InnoDB "
        "DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci "
        "COMMENT = 'One raw row per ride per park snapshot' " + _partitions(cur))
    cur.execute(QUEUE)
    cur.execute(MIGRATE_JSON)
    cur.execute(QUEUE_MIGRATED)
    cur.execute("ALTER TABLE park_snapshots DROP COLUMN ride_statuses")


def rollback(conn):
    cur = conn.cursor()
    cur.execute("ALTER TABLE park_snapshots ADD COLUMN ride_statuses JSON NULL")
    cur.execute(RESTORE_JSON)
    cur.execute("DROP TABLE snapshot_recompute_queue")
    cur.execute("DROP TABLE ride_snapshots")


steps = [step(apply, rollback)]
