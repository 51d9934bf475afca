"""`leakscope check --watch` as a user runs it: a real process, real file-system events."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from test_watch import CLEAN, LEAKY


def read_lines(stream, into: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):
        into.put(line)


def wait_for(lines: queue.Queue[str], text: str, seen: list[str], timeout: float = 20) -> bool:
    """Wait for a line holding `text`; "+ " or "- " at its start means an added/gone finding."""
    sign, _, rest = text.partition(" ") if text[:2] in ("+ ", "- ") else ("", "", text)

    def matches(line: str) -> bool:
        return rest in line and (not sign or line.lstrip().startswith(sign + " "))

    try:
        while not any(matches(line) for line in seen):
            seen.append(lines.get(timeout=timeout))
    except queue.Empty:
        return False
    return True


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_watch_prints_new_and_gone_findings(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/w\n\ngo 1.22\n")
    (tmp_path / "a.go").write_text(CLEAN.format(pkg="a", n=0))
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "leakscope", "check", "--watch", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        # A suite started as a background job of a script runs with SIGINT ignored, which
        # a child inherits (Python then installs no handler): ctrl+c must reach this one.
        preexec_fn=_default_sigint,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=read_lines, args=(proc.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        assert wait_for(lines, "watching", seen)
        # The watcher starts a moment after its message: write until the change is seen.
        for attempt in range(40):
            (tmp_path / "b.go").write_text(LEAKY.format(pkg="a", n=1) + f"// {attempt}\n")
            if wait_for(lines, "+ b.go:11:3: defer-in-loop", seen, timeout=0.5):
                break
        assert wait_for(lines, "+ b.go:11:3: defer-in-loop", seen, timeout=0), seen
        (tmp_path / "b.go").unlink()
        assert wait_for(lines, "- b.go:11:3: defer-in-loop", seen), seen
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    while not lines.empty():
        seen.append(lines.get())
    text = "".join(seen)
    assert "1 new finding, 0 gone" in text
    assert "0 new findings, 1 gone" in text
    assert "stopped watching" in text
    assert "Traceback" not in text


def test_watch_refuses_other_formats(capsys) -> None:
    from leakscope.cli import main

    assert main(["check", "--watch", "--format", "json", "."]) == 2
    assert "--watch works with the text format" in capsys.readouterr().err
