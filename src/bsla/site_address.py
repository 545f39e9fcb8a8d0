"""The site's public address (SITE_URL): what a build without it cannot write."""

from __future__ import annotations

# Printed once by `build_site.py build` (not by `serve`, where local paths are right).
MISSING_SITE_URL = (
    "warning: SITE_URL is not set, so citations carry no URL, the feed's links are paths "
    "and share previews have no address or image. For the published site, build with the "
    "public address, e.g. SITE_URL=https://library.example.org/ python build_site.py build "
    "(README: 'The site's address').")
