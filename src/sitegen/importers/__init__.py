"""Importers for the old blog: the WordPress export (WXR) and the plain-text export.

Both write `content/posts/<slug>.md` (pages to `content/pages/`) and return an
`ImportReport`; neither overwrites an existing different file without `force`.
"""

from sitegen.importers.report import ImportReport
from sitegen.importers.text import import_text
from sitegen.importers.wordpress import import_wordpress

__all__ = ["ImportReport", "import_text", "import_wordpress"]
