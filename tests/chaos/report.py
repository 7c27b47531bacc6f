"""The table a chaos run prints: the load, each fault with its recovery, each invariant."""

from __future__ import annotations

from collections.abc import Sequence

from chaos.faults import FaultOutcome
from chaos.invariants import Verdict
from chaos.load import LoadRecord


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    line = "  ".join(f"{{:<{width}}}" for width in widths)
    return [line.format(*header), line.format(*("-" * w for w in widths))] + [
        line.format(*row) for row in rows
    ]


def chaos_report(
    title: str,
    load: LoadRecord,
    seconds: float,
    faults: Sequence[FaultOutcome],
    verdicts: Sequence[Verdict],
) -> str:
    answers = sum(load.answers.values())
    lines = [
        f"== chaos: {title}",
        f"orders accepted {len(load.accepted)} in {seconds:.0f} s; {answers} HTTP attempts, "
        f"{load.unavailable} answered 503, {load.transport_failures} lost connections",
        "",
        *_table(
            ("fault", "target", "fault s", "recovered after s"),
            [
                (f.name, f.target, f"{f.fault_seconds:.1f}", f"{f.recovery_seconds:.1f}")
                for f in faults
            ],
        ),
        "",
        *_table(
            ("invariant", "checked", "held"),
            [(v.name, str(v.checked), "yes" if v.held else "NO") for v in verdicts],
        ),
    ]
    for verdict in verdicts:
        lines += [f"  {verdict.name}: {why}" for why in verdict.violations]
    return "\n".join(lines)
