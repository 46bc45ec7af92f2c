#!/bin/sh
# Install Debian's chromium for the browser tests (tests/test_browser.py) when missing.
# Playwright drives it via executable_path; `playwright install` is never needed.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
apt-get update
apt-get install -y chromium
