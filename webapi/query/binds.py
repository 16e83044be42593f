"""Named statement parameters (pymysql's ``%(name)s``), collected as the SQL is written.

Every value a statement needs is bound where its placeholder is written, under
a name, so no code has to count placeholders in generated text to line values
up with them. A name may be bound again only to the same value (the interval
of every metric, the bounds shared by two sources); binding it to another
value is a bug and raises.
"""

from __future__ import annotations


class Binds:
    def __init__(self, prefix: str = "", values: dict | None = None):
        self.prefix = prefix
        self.values: dict[str, object] = {} if values is None else values

    def __call__(self, name: str, value) -> str:
        """The placeholder of ``value`` named ``name`` (within this scope)."""
        key = self.prefix + name
        if key in self.values and self.values[key] != value:
            raise ValueError(f"parameter {key!r} bound to two values")
        self.values[key] = value
        return f"%({key})s"

    def each(self, name: str, values) -> str:
        """Comma-separated placeholders of ``values`` (name0, name1, ...)."""
        return ", ".join(self(f"{name}{i}", value) for i, value in enumerate(values))

    def scope(self, prefix: str) -> Binds:
        """Binds into the same statement whose names all start with ``prefix``."""
        return Binds(self.prefix + prefix, self.values)
