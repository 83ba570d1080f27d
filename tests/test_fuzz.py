"""Schema-driven fuzzing of every route in the OpenAPI document: whatever a client sends, never a 500.

It runs with keys off, and again with real keys: a street's viewer and editor (held to one street
of the generated district) and an admin, so the routes behind every role and scope check are
fuzzed too. Short by default; the long form is
``GRASSROOTS_FUZZ_EXAMPLES=500 GRASSROOTS_FUZZ_KEYED_EXAMPLES=200 .venv/bin/python -m pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.app import create_app
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import Level, NodeKind, Territory
from graph.settings import Settings
from service.bootstrap import Services
from service.keys import KeyRing
from service.principal import AccessRole

pytestmark = pytest.mark.slow  # a few cases per operation and role, each quick, about 45 s together

EXAMPLES = int(os.environ.get("GRASSROOTS_FUZZ_EXAMPLES", "25"))
KEYED_EXAMPLES = int(os.environ.get("GRASSROOTS_FUZZ_KEYED_EXAMPLES", "4"))

_store = MemoryStore()
for _batch in generate(NetworkSpec(households=1_500, seed=5)):
    _store.write(_batch)
_street = min(t.id for t in _store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory) and t.level is Level.STREET)
_keys = KeyRing(Path(tempfile.mkdtemp(prefix="grassroots-fuzz-")) / "keys.json")
TOKENS = {
    "viewer": _keys.create(role=AccessRole.VIEWER, scope=_street, name="fuzz street viewer")[1],
    "editor": _keys.create(role=AccessRole.EDITOR, scope=_street, name="fuzz street editor")[1],
    "admin": _keys.create(role=AccessRole.ADMIN, scope=None, name="fuzz admin")[1],
}
# Keys on, and no rate limit: the fuzz is about what a request holds, and a 429 would hide the route behind it.
_settings = Settings(max_upload_mb=1, auth=True, rate_per_minute=0, keys_file=_keys.path)
_app = create_app(_settings, store_factory=lambda _: _store)
# The lifespan does not run under schemathesis's ASGI transport: the services are set here.
_app.state.services = Services(settings=_settings, store=_store, keys=_keys)
_open_app = create_app(Settings(max_upload_mb=1, auth=False), store_factory=lambda _: _store)
_open_app.state.services = Services(settings=Settings(max_upload_mb=1, auth=False), store=_store, keys=_keys)

open_schema = schemathesis.openapi.from_asgi("/openapi.json", _open_app)
keyed_schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@open_schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case: schemathesis.Case) -> None:
    _no_server_error(case, case.call())


@pytest.mark.parametrize("role", sorted(TOKENS))
@keyed_schema.parametrize()
@settings(max_examples=KEYED_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_with_a_real_key_gets_a_server_error(case: schemathesis.Case, role: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKENS[role]}"})
    assert response.status_code != 401, f"the {role}'s key was refused: {response.text[:200]}"
    _no_server_error(case, response)


def _no_server_error(case: schemathesis.Case, response: Any) -> None:
    assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.status_code} {response.text[:300]}"
    content_type = (response.headers.get("content-type") or [""])[0]
    if response.status_code >= 400 and content_type.startswith("application/json"):
        assert "error" in response.json(), "every failure has the one error shape"
