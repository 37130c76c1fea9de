"""Layer 2: attacks, one module per kind (the KINDS table is built below)."""
