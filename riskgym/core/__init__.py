"""Layer 0: the contracts every other layer shares: event matching, the host-guest frames,
run records, the spec base and the registry of extension points."""
