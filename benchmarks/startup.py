"""Start-up and memory benchmarks: what the plugin costs a process before and at its first use.

Every figure comes from fresh processes (a start-up cost only shows once per process), run in
interleaved rounds whose order rotates, so drift on a shared machine hits both sides of a
ratio alike; the figure is the median over rounds of the per-round ratio (memory: the
difference of the medians). Imported by ``run.py`` (sections ``startup`` and ``memory``).

Costs inside one process are CPU seconds (user + system) of that process: on a shared 2-core
machine a process's wall time mostly measures how long it waited for a core, while its CPU
time is what the plugin adds (single-threaded start-ups with warm file caches take their CPU
time as wall time on an idle machine). Wall times are printed alongside. The server figure
is wall time from spawning it to the first answer, as a user waits for it.
"""

from __future__ import annotations

import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PLUGIN = "moto_connect_persistent"
BIN = Path(sys.executable).parent

#: A test file that never touches the plugin: what every other project of the environment runs.
ONE_TEST = "def test_one():\n    assert 1 + 1 == 2\n"

#: Child prelude: fake credentials, no instance metadata; RSS read from /proc (Linux).
PRELUDE = """
import os, sys, time
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
def rss_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
"""

#: First call after the mock starts: importing the mock, starting it, the client (its model
#: load) and the first call with everything it loads on the way, in a process that has
#: imported boto3 only. Both sides ask about an instance that does not exist, so each call
#: goes the whole way through its handler to a modeled ResourceNotFoundException, with no
#: other call before it.
FIRST_CALL = {
    "moto describe_instance": (
        "from moto import mock_aws as mock",
        'client.describe_instance(InstanceId="00000000-0000-0000-0000-000000000000")',
    ),
    "create_persistent_contact_association": (
        f"from {PLUGIN} import mock_connect_persistent as mock",
        "client.create_persistent_contact_association("
        'InstanceId="00000000-0000-0000-0000-000000000000", InitialContactId="c-1", '
        'RehydrationType="ENTIRE_PAST_SESSION", SourceContactId="c-0")',
    ),
}

FIRST_CALL_CHILD = """
import boto3
started = time.process_time()
{import_mock}
with mock():
    client = boto3.client("connect", region_name="us-east-1")
    made = time.process_time()
    try:
        {call}
    except client.exceptions.ResourceNotFoundException:
        pass
    done = time.process_time()
print(done - started, done - made)
"""

#: Memory after import and a first call, with the same moto work on both sides; the plugin's
#: side also imports the package, seeds a past and a running chat and associates them.
MEMORY_CHILD = """
import gc
import boto3
from moto import mock_aws
if {ours}:
    from {plugin} import mock_connect_persistent as mock, seed_chat_session
else:
    mock = mock_aws
with mock():
    client = boto3.client("connect", region_name="us-east-1")
    iid = client.create_instance(
        IdentityManagementType="CONNECT_MANAGED", InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    client.describe_instance(InstanceId=iid)
    if {ours}:
        seed_chat_session(iid, contact_id="C1").end()
        running = seed_chat_session(iid).contact_ids[0]
        client.create_persistent_contact_association(
            InstanceId=iid, InitialContactId=running,
            RehydrationType="ENTIRE_PAST_SESSION", SourceContactId="C1",
        )
    gc.collect()
    print(rss_mib())
"""


