"""A regular expression that matches any of many literal words, longest first, built as a trie.

Python's ``re`` tries alternatives one by one; a trie shares their prefixes, so a pattern of a
few thousand words still scans a document in one quick pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_pattern(words: Iterable[str]) -> str:
    root: dict = {}
    for word in words:
        if not word:
            continue
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True
    return _node_pattern(root) or "(?!)"


def _node_pattern(node: dict) -> str:
    ends_here = "" in node
    branches = []
    for ch in sorted(key for key in node if key):
        branches.append(re.escape(ch) + _node_pattern(node[ch]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        # Longest first: try the longer words, fall back to the word ending here.
        return "(?:" + body + ")?"
    return body
