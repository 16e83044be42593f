"""parkstats web API: ``create_app(config=None)`` builds the Flask application.

Nothing happens at import time; the database pools are created by the
factory and connect on first use. Run it with gunicorn (``make serve``)::

    PARKSTATS_DATABASE_URL=mysql://user:pw@host:3306/parkstats \\
        .venv/bin/python -m gunicorn -c webapi/gunicorn_conf.py 'webapi:create_app()'
"""

from __future__ import annotations


def create_app(config: dict | None = None):
    """The Flask app; ``config`` overrides the environment (see webapi/config.py)."""
    from webapi.app import build

    return build(config)


__all__ = ["create_app"]
