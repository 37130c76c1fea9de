"""Layer 3: what runs inside the box: the controller, its event log, X input, and the browser and desktop apps.

Started by a provider as `python -m riskgym.guest.launch`; it never imports tasks/ or box/: it receives plain dicts."""
