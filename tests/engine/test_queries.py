"""Queries: the reach CSV against the JSON records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from graphwarm.engine.explain import RECORD_KEYS
from graphwarm.engine.queries import (
    CSV_COLUMNS,
    ReachResult,
    reach_csv,
    reach_json,
    reach_targets,
)
from graphwarm.outputs.demo import build_demo
from graphwarm.workspace.store import Workspace


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws, _ = build_demo(tmp_path_factory.mktemp("demo"))
    yield ws
    ws.close()


def test_reach_csv_carries_what_the_json_records_carry(demo_workspace):
    result = reach_targets(demo_workspace)
    rows = list(csv.DictReader(io.StringIO(reach_csv(result))))
    records = result.records()
    assert list(rows[0]) == list(CSV_COLUMNS) == list(RECORD_KEYS)
    assert len(rows) == len(records) > 0
    for row, record in zip(rows, records, strict=True):
        assert row["target"] == record["target"] and row["label"] == record["label"]
        assert float(row["probability"]) == round(record["probability"], 4)
        assert row["path"] == " → ".join(step["name"] for step in record["path"])
        assert row["alternatives"] == "; ".join(
            f"{' → '.join(step['name'] for step in alt['path'])} "
            f"({alt['label']}, {alt['probability']:.3f})"
            for alt in record["alternatives"]
        )


def test_reach_json_is_the_records_one_target_per_line(demo_workspace):
    result = reach_targets(demo_workspace)
    text = "".join(reach_json(result))
    assert json.loads(text) == result.records()
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(result.targets) + 2
    assert json.loads("".join(reach_json(ReachResult(result.graph, [])))) == []
