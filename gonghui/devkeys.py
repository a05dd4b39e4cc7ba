"""Write a local ``.env`` with fresh development keys.

Usage: ``python -m gonghui.devkeys [path]`` (default: ``.env`` in the project root).

Standard library only, so it runs before the virtualenv has anything in it.
It never overwrites an existing file: the keys in ``.env`` encrypt the personal
data in the local database, and replacing them would make that data unreadable.
"""

from __future__ import annotations

import base64
import os
import secrets
import string
import sys
from datetime import UTC, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY_ALPHABET = string.ascii_letters + string.digits


def _b64_random(size: int) -> str:
    return base64.b64encode(secrets.token_bytes(size)).decode("ascii")


def render() -> str:
    secret_key = "".join(secrets.choice(SECRET_KEY_ALPHABET) for _ in range(64))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        "# gonghui: LOCAL DEVELOPMENT KEYS, written by `python -m gonghui.devkeys`\n"
        f"# on {stamp}.\n"
        "# Never use these in production: set real secrets in the environment there.\n"
        "# Keep this file: the PII keys decrypt the personal data in the local database.\n"
        "# Real environment variables override every value here.\n"
        "DEBUG=1\n"
        f"SECRET_KEY={secret_key}\n"
        f"PII_ENCRYPTION_KEYS=k1:{_b64_random(32)}\n"
        f"PII_INDEX_KEY={_b64_random(32)}\n"
    )


def write_env(path: Path) -> bool:
    """Create ``path`` with fresh keys; return False (untouched) if it already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(render())
    return True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in {"-h", "--help"}):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path = Path(args[0]) if args else PROJECT_ROOT / ".env"
    if write_env(path):
        print(f"Wrote development keys to {path}")
    else:
        print(f"{path} already exists; left unchanged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
