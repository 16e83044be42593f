"""parkstats: theme-park statistics kept inside MySQL/MariaDB.

This package holds the tools that are not the web layer: database URLs,
the migration and routine installer, the throwaway local server, the demo
data generator and the collector simulation.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The routines and the schema migrations, found through the package: in a
#: checkout ``parkstats/sql`` and ``parkstats/migrations`` are links to the
#: repository's top-level ``sql/`` and ``migrations/``; an installed package
#: (``pip install .``) carries copies of them as package data.
SQL_DIR = (PACKAGE_DIR / "sql").resolve()
MIGRATIONS_DIR = (PACKAGE_DIR / "migrations").resolve()
#: The folder holding the package: in a checkout, the repository, where
#: ``make run`` and ``make bench`` keep their git-ignored server data.
ROOT = PACKAGE_DIR.parent
