"""The binary as an operator deploys it: copied alone into an empty folder, with a clean
environment. It loads the demo, serves its pages and its stylesheet (built into it), and says in
one line, with a non-zero status, what stops it: never a backtrace.

AGORA_BINARY_UNDER_TEST names the binary to copy (make test builds the release binary and passes
it); without it, AGORA_BIN (the debug build) is used.
"""

import os
import queue
import shutil
import stat
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = os.environ.get("AGORA_BINARY_UNDER_TEST") or os.environ.get("AGORA_BIN", str(ROOT / ".build/debug/agora"))


@pytest.fixture
def lone(tmp_path) -> Path:
    """An empty folder holding the binary and nothing else."""
    folder = tmp_path / "deployed"
    folder.mkdir()
    shutil.copy2(SOURCE, folder / "agora")
    return folder


def clean_env(**extra: str) -> dict:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8", "AGORA_BCRYPT_COST": "4"}
    env.update(extra)
    return env


def run(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(folder / "agora"), *args], cwd=folder, env=clean_env(**env), capture_output=True, text=True, timeout=180
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_lone_binary_loads_the_demo_serves_pages_and_its_stylesheet(lone):
    demo = run(lone, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "habitant@vitre.example" in demo.stdout
    assert (lone / "data" / "agora.sqlite").exists(), "the data folder is made beside the working directory"
    assert sorted(p.name for p in lone.iterdir()) == ["agora", "data"], "nothing else is needed or written"
    # Health data and the secret key: the owner only (issue #16 found the database readable by all).
    data = lone / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700, oct(data.stat().st_mode)
    for name in ["agora.sqlite", "agora.sqlite-wal", "secret.key"]:
        if (data / name).exists():
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, f"{name}: {oct((data / name).stat().st_mode)}"

    port = free_port()
    server = subprocess.Popen(
        [str(lone / "agora"), "serve", "--port", str(port)], cwd=lone, env=clean_env(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        # Awaited, not polled: the server says when it listens ("Server started on …"), or exits.
        said = wait_for_line(server, "Server started on", seconds=60)
        assert said is not None, "the server did not start: " + "".join(server.lines_seen)
        with urllib.request.urlopen(base + "/vitre", timeout=10) as page:
            html = page.read().decode()
        assert "Vitré Communauté" in html
        start = html.index("/static/app.css?v=")
        stylesheet = html[start : html.index('"', start)]
        with urllib.request.urlopen(base + stylesheet, timeout=10) as css:
            assert css.status == 200
            assert css.headers["Content-Type"].startswith("text/css")
            assert css.read() == (ROOT / "Public" / "app.css").read_bytes(), "the served stylesheet is Public/app.css"
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for_line(process: subprocess.Popen, text: str, seconds: float) -> str | None:
    """The first line of the process's output holding `text`, or None if it exits or the time runs out.

    A thread reads the lines as they come: `select` on the pipe would miss a line already taken into
    the reader's buffer with the one before it (two log lines written at once), and wait in vain.
    The lines read are kept in `process.lines_seen` for the failure message."""
    lines: queue.Queue[str | None] = queue.Queue()
    seen: list[str] = []
    process.lines_seen = seen  # type: ignore[attr-defined]

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)  # end of output: the process exited

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            return None
        if line is None:
            return None
        seen.append(line)
        if text in line:
            return line
    return None


def one_line_failure(result: subprocess.CompletedProcess, *words: str) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0, result
    assert len(lines) == 1, f"expected one line, got: {result.stderr!r}"
    line = lines[0]
    assert line.startswith("agora : "), line
    assert "Fatal error" not in result.stderr and "Backtrace" not in result.stderr and "0x" not in line
    for word in words:
        assert word in line, f"{word!r} missing from {line!r}"
    return line


@pytest.mark.parametrize(
    "env, words",
    [
        ({"AGORA_PORT": "quatre-vingt"}, ["AGORA_PORT", "invalid configuration"]),
        ({"AGORA_DATA_DIR": "/proc/agora-cannot-be-here"}, ["AGORA_DATA_DIR", "cannot create"]),
        ({"AGORA_PUBLIC_DIR": "/nonexistent-assets"}, ["AGORA_PUBLIC_DIR", "app.css"]),
        ({"DATABASE_URL": "mysql://nope"}, ["DATABASE_URL"]),
    ],
)
def test_a_bad_setting_or_a_missing_file_is_one_clear_line(lone, env, words):
    line = one_line_failure(run(lone, "migrate", **env), *words)
    assert " / " in line, f"French and English: {line!r}"


def test_a_database_that_cannot_be_opened_is_one_clear_line(lone):
    data = lone / "data"
    data.mkdir()
    (data / "agora.sqlite").write_bytes(b"this is not a database, just some bytes " * 64)
    line = one_line_failure(run(lone, "migrate"), "base de données", "database")
    assert " / " in line


def test_a_command_that_refuses_is_one_line(lone):
    one_line_failure(run(lone, "import-communes", "/nonexistent.csv", "--territory", "x"), "/nonexistent.csv")
    one_line_failure(run(lone, "no-such-command"), "no-such-command")
