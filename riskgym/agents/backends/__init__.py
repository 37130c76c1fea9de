"""Where a model agent's replies come from: one module per backend."""
