"""`opslint merge`: the reports of shards combined into the report of one run.

`opslint check --shard K/N` checks a part of a tree; the N reports, merged, are the report
one unsharded run would have written, byte for byte, when the shards cover disjoint files:

- SARIF: one run; the results of every shard in the order one run sorts them (file,
  line, column, code); `tool.driver.rules` the union of the shards' rules, ordered by code
  as one run orders them, then the descriptors of codes no rule of the run has (a plugin's
  finding) in the order their first result comes; every `ruleIndex` renumbered; one
  invocation, successful when every shard's was, with each shard's notifications once.
- JSON: findings and suppressed findings sorted as one run sorts them, notes each once,
  and the summary recomputed (`files` summed, `failed` when any shard failed).
- GitLab Code Quality: the entries sorted by file and line as one run writes them.

What the reports record must agree: the format, the opslint version (SARIF and JSON), and,
in SARIF, the run's settings and the description of every rule two shards share (its
severity comes from the config). A finding that two inputs both hold means their files
overlap (a shard merged twice), and is refused. Notes keep the order of the inputs; a
single run lists them in the order it walked the files.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from opslint.config import ConfigError
from opslint.edits.atomicwrite import write_atomically
from opslint.report import dump_json
from opslint.report.annotations import GITLAB_SEVERITIES
from opslint.report.json import summary_json
from opslint.report.sarif import LEVELS, SOURCE_ROOT
from opslint.severity import Severity

FORMATS = ("sarif", "json", "gitlab")
"""The formats `opslint check` writes that merge: one JSON document each."""

SARIF_RUN_KEYS = ("tool", "automationDetails", "columnKind", "invocations", "results")
"""The properties of the run opslint writes; a run with any other is not merged."""

_SEVERITY_BY_NAME = {str(severity): severity for severity in Severity}
_SEVERITY_OF_LEVEL = {level: severity for severity, level in LEVELS.items()}
_SEVERITY_OF_GITLAB = {name: severity for severity, name in GITLAB_SEVERITIES.items()}


class MergeError(ConfigError):
    """Reports that cannot be merged, and why (a usage error: exit status 2)."""


@dataclass(frozen=True)
class Shard:
    """One report to merge: where it was read and its JSON data."""

    path: Path
    data: Any

    @property
    def name(self) -> str:
        """The path as the user gave it."""
        return self.path.as_posix()


@dataclass(frozen=True)
class Merged:
    """The merged report and the severities of its findings (suppressed ones left out)."""

    format: str
    data: Any
    severities: list[Severity]

    def text(self) -> str:
        """The merged report as `opslint check` writes its format (JSON escapes non-ASCII
        characters, SARIF and GitLab do not)."""
        stream = io.StringIO()
        dump_json(self.data, stream, ascii_only=self.format == "json")
        return stream.getvalue()

    def write(self, path: Path) -> None:
        """Put the merged report at `path` in one step (an existing file keeps its mode)."""
        try:
            write_atomically(path, self.text(), mode=None if path.exists() else 0o644)
        except OSError as error:
            raise MergeError(f"cannot write {path.as_posix()}: {error.strerror}") from None

    def failed(self, fail_on: Severity) -> bool:
        """True when a finding reaches `fail_on`."""
        return any(severity >= fail_on for severity in self.severities)

    def summary(self, inputs: int) -> str:
        """One line: how many reports made how many findings of which severity."""
        counts = Counter(self.severities)
        parts = [f"{counts[s]} {s}" for s in sorted(counts, reverse=True)]
        found = f"{len(self.severities)} finding{'s' if len(self.severities) != 1 else ''}"
        detail = f" ({', '.join(parts)})" if parts else ""
        reports = f"{inputs} {self.format} report{'s' if inputs != 1 else ''}"
        return f"merged {reports}: {found}{detail}"


def read_shard(path: Path) -> Shard:
    """The report at `path`, parsed as JSON."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MergeError(f"cannot read {path.as_posix()}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise MergeError(f"{path.as_posix()} is not UTF-8 text: {error.reason}") from None
    try:
        return Shard(path, json.loads(text))
    except json.JSONDecodeError as error:
        raise MergeError(
            f"{path.as_posix()}:{error.lineno}:{error.colno}: not a JSON report ({error.msg}); "
            f"merge reads the {', '.join(FORMATS)} formats of opslint check"
        ) from None


