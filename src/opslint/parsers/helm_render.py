"""Helm rendering in a child process, under a wall-time and a memory limit.

A template can loop for ever, recurse until Go's stack overflows, or allocate until the
machine runs out of memory; Go ends the whole process when that happens. So opslint never
renders in its own process: one worker per run (`python -m opslint.parsers.helm_render MEMORY_MB`)
renders every chart, one request per render. The worker caps its own data segment
(`RLIMIT_DATA`: Go reserves far more address space than it uses, so `RLIMIT_AS` would stop
the runtime from starting), writes no core file, and starts in a private empty folder
with an environment that holds only what rendering needs. A render that outlives the
timeout gets the worker's whole process group killed (a `helm` binary included), and any
way the worker ends becomes a `RenderFailure` with a reason; the next render starts a new
worker.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import IO, Any

_PASSED_ENVIRONMENT = ("PYTHONPATH", "PYTHONHOME", "HELM_C_LIB")
"""What the worker inherits: where Python and the Helm SDK's library are, nothing else."""
_FATAL = re.compile(r"^fatal error: (.+)$", re.MULTILINE)
_OUT_OF_MEMORY = ("out of memory", "cannot allocate memory", "MemoryError", "pthread_create failed")
_ERROR_LOCATION = re.compile(r"([\w.@-]+(?:/[\w.@-]+)+):(\d+)(?::(\d+))?")
_STARTED_AT = re.compile(r"started at ([\w.@-]+(?:/[\w.@-]+)+):(\d+)")
_ERROR_CALLING = re.compile(r"error calling \w+: ")
_SOURCE_MARKER = re.compile(r"^# Source: (\S+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class RenderRequest:
    """One render: the chart, the values files over its values.yaml, and Helm's settings."""

    root: str
    files: tuple[str, ...]
    set: tuple[str, ...]
    release: str
    namespace: str
    renderer: str
    """`sdk`, or the path of a `helm` binary."""
    timeout: float
    """Seconds the render may take."""
    memory: int
    """Megabytes the renderer may use."""
    texts: tuple[tuple[str, str], ...] = ()
    """Texts that stand for files of the chart (an editor's unsaved buffers), by path
    relative to `root`: the chart is rendered from a copy holding them."""


class RenderError(Exception):
    """Helm refused to render: its message, and the template location it names."""

    def __init__(self, message: str, template: str | None, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.template = template
        self.line = line
        self.column = column


class RenderFailure(Exception):
    """The renderer gave no answer: a limit was reached, or it crashed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def render(request: RenderRequest) -> dict[str, str]:
    """The rendered text per template, from the worker, within the request's limits.

    Raises `RenderError` when Helm refuses the chart, `RenderFailure` when no answer came.
    """
    global _worker
    worker = start_worker(request.memory)
    try:
        answer = worker.ask(request)
    except RenderFailure:
        worker.close()
        _worker = None
        raise
    match answer:
        case {"manifests": dict(manifests)}:
            return {str(key): str(text) for key, text in manifests.items()}
        case {"failure": str(reason)}:
            raise RenderFailure(reason)
        case {"error": [str(message), str() | None as template, int(line), int(column)]}:
            raise RenderError(message, template, line, column)
    raise RenderFailure("the renderer answered with unreadable output")


def forget_worker() -> None:
    """Drop the handle of a render process this process did not start (a forked
    worker inherits its parent's); the next render starts its own."""
    global _worker
    _worker = None


def start_worker(memory: int) -> _Worker:
    """The running worker with this memory limit, started if need be."""
    global _worker
    if _worker is not None and (_worker.memory != memory or _worker.process.poll() is not None):
        _worker.close()
        _worker = None
    if _worker is None:
        _worker = _Worker(memory)
    return _worker


class _Worker:
    """A running worker and the file its error output goes to."""

    def __init__(self, memory: int) -> None:
        self.memory = memory
        self.home = Path(tempfile.mkdtemp(prefix="opslint-helm-"))
        self.errors = tempfile.TemporaryFile(dir=self.home)  # noqa: SIM115 (closed by close)
        self.errors_read = 0
        """How much of `errors` earlier renders account for."""
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "opslint.parsers.helm_render", str(memory)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.errors,
                cwd=self.home,
                env=_environment(self.home),
                start_new_session=True,
            )
        except OSError as error:
            self.errors.close()
            shutil.rmtree(self.home, ignore_errors=True)
            raise RenderFailure(f"the renderer could not start: {error}") from None

    def ask(self, request: RenderRequest) -> dict[str, Any]:
        """Send one request and wait for its answer line; `RenderFailure` when none comes.

        The file's time budget pauses meanwhile: the render is bounded by its own limits,
        and an answer cut off mid-way would leave the worker out of step."""
        from opslint.safety.budget import paused

        with paused():
            return self._ask(request)

    def _ask(self, request: RenderRequest) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps(asdict(request)).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            raise self._crashed() from None
        answer = _read_line(self.process.stdout, time.monotonic() + request.timeout)
        if answer is None:
            self._kill()
            raise RenderFailure(timeout_reason(request.timeout))
        if not answer:
            raise self._crashed()
        try:
            decoded = json.loads(answer)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict):
            raise RenderFailure("the renderer answered with unreadable output")
        self.errors_read = os.fstat(self.errors.fileno()).st_size
        return decoded

    def _crashed(self) -> RenderFailure:
        """Why the worker ended, from its exit status and what it wrote to stderr."""
        try:
            status = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._kill()
            status = self.process.wait()
        return RenderFailure(crash_reason(self._last_errors(), status, self.memory))

    def _last_errors(self, window: int = 65536) -> str:
        """What the worker wrote to stderr since its last answer: all of it, or its first
        and last `window` bytes (a Go crash may print a long dump of every thread around
        the line that says why)."""
        descriptor = self.errors.fileno()
        size = os.fstat(descriptor).st_size - self.errors_read
        if size <= 2 * window:
            raw = os.pread(descriptor, size, self.errors_read)
        else:
            head = os.pread(descriptor, window, self.errors_read)
            raw = head + b"\n" + os.pread(descriptor, window, self.errors_read + size - window)
        return raw.decode("utf-8", "replace")

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def close(self) -> None:
        """Stop the worker and remove its folder."""
        self._kill()
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            if stream is not None:
                stream.close()
        shutil.rmtree(self.home, ignore_errors=True)


_worker: _Worker | None = None


@atexit.register
def _close_worker() -> None:
    if _worker is not None:
        _worker.close()


def timeout_reason(timeout: float) -> str:
    """Why a render was stopped: it took longer than `timeout` seconds."""
    return f"it ran out of time after {timeout:g} s (helm timeout)"


def crash_reason(errors: str, status: int, memory: int) -> str:
    """Why a renderer ended before answering: memory, a Go stack overflow, or its status."""
    if any(marker in errors for marker in _OUT_OF_MEMORY):
        return f"it ran out of memory at {memory} MB (helm memory)"
    fatal = _FATAL.search(errors)
    if fatal is not None and fatal.group(1) == "stack overflow":
        return "the renderer crashed with a Go stack overflow"
    if status < 0:
        try:
            ending = f"signal {signal.Signals(-status).name}"
        except ValueError:
            ending = f"signal {-status}"
    else:
        ending = f"exit status {status}"
    last = fatal.group(0) if fatal is not None else _last_line(errors)
    if last:
        ending = f"{ending}: {last}"
    return f"the renderer crashed ({ending})"


def _last_line(text: str) -> str:
    """The last line written, which for a Python traceback names the exception."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def _read_line(stream: IO[bytes], deadline: float) -> bytes | None:
    """One line from `stream`: b"" at end of file, None when `deadline` passes first."""
    descriptor = stream.fileno()
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(descriptor, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                return None
            chunk = os.read(descriptor, 1 << 20)
            if not chunk:
                return b""
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                return b"".join(chunks)


def _environment(home: Path) -> dict[str, str]:
    """The worker's environment: where to find Python and the SDK, and a private home."""
    environment = {name: os.environ[name] for name in _PASSED_ENVIRONMENT if os.environ.get(name)}
    environment.update(
        HOME=str(home),
        TMPDIR=str(home),
        HELM_CACHE_HOME=str(home / "cache"),
        HELM_CONFIG_HOME=str(home / "config"),
        HELM_DATA_HOME=str(home / "data"),
        LC_ALL="C.UTF-8",
    )
    return environment


# --- the worker -----------------------------------------------------------------------------


def _limit_memory(memory: int) -> None:
    import resource

    size = memory * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _limit_cpu(timeout: float) -> None:
    """End this process if it runs on after opslint stopped waiting (or died).

    The limit is the CPU time every core could spend in `timeout`, so it never ends a
    render the wall-time limit would have let finish.
    """
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    cores = os.cpu_count() or 1
    seconds = used.ru_utime + used.ru_stime + cores * timeout + 1
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = int(seconds) if hard == resource.RLIM_INFINITY else min(int(seconds), hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _answer(fields: dict[str, Any]) -> dict[str, Any]:
    request = RenderRequest(
        **{
            **fields,
            "files": tuple(fields["files"]),
            "set": tuple(fields["set"]),
            "texts": tuple((str(name), str(text)) for name, text in fields.get("texts", ())),
        }
    )
    _limit_cpu(request.timeout)
    try:
        manifests = render_here(request)
    except RenderError as error:
        return {"error": [error.message, error.template, error.line, error.column]}
    except RenderFailure as failure:
        return {"failure": failure.reason}
    return {"manifests": manifests}


def render_here(request: RenderRequest) -> dict[str, str]:
    """Render in this process (the worker): the text per template, keyed by its path."""
    if request.texts:
        return _render_copy(request)
    if request.renderer == "sdk":
        return _render_sdk(request)
    return _render_binary(request)


def _render_copy(request: RenderRequest) -> dict[str, str]:
    """Render a copy of the chart in which `request.texts` replace the files they name
    (values files of the chart given in `files` are read from the copy too)."""
    root = Path(request.root)
    with tempfile.TemporaryDirectory(prefix="opslint-chart-") as folder:
        copy = Path(folder) / root.name
        shutil.copytree(root, copy, symlinks=True)
        for name, text in request.texts:
            target = copy / name
            if ".." in Path(name).parts or Path(name).is_absolute():
                continue  # only files of the chart are replaced
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        files = tuple(
            str(copy / Path(path).relative_to(root)) if Path(path).is_relative_to(root) else path
            for path in request.files
        )
        return render_here(replace(request, root=str(copy), files=files, texts=()))


def _render_sdk(request: RenderRequest) -> dict[str, str]:
    import helm_python

    values = _load_overlays(request.files)
    try:
        for expression in request.set:
            values = merge_values(values, helm_python.parse_set_string(expression))
        missing = [
            str(dependency.get("name"))
            for dependency in helm_python.dependency_list(request.root)
            if dependency.get("status") == "missing"
        ]
        if missing:
            raise RenderError(
                "found in Chart.yaml, but missing in charts/ directory: "
                f"{', '.join(missing)} (run `helm dependency build`)",
                None,
                1,
                1,
            )
        with helm_python.Chart.load(request.root) as chart:
            rendered: dict[str, str] = chart.render(
                values, name=request.release, namespace=request.namespace
            )
    except helm_python.HelmError as error:
        raise _render_error(str(error)) from None
    return rendered


def _render_binary(request: RenderRequest) -> dict[str, str]:
    # every option takes its value after `=` and `--` ends them, so no setting or folder
    # name can become an option of helm's (such as `--post-renderer=./run-me`)
    command = [request.renderer, "template", f"--namespace={request.namespace}"]
    command.extend(f"--values={path}" for path in request.files)
    command.extend(f"--set={expression}" for expression in request.set)
    command.extend(["--", request.release, request.root])
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=request.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise RenderFailure(timeout_reason(request.timeout)) from None
    except OSError as error:
        raise RenderError(f"helm could not run: {error}", None, 1, 1) from None
    if completed.returncode < 0 or "fatal error: " in completed.stderr:
        raise RenderFailure(crash_reason(completed.stderr, completed.returncode, request.memory))
    if completed.returncode != 0:
        message = completed.stderr.strip().removeprefix("Error: ")
        raise _render_error(message or f"helm exited with status {completed.returncode}")
    return split_rendered_stream(completed.stdout)


def split_rendered_stream(stream: str) -> dict[str, str]:
    """`helm template` output split by its `# Source:` markers into text per template."""
    result: dict[str, str] = {}
    markers = list(_SOURCE_MARKER.finditer(stream))
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(stream)
        body = stream[marker.end() + 1 : end]
        body = re.sub(r"\n---\s*$", "\n", body)
        key = marker.group(1)
        result[key] = f"{result[key]}---\n{body}" if key in result else body
    return result


def _render_error(text: str) -> RenderError:
    """A render error with the template location Helm names, if it names one."""
    first = text.strip().splitlines()[0] if text.strip() else "render failed"
    match = _STARTED_AT.search(text) or _ERROR_LOCATION.search(text)
    if match is None:
        return RenderError(first, None, 1, 1)
    template, line = match.group(1), int(match.group(2))
    column = int(match.group(3) or 1) if match.re.groups >= 3 else 1
    if match.re is _STARTED_AT:
        detail = text[text.find("):") + 2 :].strip() if "):" in text else first
    else:
        detail = text[match.end() :].lstrip("):").strip()
        detail = detail.splitlines()[-1].strip() if detail else first
        calls = list(_ERROR_CALLING.finditer(detail))
        if len(calls) > 1:  # a chain of includes: the first call and the innermost cause
            detail = detail[: calls[0].end()] + detail[calls[-1].end() :]
    return RenderError(detail, template, max(line, 1), max(column, 1))


def _load_overlays(files: tuple[str, ...]) -> dict[str, Any]:
    from opslint.parsers.yamlload import YamlError, load_plain

    merged: dict[str, Any] = {}
    for path in files:
        try:
            data = load_plain(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise RenderError(f"cannot read values file {path}: {error}", None, 1, 1) from None
        except YamlError as error:
            raise RenderError(
                f"cannot read values file {path}:{error.line}:{error.column}: {error.message}",
                None,
                1,
                1,
            ) from None
        if data is None:
            continue
        if not isinstance(data, dict):
            raise RenderError(f"values file {path} is not a mapping", None, 1, 1)
        merged = merge_values(merged, data)
    return merged


def merge_values(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Helm's overlay of values: maps merge key by key, anything else is replaced."""
    result = dict(base)
    for key, value in overlay.items():
        current = result.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            result[key] = merge_values(current, value)
        else:
            result[key] = value
    return result


def main() -> None:
    """Serve render requests from stdin, one JSON line each, answering on stdout."""
    _limit_memory(int(sys.argv[1]))
    with contextlib.suppress(Exception):  # loaded while opslint reads the chart; errors show on use
        import helm_python  # noqa: F401
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # whatever else prints goes to stderr
    for line in sys.stdin:
        answers.write(json.dumps(_answer(json.loads(line))) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
