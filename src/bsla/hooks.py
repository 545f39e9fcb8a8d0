"""MkDocs hooks: the file mkdocs.yml names under ``hooks:``; the engine's MkDocs door.

A thin shim so that ``mkdocs.yml`` keeps working: every event goes to one
``LibraryPlugin`` (bsla.mkdocs_door.plugin), which holds the state between
events and builds. MkDocs loads this file by path and keeps it loaded for a
whole ``mkdocs serve`` session, so the plugin object lives as long.
"""

from __future__ import annotations

from bsla.mkdocs_door.plugin import LibraryPlugin

plugin = LibraryPlugin()

on_startup = plugin.on_startup
on_shutdown = plugin.on_shutdown
on_serve = plugin.on_serve
on_config = plugin.on_config
on_files = plugin.on_files
on_nav = plugin.on_nav
on_env = plugin.on_env
on_page_markdown = plugin.on_page_markdown
on_page_content = plugin.on_page_content
on_page_context = plugin.on_page_context
on_post_page = plugin.on_post_page
on_post_template = plugin.on_post_template
on_post_build = plugin.on_post_build
on_build_error = plugin.on_build_error
