"""K8124 host-port."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container
from opslint.model.yamltree import text_span

from ._containers import container_finding
from ._pods import integer


@rule(
    "K8124",
    "host-port",
    Severity.WARNING,
    tags=("security", "reliability"),
    security_severity=4.0,
    peers=("checkov CKV_K8S_26", "polaris hostPortSet", "trivy KSV-0024"),
)
def host_port(container: Container) -> Iterator[Finding]:
    """Containers do not bind ports of the node.

    ## What it does
    Reports each `hostPort` of a container's or init container's `ports`, at the value.
    `hostPort: 0` is the API's "not set" and passes. Pods with `hostNetwork: true` are
    left to K8111: there the container binds the node's ports directly and `hostPort`,
    when written, can only repeat `containerPort`.

    ## Why it matters
    A hostPort opens the port on the node's address, bypassing the Service and the
    NetworkPolicies that guard it. Only one pod per node can hold a given hostPort, so
    replicas beyond the node count stay Pending and rolling updates can deadlock; the
    pod is also reachable from wherever the node is.

    ## Example
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        ports:
          - containerPort: 8080
            hostPort: 8080
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        ports:
          - containerPort: 8080
    # and a Service (NodePort or LoadBalancer) when it must be reached from outside
    ```

    ## Fix
    None: exposing the workload through a Service is a design change.

    ## Variants
    - Non-zero `hostPort` (polaris hostPortSet, trivy KSV-0024): covered.
    - `hostPort: 0` (checkov reports any written `hostPort`): not covered: 0 is the API's
      "not set".
    - Init containers (checkov, trivy): covered; ephemeral containers cannot have ports.
    - Ports written as strings (`"8080"`): covered.
    - Pods with `hostNetwork: true`: not covered here: K8111 reports them.
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, polaris, trivy): covered.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/overview/#services
    - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    """
    network = container.pod.host_network
    if network is not None and network.value is True:
        return
    for port in container.ports:
        value = port.scalar("hostPort")
        number = integer(value)
        if value is None or number is None or number == 0:
            continue
        yield container_finding(
            container, f"binds port {number} of the node (`hostPort`)", text_span(value)
        )
