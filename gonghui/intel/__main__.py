"""python -m gonghui.intel extract FILE [FILE ...] (--json | --text)

--json (the default) prints the contract's object, or an array of them for several files;
--text prints the cleaned body with each figure marked 【…｜indicator name】 and a list of facts.
Runs without Django settings or a database.
"""

from __future__ import annotations

import argparse
import json
import sys

from gonghui.intel.catalog import load_catalog
from gonghui.intel.extract import body_segments, extract_file


def highlighted(result: dict) -> str:
    """The body with every fact's evidence in 【】 and its indicator name after it."""
    names = {key: entry["name"] for key, entry in load_catalog().items()}
    pieces = []
    for text, index in body_segments(result["body"], result["facts"]):
        if index is None:
            pieces.append(text)
        else:
            indicator = result["facts"][index]["indicator"]
            pieces.append(f"【{text}｜{names.get(indicator, indicator)}】")
    return "".join(pieces)


def text_view(result: dict) -> str:
    names = {key: entry["name"] for key, entry in load_catalog().items()}
    lines = [
        f"文件：{result.get('file', '')}",
        f"标题：{result['title'] or '—'}",
        f"日期：{result['date'] or '—'}（{ {'published': '发布', 'event': '事件'}.get(result['date_kind'], '—') }）",
        f"地区：{result['region'] or '—'}    单位：{result['org'] or '—'}    原文字形：{result['script']}",
        "",
        highlighted(result),
        "",
        f"提取到 {len(result['facts'])} 项数据：",
    ]
    for number, fact in enumerate(result["facts"], start=1):
        flags = [
            "目标" if fact["kind"] == "target" else "实绩",
            *(["约数"] if fact["approx"] else []),
            *(["累计"] if fact["cumulative"] else []),
            *(["其中项"] if fact["component"] else []),
        ]
        lines.append(
            f"{number:>3}. {names.get(fact['indicator'], fact['indicator'])}（{fact['indicator']}）"
            f" = {fact['value']} {fact['unit']}  [{'、'.join(flags)}]  «{fact['evidence']}»"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gonghui.intel", description="读取工会工作报告：清洗、转简体、提取数据"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="提取一个或多个文件（.txt/.html/.htm/.docx）")
    extract.add_argument("files", nargs="+", metavar="FILE")
    mode = extract.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="输出 JSON（默认）")
    mode.add_argument("--text", action="store_true", help="输出可读文本，数据以【】标出")
    args = parser.parse_args(argv)
    results = []
    status = 0
    for path in args.files:
        try:
            results.append(extract_file(path))
        except (OSError, ValueError) as error:
            print(f"无法读取 {path}：{error}", file=sys.stderr)
            status = 1
    if args.text:
        print("\n\n".join(text_view(result) for result in results))
    else:
        payload = results[0] if len(args.files) == 1 and results else results
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into head and the like
        sys.stderr.close()
        sys.exit(0)