def rounds_of(cases: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """One figure per case per round, the order rotating each round."""
    names = list(cases)
    figures: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            figures[name].append(cases[name]())
    return figures


def ratio(figures: dict[str, list[float]], top: str, bottom: str) -> float:
    return statistics.median(a / b for a, b in zip(figures[top], figures[bottom], strict=True))


def ms(figures: dict[str, list[float]], name: str) -> str:
    return f"{statistics.median(figures[name]) * 1000:.0f} ms"


#: Wall seconds of every process ``cpu`` ran, by command, for the printed details.
WALL: dict[str, list[float]] = {}


def cpu(command: list[str], cwd: Path | None = None) -> float:
    """CPU seconds (user + system) ``command`` takes from spawn to exit; it must succeed.

    Read as the growth of this process's reaped-children usage: the benchmark runs one child
    at a time.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    WALL.setdefault(" ".join(command), []).append(time.perf_counter() - started)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def wall_ms(command: list[str]) -> str:
    return f"{statistics.median(WALL[' '.join(command)]) * 1000:.0f} ms"


def child(code: str) -> list[float]:
    """Run ``code`` in a fresh interpreter; the numbers it prints."""
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return [float(word) for word in done.stdout.split()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_command(name: str, port: int) -> list[str]:
    """A console script of this environment, or its ``python -m`` equivalent."""
    script = BIN / name
    if script.exists():
        command = [str(script)]
    elif name == "moto_server":
        command = [sys.executable, "-m", "moto.server"]
    else:
        command = [sys.executable, "-m", PLUGIN]
    return [*command, "--host", "127.0.0.1", "--port", str(port)]


@contextmanager
def server(name: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    process = subprocess.Popen(
        server_command(name, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield process, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_listening(process: subprocess.Popen[bytes], port: int, deadline: float) -> None:
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.005)


def process_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


# --------------------------------------------------------------------------- start-up


def startup(rounds: int, report: Any) -> None:
    section = "7. start-up (fresh processes, median of per-round ratios)"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_one.py").write_text(ONE_TEST)
        pytest_base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        installed = [*pytest_base, "test_one.py"]
        without = [*pytest_base, "-p", f"no:{PLUGIN}", "test_one.py"]
        runs = rounds_of(
            {"installed": lambda: cpu(installed, folder), "without": lambda: cpu(without, folder)},
            rounds,
        )
    report.ratio(
        section,
        f"pytest, a test not using the plugin: installed / -p no:{PLUGIN}",
        ratio(runs, "installed", "without"),
        "<= 1.05",
        f"CPU installed {ms(runs, 'installed')}, without {ms(runs, 'without')}; "
        f"wall {wall_ms(installed)} / {wall_ms(without)}",
    )

    commands = {
        "ours": [sys.executable, "-c", f"import {PLUGIN}"],
        "moto": [sys.executable, "-c", "import moto"],
        "ours, mock": [sys.executable, "-c", f"from {PLUGIN} import mock_connect_persistent"],
        "moto, mock": [sys.executable, "-c", "from moto import mock_aws"],
    }
    imports = rounds_of(
        {name: (lambda command=command: cpu(command)) for name, command in commands.items()},
        rounds,
    )
    report.ratio(
        section,
        f"python -c 'import {PLUGIN}' / 'import moto'",
        ratio(imports, "ours", "moto"),
        "<= 1.2",
        f"CPU ours {ms(imports, 'ours')}, moto {ms(imports, 'moto')} (interpreter start "
        f"included); wall {wall_ms(commands['ours'])} / {wall_ms(commands['moto'])}",
    )
    report.info(
        section,
        "from the package import mock_connect_persistent / from moto import mock_aws",
        ratio(imports, "ours, mock", "moto, mock"),
        "x",
        f"CPU ours {ms(imports, 'ours, mock')}, moto {ms(imports, 'moto, mock')}: what a "
        "test module imports (the package's own import loads no moto at all)",
    )

    first: dict[str, list[float]] = {name: [] for name in FIRST_CALL}
    call_only: dict[str, list[float]] = {name: [] for name in FIRST_CALL}

    def first_call(name: str) -> Callable[[], float]:
        def run() -> float:
            import_mock, call = FIRST_CALL[name]
            total, alone = child(FIRST_CALL_CHILD.format(import_mock=import_mock, call=call))
            call_only[name].append(alone)
            return total

        return run

    first = rounds_of({name: first_call(name) for name in FIRST_CALL}, rounds)
    ours, moto_call = list(FIRST_CALL)[1], list(FIRST_CALL)[0]
    report.ratio(
        section,
        "first association after the mock starts / moto's first describe_instance",
        ratio(first, ours, moto_call),
        "<= 1.2",
        f"CPU of importing the mock, its start, the client and the first call: ours "
        f"{ms(first, ours)}, moto {ms(first, moto_call)}",
    )
    report.info(
        section,
        "  the first call alone (client made), ours / moto",
        ratio(call_only, ours, moto_call),
        "x",
        f"CPU ours {ms(call_only, ours)}, moto {ms(call_only, moto_call)}",
    )

    def first_answer(name: str, call: str, **kwargs: str) -> Callable[[], float]:
        """Seconds from spawning the server to the first answer of ``call``."""
        import boto3
        from botocore.config import Config
        from botocore.exceptions import ClientError, EndpointConnectionError

        def run() -> float:
            port = free_port()
            client = boto3.client(
                "connect",
                region_name="us-east-1",
                endpoint_url=f"http://127.0.0.1:{port}",
                config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
            )
            started = time.perf_counter()
            process = subprocess.Popen(
                server_command(name, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        getattr(client, call)(**kwargs)
                        break
                    except ClientError as error:
                        # The modeled answer, from the operation's own handler.
                        if error.response["Error"]["Code"] != "ResourceNotFoundException":
                            raise
                        break
                    except EndpointConnectionError:
                        if process.poll() is not None or time.monotonic() > deadline:
                            raise RuntimeError(f"{name} did not answer") from None
                        time.sleep(0.005)
                return time.perf_counter() - started
            finally:
                process.terminate()
                process.wait(timeout=10)

        return run

    unknown = "00000000-0000-0000-0000-000000000000"
    starts = rounds_of(
        {
            "ours": first_answer(
                "moto-connect-persistent-server",
                "create_persistent_contact_association",
                InstanceId=unknown,
                InitialContactId="c-1",
                RehydrationType="ENTIRE_PAST_SESSION",
                SourceContactId="c-0",
            ),
            "moto": first_answer("moto_server", "describe_instance", InstanceId=unknown),
        },
        rounds,
    )
    report.ratio(
        section,
        "server: time to first answered call, ours / moto_server",
        ratio(starts, "ours", "moto"),
        "<= 1.1",
        f"ours (an association) {ms(starts, 'ours')}, moto_server (describe_instance) "
        f"{ms(starts, 'moto')}",
    )
    report.figures["startup_seconds"] = {
        "pytest": runs,
        "import": imports,
        "first_call": first,
        "first_call_alone": call_only,
        "server_first_answer": starts,
    }


# --------------------------------------------------------------------------- memory


def memory(rounds: int, report: Any) -> None:
    section = "8. memory per process (fresh processes, median RSS)"
    after_call = rounds_of(
        {
            "ours": lambda: child(MEMORY_CHILD.format(ours=True, plugin=PLUGIN))[0],
            "moto": lambda: child(MEMORY_CHILD.format(ours=False, plugin=PLUGIN))[0],
        },
        rounds,
    )
    ours, moto = (statistics.median(after_call[name]) for name in ("ours", "moto"))
    report.ratio(
        section,
        "added by the package after import and first call, MiB",
        ours - moto,
        "<= 15",
        f"RSS {ours:.1f} MiB against {moto:.1f} MiB for the same moto work without the package",
    )

    def idle(name: str) -> Callable[[], float]:
        def run() -> float:
            with server(name) as (process, port):
                wait_listening(process, port, time.monotonic() + 60)
                time.sleep(0.5)  # let start-up finish what it does after listening
                return process_rss_mib(process.pid)

        return run

    rss = rounds_of(
        {"ours": idle("moto-connect-persistent-server"), "moto": idle("moto_server")}, rounds
    )
    report.ratio(
        section,
        "idle server RSS, moto-connect-persistent-server / moto_server",
        ratio(rss, "ours", "moto"),
        "<= 1.15",
        f"{statistics.median(rss['ours']):.1f} MiB against {statistics.median(rss['moto']):.1f}",
    )
    report.figures["memory_mib"] = {"after_first_call": after_call, "idle_server": rss}
