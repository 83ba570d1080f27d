"""``grassroots serve``: the demo network on first start, a local admin key printed once, then the API and pages."""

from __future__ import annotations

from cli.parser import DEMO_HOUSEHOLDS
from graph.generator import NetworkSpec
from graph.model import NodeKind
from graph.settings import Settings
from service.bootstrap import Services, bootstrap
from service.principal import AccessRole

__all__ = ["serve"]


def serve(settings: Settings, *, demo: bool, host: str, port: int) -> int:
    """Serve until stopped; with ``demo``, load the demo network first if the store is empty."""
    import uvicorn

    from api.app import create_app
    from cli.main import generate_network, terminal_user

    with bootstrap(settings) as services:
        if demo:
            held = services.store.count(NodeKind.TERRITORY)
            if held:
                print(
                    f"serving the network already in {settings.data_dir} ({held:,} territories); "
                    "`grassroots generate --replace` starts it again"
                )
            else:
                print(f"loading a demo network of {DEMO_HOUSEHOLDS:,} households into {settings.data_dir}")
                generate_network(services.context(terminal_user()), spec=NetworkSpec(households=DEMO_HOUSEHOLDS, seed=7), replace=False)
        token = _local_admin_key(services)
    if token:
        print(f"a local admin key was made and is kept hashed in {settings.keys_path}; it is shown this once:\n  {token}")
        print(f"sign in at http://{host}:{port}/login with it in a browser; send it as 'Authorization: Bearer <key>' to the API")
    elif settings.auth:
        print(f"keys are required: use yours (`grassroots keys create --role admin` makes another; they are kept in {settings.keys_path})")
    print(f"grassroots-graph on http://{host}:{port}/  (dashboard: /dashboard?scope=d, map: /map?scope=d, API docs: /docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    return 0


def _local_admin_key(services: Services) -> str | None:
    """On a laptop's first start: an admin key to open the pages with, printed once. None if one exists or keys are off."""
    if not services.settings.auth or any(k.role is AccessRole.ADMIN for k in services.keys.listed()):
        return None
    _, token = services.keys.create(role=AccessRole.ADMIN, scope=None, name="local admin, made by grassroots serve")
    return token
