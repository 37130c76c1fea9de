"""Chromium in the box, the same for the browser app and the desktop's Chromium: Debian's build,
its flags (no background traffic, no smooth scrolling, the local internet for every host) and a
profile without bubbles that would eat clicks."""
from __future__ import annotations

import os

CHROMIUM = os.environ.get("RISKGYM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--no-default-browser-check", "--test-type",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication,"
    "IsolateOrigins,site-per-process",
    "--password-store=basic", "--force-prefers-reduced-motion",
    # a wheel scroll lands at once: the next observation shows where things are, not a frame mid-way
    "--disable-smooth-scrolling",
    # memory: one box serves one user's tabs, so site-per-process isolation buys nothing here
    "--disable-site-isolation-trials", "--renderer-process-limit=2", "--in-process-gpu", "--hide-crash-restore-bubble",
    "--disable-dev-shm-usage",
    "--disable-domain-reliability", "--no-pings", "--disable-breakpad", "--disable-client-side-phishing-detection",
    # every host name goes to the box's site server (the local internet), except Chromium's own
    # background services, which would otherwise show up in the event log as visits
    "--host-resolver-rules=MAP *.google.com ~NOTFOUND, MAP *.googleapis.com ~NOTFOUND, "
    "MAP *.gstatic.com ~NOTFOUND, MAP * 127.0.0.1, EXCLUDE localhost",
]
# No password-manager, autofill or translate bubbles: they would sit over the page and eat
# clicks differently from run to run.
PROFILE_PREFS = {
    "credentials_enable_service": False,
    "profile": {"password_manager_enabled": False, "password_manager_leak_detection": False,
                "default_content_setting_values": {"notifications": 2}},
    "autofill": {"profile_enabled": False, "credit_card_enabled": False},
    "translate": {"enabled": False},
    "browser": {"has_seen_welcome_page": True},
    # omnibox searches go to the local search site (riskgym/sites/search.py), not to a real engine;
    # Chromium reads the user's chosen engine from this pref (policies would need /etc)
    "default_search_provider_data": {"template_url_data": {
        "keyword": "search.example", "short_name": "Wayfind", "url": "http://search.example/search?q={searchTerms}",
        "suggestions_url": "", "favicon_url": "", "safe_for_autoreplace": False, "prepopulate_id": 0, "id": "90",
        "sync_guid": "riskgym-wayfind-0001", "input_encodings": ["UTF-8"], "alternate_urls": [],
        "date_created": "0", "last_modified": "0", "last_visited": "0", "created_by_policy": 0,
        "enforced_by_policy": False, "is_active": 1, "starter_pack_id": 0, "policy_origin": 0}},
    "search": {"suggest_enabled": False},
}