def detect_format(data: Any) -> str | None:
    """The opslint format `data` is written in, judged by its shape; None if none."""
    if isinstance(data, list) and all(
        isinstance(item, dict) and "fingerprint" in item for item in data
    ):
        return "gitlab"
    if isinstance(data, dict) and "runs" in data and data.get("version") == "2.1.0":
        return "sarif"
    if isinstance(data, dict) and {"tool", "findings", "summary"} <= data.keys():
        return "json"
    return None


def merge(paths: Sequence[Path], format: str | None = None) -> Merged:
    """Read the reports at `paths` and merge them; `format` when given, else the format
    their content shows, which must be the same for all."""
    shards = [read_shard(path) for path in paths]
    formats: dict[str, list[str]] = {}
    for shard in shards:
        found = detect_format(shard.data)
        if found is None:
            raise MergeError(
                f"{shard.name} is not a report opslint merges "
                f"(the {', '.join(FORMATS)} formats of opslint check)"
            )
        if format is not None and found != format:
            raise MergeError(f"{shard.name} is a {found} report, not {format}")
        formats.setdefault(found, []).append(shard.name)
    if len(formats) > 1:
        listed = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in formats.items())
        raise MergeError(f"cannot merge reports of different formats ({listed})")
    chosen = format or next(iter(formats))
    return MERGERS[chosen](shards)


# --- shared steps ---------------------------------------------------------------------


def _field(
    shard: Shard, item: Any, *keys: str | int, kind: type | tuple[type, ...] = object
) -> Any:
    """`item[keys[0]][keys[1]]...`, which must be of type `kind`, or a MergeError naming
    the shard."""
    value = item
    path = "/".join(str(key) for key in keys)
    for key in keys:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            raise MergeError(f"{shard.name} is not an opslint report: no {path}") from None
    if not isinstance(value, kind):
        raise MergeError(f"{shard.name} is not an opslint report: {path} is {value!r}")
    return value


def _same(shards: Sequence[Shard], what: str, value: Callable[[Shard], Any]) -> None:
    """Refuse shards that disagree on `value`, as made by different runs."""
    first = shards[0]
    for shard in shards[1:]:
        if value(shard) != value(first):
            raise MergeError(
                f"{first.name} and {shard.name} differ in {what}: they come from "
                "different opslint versions or settings; run every shard with the same "
                "opslint and the same command line"
            )


def _refuse_shared(
    shards: Sequence[Shard], items: Callable[[Shard], Iterable[Any]], ignore: str = ""
) -> None:
    """Refuse a finding two shards both hold (`ignore`: a key that may differ between
    them): one run would have reported it once."""
    owner: dict[str, Shard] = {}
    for shard in shards:
        mine: dict[str, Shard] = {}
        for item in items(shard):
            identity = json.dumps({k: v for k, v in item.items() if k != ignore}, sort_keys=True)
            other = owner.get(identity)
            if other is not None:
                raise MergeError(
                    f"{other.name} and {shard.name} both hold the same finding "
                    f"({_describe(item)}): shard reports must cover disjoint files "
                    "(is one report given twice?)"
                )
            mine[identity] = shard
        owner.update(mine)


def _describe(item: Any) -> str:
    """A finding of any format, briefly, for a message."""
    if "ruleId" in item:
        return str(item["ruleId"])
    return str(item.get("code") or item.get("check_name"))


def _distinct(items: Iterable[Any]) -> list[Any]:
    """`items` without repeats, in first-seen order (a run says each note once)."""
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(json.dumps(item, sort_keys=True), item)
    return list(seen.values())


def _severity(shard: Shard, table: dict[str, Severity], name: Any) -> Severity:
    severity = table.get(name) if isinstance(name, str) else None
    if severity is None:
        raise MergeError(f"{shard.name} is not an opslint report: unknown severity {name!r}")
    return severity


# --- SARIF ----------------------------------------------------------------------------


