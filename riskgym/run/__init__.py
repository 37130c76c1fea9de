"""Layer 5: running episodes: the run loop, validation of the suite, and the executors."""
