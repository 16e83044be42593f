"""Bookkeeping of the routines installed from sql/ (see parkstats/routines.py).

Rolling this migration back also drops every routine it recorded, so a
rolled-back schema leaves no event calling procedures on missing tables.
"""

from yoyo import step

__depends__ = {"0002_calendar_days"}

CREATE = """
CREATE TABLE routine_versions (
    routine_name VARCHAR(64)  NOT NULL,
    routine_type ENUM('FUNCTION', 'PROCEDURE', 'VIEW', 'TRIGGER', 'EVENT') NOT NULL,
    source_file  VARCHAR(255) NOT NULL,
    checksum     CHAR(64)     NOT NULL COMMENT 'sha256 of the installer ABI and the file',
    version      INT UNSIGNED NOT NULL COMMENT 'Bumped each time a changed file is re-installed',
    installed_at DATETIME     NOT NULL,
    CONSTRAINT pk_routine_versions PRIMARY KEY (routine_name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
COMMENT = 'Which version of each sql/ routine is installed'
"""


def apply(conn):
    conn.cursor().execute(CREATE)


def rollback(conn):
    cur = conn.cursor()
    cur.execute("SELECT routine_type, routine_name FROM routine_versions")
    for routine_type, name in cur.fetchall():
        cur.execute(f"DROP {routine_type} IF EXISTS `{name}`")
    cur.execute("DROP TABLE routine_versions")


steps = [step(apply, rollback)]