def _run(shard: Shard) -> dict[str, Any]:
    """The one run of an opslint SARIF log."""
    runs = _field(shard, shard.data, "runs", kind=list)
    if len(runs) != 1:
        raise MergeError(f"{shard.name} holds {len(runs)} runs; opslint writes one")
    run: dict[str, Any] = _field(shard, shard.data, "runs", 0, kind=dict)
    unknown = [key for key in run if key not in SARIF_RUN_KEYS]
    if unknown:
        raise MergeError(
            f"{shard.name}: its run has {', '.join(unknown)}, which opslint check does not "
            "write; merge only merges opslint's own SARIF"
        )
    return run


def _driver(shard: Shard) -> dict[str, Any]:
    driver: dict[str, Any] = _field(shard, _run(shard), "tool", "driver", kind=dict)
    return driver


def _is_rule(descriptor: dict[str, Any]) -> bool:
    """True for the descriptor of a rule the run used; false for one made up for a
    finding whose rule did not run (`sarif._bare_descriptor`, which states no precision)."""
    properties = descriptor.get("properties")
    return isinstance(properties, dict) and "precision" in properties


def _sarif_key(shard: Shard, result: dict[str, Any]) -> tuple[str, int, int, str]:
    """The order of one run (`Finding.sort_key`): file, line, column, code."""
    physical = _field(shard, result, "locations", 0, "physicalLocation", kind=dict)
    uri = _field(shard, physical, "artifactLocation", "uri", kind=str)
    if physical["artifactLocation"].get("uriBaseId") == SOURCE_ROOT:
        path = unquote(uri)
    else:
        path = url2pathname(urlparse(uri).path)
    line = _field(shard, physical, "region", "startLine", kind=int)
    column = _field(shard, physical, "region", "startColumn", kind=int)
    return (path, line, column, result["ruleId"])


def merge_sarif(shards: Sequence[Shard]) -> Merged:
    """One SARIF log from the logs of shards."""
    _same(
        shards,
        "SARIF version and schema",
        lambda s: [(k, v) for k, v in s.data.items() if k != "runs"],
    )
    _same(shards, "tool", lambda s: {k: v for k, v in _driver(s).items() if k != "rules"})
    _same(
        shards,
        "run settings",
        lambda s: [_run(s).get(k) for k in ("automationDetails", "columnKind")],
    )
    rules: dict[str, dict[str, Any]] = {}
    others: dict[str, dict[str, Any]] = {}
    owners: dict[str, Shard] = {}
    keyed: list[tuple[tuple[str, int, int, str], dict[str, Any]]] = []
    for shard in shards:
        descriptors = _field(shard, _driver(shard), "rules", kind=list)
        for descriptor in descriptors:
            code = _field(shard, descriptor, "id", kind=str)
            known = (rules if _is_rule(descriptor) else others).setdefault(code, descriptor)
            if known != descriptor:
                raise MergeError(
                    f"{owners[code].name} and {shard.name} describe rule {code} differently: "
                    "they were made with different settings (severity, options) or "
                    "opslint versions; run every shard with the same command line and config"
                )
            owners.setdefault(code, shard)
        for result in _field(shard, _run(shard), "results", kind=list):
            index = _field(shard, result, "ruleIndex", kind=int)
            named = descriptors[index] if 0 <= index < len(descriptors) else {}
            if named.get("id") != _field(shard, result, "ruleId", kind=str):
                raise MergeError(f"{shard.name}: a result's ruleIndex does not name its rule")
            _severity(shard, _SEVERITY_OF_LEVEL, result.get("level"))
            keyed.append((_sarif_key(shard, result), result))
    _refuse_shared(shards, lambda s: _run(s)["results"], ignore="ruleIndex")
    keyed.sort(key=lambda item: item[0])  # stable: ties keep their shard's order
    descriptors = [rules[code] for code in sorted(rules)]
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    results: list[dict[str, Any]] = []
    for _, result in keyed:
        code = result["ruleId"]
        if code not in index:
            index[code] = len(descriptors)
            descriptors.append(others[code])
        results.append({**result, "ruleIndex": index[code]})
    log = dict(shards[0].data)
    run = dict(_run(shards[0]))
    run["tool"] = {**run["tool"], "driver": {**run["tool"]["driver"], "rules": descriptors}}
    run["invocations"] = [_invocation(shards)]
    run["results"] = results
    log["runs"] = [run]
    severities = [
        _SEVERITY_OF_LEVEL[result["level"]] for result in results if not result.get("suppressions")
    ]
    return Merged("sarif", log, severities)


