"""Layer 6: what a finished run shows: summaries, HTML reports and charts, replays, exports."""
from riskgym.reports.summary import render_md, summarize, write_comparison, write_reports

__all__ = ["render_md", "summarize", "write_comparison", "write_reports"]
