"""The benchmark, in one command: ``.venv/bin/python bench/run.py``.

Creates and migrates a dedicated PostgreSQL database, collects static files,
seeds a room of 50 (``bench/seed.py``), starts gunicorn with production
settings, drives it over loopback with wrk (``bench/wrk.lua``), times the
PDFs, counts queries per page at 5 and 50 participants, and writes the
results table into ``bench/README.md`` between the results markers.

Not part of the test suite: it measures this machine, and takes a few minutes.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from rooms import rooms_run

BENCH = Path(__file__).resolve().parent
BASE_DIR = BENCH.parent
OUT = BENCH / "out"
PYTHON = sys.executable
README = BENCH / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"

TARGETS = {
    "state_304_ratio": 0.5,  # unchanged poll ≥ half the trivial view's throughput
    "wallchart_p95_ms": 100,
    "submit_p95_ms": 150,
    "report_cold_s": 3.0,
    "report_cached_ms": 50,
}


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


# --- the environment --------------------------------------------------------------------------


PROFILE_SUFFIX = {"flamegraph": "svg", "raw": "txt", "speedscope": "json"}
# Scenarios measured only as a room does them (paced), never flat out with wrk.
ROOM_ONLY = {"typing"}


def bench_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback; requests carry X-Forwarded-Proto: https as a
            # TLS-terminating proxy would, so Secure cookies and CSRF behave as deployed.
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": args.database_url,
            "PDF_CACHE_DIR": str(OUT / "pdf-cache"),
            "MEDIA_ROOT": str(OUT / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg.connect(admin, autocommit=True)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def manage(env: dict, *cmd: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *cmd], cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL
    )


def django_side(env: dict, what: str) -> dict:
    out = subprocess.run(
        [PYTHON, str(BENCH / "seed.py"), what],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on: a development server elsewhere must not answer for ours."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, 20 s, SIGKILL; then whatever outlived it in its session (a worker that did
    not stop, a Chromium) goes too."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


class Server:
    def __init__(self, env: dict, port: int, workers: int):
        self.env, self.port, self.workers = env, port, workers
        self.proc: subprocess.Popen | None = None

    def __enter__(self):
        # The worker class and threads are gunicorn.conf.py's, as production runs them.
        log(f"gunicorn: {self.workers} workers (gunicorn.conf.py) on 127.0.0.1:{self.port}")
        self.errlog = open(OUT / f"gunicorn-{self.workers}.log", "w")  # noqa: SIM115
        cmd = [
            PYTHON, "-m", "gunicorn", "breakthrough.wsgi",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--backlog", "2048",
            "--timeout", "60",
        ]  # fmt: skip
        # A session of its own, so that everything it starts (workers, their Chromiums) can be
        # stopped together: a master killed alone left a worker running through later runs.
        self.proc = subprocess.Popen(
            cmd,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.errlog,
            stderr=self.errlog,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see bench/out/gunicorn-{self.workers}.log")
            try:
                # Slow at first: every worker starts its chart-export Chromium at boot.
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=10):
                    break
            except OSError:  # refused, reset or timed out: not up yet
                time.sleep(0.2)
        else:
            self.__exit__()
            raise RuntimeError("gunicorn did not answer /healthz within 60 s; see bench/out/")
        # Let the boot-time warm-up (kaleido's Chromium in each worker) finish before measuring.
        time.sleep(3)
        try:
            settle(self.port)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        stop(self.proc)
        self.errlog.close()


class TaskWorker:
    """The task worker that draws the PDFs, as production runs it beside gunicorn (README,
    Operations), on the same machine: its renders compete with the requests for the CPU."""

    def __init__(self, env: dict):
        self.env = env

    def __enter__(self):
        log("task worker: python manage.py worker --no-reload")
        self.errlog = open(OUT / "worker.log", "w")  # noqa: SIM115
        cmd = [PYTHON, "manage.py", "worker", "--no-reload"]
        if os.geteuid() == 0 and shutil.which("setpriv"):
            # As a service user does (README, Operations): without CAP_SYS_NICE. As root,
            # the chart export's Chromium raises its own priority (nice -8) over the worker's
            # WORKER_NICE, and its renders then take the CPU from the requests (measured:
            # poll p95 700 ms while 10 cold reports render, against 59 ms without them).
            cmd = ["setpriv", "--bounding-set", "-sys_nice", "--inh-caps", "-sys_nice", *cmd]
        self.proc = subprocess.Popen(
            cmd,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.errlog,
            stderr=self.errlog,
            start_new_session=True,
        )
        time.sleep(3)  # its start: stale chart folders cleared, the chart browser started
        if self.proc.poll() is not None:
            raise RuntimeError("the task worker exited; see bench/out/worker.log")
        return self

    __exit__ = Server.__exit__


# --- HTTP as one person -----------------------------------------------------------------------


def fetch(base: str, path: str, person: dict, *, data=None, headers=None):
    """One request as ``person``: (status, headers, body, seconds)."""
    h = {
        "X-Forwarded-Proto": "https",
        "Cookie": f"sessionid={person['session']}; csrftoken={person['csrf']}",
    }
    body = None
    if data is not None:
        body = urlencode(data, doseq=True).encode()
        h.update(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": person["csrf"],
                "Origin": "https://" + urlsplit(base).netloc,
            }
        )
    h.update({k: v.replace("$etag", person.get("etag", "")) for k, v in (headers or {}).items()})
    req = urllib.request.Request(base + path, data=body, headers=h)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    t0 = time.perf_counter()
    try:
        with opener.open(req, timeout=60) as r:
            content = r.read()
            return r.status, dict(r.headers), content, time.perf_counter() - t0
    except urllib.error.HTTPError as e:
        content = e.read()
        return e.code, dict(e.headers), content, time.perf_counter() - t0


# --- wrk --------------------------------------------------------------------------------------


def lua_str(s: str) -> str:
    """A Lua string literal. Everything we write is ASCII (bodies are URL-encoded),
    and for ASCII a JSON string is a valid Lua string."""
    check(s.isascii(), f"not ASCII, cannot go into the wrk scenario: {s[:40]!r}")
    return json.dumps(s)


def write_scenario(path: Path, host: str, people: list[dict], requests: list[dict]) -> None:
    lines = ["return {", f"  host = {lua_str(host)},", "  people = {"]
    for p in people:
        lines.append(
            f"    {{session = {lua_str(p['session'])}, csrf = {lua_str(p['csrf'])}, "
            f"etag = {lua_str(p.get('etag', ''))}}},"
        )
    lines.append("  },")
    lines.append("  requests = {")
    for r in requests:
        parts = [f"path = {lua_str(r['path'])}", f"method = {lua_str(r.get('method', 'GET'))}"]
        if r.get("data") is not None:
            parts.append(f"body = {lua_str(urlencode(r['data'], doseq=True))}")
        if r.get("headers"):
            hs = ", ".join(f"[{lua_str(k)}] = {lua_str(v)}" for k, v in r["headers"].items())
            parts.append(f"headers = {{{hs}}}")
        lines.append("    {" + ", ".join(parts) + "},")
    lines.append("  },")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


def settle(port: int, timeout: float = 120) -> None:
    """Wait until the server has worked through what wrk left queued.

    wrk stops after its duration, but requests it already sent wait in the
    listen queue and are still served: the next scenario must not pay for them.
    """
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        t0 = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout):
            pass
        quick = quick + 1 if time.perf_counter() - t0 < 0.05 else 0


def wrk(name: str, args, port: int, people: list[dict], requests: list[dict], pace_ms=None) -> dict:
    host = f"127.0.0.1:{port}"
    scenario = OUT / f"scenario-{name}.lua"
    result = OUT / f"wrk-{name}.json"
    write_scenario(scenario, host, people, requests)
    result.unlink(missing_ok=True)
    env = dict(os.environ, BENCH_SCENARIO=str(scenario), BENCH_RESULT=str(result))
    cmd = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        "--timeout", "10s", "-s", str(BENCH / "wrk.lua"), f"http://{host}/",
    ]  # fmt: skip
    log(f"wrk {name}: {args.connections} connections, {args.duration} s")
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    (OUT / f"wrk-{name}.txt").write_text(out.stdout + out.stderr)
    settle(port)
    r = json.loads(result.read_text())
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    ok = sum(v for k, v in r["statuses"].items() if 200 <= int(k) < 400)
    r["ok"] = ok
    r["bad"] = sum(r["errors"].values()) - r["errors"]["status"] + (r["requests"] - ok)
    log(
        f"  {r['rps']:.0f} req/s, p50 {r['p50_us'] / 1000:.1f} ms, "
        f"p95 {r['p95_us'] / 1000:.1f} ms, statuses {r['statuses']}, errors {r['errors']}"
    )
    return r


def summarise(times: list[float], statuses: dict) -> dict:
    times.sort()
    ok = sum(v for k, v in statuses.items() if 200 <= int(k) < 400)
    r = {
        "requests": len(times),
        "p50_us": times[int(0.50 * len(times))] * 1e6,
        "p95_us": times[min(len(times) - 1, int(0.95 * len(times)))] * 1e6,
        "max_us": times[-1] * 1e6,
        "statuses": statuses,
        "bad": len(times) - ok,
    }
    log(f"  p50 {r['p50_us'] / 1000:.1f} ms, p95 {r['p95_us'] / 1000:.1f} ms, {statuses}")
    return r


def paced(name: str, base, people, requests, pace_ms: int, duration: int) -> dict:
    """Each person asks every ``pace_ms`` on average, as their open page polls or autosaves.

    In Python threads rather than wrk: wrk counts the pause of its ``delay()``
    in the latency when the server closes the connection, as gunicorn's sync
    workers do.
    """
    import random
    from concurrent.futures import ThreadPoolExecutor

    log(f"paced {name}: {len(people)} people, every {pace_ms} ms on average, {duration} s")
    times, statuses = [], {}
    deadline = time.monotonic() + duration

    def person(i: int):
        r = requests[i % len(requests)]
        time.sleep(random.uniform(0, pace_ms / 1000))  # pages were opened at different moments
        while time.monotonic() < deadline:
            status, _, _, seconds = fetch(
                base, r["path"], people[i], headers=r.get("headers"), data=r.get("data")
            )
            times.append(seconds)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            time.sleep(random.uniform(pace_ms / 2000, pace_ms * 3 / 2000))

    with ThreadPoolExecutor(len(people)) as pool:
        list(pool.map(person, range(len(people))))
    return summarise(times, statuses)


def burst(name: str, base: str, people: list[dict], requests: list[dict], rounds: int) -> dict:
    """Everyone at once: the facilitator says "now", and the whole room clicks.

    Each round, one thread per person waits at a barrier, then sends one request;
    the round ends when the last answer is in. Latencies are per request, from
    the moment all are released.
    """
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    times, statuses = [], {}
    log(f"burst {name}: {len(people)} at once, {rounds} rounds")
    for round_ in range(rounds):
        gate = Barrier(len(people))

        def one(i: int, round_=round_, gate=gate):
            r = requests[(i + round_ * len(people)) % len(requests)]
            gate.wait()
            status, _, _, seconds = fetch(base, r["path"], people[i], data=r.get("data"))
            return status, seconds

        with ThreadPoolExecutor(len(people)) as pool:
            for status, seconds in pool.map(one, range(len(people))):
                times.append(seconds)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        settle(urlsplit(base).port)
    return summarise(times, statuses)


# --- the scenarios ----------------------------------------------------------------------------


def load_scenarios(seed: dict, base: str) -> dict[str, list[dict] | None]:
    """Each scenario's requests, checked once by hand first: a 500 is no benchmark."""
    person = seed["members"][0]
    w = seed["wallchart_workshop"]["urls"]
    scenarios: dict[str, list[dict] | None] = {"healthz": [{"path": "/healthz"}]}

    state = w["workshop_state"]
    if state:
        # What the open wall chart polls: its regions, with the ETag it last saw.
        state += "?r=grid,charts"
        learn_etags(base, state, seed["members"])
        status, *_ = fetch(base, state, person, headers={"If-None-Match": "$etag"})
        check(status == 304, f"state endpoint with its own ETag answered {status}, not 304")
        scenarios["state_304"] = [{"path": state, "headers": {"If-None-Match": "$etag"}}]
        # A poll after a change: the browser's ETag is an old one, so the body comes back.
        scenarios["state_200"] = [{"path": state, "headers": {"If-None-Match": 'W/"0"'}}]
    else:
        scenarios["state_304"] = scenarios["state_200"] = None

    if w["wallchart"]:
        status, *_ = fetch(base, w["wallchart"], person)
        check(status == 200, f"wall chart answered {status}")
        scenarios["wallchart"] = [{"path": w["wallchart"]}]
    else:
        scenarios["wallchart"] = None

    consensus = seed["consensus_workshop"]["urls"]["workshop_detail"]
    if consensus:
        status, *_ = fetch(base, consensus, person)
        check(status == 200, f"consensus page answered {status}")
        scenarios["consensus"] = [{"path": consensus}]
    else:
        scenarios["consensus"] = None

    submit = seed["assess_workshop"]["submit"]
    if submit:
        reqs = [
            {"path": s["path"], "method": "POST", "data": s["data"]} for s in submit["requests"]
        ]
        status, *_ = fetch(
            base, submit["requests"][0]["path"], person, data=submit["requests"][0]["data"]
        )
        check(200 <= status < 400, f"submitting a rating answered {status}")
        scenarios["submit"] = reqs
        # What the form posts while someone types (static/js/autosave.js), before the submit.
        scenarios["typing"] = [dict(r, path=r["path"] + "draft/") for r in reqs]
        status, *_ = fetch(base, reqs[0]["path"] + "draft/", person, data=reqs[0]["data"])
        check(status == 200, f"saving a draft answered {status}")
    else:
        scenarios["submit"] = scenarios["typing"] = None
    return scenarios