def _invocation(shards: Sequence[Shard]) -> dict[str, Any]:
    """The shards' invocations as one: successful when all were, each notification once."""
    invocations = [_field(shard, _run(shard), "invocations", 0, kind=dict) for shard in shards]
    merged = dict(invocations[0])
    merged["executionSuccessful"] = all(item.get("executionSuccessful") for item in invocations)
    merged.pop("toolExecutionNotifications", None)
    notifications = _distinct(
        note
        for shard, item in zip(shards, invocations, strict=True)
        if "toolExecutionNotifications" in item
        for note in _field(shard, item, "toolExecutionNotifications", kind=list)
    )
    if notifications:
        merged["toolExecutionNotifications"] = notifications
    return merged


# --- JSON -----------------------------------------------------------------------------


def _finding_key(finding: dict[str, Any]) -> tuple[str, int, int, str]:
    """`Finding.sort_key` of a JSON finding."""
    return (finding["path"], finding["line"], finding["column"], finding["code"])


def _sorted_findings(shards: Sequence[Shard], key: str) -> list[dict[str, Any]]:
    """The findings (`key`: or the suppressed ones) of every shard, as one run sorts them."""
    for shard in shards:
        for finding in _field(shard, shard.data, key, kind=list):
            for name, kind in (("path", str), ("line", int), ("column", int), ("code", str)):
                _field(shard, finding, name, kind=kind)
            _severity(shard, _SEVERITY_BY_NAME, finding.get("severity"))
    _refuse_shared(shards, lambda s: s.data[key])
    findings = [finding for shard in shards for finding in shard.data[key]]
    findings.sort(key=_finding_key)  # stable: ties keep their shard's order
    return findings


def merge_json(shards: Sequence[Shard]) -> Merged:
    """One JSON report from the JSON reports of shards."""
    _same(shards, "format version", lambda s: (s.data.get("version"), list(s.data)))
    _same(shards, "tool", lambda s: s.data["tool"])
    findings = _sorted_findings(shards, "findings")
    suppressed = _sorted_findings(shards, "suppressed")
    severities = [_SEVERITY_BY_NAME[finding["severity"]] for finding in findings]
    report = dict(shards[0].data)
    report["findings"] = findings
    report["suppressed"] = suppressed
    report["notes"] = _distinct(
        note for s in shards for note in _field(s, s.data, "notes", kind=list)
    )
    report["summary"] = summary_json(
        files=sum(_field(s, s.data, "summary", "files", kind=int) for s in shards),
        counts=Counter(severities),
        suppressed=len(suppressed),
        failed=any(_field(s, s.data, "summary", "failed", kind=bool) for s in shards),
    )
    return Merged("json", report, severities)


# --- GitLab Code Quality --------------------------------------------------------------


def merge_gitlab(shards: Sequence[Shard]) -> Merged:
    """One Code Quality report from those of shards: one run writes its entries in file
    and line order, which is all an entry records of its place."""
    for shard in shards:
        for entry in shard.data:
            _field(shard, entry, "location", "path", kind=str)
            _field(shard, entry, "location", "lines", "begin", kind=int)
            _severity(shard, _SEVERITY_OF_GITLAB, entry.get("severity"))
    _refuse_shared(shards, lambda s: s.data)
    entries = [entry for shard in shards for entry in shard.data]
    entries.sort(key=lambda e: (e["location"]["path"], e["location"]["lines"]["begin"]))
    severities = [_SEVERITY_OF_GITLAB[entry["severity"]] for entry in entries]
    return Merged("gitlab", entries, severities)


MERGERS: dict[str, Callable[[Sequence[Shard]], Merged]] = {
    "sarif": merge_sarif,
    "json": merge_json,
    "gitlab": merge_gitlab,
}
