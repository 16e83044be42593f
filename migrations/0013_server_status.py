"""server_status: the server's global status variables, wherever this server keeps them.

MariaDB keeps them in information_schema.GLOBAL_STATUS; MySQL 8 removed that table and
keeps them in performance_schema.global_status.  A stored function cannot simply branch
between the two: MySQL opens every table a function names before it runs (prelocking),
so naming the missing one fails even in a branch never taken.  This view, created for
the running server, gives the routines one name that exists on both
(server_status_value() reads it).
"""

from yoyo import step

__depends__ = {"0010_primary_of_record"}

VIEW = """
CREATE SQL SECURITY INVOKER VIEW server_status
    (variable_name, variable_value)
AS
SELECT s.VARIABLE_NAME,
       s.VARIABLE_VALUE
  FROM {source} AS s
"""


def apply(conn):
    cur = conn.cursor()
    cur.execute("SELECT VERSION()")
    is_mariadb = "mariadb" in cur.fetchone()[0].lower()
    source = ("information_schema.GLOBAL_STATUS" if is_mariadb
              else "performance_schema.global_status")
    cur.execute(VIEW.format(source=source))


def rollback(conn):
    conn.cursor().execute("DROP VIEW IF EXISTS server_status")


steps = [step(apply, rollback)]
