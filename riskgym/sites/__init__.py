"""The box's local web: fictional sites, a webmail and an SMTP server (see server.py)."""
