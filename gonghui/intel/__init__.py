"""Reading union reports: clean, convert to Simplified Chinese, extract figures with evidence.

The core of this package imports no Django: it is a library and a command
(``python -m gonghui.intel extract FILE... --json``). The contract it follows is
shared/domain/EXTRACTION.md.
"""

from gonghui.intel.extract import body_segments, extract_bytes, extract_file, extract_text, load_catalog
from gonghui.intel.reading import UnreadableDocument

__all__ = ["UnreadableDocument", "body_segments", "extract_bytes", "extract_file", "extract_text", "load_catalog"]
