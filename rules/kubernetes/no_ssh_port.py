"""K8127 no-ssh-port."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container
from opslint.model.yamltree import text_span

from ._containers import container_finding
from ._pods import integer

SSH_PORT = 22


@rule(
    "K8127",
    "no-ssh-port",
    Severity.WARNING,
    tags=("security",),
    security_severity=5.0,
    peers=("kube-linter ssh-port",),
)
def no_ssh_port(container: Container) -> Iterator[Finding]:
    """Containers do not expose the SSH port.

    ## What it does
    Reports a `containerPort: 22` of a container or init container, at the value,
    unless the port's `protocol` is `UDP` or `SCTP` (SSH runs over TCP, the default).
    Only the port number counts: SSH moved to another port (`2222`) is not reported,
    and a port merely named `ssh` is not either.

    ## Why it matters
    An SSH server in a container is a second way in that bypasses the cluster's
    access control and audit log (`kubectl exec` is authorised by RBAC and recorded),
    and usually comes with long-lived keys or passwords baked into the image. Containers
    are replaced, not logged into.

    ## Example
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        ports:
          - containerPort: 22
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        ports:
          - containerPort: 8080
    # and `kubectl exec` or `kubectl debug` for shell access
    ```

    ## Fix
    None: removing the SSH server is a change to the image.

    ## Variants
    - `containerPort: 22` over TCP, the default protocol (kube-linter ssh-port): covered.
    - UDP and SCTP ports 22 (kube-linter skips them too): not covered.
    - Init containers (kube-linter): covered; ephemeral containers cannot have ports.
    - `"22"` written as a string: covered.
    - SSH on another port, or a port named `ssh`: not covered: see above.
    - A Service's `port: 22` or `targetPort: 22` (no peer): not covered: the container that
      listens is what this rule judges.
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (kube-linter): covered.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/
    - https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container
    """
    for port in container.ports:
        protocol = (port.string("protocol") or "TCP").strip().upper()
        value = port.scalar("containerPort")
        if protocol != "TCP" or value is None or integer(value) != SSH_PORT:
            continue
        yield container_finding(
            container,
            "exposes the SSH port 22: use `kubectl exec` instead of an SSH server",
            text_span(value),
        )
