"""schemathesis over the OpenAPI schema: no 5xx and every response matches the schema (bounded examples)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.conftest import Server, server_settings, start_server

EXAMPLES = 6


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = start_server(server_settings(tmp_path_factory.mktemp("fuzz"), worker="none", daily_video_quota=100000,
                                     requests_per_minute=0, max_upload_mb=2))
    yield s
    s.stop()
    s.rt.close()


def test_no_operation_answers_5xx_or_breaks_its_schema(srv: Server):
    schema = schemathesis.openapi.from_url(srv.url + "/openapi.json")
    failures: list[str] = []
    calls = [0]
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 10
    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            calls[0] += 1
            case.call_and_validate(base_url=srv.url, headers={"authorization": f"Bearer {srv.key}"},
                                   checks=[not_a_server_error, response_schema_conformance], timeout=60)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{op.label}: {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)
    assert calls[0] >= 2 * len(operations)  # every operation was really exercised
