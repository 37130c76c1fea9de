"""Layer 6: what a finished run shows: summaries, HTML reports and charts, replays, exports."""
