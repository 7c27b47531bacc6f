"""PromQL checked by Prometheus' own parser (the provisioned `promql-check`)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path


def parse_errors(promql_check: Path, expressions: list[str]) -> list[str]:
    """`<expression>: <error>` for each expression the parser refuses (one answer each)."""
    result = subprocess.run(
        [str(promql_check)],
        input="".join(json.dumps(e) + "\n" for e in expressions),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode in (0, 1), result.stderr
    parsed = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(parsed) == len(expressions)
    return [f"{item['expr']}: {item['error']}" for item in parsed if item["error"]]
