import json
from pathlib import Path

from shop.devstack.plan import Kind, ProcessSpec
from shop.devstack.scrape_targets import file_sd_groups, write_file_sd

SPECS = [
    ProcessSpec("ordering", Kind.RELAY, 8001),
    ProcessSpec("ordering", Kind.WORKER, 8002),
    ProcessSpec("ordering", Kind.API, 8003),
    ProcessSpec("storefront", Kind.WEB, 8004),
]


def test_each_process_with_metrics_is_a_target_labelled_as_on_a_cluster() -> None:
    groups = file_sd_groups(SPECS)
    assert [group["targets"] for group in groups] == [
        ["127.0.0.1:8001"],
        ["127.0.0.1:8002"],
        ["127.0.0.1:8003"],
    ]
    assert groups[1]["labels"] == {
        "namespace": "local",
        "service": "ordering-worker",
        "pod": "ordering-worker",
        "context": "ordering",
        "role": "worker",
    }


def test_the_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "prometheus" / "targets.json"
    write_file_sd(path, SPECS[:1])
    write_file_sd(path, SPECS)
    assert len(json.loads(path.read_text())) == 3
    assert [p.name for p in path.parent.iterdir()] == ["targets.json"]
