"""Every command the README and docs/ tell a person to type names something that exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.doc_commands import ROOT, documented_commands, markdown_files, problems

DRIFTED = """
Run it:

```bash
make upp                              # a target that was renamed
make up OUTBOX_MODE=debezium          # a variable the Makefile does not read
make up UP_FLAGS="--no-seeds"         # a flag `localinfra up` does not take
make demo DEMO_FLAGS="--orders 3 --rates 2"
eval "$(make -s environment)"
shop demo --order 300                 # the flag is --orders
shop launch catalog-api               # no such subcommand
shopkeeper run --namespaces shop
hack/local-cluster start
hack/no-such-script up
kubectl apply -f k8s/samples/no-such-platform.yaml
python -m localinfra.no_such_module
frobnicate --now
```

```console
$ shop dlq replay orders.dlq
output lines are not commands
```

Prose that says `make tset` is checked too.
"""

WRITTEN_WELL = """
```bash
make up OUTBOX=debezium UP_FLAGS="--no-seed --payment-failure-rate 0.3"
make demo DEMO_FLAGS="--orders 300 --rate 10"
eval "$(make -s env)"   # then:
shop up --contexts catalog,ordering --env SHOP_LOG_LEVEL=DEBUG --no-status
SHOP_X=1 shopkeeper crd | kubectl apply -f - && hack/local-cluster status
python -m localinfra deps kafka
kubectl -n shop apply -f k8s/samples/platform.yaml
```

```console
$ hack/local-cluster env
KUBECONFIG=/somewhere
```
"""


def _problems_of(text: str) -> list[str]:
    found: list[str] = []
    for command in documented_commands(Path("sample.md"), text):
        found += problems(command)
    return found


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_documented_command_names_something_that_exists(path: Path) -> None:
    found: list[str] = []
    for command in documented_commands(path, path.read_text()):
        found += problems(command)
    assert found == []


def test_the_docs_have_commands_to_check() -> None:
    readme = ROOT / "README.md"
    heads = {c.words[0] for c in documented_commands(readme, readme.read_text())}
    assert {"make", "eval", "shop"} <= heads


def test_drifted_docs_report_each_broken_command() -> None:
    found = _problems_of(DRIFTED)
    expected = [
        "`make upp`: no such target",
        "`make` has no variable OUTBOX_MODE",
        "unrecognized arguments: --no-seeds",
        "unrecognized arguments: --rates 2",
        "`make environment`: no such target",
        "`shop demo --order 300`",
        "invalid choice: 'launch'",
        "unrecognized arguments: --namespaces",
        "invalid choice: 'start'",
        "`hack/no-such-script` is not an executable script",
        "`k8s/samples/no-such-platform.yaml` is not in the repository",
        "`python -m localinfra.no_such_module`: no such module",
        "`frobnicate` is neither a make target",
        "`shop dlq replay orders.dlq`: ",
        "`make tset`: no such target",
    ]
    for text in expected:
        assert any(text in problem for problem in found), (text, found)
    assert len(found) == len(expected), found


def test_docs_written_well_report_nothing() -> None:
    assert _problems_of(WRITTEN_WELL) == []
