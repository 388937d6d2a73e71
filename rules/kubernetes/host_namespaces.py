"""K8111 host-namespaces."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import PodSpec

_MEANING = {
    "hostNetwork": "the node's network stack (its interfaces and every port)",
    "hostPID": "the node's process table (every process on the node)",
    "hostIPC": "the node's shared memory and IPC objects",
}


@rule(
    "K8111",
    "host-namespaces",
    Severity.ERROR,
    tags=("security",),
    security_severity=8.0,
    peers=(
        "checkov CKV_K8S_17",
        "checkov CKV_K8S_18",
        "checkov CKV_K8S_19",
        "kube-linter host-network",
        "kube-linter host-pid",
        "kube-linter host-ipc",
        "polaris hostNetworkSet",
        "polaris hostPIDSet",
        "polaris hostIPCSet",
        "trivy KSV-0008",
        "trivy KSV-0009",
        "trivy KSV-0010",
    ),
)
def host_namespaces(pod: PodSpec) -> Iterator[Finding]:
    """Pods do not share the node's network, process or IPC namespace.

    ## What it does
    Reports `hostNetwork: true`, `hostPID: true` and `hostIPC: true` in a pod spec (a
    Pod, or the pod template of any workload), each at its value.

    ## Why it matters
    Host namespaces remove the isolation between the pod and the node: with hostNetwork
    the pod can bind any node port and reach services listening on localhost, with
    hostPID it can see and signal (or ptrace) every process, with hostIPC it can read
    other workloads' shared memory.

    ## Example
    ```yaml
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: example/app:1.4.2
    ```

    ## Use instead
    ```yaml
    spec:
      containers:
        - name: app
          image: example/app:1.4.2
          ports:
            - containerPort: 8080
    ```

    ## Fix
    None: node agents (CNI plugins, monitoring daemons) need these, and should be
    suppressed with the `opslint.io/ignore` annotation and a reason.

    ## Variants
    - `hostNetwork`, `hostPID` and `hostIPC` (checkov CKV_K8S_17 to 19, kube-linter,
      polaris, trivy KSV-0008 to 0010): covered, each at its value.
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, kube-linter, trivy, polaris): covered.
    - `shareProcessNamespace: true` (no peer): not covered: it shares processes among the
      pod's own containers, not with the node.
    - Windows `hostProcess: true` (polaris hostProcess): not covered: another concept.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    """
    for key, value in (
        ("hostNetwork", pod.host_network),
        ("hostPID", pod.host_pid),
        ("hostIPC", pod.host_ipc),
    ):
        if value is not None and value.value is True:
            yield Finding(
                value.span,
                f"`{pod.owner.kind}/{pod.owner.name}` shares {_MEANING[key]} (`{key}: true`)",
                logical=pod.logical,
            )
