"""parkstats: theme-park statistics kept inside MySQL/MariaDB.

This package holds the tools that are not the web layer: database URLs,
the migration and routine installer, the throwaway local server, the demo
data generator and the collector simulation.
"""

from pathlib import Path

#: Repository root (the package is installed editable from the checkout).
ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
MIGRATIONS_DIR = ROOT / "migrations"
