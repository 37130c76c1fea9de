"""How a box starts: one module per provider (see box/__init__.py for the table)."""
