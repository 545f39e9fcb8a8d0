"""The search layer: Pagefind records from the catalog, the bundle, and its refresh under serve.

Pagefind writes a chunked static index: a query downloads only the chunks for
its words and the fragments of the results it shows, never the whole catalog
(the README's "Why Pagefind" has the reasons; docs/benchmarks.md the bytes).
The index is built from the catalog, not by crawling the served pages: each
resource gets one small HTML record (``records``) carrying its metadata *and
the text of its PDF*, so the PDF text is searchable while the page a visitor
downloads stays small. ``bundle`` runs Pagefind beside the build and keeps the
last bundle; ``refresh`` rebuilds a dev server's index after the page is served.
"""
