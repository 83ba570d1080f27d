"""The API over loopback, measured by a real HTTP load generator (wrk): kept answers beside the plain way, in one run.

    python bench/api_load.py [--households 1000000] [--import-households 1000000] [--seconds 10] [--connections 16]

Starts one process (``python bench/api_load.py --serve``) holding a generated city in the embedded
store and two uvicorn servers over it, one worker each: one keeps read answers per store
version (the default, ``GRASSROOTS_ANSWERS_MB=64``), the other keeps none
(``GRASSROOTS_ANSWERS_MB=0``, every request walks and serialises afresh: the plain way). Then:

1. how a city's coverage renders to JSON (FastAPI's way, pydantic's, orjson's when installed);
2. wrk on a repeated city coverage: plain, kept, kept with ``If-None-Match`` (304);
3. the same while a writer commits a one-record write every 100 ms (each read after a write
   misses once);
4. the mixed read/write load (four reads, one write in five, as tests/test_load.py mixes them),
   with wrk and a Lua script, then every acknowledged write looked for in the store;
5. a street's coverage asked while a large import (``write_all``) runs in the server: one asked
   before (a kept answer) and ones nobody asked before, against the same with no import.

wrk: Debian's ``wrk`` (``apt-get install -y wrk``); the bench installs it when run as root and
it is missing, and says how otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import httpx2 as httpx  # the test extra's client (httpx under another name)

from graph.model import Batch

CITY = "d"
STREET = "s01"
_REPORT = """
done = function(summary, latency, requests)
  local written, failed = 0, 0
  for _, t in ipairs(threads) do
    written = written + (t:get("written") or 0)
    failed = failed + (t:get("failed") or 0)
  end
  local e = summary.errors
  io.write(string.format('{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, '
    .. '"socket_errors": %d, "failed": %d, "written": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, e.connect + e.read + e.write + e.timeout, failed, written))
end
"""
_THREADS = """
threads = {}
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("number", counter)
  table.insert(threads, thread)
end
"""
_GET = (
    _THREADS
    + """
local headers = {}
{headers}
init = function(args) failed = 0 end
request = function() return wrk.format("GET", "{path}", headers) end
response = function(status, headers, body)
  if status >= 400 then failed = failed + 1; wrk.thread:set("failed", failed) end
end
"""
    + _REPORT
)
_MIXED = (
    _THREADS
    + """
local reads = {"/scopes/s01/coverage", "/scopes/s01c01/gaps/count", "/nodes/s01c01a01g1", "/search?q=%E7%A4%BE%E5%8C%BA&limit=5"}
local units = {units}
init = function(args) k = 0; written = 0; failed = 0 end
request = function()
  k = k + 1
  if k % 5 == 0 then
    local body = string.format('{"community_id": "s01c01", "unit_id": "%s", "signed_on": "2026-01-01", "needs": ["助老"]}',
      units[(k % #units) + 1])
    local id = string.format("ag-wrk-%d-%d", wrk.thread:get("number"), k)
    return wrk.format("PUT", "/agreements/" .. id, {["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("GET", reads[(k % 4) + 1])
end
-- a write's answer is its ledger entry: {"record": ...}
response = function(status, headers, body)
  if status >= 400 then failed = failed + 1; wrk.thread:set("failed", failed)
  elseif string.sub(body, 1, 10) == '{"record":' then written = written + 1; wrk.thread:set("written", written) end
end
"""
    + _REPORT
)


# -- the server side ---------------------------------------------------------------------------


def serve(households: int, import_households: int) -> None:
    """Generate the city, print how its coverage renders, start two servers and obey commands on stdin."""
    import uvicorn

    from api.app import create_app
    from graph.coverage import coverage
    from graph.generator import NetworkSpec, generate
    from graph.memory import MemoryStore
    from graph.model import NodeKind
    from graph.settings import Settings

    started = time.perf_counter()
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=households)):
        store.write(batch)
    _say("loaded", households=households, nodes=store.count(), seconds=round(time.perf_counter() - started, 1))
    _say("render", **_render_costs(coverage(store, CITY)))

    servers = []
    for answers_mb in (64, 0):
        app = create_app(Settings(auth=False, answers_mb=answers_mb, rate_per_minute=0), store_factory=lambda _: store)
        servers.append(uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning", access_log=False)))

    async def both() -> None:
        await asyncio.gather(*(s.serve() for s in servers))

    threading.Thread(target=asyncio.run, args=(both(),), daemon=True).start()
    while not all(s.started for s in servers):
        time.sleep(0.05)
    units = sorted(u.id for u in store.nodes(NodeKind.UNIT) if u.id.startswith("u-s01c01-"))[:50]
    _say("ready", kept=servers[0].config.port, plain=servers[1].config.port, units=units)

    for line in sys.stdin:
        command = line.split()
        if command == ["import"]:
            threading.Thread(target=_import, args=(store, import_households), daemon=True).start()
        elif command and command[0] == "count":
            _say("count", found=sum(1 for n in store.nodes(NodeKind.AGREEMENT) if n.id.startswith(command[1])), version=store.version())
        elif command == ["quit"]:
            break
    for s in servers:
        s.should_exit = True


def _import(store: object, households: int) -> None:
    """A second district of ``households`` households written as one ``write_all``, as an import writes a ledger."""
    from graph.generator import NetworkSpec, generate
    from graph.memory import MemoryStore

    assert isinstance(store, MemoryStore)
    _say("importing", version=store.version())
    started = time.perf_counter()
    summary = store.write_all(_renamed(b) for b in generate(NetworkSpec(households=households, seed=11)))
    committed = time.time()  # readers that asked before this waited for, or answered beside, an import not yet committed
    _say(
        "imported",
        seconds=round(time.perf_counter() - started, 1),
        nodes=sum(summary.created.values()),
        version=store.version(),
        at=committed,
    )


def _renamed(batch: Batch) -> Batch:
    """The batch with every id prefixed, so the second district lies beside the first."""
    return Batch(
        nodes=[n.model_copy(update={"id": "x" + n.id}) for n in batch.nodes],
        edges=[e.model_copy(update={"source": "x" + e.source, "target": "x" + e.target}) for e in batch.edges],
    )


def _render_costs(answer: object) -> dict[str, object]:
    """Microseconds to render one city coverage to JSON bytes, each way, best of 5 runs of 50."""
    from pydantic import BaseModel

    assert isinstance(answer, BaseModel)
    ways = {
        "fastapi (model_dump + json.dumps)": lambda: json.dumps(answer.model_dump(mode="json"), ensure_ascii=False).encode(),
        "pydantic to_json (kept)": lambda: answer.__pydantic_serializer__.to_json(answer, by_alias=True),
    }
    try:
        import orjson  # type: ignore[import-not-found,unused-ignore]

        ways["orjson (model_dump json)"] = lambda: orjson.dumps(answer.model_dump(mode="json"))
    except ImportError:
        pass
    costs: dict[str, object] = {"bytes": len(answer.model_dump_json())}
    for name, way in ways.items():
        best = min(_timed(way, 50) for _ in range(5))
        costs[name] = round(best * 1e6 / 50)
    return costs


def _timed(run: object, n: int) -> float:
    assert callable(run)
    started = time.perf_counter()
    for _ in range(n):
        run()
    return time.perf_counter() - started


def _say(event: str, **fields: object) -> None:
    print(json.dumps({"event": event, **fields}, ensure_ascii=False), flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# -- the load side ------------------------------------------------------------------------------


class Server:
    """The serving process, spoken to over its stdin and stdout."""

    def __init__(self, households: int, import_households: int) -> None:
        command = [sys.executable, __file__, "--serve", "--households", str(households), "--import-households", str(import_households)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.events: list[dict[str, object]] = []

    def wait_for(self, event: str, timeout: float = 3600) -> dict[str, object]:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"the server stopped before {event!r}")
            found: dict[str, object] = json.loads(line)
            if found["event"] == event:
                return found
        raise TimeoutError(event)

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def stop(self) -> None:
        try:
            self.send("quit")
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


def find_wrk() -> str:
    """Debian's wrk: found on PATH, or installed with apt-get when run as root."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: apt-get install -y wrk")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("this bench drives Debian's wrk: install it with `sudo apt-get install -y wrk`, then run it again")
    return found


def wrk(binary: str, base: str, script: str, *, seconds: int, connections: int) -> dict[str, float]:
    """One wrk run with a Lua script; its figures as the script's ``done`` writes them."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        command = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", lua.name, base]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(lua.name)
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    figures["rate"] = figures["requests"] / figures["seconds"]
    return figures


def get_script(path: str, headers: dict[str, str] | None = None) -> str:
    lines = "\n".join(f'headers["{k}"] = {json.dumps(v)}' for k, v in (headers or {}).items())
    return _GET.replace("{headers}", lines).replace("{path}", path)


def line(name: str, f: dict[str, float], plain: dict[str, float] | None = None) -> str:
    ratio = f"   x{f['rate'] / plain['rate']:.1f} of plain" if plain else ""
    errors = int(f["socket_errors"] + f["failed"])
    return f"  {name:<38} {f['rate']:>8,.0f} req/s   p95 {f['p95_ms']:>7.1f} ms   errors {errors}{ratio}"


class _Runner:
    def __init__(self, binary: str, seconds: int, connections: int) -> None:
        self.binary, self.seconds, self.connections = binary, seconds, connections

    def __call__(self, base: str, script: str) -> dict[str, float]:
        return wrk(self.binary, base, script, seconds=self.seconds, connections=self.connections)


class Writer:
    """One-record writes every ``every`` seconds (a new agreement each), and the first read of the city right after each."""

    def __init__(self, base: str, units: list[str], *, prefix: str, every: float = 0.1) -> None:
        self.base, self.units, self.prefix, self.every = base, units, prefix, every
        self.written: list[str] = []
        self.first_reads: list[float] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as http:
            n = 0
            while not self._stop.wait(self.every):
                n += 1
                agreement = f"{self.prefix}-{n}"
                body = {"community_id": "s01c01", "unit_id": self.units[n % len(self.units)], "signed_on": "2026-01-01", "needs": ["助老"]}
                response = http.put(f"/agreements/{agreement}", json=body)
                if response.status_code != 200:
                    self.failures.append(f"PUT {agreement}: {response.status_code} {response.text[:200]}")
                    continue
                self.written.append(agreement)
                started = time.perf_counter()
                read = http.get(f"/scopes/{CITY}/coverage")
                self.first_reads.append(time.perf_counter() - started)
                if read.status_code != 200:
                    self.failures.append(f"GET coverage: {read.status_code}")


def _repeated(run: _Runner, kept: str, plain: str, units: list[str]) -> None:
    path = f"/scopes/{CITY}/coverage"
    etag = httpx.get(kept + path, timeout=600).headers["etag"]
    httpx.get(plain + path, timeout=600)
    print(f"\nrepeated city coverage, GET {path}")
    base = run(plain, get_script(path))
    print(line("plain (no kept answer)", base))
    print(line("kept answer", run(kept, get_script(path)), base))
    print(line("kept answer, If-None-Match (304)", run(kept, get_script(path, {"If-None-Match": etag})), base))
    for name, where in (("plain, a write every 100 ms", plain), ("kept, a write every 100 ms", kept)):
        with Writer(where, units, prefix=f"ag-bench-{where.rsplit(':', 1)[1]}") as writer:
            figures = run(where, get_script(path))
        first = _p95(writer.first_reads)
        print(line(name, figures, base) + f"   ({len(writer.written)} writes; first read after each: p95 {first:.1f} ms)")
        if writer.failures:
            print(f"    failures: {writer.failures[:3]}")


def _mixed(run: _Runner, kept: str, plain: str, units: list[str], server: Server) -> None:
    print("\nmixed load: four reads and one write (a new agreement) in five, as tests/test_load.py mixes them")
    base: dict[str, float] | None = None
    runs = (
        ("plain (no kept answer)", plain, True),
        ("kept answers", kept, True),
        ("kept answers, search left out", kept, False),
    )
    for number, (name, where, with_search) in enumerate(runs):
        prefix = f"ag-wrk{number}"
        script = _MIXED.replace("{units}", "{" + ", ".join(json.dumps(u) for u in units) + "}").replace("ag-wrk-", prefix + "-")
        if not with_search:  # the search reads every node of the graph: what bounds the mix, shown apart
            script = script.replace('"/search?q=%E7%A4%BE%E5%8C%BA&limit=5"', '"/nodes/s01/children"')
        figures = run(where, script)
        server.send(f"count {prefix}-")
        found = server.wait_for("count")["found"]
        acknowledged, stored = int(figures["written"]), int(str(found))
        # wrk stops with requests in flight: a write may be in the store with its answer never read
        lost = max(0, acknowledged - stored)
        print(line(name, figures, base) + f"   writes acknowledged {acknowledged:,}, in the store {stored:,}, lost {lost}")
        base = base or figures


def _during_import(kept: str, plain: str, server: Server) -> None:
    """A street's coverage while a large import runs: one asked before, and communities nobody asked before."""
    streets = [s["id"] for s in httpx.get(f"{kept}/nodes/{CITY}/children?limit=1000", timeout=600).json()["items"]]
    fresh: list[str] = []
    for street in streets:
        for community in httpx.get(f"{kept}/nodes/{street}/children?limit=1000", timeout=600).json()["items"]:
            fresh += [community["id"]] + [
                a["id"] for a in httpx.get(f"{kept}/nodes/{community['id']}/children", timeout=600).json()["items"]
            ]
    half = len(fresh) // 2
    pools = {"before": iter(fresh[:half]), "during": iter(fresh[half:])}
    warm = f"/scopes/{STREET}/coverage"
    httpx.get(kept + warm, timeout=600)
    httpx.get(plain + warm, timeout=600)
    print(f"\na street's coverage while a write_all imports another district ({len(fresh)} communities to ask afresh)")

    def sample(phase: str, until: threading.Event) -> tuple[dict[str, list[tuple[float, float]]], list[threading.Thread]]:
        series: dict[str, list[tuple[float, float]]] = {"kept, asked before": [], "kept, nobody asked before": [], "plain": []}

        def loop(name: str, base: str) -> None:
            with httpx.Client(base_url=base, timeout=3600) as http:
                while not until.is_set():
                    path = warm
                    if "nobody" in name:
                        scope = next(pools[phase], None)
                        if scope is None:
                            return
                        path = f"/scopes/{scope}/coverage"
                    asked, started = time.time(), time.perf_counter()
                    try:
                        status = http.get(path).status_code
                    except httpx.HTTPError:
                        return
                    if status == 200:  # counted however long it waited
                        series[name].append((asked, time.perf_counter() - started))

        threads = [threading.Thread(target=loop, args=(name, plain if name == "plain" else kept), daemon=True) for name in series]
        for t in threads:
            t.start()
        return series, threads

    quiet = threading.Event()
    before, threads = sample("before", quiet)
    time.sleep(5)
    quiet.set()
    for t in threads:
        t.join(timeout=600)
    done = threading.Event()
    server.send("import")
    importing = server.wait_for("importing")
    during, threads = sample("during", done)
    imported = server.wait_for("imported")
    done.set()
    for t in threads:
        t.join(timeout=600)
    print(f"  import: {imported['nodes']:,} nodes in {imported['seconds']} s (version {importing['version']} -> {imported['version']})")
    for name in before:
        b = [elapsed for _asked, elapsed in before[name]]
        d = [elapsed for asked, elapsed in during[name] if asked < float(str(imported["at"]))]  # asked before it committed
        print(
            f"  {name:<28} no import: p95 {_p95(b):>8.1f} ms ({len(b)} asked)   during the import: "
            f"p95 {_p95(d):>8.1f} ms, max {max(d, default=0) * 1000:>8.1f} ms ({len(d)} asked before it committed)"
        )


def _p95(latencies: list[float]) -> float:
    if len(latencies) < 2:
        return latencies[0] * 1000 if latencies else float("nan")
    return statistics.quantiles(latencies, n=20)[18] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--import-households", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10, help="of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.households, args.import_households)
        return

    binary = find_wrk()
    version = subprocess.run([binary, "-v"], capture_output=True, text=True).stdout.splitlines()[0]
    print(f"load generator: {version} ({binary}); {args.connections} connections, 2 threads, {args.seconds} s a run")
    server = Server(args.households, args.import_households)
    try:
        loaded = server.wait_for("loaded")
        print(f"city: {args.households:,} households, {loaded['nodes']:,} nodes, loaded in {loaded['seconds']} s")
        render = server.wait_for("render")
        print(f"\nrendering a city's coverage ({render.pop('bytes'):,} bytes of JSON), microseconds")
        for name, cost in render.items():
            if name != "event":
                print(f"  {name:<38} {cost:>8,}")
        ready = server.wait_for("ready")
        kept, plain = f"http://127.0.0.1:{ready['kept']}", f"http://127.0.0.1:{ready['plain']}"
        units = [str(u) for u in ready["units"]]  # type: ignore[attr-defined]
        run = _Runner(binary, args.seconds, args.connections)
        _repeated(run, kept, plain, units)
        _mixed(run, kept, plain, units, server)
        _during_import(kept, plain, server)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
