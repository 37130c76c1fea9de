"""The browser app in the box: Xvfb, a headful Chromium read over Playwright, in-page attacks."""
