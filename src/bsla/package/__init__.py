"""Deposit packages of the library: a BagIt bag (``bag``) and a WACZ web archive (``web_archive``).

``build_site.py package`` calls them. They read the catalog through the engine and a
site the MkDocs door built, and write their package beside its final place, moving it
there only once it is complete and has passed its format's own validation.
"""
