"""K8103 liveness-probe."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import missing_probe
from ._fixes import Manifest


@rule(
    "K8103",
    "liveness-probe",
    Severity.WARNING,
    fix="safe",
    defaults={"probe-path": 'HTTP path of liveness and readiness probes, e.g. "/healthz"'},
    tags=("reliability",),
    peers=(
        "checkov CKV_K8S_8",
        "kube-linter no-liveness-probe",
        "kube-score pod-probes (partial)",
        "polaris livenessProbeMissing",
    ),
)
def liveness_probe(container: Container, manifest: Manifest) -> Iterator[Finding]:
    """Containers of long-running workloads have a liveness probe.

    ## What it does
    Reports an app container without `livenessProbe`, at its `- name:` line, in every
    long-running workload: Deployments, StatefulSets, DaemonSets, ReplicaSets, and any
    other kind with a pod template (OpenShift DeploymentConfig, Argo Rollout).

    Not checked, since their pods are meant to finish: Jobs, CronJobs, and bare Pods with
    `restartPolicy: Never` or `OnFailure`. Init containers run to completion before the
    app starts and ephemeral containers cannot have probes, so neither is checked.

    A `livenessProbe:` key left empty (null) is no probe to the API and is reported as missing.

    Pause containers are not checked: an image whose last path component is `pause` (or
    `pause-<arch>`, as `gcr.io/google_containers/pause-amd64`), from any registry
    (`registry.k8s.io/pause`, `k8s.gcr.io/pause`, `kubernetes/pause`). Such a container
    only holds a volume or a namespace for the pod: it serves nothing and cannot wedge.

    ## Why it matters
    Without a liveness probe the kubelet restarts a container only when its process
    exits. A deadlocked or wedged server keeps running, keeps its endpoints, and keeps
    failing requests until someone deletes the pod by hand.

    ## Example
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        ports:
          - name: http
            containerPort: 8080
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        ports:
          - name: http
            containerPort: 8080
        livenessProbe:
          httpGet:
            path: /healthz
            port: http
    ```

    ## Fix
    Safe: adds a `livenessProbe` with an `httpGet` of `path` and `port` (block style) at
    the end of the container. The path is `probe-path` in `[tool.opslint.defaults]`. The
    port is the first declared TCP `containerPort` whose name says HTTP (`http`, `https`,
    `web`, `http-server`), else the first that neither names nor numbers a well-known
    service that does not speak HTTP (`redis`, `grpc`, `mysql`, 5432, ...), nor says so in
    a comment on its line (`# gRPC`). It is written by name when it has one, else by
    number, with `scheme: HTTPS` for a port named `https` or numbered 443 or 8443.
    opslint never invents an endpoint: without `probe-path`, or for a container with no
    such port, there is no edit and the help line says which is missing. Check that the
    endpoint answers quickly without calling the app's dependencies: a liveness probe
    that fails restarts the container.

    ## Variants
    - Long-running workloads: Deployments, StatefulSets, DaemonSets, ReplicaSets,
      ReplicationControllers, DeploymentConfigs, bare Pods and pod templates of custom kinds
      (checkov, kube-linter, polaris): covered.
    - Jobs and CronJobs (checkov and polaris skip them; kube-linter reports them): not
      covered: their pods are meant to finish; bare Pods with `restartPolicy: Never` or
      `OnFailure` are skipped for the same reason.
    - Init containers (checkov, kube-linter and polaris skip them too): not covered: they
      run to completion before the app starts. Sidecar init containers (`restartPolicy:
      Always`) can have probes but are not checked either: no peer checks them, and a
      sidecar's health is usually its main container's concern.
    - Ephemeral containers: not covered: Kubernetes does not allow probes on them.
    - Pause containers (`registry.k8s.io/pause`, `kubernetes/pause`, `pause-amd64`): not
      covered, while checkov, kube-linter and polaris report them: they only hold a volume
      or a namespace and serve nothing.
    - Any handler (`httpGet`, `tcpSocket`, `exec`, `grpc`) (checkov, kube-linter, polaris):
      covered: a written probe counts whatever it runs.
    - A probe written empty (`livenessProbe:`, null), which the API reads as no probe
      (polaris): covered: reported, without a fix (the key is there to fill by hand).
    - Identical liveness and readiness probes (kube-score pod-probes-identical): not
      covered: how a probe is designed is another concept than having one.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
    """
    yield from missing_probe(container, manifest, "livenessProbe", ("probe-path",))
