"""Calendar of local days (2000-2100) for the reporting time zone in settings."""

from yoyo import step

from parkstats.calendar import calendar_rows

__depends__ = {"0001_core_schema"}

CREATE = """
CREATE TABLE calendar_days (
    local_date   DATE              NOT NULL,
    utc_start    DATETIME          NOT NULL COMMENT 'UTC instant of local midnight',
    utc_end      DATETIME          NOT NULL COMMENT 'UTC instant of the next local midnight',
    hours_in_day TINYINT UNSIGNED  NOT NULL COMMENT '23, 24 or 25',
    week_start   DATE              NOT NULL COMMENT 'Sunday starting the local week',
    month_start  DATE              NOT NULL,
    year         SMALLINT UNSIGNED NOT NULL,
    CONSTRAINT pk_calendar_days PRIMARY KEY (local_date),
    UNIQUE KEY uq_calendar_days_utc_start (utc_start),
    INDEX ix_calendar_days_year (year, local_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
COMMENT = 'Local days of the reporting time zone, generated with Python zoneinfo'
"""

INSERT = """
INSERT INTO calendar_days
    (local_date, utc_start, utc_end, hours_in_day, week_start, month_start, year)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""


def apply(conn):
    cur = conn.cursor()
    cur.execute("SELECT setting_value FROM settings WHERE setting_name = 'reporting_time_zone'")
    (zone_name,) = cur.fetchone()
    cur.execute(CREATE)
    rows = list(calendar_rows(zone_name))
    for i in range(0, len(rows), 5000):
        cur.executemany(INSERT, rows[i : i + 5000])


def rollback(conn):
    conn.cursor().execute("DROP TABLE IF EXISTS calendar_days")


steps = [step(apply, rollback)]
