"""Can an unstopped timer or ticker leak in this build? The timer rules ask before they look.

Go 1.23 made unreferenced timers and tickers collectable even when nobody stops them. Whether
a program gets that depends on three things, read here in the order Go applies them:

1. The toolchain. Go 1.27 removed the `asynctimerchan` setting: a program built with Go 1.27
   or later never keeps an unstopped timer alive. The toolchain is at least the go.mod's
   `toolchain` line (`toolchain go1.27.0`) and at least its `go` line (a `go 1.27` module
   needs Go 1.27 to build). With neither at 1.27, the toolchain may be older.
2. The `asynctimerchan` GODEBUG setting, when the toolchain may be older than 1.27:
   a `//go:debug asynctimerchan=1` directive above the package clause of a file of the
   package (Go allows them in `package main` and in `_test.go` files; one in a test file
   counts for the test files only), else a `godebug asynctimerchan=1` line in go.mod.
   `asynctimerchan=1` brings back the pre-1.23 timers, which leak; `0` and `2` keep the
   collectable ones (2 only keeps the old buffered channels, for debugging: see the comment
   on `syncTimer` in Go's time/sleep.go).
3. Otherwise the `go` line: below `go 1.23` the default is `asynctimerchan=1`.

go.mod's `toolchain` and `godebug` lines, and the `go` line's default, apply only to the main
module of a build. leakscope reads every module as if it were the main module (its tests and
commands are); a library imported by another program gets that program's settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from leakscope.core.context import FileContext
from leakscope.core.gomod import BuildSettings, format_go_version

# The user documentation of the decision below, shared by the timer rules' docs ({builds}).
BUILDS_DOC = """
Which builds leak is read from the module's go.mod and the package's `//go:debug` lines, and
the finding's message ends by naming the line that decided:
- a toolchain of Go 1.27 or later never leaks (Go 1.27 removed `asynctimerchan`): the rule
  is silent when go.mod's `toolchain` line (`toolchain go1.27.0`) or its `go` line says 1.27
  or later, whatever else it says;
- otherwise `asynctimerchan=1` brings the old timers back whatever the `go` line: the rule
  runs when a `//go:debug asynctimerchan=1` line above the package clause of a file of the
  package (in `package main`, or in a `_test.go` file for the test files) or a
  `godebug asynctimerchan=1` line in go.mod says so; `asynctimerchan=0` (or `2`, which keeps
  the collectable timers) silences it at any `go` line;
- otherwise the `go` line decides: below `go 1.23`, or no go.mod, the rule runs.

go.mod's `go`, `toolchain` and `godebug` lines only count for the main module of a build.
leakscope assumes the module it scans is that main module (its tests and commands are). A
library built into someone else's program gets that program's settings: one imported by a
Go 1.27 program does not leak, one imported by a `go 1.21` program does, whatever the
library's own go.mod says. `go = "1.21"` in leakscope.toml replaces the `go` line only: the
`toolchain` and `godebug` lines are still read.
"""

GC_TIMERS = (1, 23)  # unstopped timers are collected by default from this go line
NO_ASYNC_TIMERS = (1, 27)  # toolchains from this one ignore asynctimerchan


@dataclass(frozen=True, slots=True)
class TimerBuild:
    leaks: bool  # can an unreferenced, unstopped timer stay alive?
    reason: str  # which line decided, for messages: "go.mod says go 1.21"
    async_channels: bool  # a fired timer may keep a stale value that Reset does not drop


def timer_build(ctx: FileContext) -> TimerBuild:
    """What the module's go.mod and the package's `//go:debug` lines say about timers."""
    build = ctx.build or BuildSettings(go_line=ctx.go_version)
    go = ctx.go_version
    if build.go_line is None:
        go_said = f"there is no go line in a go.mod (Go assumes go {format_go_version(go)})"
    elif build.go_line == go:
        go_said = f"go.mod says go {format_go_version(go)}"
    else:
        go_said = f"leakscope.toml says go = {format_go_version(go)}"
    toolchain = build.toolchain
    floor = max(v for v in (toolchain, build.go_line, go) if v is not None)
    if floor >= NO_ASYNC_TIMERS:
        if toolchain is not None and toolchain >= NO_ASYNC_TIMERS:
            said = f"go.mod's toolchain line says go{format_go_version(toolchain)}"
        else:
            said = go_said
        return TimerBuild(False, f"{said}, and Go 1.27 removed asynctimerchan", False)
    setting = _directive(ctx)
    if setting is not None:
        value, where = setting
        said = f"//go:debug asynctimerchan={value} in {where}"
    elif build.setting("asynctimerchan") is not None:
        value = build.setting("asynctimerchan") or ""
        said = f"go.mod's godebug line sets asynctimerchan={value}"
    else:
        leaks = go < GC_TIMERS
        return TimerBuild(leaks, go_said, leaks)
    if value == "1":
        said += ", which brings back the pre-1.23 timers"
    return TimerBuild(value == "1", said, value in ("1", "2"))


def _directive(ctx: FileContext) -> tuple[str, str] | None:
    """The package's `//go:debug asynctimerchan=` value and the file that sets it."""
    found = None
    for path, summary in sorted(ctx.package.summaries.items()):
        if path.endswith("_test.go") and not ctx.is_test:
            continue  # a test file's directive sets the test binary only
        for key, value in summary.godebug:
            if key == "asynctimerchan":
                found = (value, path.rsplit("/", 1)[-1])
    return found


def decided(timers: TimerBuild) -> str:
    """The message suffix that names the deciding line: " (go.mod says go 1.21)"."""
    return f" ({timers.reason})"