def learn_etags(base: str, state: str, people: list[dict]) -> None:
    """The ETag is per person: each learns theirs with a first poll, as the page does.

    Again on every new server and after anything bumped the revision.
    """
    for p in people:
        status, headers, _, _ = fetch(base, state, p)
        p["etag"] = headers.get("ETag", "")
        check(
            status == 200 and p["etag"],
            f"state endpoint answered {status} to {p['user']} "
            f"(Location: {headers.get('Location')}), no ETag",
        )


def check(ok, message: str) -> None:
    if not ok:
        raise SystemExit(f"bench: {message}")


def bump_revision(database_url: str, workshop_id: int) -> None:
    conn = psycopg.connect(database_url)
    with conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE assessments_workshop SET revision = revision + 1 WHERE id = %s", [workshop_id]
        )
    conn.close()


def pdf_timings(seed: dict, base: str, args) -> dict:
    """Time to ready = from the first request until the file arrived; cached = the next ones.

    Request workers never draw a PDF: the first download answers the preparing page (202)
    and asks the task worker for it; the person's page then follows the status endpoint
    until the file is ready (``pdf_wait.js``, every 0.7 s) and downloads it. First after
    start: the worker's first render (it loads WeasyPrint's fonts). Then ``pdf_rounds``
    rounds of: bump the revision, time to ready (rendered), three more downloads (cached).
    """
    person = seed["members"][0]
    workshop = seed["wallchart_workshop"]
    out = {}
    for key in ("report_pdf", "wallchart_pdf"):
        url, status_url = workshop["urls"][key], workshop["urls"][f"{key}_status"]
        if not url:
            out[key] = None
            continue

        def get(url=url, status_url=status_url, key=key):
            t0 = time.perf_counter()
            status, _, body, _ = fetch(base, url, person)
            while status == 202:
                time.sleep(0.7)
                s, _, state, _ = fetch(base, status_url, person)
                check(s == 200, f"{key} status answered {s}")
                if json.loads(state)["state"] == "ready":
                    status, _, body, _ = fetch(base, url, person)
            check(status == 200 and body[:5] == b"%PDF-", f"{key} answered {status}")
            return body, time.perf_counter() - t0

        bump_revision(args.database_url, workshop["id"])
        _, first = get()
        log(f"  {key}: first after start {first:.2f} s")
        colds, cacheds = [], []
        for _ in range(args.pdf_rounds):
            bump_revision(args.database_url, workshop["id"])
            body, cold = get()
            colds.append(cold)
            cacheds += [get()[1] for _ in range(3)]
            log(f"  {key}: cold {cold:.2f} s, cached {min(cacheds[-3:]) * 1000:.1f} ms")
        out[key] = {
            "first": first,
            "cold_median": statistics.median(colds),
            "cold_max": max(colds),
            "cached_median": statistics.median(cacheds),
            "cached_max": max(cacheds),
            "bytes": len(body),
        }
    return out


