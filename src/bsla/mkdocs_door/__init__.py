"""The MkDocs door: the only part of the engine that imports ``mkdocs``.

``plugin`` is what ``mkdocs build``/``serve`` run (through ``hooks.py``);
``commands`` is what ``build_site.py build``/``serve`` call. The rest are
the plugin's helpers: ``files`` (the engine's pages in MkDocs' collection),
``html_bodies``, ``previews``, ``nav_cache``, ``theme_listing``, ``watching``.
"""
