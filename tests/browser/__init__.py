"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server."""