def room(scenarios: dict, seed: dict, base: str, args) -> dict:
    """What the room itself does, rather than 50 connections flat out."""
    people, out = seed["members"], {}
    if scenarios.get("state_304"):
        out["poll"] = paced(
            "poll", base, people, scenarios["state_304"], args.poll_ms, args.duration
        )
    # The consensus page too: when the facilitator moves to step 3, every open page follows.
    for name in ("wallchart", "consensus", "submit"):
        if scenarios.get(name):
            out[name] = burst(name, base, people, scenarios[name], args.burst_rounds)
    # Last, so that the rows above stay comparable with runs that did not have it.
    if scenarios.get("typing"):
        out["typing"] = paced(
            "typing", base, people, scenarios["typing"], args.typing_ms, args.duration
        )
    return out


def floor(env: dict, args, seed: dict) -> dict:
    """The floor experiments, on a server of their own so the main figures use the real URLs."""
    env = dict(env, DJANGO_SETTINGS_MODULE="floor_settings", PYTHONPATH=str(BENCH / "floor"))
    code = seed["wallchart_workshop"]["code"]
    out = {}
    with Server(env, args.port, args.workers[0]):
        out["healthz"] = wrk(
            "floor-healthz", args, args.port, seed["members"], [{"path": "/healthz"}]
        )
        for name in list(FLOOR_LABELS)[1:]:  # the views of bench/floor/floor_urls.py
            path = f"/floor/{name}/{seed['organisation']}/{code}"
            status, headers, _, _ = fetch(f"http://127.0.0.1:{args.port}", path, seed["members"][0])
            check(status == 200, f"floor {name} answered {status}")
            req = [{"path": path, "headers": {"If-None-Match": headers["ETag"]}}]
            out[name] = wrk(f"floor-{name}", args, args.port, seed["members"], req)
    return out


