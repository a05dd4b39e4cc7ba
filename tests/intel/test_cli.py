"""python -m gonghui.intel extract FILE... --json | --text, run as a separate process without Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPORT = (
    "松江区总工会开展送温暖活动\n发布时间：2024-01-20\n本报讯 松江区总工会走访慰问困难职工360人，发放慰问金52万元。\n"
)


def run(*args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "gonghui.intel", *args], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )


@pytest.fixture
def report(tmp_path) -> Path:
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode("gb18030"))
    return path


def test_json_for_one_file(report):
    completed = run("extract", str(report), "--json")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert list(result) == ["file", "title", "date", "date_kind", "region", "org", "script", "body", "facts"]
    assert result["file"] == str(report)
    assert (result["date"], result["date_kind"], result["region"], result["org"]) == (
        "2024-01-20",
        "published",
        "松江区",
        "松江区总工会",
    )
    assert [(f["indicator"], f["value"], f["unit"]) for f in result["facts"]] == [
        ("relief_beneficiaries", 360, "人"),
        ("relief_amount", 520000, "元"),
    ]
    fact = result["facts"][0]
    assert list(fact) == [
        "indicator", "value", "unit", "approx", "kind", "cumulative", "component", "evidence", "start", "end",
    ]  # fmt: skip
    assert result["body"][fact["start"] : fact["end"]] == fact["evidence"]


def test_json_array_for_several_files(report, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("近日，某市召开会议。\n", encoding="utf-8")
    completed = run("extract", str(report), str(other), "--json")
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout)
    assert [item["file"] for item in results] == [str(report), str(other)]
    assert results[1]["facts"] == []


def test_text_view_highlights_facts(report):
    completed = run("extract", str(report), "--text")
    assert completed.returncode == 0, completed.stderr
    assert "【走访慰问困难职工360人｜慰问/帮扶职工】" in completed.stdout
    assert "【发放慰问金52万元｜慰问/帮扶资金】" in completed.stdout
    assert "relief_amount" in completed.stdout


def test_missing_file_is_reported_in_chinese(tmp_path):
    completed = run("extract", str(tmp_path / "nope.txt"))
    assert completed.returncode == 1
    assert "无法读取" in completed.stderr


def test_core_imports_no_django():
    code = "import sys, gonghui.intel, gonghui.intel.extract; print(any(m.startswith('django') for m in sys.modules))"
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert completed.stdout.strip() == "False"


def test_body_segments_cover_the_body_and_mark_each_fact():
    from gonghui.intel import body_segments, extract_text

    result = extract_text(REPORT)
    segments = body_segments(result["body"], result["facts"])
    assert "".join(text for text, _ in segments) == result["body"]
    marked = [(text, index) for text, index in segments if index is not None]
    assert marked == [("走访慰问困难职工360人", 0), ("发放慰问金52万元", 1)]
