"""`opslint new`: generators that write compliant artifacts from a project's own shape.

A generator is a typed function decorated with `@generator`, like a rule: it takes the
project's analysis (`ProjectInfo`) and its options (a frozen dataclass whose fields become
`--kebab-case` flags and `[tool.opslint.new.<name>]` keys) and returns the files it would
write. Writing is done here, the same way for every generator: nothing is overwritten
without `--force`, files are written atomically, and `--dry-run` only shows them.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from opslint.detect import ProjectInfo
from opslint.edits.atomicwrite import write_atomically

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Artifact:
    """A file a generator writes: its path relative to the output folder, and its text."""

    path: str
    text: str


@dataclass(frozen=True)
class GeneratorSpec:
    """What `@generator` attaches to a function."""

    name: str
    summary: str


class GeneratorError(Exception):
    """A generator that cannot run with the options given (the CLI exits 2)."""


def generator(name: str) -> Callable[[F], F]:
    """Declare a generator for `opslint new <name>`; its docstring's first line is its summary."""

    def decorate(function: F) -> F:
        summary = (inspect.getdoc(function) or "").split("\n", 1)[0].strip()
        function.__opslint_generator__ = GeneratorSpec(name, summary)  # type: ignore[attr-defined]
        return function

    return decorate


@dataclass
class Generator:
    """A generator function with its spec and options type."""

    spec: GeneratorSpec
    function: Callable[..., list[Artifact]]
    options_type: type | None

    @property
    def name(self) -> str:
        return self.spec.name

    def parameters(self) -> list[tuple[str, str, Any, str]]:
        """(flag, type name, default, help) of every option, in declaration order."""
        if self.options_type is None:
            return []
        hints = typing.get_type_hints(self.options_type)
        docs = _field_docs(self.options_type)
        rows = []
        for item in dataclasses.fields(self.options_type):
            default = item.default if item.default is not dataclasses.MISSING else None
            rows.append(
                (
                    item.name.rstrip("_").replace("_", "-"),
                    _type_name(hints[item.name]),
                    default,
                    docs.get(item.name, ""),
                )
            )
        return rows

    def make_options(self, values: dict[str, Any]) -> object | None:
        """The options dataclass from config and flag values (kebab or snake keys)."""
        if self.options_type is None:
            if values:
                raise GeneratorError(f"generator {self.name} takes no options")
            return None
        hints = typing.get_type_hints(self.options_type)
        known = {f.name for f in dataclasses.fields(self.options_type)}
        arguments: dict[str, Any] = {}
        for key, value in values.items():
            name = key.replace("-", "_")
            if name not in known and f"{name}_" in known:
                name = f"{name}_"  # a keyword as an option: field `with_`, flag `--with`
            if name not in known:
                names = ", ".join(sorted(n.rstrip("_").replace("_", "-") for n in known))
                raise GeneratorError(f"generator {self.name} has no option {key!r} ({names})")
            arguments[name] = _coerce(key, value, hints[name])
        try:
            options: object = self.options_type(**arguments)
            return options
        except ValueError as error:
            raise GeneratorError(f"{self.name}: {error}") from None

    def run(self, project: ProjectInfo, options: object | None) -> list[Artifact]:
        """The artifacts, in a stable order."""
        arguments: list[Any] = [project] if options is None else [project, options]
        return sorted(self.function(*arguments), key=lambda artifact: artifact.path)


def make_generator(function: Callable[..., Any]) -> Generator:
    """Wrap a decorated function; its second parameter's annotation is its options type."""
    spec: GeneratorSpec = function.__opslint_generator__  # type: ignore[attr-defined]
    hints = typing.get_type_hints(function)
    parameters = list(inspect.signature(function).parameters)
    options_type = hints.get(parameters[1]) if len(parameters) > 1 else None
    return Generator(spec, function, options_type)


def _field_docs(options_type: type) -> dict[str, str]:
    """Each field's docstring (the string literal under it in the class body); a field a
    subclass declares again takes the subclass's docstring."""
    import ast

    docs: dict[str, str] = {}
    for cls in reversed(options_type.__mro__):
        if not dataclasses.is_dataclass(cls):
            continue
        try:
            tree = ast.parse(inspect.getsource(cls))
        except (OSError, TypeError, SyntaxError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for first, second in itertools.pairwise(body):
            if (
                isinstance(first, ast.AnnAssign)
                and isinstance(first.target, ast.Name)
                and isinstance(second, ast.Expr)
                and isinstance(second.value, ast.Constant)
                and isinstance(second.value.value, str)
            ):
                docs[first.target.id] = " ".join(second.value.value.split())
    return docs


def _type_name(hint: Any) -> str:
    if hint is bool:
        return "flag"
    if hint is int:
        return "number"
    if typing.get_origin(hint) is tuple:
        return "list"
    return "text"


def _coerce(key: str, value: Any, hint: Any) -> Any:
    """A config or flag value as the option's type (`a,b` lists, `true`, numbers)."""
    if hint is bool:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "yes", "1"):
            return True
        if str(value).lower() in ("false", "no", "0"):
            return False
        raise GeneratorError(f"option {key!r} takes true or false, not {value!r}")
    if hint is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise GeneratorError(f"option {key!r} takes a number, not {value!r}") from None
    if typing.get_origin(hint) is tuple:
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(str(item).strip() for item in items if str(item).strip())
    return str(value)


@dataclass
class WriteResult:
    """What writing a generator's artifacts did."""

    written: list[Path]
    unchanged: list[Path]


def write_artifacts(artifacts: Sequence[Artifact], output: Path, *, force: bool) -> WriteResult:
    """Write every artifact below `output`; refuse all when one exists and `force` is off."""
    targets = [(artifact, _target(output, artifact.path)) for artifact in artifacts]
    existing = [
        path
        for artifact, path in targets
        if path.exists() and path.read_bytes() != artifact.text.encode("utf-8")
    ]
    if existing and not force:
        names = ", ".join(shown_path(path) for path in existing)
        raise GeneratorError(f"would overwrite {names}; pass --force to replace them")
    result = WriteResult([], [])
    for artifact, path in targets:
        if path.exists() and path.read_bytes() == artifact.text.encode("utf-8"):
            result.unchanged.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = 0o755 if artifact.text.startswith("#!") else 0o644
        write_atomically(path, artifact.text, mode=mode)
        result.written.append(path)
    return result


def shown_path(path: Path) -> str:
    """`path` as messages show it: relative to the working folder when it lies below it."""
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _target(output: Path, relative: str) -> Path:
    path = (output / relative).resolve()
    base = output.resolve()
    if path != base and base not in path.parents:
        raise GeneratorError(f"{relative} would land outside {output}")
    return path
