"""A Python client generated from the app's OpenAPI document has every route and every schema.

openapi-python-client leaves out what it cannot read (an unknown response type, two models of one
name, clashing enums) and says so only in a warning; here any warning fails, so that a client
another team generates from ``/openapi.json`` is whole.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import pytest

from api.app import create_app
from graph.settings import Settings

pytestmark = pytest.mark.slow  # the generator in a process of its own, about 3 to 5 s

PACKAGE = "grassroots_client"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Generated(NamedTuple):
    document: dict[str, Any]  # the app's OpenAPI document
    client: ModuleType  # the package generated from it, imported
    printed: str  # what the generator wrote to stdout and stderr


def _squashed(name: str) -> str:
    """The generator's module and class names differ from the document's only in case and separators."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    tmp_path = tmp_path_factory.mktemp("client")
    document = create_app(Settings(data_dir=tmp_path / "data", auth=False)).openapi()
    (tmp_path / "openapi.json").write_text(json.dumps(document), encoding="utf-8")
    config = {
        "post_hooks": [],  # its default hooks call ruff from PATH; formatting the client proves nothing here
        # Workbooks are bytes to a client; the generator knows only the generic name for bytes.
        "content_type_overrides": {XLSX: "application/octet-stream"},
    }
    (tmp_path / "generator.json").write_text(json.dumps(config), encoding="utf-8")
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--meta", "none", "--path", str(tmp_path / "openapi.json")]
    command += ["--output-path", str(tmp_path / PACKAGE), "--config", str(tmp_path / "generator.json")]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    printed = run.stdout + run.stderr
    assert run.returncode == 0, printed
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.syspath_prepend(str(tmp_path))
        try:
            yield Generated(document, importlib.import_module(PACKAGE), printed)
        finally:
            for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
                del sys.modules[name]


def test_the_generator_prints_no_warning(generated: Generated) -> None:
    assert "warning" not in generated.printed.lower(), generated.printed


def test_the_client_has_one_function_module_per_operation(generated: Generated) -> None:
    paths = generated.document["paths"]
    operations = {op["operationId"] for item in paths.values() for method, op in item.items() if method in HTTP_METHODS}
    assert len({_squashed(op) for op in operations}) == len(operations), "two operations would share one module"

    api_dir = Path(generated.client.__file__).parent / "api"
    modules = {f"{PACKAGE}.api.{path.parent.name}.{path.stem}" for path in api_dir.glob("*/*.py") if path.stem != "__init__"}
    by_operation = {_squashed(name.rsplit(".", 1)[1]): name for name in modules}
    assert set(by_operation) == {_squashed(op) for op in operations}
    assert len(modules) == len(operations)
    for name in modules:
        assert callable(importlib.import_module(name).sync_detailed), name


def test_the_client_has_one_model_per_component_schema(generated: Generated) -> None:
    schemas = set(generated.document["components"]["schemas"])
    assert len({_squashed(name) for name in schemas}) == len(schemas), "two schemas would share one model"

    models = importlib.import_module(f"{PACKAGE}.models")
    classes = {_squashed(name) for name in models.__all__ if isinstance(getattr(models, name), type)}
    missing = sorted(name for name in schemas if _squashed(name) not in classes)
    assert missing == []
