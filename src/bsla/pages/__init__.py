"""The pages layer: one module per kind of generated output.

Each output module takes the catalog and a ``Templates`` (the Jinja
environment with the build's labels and addresses) and returns pages; none
imports another output module. ``templates`` and ``text`` are the shared
toolkit below them.
"""
