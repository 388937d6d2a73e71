"""K8105 startup-probe."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container
from opslint.model.yamltree import YMap

from ._containers import container_finding, has_probe, long_running
from ._pods import integer


@dataclass(frozen=True)
class StartupProbeOptions:
    """When a container counts as a slow starter."""

    min_initial_delay: int = 60
    """A liveness probe delayed by at least this many seconds marks a slow starter."""


@rule(
    "K8105",
    "startup-probe",
    Severity.INFO,
    default_enabled=False,
    tags=("reliability",),
)
def startup_probe(container: Container, options: StartupProbeOptions) -> Iterator[Finding]:
    """Slow-starting containers use a startup probe instead of a delayed liveness probe.

    ## What it does
    Reports an app container of a long-running workload whose `livenessProbe` sets
    `initialDelaySeconds` of 60 seconds or more (option `min-initial-delay`) and that
    has no `startupProbe`, at the `initialDelaySeconds` value. A long initial delay is
    how a slow starter was written before startup probes existed, and the only sign of
    one a manifest shows; containers without a liveness probe are not reported (nothing
    kills them while they start). Jobs, CronJobs, bare Pods with `restartPolicy: Never`
    or `OnFailure`, init and ephemeral containers are skipped, as for K8103.
    A `startupProbe:` key left empty (null) is no probe to the API.

    Off by default: whether a container starts slowly depends on the application.

    ## Why it matters
    A fixed delay is a guess: too short and a slow start (a cold cache, a migration, a
    loaded node) ends in a restart loop, too long and a container that hangs after a
    restart goes undetected for the whole delay. A startup probe holds the liveness
    probe off exactly until the application has started, with a generous upper bound,
    and liveness checking is quick from then on.

    ## Example
    ```yaml
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
      initialDelaySeconds: 120
    ```

    ## Use instead
    ```yaml
    startupProbe:
      httpGet:
        path: /healthz
        port: 8080
      periodSeconds: 10
      failureThreshold: 30
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
    ```

    ## Fix
    None: the startup budget (period and failure threshold) is the author's call.

    ## Options
    - `min-initial-delay`: the liveness `initialDelaySeconds` (in seconds, default 60)
      from which a container counts as a slow starter. Shorter delays (10 or 30
    seconds) are common boilerplate rather than a sign of a slow start.

    ## Variants
    - No peer (checkov, kube-linter, kube-score, polaris, trivy) has this check; the
      variants are the rule's own.
    - Any liveness handler (`httpGet`, `tcpSocket`, `exec`, `grpc`): covered: only
      `initialDelaySeconds` is read.
    - A `startupProbe:` left empty (null), which the API reads as no probe: covered:
      reported like a missing one.
    - `initialDelaySeconds` written as a string (`"90"`): covered, read as the number.
    - Long-running workloads of every kind with a pod spec, Helm renders included: covered;
      Jobs, CronJobs, completing bare Pods, init and ephemeral containers are skipped, as
      for K8103.
    - A long `failureThreshold` times `periodSeconds` instead of a delay: not covered: a
      generous threshold is also how steady-state flakiness is tolerated, so it does not
      mark a slow starter.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/#startup-probe
    - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-startup-probes
    """
    if not long_running(container) or has_probe(container, "startupProbe"):
        return
    liveness = container.probes.get("livenessProbe")
    delay = liveness.scalar("initialDelaySeconds") if isinstance(liveness, YMap) else None
    seconds = integer(delay)
    if delay is None or seconds is None or seconds < options.min_initial_delay:
        return
    yield container_finding(
        container,
        f"delays its livenessProbe by {seconds}s: use a startupProbe for the slow start",
        delay.span,
    )
