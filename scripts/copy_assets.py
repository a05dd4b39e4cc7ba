#!/usr/bin/env python3
"""Copy the built front-end libraries from node_modules/ into gonghui/static/vendor/.

Run by ``make assets`` after ``npm ci``. Standard library only. The vendor
directory is git-ignored and rebuilt from scratch on every run, so it always
matches package-lock.json. Templates use:

    {% static 'vendor/htmx.min.js' %}          htmx 2
    {% static 'vendor/alpine.min.js' %}        Alpine.js 3 (the CDN build: starts itself)
    {% static 'vendor/echarts.min.js' %}       ECharts 5
    {% static 'vendor/leaflet/leaflet.js' %}   Leaflet 1.9 (+ leaflet.css, images/)
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "gonghui" / "static" / "vendor"

# (package, path inside the package, path inside vendor/)
FILES = [
    ("htmx.org", "dist/htmx.min.js", "htmx.min.js"),
    ("alpinejs", "dist/cdn.min.js", "alpine.min.js"),
    ("echarts", "dist/echarts.min.js", "echarts.min.js"),
    ("leaflet", "dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet", "dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet", "dist/images", "leaflet/images"),
]
LICENSES = ("LICENSE", "LICENSE.md", "LICENSE.txt")
SOURCE_MAP = re.compile(r"^[ \t]*(?://|/\*)# sourceMappingURL=([^\s*]+)[ \t]*(?:\*/)?[ \t]*$", re.MULTILINE)


def fail(message: str) -> None:
    print(f"copy_assets: {message}", file=sys.stderr)
    raise SystemExit(1)


def copy_file(source: Path, target: Path) -> None:
    """Copy one file; bring its source map along, or drop a reference to a missing one.

    ManifestStaticFilesStorage (collectstatic) rewrites sourceMappingURL
    comments and fails on a map that is not there.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    if target.suffix not in {".js", ".css"}:
        return
    text = target.read_text(encoding="utf-8")
    kept_text = text
    for match in SOURCE_MAP.finditer(text):
        name = match.group(1)
        map_source = source.parent / name
        if "/" not in name and map_source.is_file():
            shutil.copy2(map_source, target.parent / name)
        else:
            kept_text = kept_text.replace(match.group(0), "")
    if kept_text != text:
        target.write_text(kept_text, encoding="utf-8")


def main() -> int:
    if not NODE_MODULES.is_dir():
        fail("node_modules/ is missing; run `npm ci` (or `make assets`) first")

    # Build in a git-ignored place, then swap in, so a failed run leaves no half-copied vendor/.
    staging = NODE_MODULES / ".gonghui-vendor"
    shutil.rmtree(staging, ignore_errors=True)
    versions: dict[str, str] = {}
    for package, inside, target_name in FILES:
        package_dir = NODE_MODULES / package
        source = package_dir / inside
        if not source.exists():
            fail(f"{source.relative_to(ROOT)} is missing; run `npm ci` again")
        target = staging / target_name
        if source.is_dir():
            for item in sorted(source.rglob("*")):
                if item.is_file():
                    copy_file(item, target / item.relative_to(source))
        else:
            copy_file(source, target)
        if package not in versions:
            manifest = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
            versions[package] = f"{manifest['version']} ({manifest.get('license', 'see package')})"
            for license_name in LICENSES:
                if (package_dir / license_name).is_file():
                    copy_file(package_dir / license_name, staging / "licenses" / f"{package}-{license_name}")
                    break

    (staging / "VERSIONS.txt").write_text(
        "".join(f"{package} {version}\n" for package, version in sorted(versions.items())),
        encoding="utf-8",
    )
    shutil.rmtree(VENDOR, ignore_errors=True)
    shutil.move(staging, VENDOR)
    summary = ", ".join(f"{package} {version}" for package, version in sorted(versions.items()))
    print(f"copy_assets: {summary} -> {VENDOR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