# --- the report -------------------------------------------------------------------------------


def machine() -> dict:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem_kb = int(line.split()[1])
    pg = subprocess.run(
        [PYTHON, "-c", "import psycopg,sys; c=psycopg.connect(sys.argv[1]); "
         "print(c.info.server_version)", os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)],
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg,
    }


def pg_version(n: str) -> str:
    """150020 → 15.20"""
    return f"{int(n) // 10000}.{int(n) % 10000}" if n.isdigit() else n


def ms(us: float) -> str:
    return f"{us / 1000:.1f} ms"


def ratio(x: float, ceiling: float) -> str:
    return f"{x / ceiling:.2f}" if ceiling else "–"


LABELS = {
    "healthz": "trivial view `/healthz` (the ceiling)",
    "state_304": "state poll, unchanged (304)",
    "state_200": "state poll, changed (200)",
    "wallchart": "wall chart page",
    "consensus": "consensus page (step 3: every rating and evidence)",
    "submit": "assessment submit (POST)",
}


FLOOR_LABELS = {
    "healthz": "`/healthz`: no database, no session",
    "one_query_no_session": "one ORM query, no session (not a real option: no auth)",
    "session_user": "session + user (two queries), nothing else",
    "session_user_membership": "session + user + the membership (three queries)",
    "organisation_view_workshop_get": "`organisation_view` + `workshop_get` (four queries)",
    "organisation_view_values_list": "`organisation_view` + the revision via `values_list` "
    "(four queries)",
    "cached_auth": "authorisation cached 10 s per process + the revision (one query, as the "
    "state endpoint's 304 in a process without a watch)",
}


