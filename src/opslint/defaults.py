"""The values fixes may write, from `[tool.opslint.defaults]` and `[tool.opslint.pins]`.

Fixes that need a value (resource requests, probe paths, log sizes, a health command, an
image or action pin) take it from here. Where the setting is absent the rule offers no edit
and its message names the setting that would enable one: opslint never invents numbers or
versions.
"""

from __future__ import annotations

from typing import Any

DEFAULT_KEYS: dict[str, str] = {
    "cpu-request": 'Kubernetes cpu request (K8101), e.g. "100m"',
    "memory-request": 'Kubernetes memory request (K8101), e.g. "128Mi"',
    "memory-limit": 'Kubernetes memory limit (K8102), e.g. "256Mi"',
    "cpu-limit": 'Kubernetes cpu limit (K8130), e.g. "500m"',
    "probe-path": 'HTTP path of liveness and readiness probes (K8103, K8104), e.g. "/healthz"',
    "readiness-path": "HTTP path of readiness probes when it differs from probe-path (K8104)",
    "healthcheck": 'Dockerfile HEALTHCHECK command (DF102), e.g. "curl -fsS localhost/healthz"',
    "user": 'the non-root USER a Dockerfile switches to (DF101), e.g. "10001"',
    "compose-cpus": 'Compose deploy.resources.limits.cpus (DC103), e.g. "0.50"',
    "compose-memory": 'Compose deploy.resources.limits.memory (DC103), e.g. "512M"',
    "log-max-size": 'Compose json-file max-size (DC102), e.g. "10m"',
    "log-max-file": 'Compose json-file max-file (DC102), e.g. "3"',
    "restart": 'Compose restart policy (DC101); "unless-stopped" when unset',
    "job-timeout-minutes": "GitHub Actions timeout-minutes for jobs (GH104), e.g. 30",
}
"""Every key `[tool.opslint.defaults]` accepts, with what it is for."""

BUILTIN_DEFAULTS: dict[str, Any] = {"restart": "unless-stopped"}
"""Defaults that are policies, not numbers or versions, and so have a builtin value."""


def default(config_defaults: dict[str, Any], key: str) -> Any:
    """The configured value of `key`, its builtin value, or None."""
    if key not in DEFAULT_KEYS:
        raise KeyError(f"unknown default {key!r}")
    return config_defaults.get(key, BUILTIN_DEFAULTS.get(key))


def missing(key: str) -> str:
    """The message tail telling which setting would enable a fix."""
    return f"set `{key}` in [tool.opslint.defaults] to let `opslint fix` add it"


def pin(pins: dict[str, str], reference: str, name: str) -> str | None:
    """The pinned replacement for an image or action reference.

    `[tool.opslint.pins]` maps either the exact reference as written (`nginx:latest`,
    `actions/checkout@v4`) or its name alone (`nginx`, `actions/checkout`) to the full
    reference to write instead (`nginx:1.27.3`, `actions/checkout@<40-hex sha> # v4.2.2`).
    The exact reference wins.
    """
    return pins.get(reference) or pins.get(name)
