"""Layer 0: the action language: what an agent's code means (types), reading it (parse) and writing it back (codegen)."""
