"""Layer L7: riskgym inside other evaluation frameworks (each behind its own optional extra).

A package here may use everything below it (runs, reports, judges); the command line (L8) calls
into it lazily, so riskgym works without the framework installed.
"""
