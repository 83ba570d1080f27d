"""Schema-driven fuzzing of every route in the OpenAPI document: whatever a client sends, never a 500.

Short by default; ``GRASSROOTS_FUZZ_EXAMPLES=500 make test`` runs the long form.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.app import create_app
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.settings import Settings
from service.bootstrap import Services
from service.keys import KeyRing

pytestmark = pytest.mark.slow  # one case per operation, each quick, about 25 s together

EXAMPLES = int(os.environ.get("GRASSROOTS_FUZZ_EXAMPLES", "25"))

_store = MemoryStore()
for _batch in generate(NetworkSpec(households=1_500, seed=5)):
    _store.write(_batch)
_app = create_app(Settings(max_upload_mb=1, auth=False), store_factory=lambda _: _store)
# The lifespan does not run under schemathesis's ASGI transport. Keys are off: the fuzz is about what
# a request holds, tests/test_auth.py about keys, so the key ring's file is never read.
_app.state.services = Services(settings=Settings(max_upload_mb=1, auth=False), store=_store, keys=KeyRing(Path("unused-keys.json")))

schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.status_code} {response.text[:300]}"
    content_type = (response.headers.get("content-type") or [""])[0]
    if response.status_code >= 400 and content_type.startswith("application/json"):
        assert "error" in response.json(), "every failure has the one error shape"