def render(results: dict) -> str:
    m = results["machine"]
    a = results["args"]
    lines = [
        f"Run {results['date']} at `{results.get('commit', '?')}` on {m['cores']} cores "
        f"({m['cpu']}), {m['memory_gb']} GB memory, "
        f"PostgreSQL {pg_version(m['postgresql'])}, Python {m['python']}. "
        f"gunicorn {a['workers'][0]} sync "
        f"workers; wrk `-t{a['threads']} -c{a['connections']} -d{a['duration']}s` on the same "
        "machine (wrk takes part of the same two cores). Load average just before the run: "
        f"{results.get('load_before', 0):.2f} (anything else running skews every figure).",
        "",
        *rooms_table(results),
        "| scenario | requests/s | × ceiling | p50 | × ceiling | p95 | × ceiling | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    load = results["load"]
    ceiling = load.get("healthz") or {}
    for key, label in LABELS.items():
        r = load.get(key)
        if not r:
            lines.append(f"| {label} | not available yet | | | | | | |")
            continue
        lines.append(
            f"| {label} | {r['rps']:,.0f} | {ratio(r['rps'], ceiling.get('rps'))} "
            f"| {ms(r['p50_us'])} | {ratio(r['p50_us'], ceiling.get('p50_us'))} "
            f"| {ms(r['p95_us'])} | {ratio(r['p95_us'], ceiling.get('p95_us'))} | {r['bad']} |"
        )
    lines += [
        "",
        "× ceiling: requests/s as a fraction of the trivial view's; "
        "latencies as a multiple of its.",
        "",
        "| PDF | first after start | cold (median / max) | cached (median / max) | size |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, label in (("report_pdf", "report"), ("wallchart_pdf", "wall chart")):
        p = results["pdfs"].get(key)
        if not p:
            lines.append(f"| {label} | not available yet | | | |")
            continue
        lines.append(
            f"| {label} | {p['first']:.2f} s | {p['cold_median']:.2f} s / {p['cold_max']:.2f} s "
            f"| {p['cached_median'] * 1000:.1f} ms / {p['cached_max'] * 1000:.1f} ms "
            f"| {p['bytes'] / 1024:,.0f} KB |"
        )
    lines += [
        "",
        "| page (as whom) | queries, 5 participants | queries, 50 participants | equal |",
        "|---|---:|---:|:---:|",
    ]
    for key, by_n in results["queries"].items():
        q5, q50 = by_n.get("5", [None, None]), by_n.get("50", [None, None])
        eq = "yes" if q5[1] == q50[1] else "**no**"
        lines.append(f"| {key} | {q5[1]} (HTTP {q5[0]}) | {q50[1]} (HTTP {q50[0]}) | {eq} |")
    if not results["queries"]:
        lines.append("| wall chart, consensus, state | not available yet | | |")

    lines += ["", "| target | measured | met |", "|---|---|:---:|"]
    for target, measured, met in results["targets"]:
        lines.append(f"| {target} | {measured} | {'yes' if met else '**no**'} |")

    if results.get("room"):
        rm = results["room"]
        lines += [
            "",
            "A room of 50, as it behaves (not flat out): every open page polls every "
            f"{a.get('poll_ms', 1500) / 1000:g} s on average; everyone opens the wall chart, "
            "follows the move to step 3 (the consensus page), or submits, at the same moment "
            "(the facilitator says “now”), "
            f"{a.get('burst_rounds', 5)} times; and everyone types their evidence, each page "
            f"autosaving every {a.get('typing_ms', 2000) / 1000:g} s on average:",
            "",
            "| a room of 50 | requests | p50 | p95 | max | errors |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        room_labels = {
            "poll": "50 open pages polling, nothing changing (304)",
            "wallchart": "50 open the wall chart at once",
            "consensus": "50 follow the move to step 3 (the consensus page) at once",
            "submit": "50 submit a rating at once",
            "typing": "50 typing, their pages autosaving (drafts, POST)",
        }
        for key, label in room_labels.items():
            r = rm.get(key)
            if r:
                lines.append(
                    f"| {label} | {r['requests']:,} | {ms(r['p50_us'])} | {ms(r['p95_us'])} "
                    f"| {ms(r['max_us'])} | {r['bad']} |"
                )
    if results.get("floor"):
        fl = results["floor"]
        lines += [
            "",
            "The floor of an authenticated 304 poll (`bench/floor/`, served on its own, same "
            "settings; every read through the ORM; each answers 304):",
            "",
            "| what the poll does | requests/s | × trivial view | p95 |",
            "|---|---:|---:|---:|",
        ]
        for name, r in fl.items():
            lines.append(
                f"| {FLOOR_LABELS.get(name, name)} | {r['rps']:,.0f} "
                f"| {ratio(r['rps'], fl['healthz']['rps'])} | {ms(r['p95_us'])} |"
            )
    if results.get("workers"):
        lines += [
            "",
            "Workers compared (same machine, same wrk settings):",
            "",
            "| workers | scenario | requests/s | p50 | p95 | errors |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        for n, by_scenario in results["workers"].items():
            for key, r in by_scenario.items():
                if r:
                    lines.append(
                        f"| {n} | {LABELS[key]} | {r['rps']:,.0f} | {ms(r['p50_us'])} "
                        f"| {ms(r['p95_us'])} | {r['bad']} |"
                    )
    return "\n".join(lines)


def rooms_table(results: dict) -> list[str]:
    """The headline: the rooms run (bench/rooms.py), both phases side by side."""
    r = results.get("rooms")
    if not r:
        return ["**Rooms at once**: not run.", ""]
    alone, with_pdfs = r["phases"]
    low, high = r["think"]

    def ms_or(v):
        return "–" if v is None else f"{v:,.0f} ms" if v >= 10 else f"{v:.1f} ms"

    def row(label, key, fmt):
        return f"| {label} | {fmt(alone[key])} | {fmt(with_pdfs[key])} |"

    pdfs = with_pdfs["pdfs"]
    lines = [
        f"**{r['rooms']} rooms of {r['people']} at once** (`bench/rooms.py`): every screen "
        "polls the workshop page's state one second after its last answer, and each room's "
        "projector polls its wall chart; each person rates "
        f"a barrier after {low:g}–{high:g} s of thought and their page reloads; each "
        "facilitator moves to step 3 and back once a phase, and every page follows. Two "
        f"phases of {r['phase_s']} s: the rooms alone, then the rooms while 10 chief "
        "executives ask for 10 reports nobody has asked for yet (cold), each followed to the "
        "file as the preparing page does.",
        "",
        "| the rooms | alone | with 10 cold PDFs |",
        "|---|---:|---:|",
        row("polls answered", "polls", lambda v: f"{v:,}"),
        row("poll p95 (304 or 200)", "poll_p95_ms", ms_or),
        row("poll p50", "poll_p50_ms", ms_or),
        row("unchanged polls (304), p95", "poll_304_p95_ms", ms_or),
        row("pages loaded", "pages", lambda v: f"{v:,}"),
        row("page p95 (the workshop page)", "page_p95_ms", ms_or),
        row("submits", "submits", lambda v: f"{v:,}"),
        row("submit p95", "submit_p95_ms", ms_or),
        row(
            "a submit on every screen of its room that shows it, p95",
            "change_p95_s",
            lambda v: "–" if v is None else f"{v:.2f} s",
        ),
        row(
            "a move of step on every member's screen, p95",
            "move_p95_s",
            lambda v: "–" if v is None else f"{v:.2f} s",
        ),
        row(
            "refused submits (the step had moved; the person is told)",
            "refused",
            lambda v: f"{v:,}",
        ),
        row(
            "errors",
            "errors",
            lambda v: ", ".join(f"{k}: {n}" for k, n in v.items()) or "none",
        ),
        "",
        "10 cold reports asked at once, time until each file arrived: "
        + (
            f"median {statistics.median(pdfs):.1f} s, slowest {max(pdfs):.1f} s "
            f"({len(pdfs)} of 10 arrived)."
            if pdfs
            else "none arrived."
        ),
        "",
    ]
    return lines


def targets(results: dict) -> list[tuple[str, str, bool | None]]:
    load, pdfs, out = results["load"], results["pdfs"], []
    if results.get("rooms"):
        alone, with_pdfs = results["rooms"]["phases"]
        for label, key, limit, unit in (
            ("rooms: poll p95 < 50 ms", "poll_p95_ms", 50, "ms"),
            ("rooms: page p95 < 250 ms", "page_p95_ms", 250, "ms"),
            ("rooms: a submit on every screen that shows it p95 < 2 s", "change_p95_s", 2, "s"),
            ("rooms: a move of step on every screen p95 < 2 s", "move_p95_s", 2, "s"),
        ):
            v = alone[key]
            out.append(
                (label, "–" if v is None else f"{v:.1f} {unit}", v is not None and v < limit)
            )
        a, b = alone["poll_p95_ms"], with_pdfs["poll_p95_ms"]
        if a and b:
            out.append(
                (
                    "rooms: poll p95 with 10 cold PDFs < 1.5 × without",
                    f"{b:.1f} ms ({b / a:.2f} ×)",
                    b < 1.5 * a,
                )
            )
        errors = sum(sum(p["errors"].values()) for p in results["rooms"]["phases"])
        out.append(("rooms: no errors", str(errors), errors == 0))
    h = load.get("healthz")
    if h and load.get("state_304"):
        r = load["state_304"]["rps"] / h["rps"]
        out.append(("unchanged state poll ≥ 0.5 × trivial view's requests/s", f"{r:.2f}", r >= 0.5))
    if load.get("wallchart"):
        p = load["wallchart"]["p95_us"] / 1000
        out.append(("wall chart p95 < 100 ms at 50 users", f"{p:.1f} ms", p < 100))
    if load.get("submit"):
        p = load["submit"]["p95_us"] / 1000
        out.append(("submit p95 < 150 ms at 50 users", f"{p:.1f} ms", p < 150))
    bad = {k: r["bad"] for k, r in load.items() if r}
    out.append(("no errors", ", ".join(f"{k} {v}" for k, v in bad.items()), not any(bad.values())))
    if pdfs.get("report_pdf"):
        p = pdfs["report_pdf"]
        out.append(
            (
                "report PDF cold < 3 s",
                f"{p['cold_max']:.2f} s (first after start {p['first']:.2f} s)",
                p["cold_max"] < 3,
            )
        )
        out.append(
            (
                "report PDF cached < 50 ms",
                f"{p['cached_max'] * 1000:.1f} ms",
                p["cached_max"] < 0.05,
            )
        )
    if results["queries"]:
        unequal = [k for k, v in results["queries"].items() if v["5"][1] != v["50"][1]]
        out.append(
            (
                "queries per page the same at 5 and 50 participants",
                "all equal" if not unequal else "differ: " + ", ".join(unequal),
                not unequal,
            )
        )
    return out


def write_readme(table: str) -> None:
    text = README.read_text()
    if START not in text or END not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{table}\n{END}{tail}")


# --- main -------------------------------------------------------------------------------------

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/breakthrough_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--workers",
        default="2",
        help="gunicorn sync workers; a list like 2,4 runs the first in full and compares the rest",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--pdf-rounds", type=int, default=3)
    parser.add_argument(
        "--poll-ms",
        type=int,
        default=1000,
        help="the live page's poll interval (static/js/live.js)",
    )
    parser.add_argument("--burst-rounds", type=int, default=5)
    parser.add_argument(
        "--typing-ms",
        type=int,
        default=2000,
        help="how often each person's autosave posts while the room types (room table)",
    )
    parser.add_argument(
        "--phase", type=int, default=60, help="seconds of each phase of the rooms run"
    )
    parser.add_argument(
        "--think",
        default="15,45",
        help="the rooms run: seconds each person thinks before rating a barrier (low,high)",
    )
    parser.add_argument(
        "--rooms", type=int, default=20, help="the rooms run: how many workshops of 12 at once"
    )
    parser.add_argument("--warm", type=int, default=15, help="the rooms run's warm-up, seconds")
    parser.add_argument(
        "--trace", help="the rooms run: write every poll (phase, start, ms, status) to this file"
    )
    parser.add_argument("--only", help="comma-separated scenarios to run (default: all)")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/README.md")
    parser.add_argument(
        "--no-floor",
        action="store_true",
        help="skip the floor experiments (bench/floor/: what an authenticated poll costs at least)",
    )
    parser.add_argument(
        "--profile-format",
        choices=sorted(PROFILE_SUFFIX),
        default="flamegraph",
        help="py-spy's output: a flame graph to look at, or raw collapsed stacks to grep",
    )
    parser.add_argument(
        "--profile",
        help="record a py-spy flame graph of the workers during this scenario "
        "(bench/out/profile-<scenario>.svg)",
    )
    args = parser.parse_args()
    args.workers = [int(w) for w in args.workers.split(",")]
    args.think = tuple(float(t) for t in args.think.split(","))
    args.port = args.port or free_port()
    OUT.mkdir(exist_ok=True)

    if shutil.which("wrk") is None:
        # Before minutes of set-up, not after them.
        sys.exit("bench: wrk is not installed (Debian: apt-get install wrk)")
    env = bench_env(args)
    os.environ["BENCH_DATABASE_URL"] = args.database_url
    log(f"database {args.database_url}: recreate, migrate, collectstatic")
    recreate_database(args.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    log("seed: a room of 50")
    seed = django_side(env, "seed")
    (OUT / "seed.json").write_text(json.dumps(seed, indent=1))
    only = set(args.only.split(",")) if args.only else None
    rooms_seed = None
    if not only or "rooms" in only:
        log(f"seed: {args.rooms} rooms of 12, and 10 finished workshops for cold PDFs")
        rooms_seed = django_side({**env, "BENCH_ROOMS": str(args.rooms)}, "rooms")

    results: dict = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_before": os.getloadavg()[0],
        "commit": subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=BASE_DIR, capture_output=True, text=True
        ).stdout.strip(),
        "args": {
            "workers": args.workers,
            "threads": args.threads,
            "connections": args.connections,
            "duration": args.duration,
            "poll_ms": args.poll_ms,
            "burst_rounds": args.burst_rounds,
            "typing_ms": args.typing_ms,
        },
        "load": {},
        "pdfs": {},
        "queries": {},
        "workers": {},
    }
    base = f"http://127.0.0.1:{args.port}"
    with Server(env, args.port, args.workers[0]) as server, TaskWorker(env):
        if rooms_seed:
            log(f"rooms: {args.warm} s warm-up, then two phases of {args.phase} s")
            results["rooms"] = rooms_run(rooms_seed, args.port, args)
            log(json.dumps(results["rooms"], indent=1))
            settle(args.port)
        scenarios = load_scenarios(seed, base)
        for name, reqs in scenarios.items():
            if name in ROOM_ONLY:
                continue
            if reqs is None or (only and name not in only):
                results["load"][name] = None
                continue
            spy = None
            if args.profile == name:
                spy = subprocess.Popen(
                    [str(Path(PYTHON).parent / "py-spy"), "record", "-o",
                     str(OUT / f"profile-{name}.{PROFILE_SUFFIX[args.profile_format]}"),
                     "--format", args.profile_format, "-d", str(args.duration), "-r", "200",
                     "--nonblocking", "--subprocesses", "-p", str(server.proc.pid)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
            results["load"][name] = wrk(name, args, args.port, seed["members"], reqs)
            if spy:
                spy.wait()
        if not only or "room" in only:
            results["room"] = room(scenarios, seed, base, args)
        if not only or "pdf" in only:
            log("PDFs: cold and cached")
            results["pdfs"] = pdf_timings(seed, base, args)
    for n in args.workers[1:]:
        with Server(env, args.port, n):
            if scenarios.get("state_304"):
                learn_etags(base, scenarios["state_304"][0]["path"], seed["members"])
            results["workers"][n] = {
                name: wrk(f"{name}-w{n}", args, args.port, seed["members"], scenarios[name])
                for name in ("healthz", "state_304", "wallchart", "submit")
                if scenarios.get(name) and (not only or name in only)
            }
        results["workers"][args.workers[0]] = {
            k: v
            for k, v in results["load"].items()
            if k in ("healthz", "state_304", "wallchart", "submit") and v
        }
    if not args.no_floor and (not only or "floor" in only):
        results["floor"] = floor(env, args, seed)
    if not only or "queries" in only:
        log("queries per page at 5 and 50 participants")
        results["queries"] = django_side(env, "queries")
    results["targets"] = targets(results)
    (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    table = render(results)
    print(table)
    if not args.no_write:
        write_readme(table)
        log(f"results written to {README.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
