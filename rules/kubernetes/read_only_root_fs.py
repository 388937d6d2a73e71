"""K8107 read-only-root-fs."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Applicability, Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import flag_findings
from ._fixes import Manifest, context_fix
from ._pods import runs_on_windows


@rule(
    "K8107",
    "read-only-root-fs",
    Severity.WARNING,
    fix="unsafe",
    tags=("security",),
    security_severity=4.0,
    peers=(
        "checkov CKV_K8S_22",
        "kube-linter no-read-only-root-fs",
        "kube-score container-security-context-readonlyrootfilesystem",
        "polaris notReadOnlyRootFilesystem",
        "trivy KSV-0014",
    ),
    yields_to=("K8110",),
    yields_within="object",
)
def read_only_root_fs(container: Container, manifest: Manifest) -> Iterator[Finding]:
    """Containers run with a read-only root filesystem.

    ## What it does
    Reports each container, init container and ephemeral container whose
    `securityContext` does not set `readOnlyRootFilesystem: true`: at the value when it
    is `false`, else at the container's `- name:` line. The setting exists only on
    containers; a pod-level `securityContext` cannot give it, so a key written there (or
    directly under the container) does not count.

    Steps back where K8110 reports the same container: a privileged container can remount
    its root filesystem read-write, so removing `privileged` is the change that matters.
    With K8110 not enabled, this rule reports the container.

    Windows pods (`os.name: windows`, or a `nodeSelector` on `kubernetes.io/os: windows`)
    are not checked: `readOnlyRootFilesystem` is a Linux setting, and the API refuses it beside
    `os.name: windows`.

    ## Why it matters
    A writable root filesystem lets an intruder drop tools, rewrite the application's
    code or configuration, and persist until the container is replaced. With a read-only
    root the image is what runs; scratch space is an explicit `emptyDir` mount
    (`/tmp`, caches) that is easy to review.

    ## Example
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        securityContext:
          readOnlyRootFilesystem: true
        volumeMounts:
          - name: tmp
            mountPath: /tmp
    volumes:
      - name: tmp
        emptyDir: {}
    ```

    ## Fix
    Unsafe (applied with `--unsafe-fixes`): adds `readOnlyRootFilesystem: true` at the end
    of the container's `securityContext` (creating it at the end of the container when
    missing), or gives the key `true` where it holds no boolean. An application that writes
    outside its mounted volumes then fails at start, visibly: mount an `emptyDir` where it
    needs scratch space. An explicit `readOnlyRootFilesystem: false` is the author's
    decision (the app writes to its filesystem) and gets no edit; nor does a flow-style
    `securityContext: {}`. The catalog lists this fix as safe; it is applied only on request
    because it can stop a working pod: images such as the official nginx, redis and mysql
    ones run as root or write to their own filesystem, and the kubelet then refuses or
    crashes them.

    ## Variants
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, kube-linter, trivy, polaris): covered.
    - Init containers (checkov, kube-linter, kube-score, trivy) and ephemeral containers (no
      peer): covered.
    - `readOnlyRootFilesystem: false` at the value, and the key left out at the container
      (every peer): covered.
    - A privileged container (every peer reports it here too): reported by K8110, and this
      rule steps back there; reported here when K8110 is off.
    - The key in the pod's `securityContext` (no such field) or directly under the
      container: covered: not counted, as no peer counts it.
    - Windows pods (`os.name: windows`, or a `nodeSelector` on `kubernetes.io/os: windows`;
      the API refuses the field for them, no peer exempts them): covered:
      not reported, since `readOnlyRootFilesystem` does not apply there.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1
    """
    if runs_on_windows(container.pod):
        return
    yield from flag_findings(
        container,
        "readOnlyRootFilesystem",
        True,
        wrong="has a writable root filesystem: set `readOnlyRootFilesystem: true`",
        missing="does not set `readOnlyRootFilesystem: true`",
        fix=lambda: context_fix(
            container, manifest, "readOnlyRootFilesystem", True, Applicability.UNSAFE
        ),
    )
