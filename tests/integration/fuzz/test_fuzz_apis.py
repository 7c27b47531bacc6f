"""Every API fuzzed by schemathesis from its own OpenAPI document, on real processes and a real
database: each operation alone, then sequences linked by the ids the answers carry (stateful).
The bar: no 5xx, and every answer conforms to the schema (status, content type, headers, body).

`make test` runs a few examples per operation; `make fuzz` many (`SHOP_FUZZ_EXAMPLES`,
`SHOP_FUZZ_STATEFUL_EXAMPLES`). The counts are printed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from infra.fixtures_identity import IdentityProvider
from integration.fuzz.snapshot import SchemaSnapshot
from integration.shop_apps import api_environment, api_processes, shop_database
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.topology import CONTEXTS

pytestmark = pytest.mark.integration
EXAMPLES = int(os.environ.get("SHOP_FUZZ_EXAMPLES", "6"))
STATEFUL_EXAMPLES = int(os.environ.get("SHOP_FUZZ_STATEFUL_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
DATABASE = "shop_fuzz"


def hypothesis_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples each run: a failure is reproducible
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )


@pytest.fixture(scope="module")
def fuzzed_apis(
    postgres: PostgresServer, kafka: KafkaBroker, infra_workdir: Path, identity: IdentityProvider
) -> Iterator[dict[str, str]]:
    """The six APIs on `DATABASE`, each context migrated and served as its own role."""
    database = shop_database(postgres, DATABASE)
    logs = infra_workdir / "fuzz"
    logs.mkdir()
    envs = api_environment(database.urls, kafka.bootstrap_servers, identity.dex.env())
    with api_processes(envs, logs) as apis:
        yield apis


def describe(failure: BaseException) -> str:
    """The failure and, for a group (or a flaky one), each failure inside it."""
    inner = getattr(failure, "exceptions", ())
    return "\n".join([str(failure), *(f"  - {describe(e)}" for e in inner)])


def fuzz_operations(schema: Any, headers: dict[str, str]) -> tuple[int, list[str]]:
    """Each operation on its own; the examples run and the failures found."""
    calls, failures = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(EXAMPLES)
        def fuzz(case: Any) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(checks=CHECKS, headers=headers)

        try:
            fuzz()
        except Exception as failure:  # schemathesis raises a group naming every failed check
            failures.append(f"{operation.label}: {describe(failure)}")
    return calls, failures


def fuzz_sequences(
    schema: Any, headers: dict[str, str], snapshot: SchemaSnapshot
) -> tuple[int, list[str]]:
    """Linked sequences (an id an answer carries feeds the next call); steps run, failures.
    An API whose answers link to no other operation (payment's, reports' reads) has none.
    Every scenario starts from the rows of `snapshot`, so a replayed one meets the same answers."""
    steps = 0
    schema.as_state_machine()  # infers the links
    if not schema.statistic.transitions.total:
        return 0, []

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            snapshot.restore()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, **_: Any) -> None:
            nonlocal steps
            steps += 1
            case.validate_response(response, checks=CHECKS)

    try:
        run_state_machine_as_test(Machine, settings=hypothesis_settings(STATEFUL_EXAMPLES))
    except Exception as failure:
        return steps, [f"stateful: {describe(failure)}"]
    return steps, []


@pytest.mark.parametrize("context", CONTEXTS)
def test_fuzzed_requests_get_no_5xx_and_answers_that_fit_the_schema(
    context: str,
    fuzzed_apis: dict[str, str],
    postgres: PostgresServer,
    identity: IdentityProvider,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As an admin (a customer's routes answer 403 to writes on another's cart: documented)."""
    schema = schemathesis.openapi.from_url(f"{fuzzed_apis[context]}/openapi.json")
    headers = identity.admin().headers
    calls, failures = fuzz_operations(schema, headers)
    snapshot = SchemaSnapshot(postgres, DATABASE, context)
    steps, stateful_failures = fuzz_sequences(schema, headers, snapshot)
    with capsys.disabled():
        print(f"\nfuzz {context}: {calls} examples, {steps} stateful steps")
    assert not failures + stateful_failures, "\n\n".join(failures + stateful_failures)
