"""K8109 drop-capabilities."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import container_finding
from ._fixes import Manifest, drop_all_fix
from ._pods import runs_on_windows


@rule(
    "K8109",
    "drop-capabilities",
    Severity.WARNING,
    fix="safe",
    tags=("security",),
    security_severity=5.0,
    peers=(
        "checkov CKV_K8S_37",
        "checkov CKV_K8S_28 (partial)",
        "kube-linter drop-net-raw-capability (partial)",
        "polaris insecureCapabilities (partial)",
        "trivy KSV-0003",
        "trivy KSV-0004 (partial)",
    ),
    yields_to=("K8110",),
    yields_within="object",
)
def drop_capabilities(container: Container, manifest: Manifest) -> Iterator[Finding]:
    """Containers drop all Linux capabilities.

    ## What it does
    Reports each container, init container and ephemeral container whose
    `securityContext.capabilities.drop` does not list `ALL` (in any letter case, as the
    container runtimes accept it). A `drop` list without `ALL` is reported at the `drop`
    key; no `drop` list at all is reported at the container's `- name:` line.
    Capabilities exist only on containers: the pod's `securityContext` cannot give them.

    Adding back what the process needs (`add: ["NET_BIND_SERVICE"]`) after dropping `ALL`
    is the intended pattern and passes.

    Steps back where K8110 reports the same container: a privileged container has every
    capability whatever it drops (the runtime applies no `drop` list beside
    `privileged: true`), so removing `privileged` is the change that matters. With K8110
    not enabled, this rule reports the container.

    Windows pods (`os.name: windows`, or a `nodeSelector` on `kubernetes.io/os: windows`)
    are not checked: `capabilities` is a Linux setting, and the API refuses it beside
    `os.name: windows`.

    ## Why it matters
    Container runtimes grant a default set of capabilities (`NET_RAW`, `CHOWN`,
    `SETUID`, `DAC_OVERRIDE`, ...) that most services never use. `NET_RAW` allows packet
    spoofing on the pod network, the others widen what a compromised process can do
    inside the container and against the kernel. Dropping all and adding back the few
    that are needed makes the grant explicit and reviewable.

    ## Example
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        securityContext:
          capabilities:
            drop: ["NET_RAW"]
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        securityContext:
          capabilities:
            drop: ["ALL"]
    ```

    ## Fix
    Safe: appends `- ALL` to a block-style `drop` list, at its items' indentation and in
    their quoting; where `capabilities` or its `drop` is missing, writes
    `capabilities:` / `drop:` / `- ALL` in block style at the end of the container's
    `securityContext` (creating it when missing). Capabilities listed under `add` stay
    granted. A flow-style list or mapping (`drop: ["NET_RAW"]`, `capabilities: {}`) gets
    no edit.

    ## Variants
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, kube-linter, trivy): covered.
    - `ALL` in any letter case (`all`, `All`) (checkov accepts `ALL` and `all`, trivy
      compares in lower case): covered.
    - A `drop` list without `ALL` (checkov CKV_K8S_37, trivy KSV-0003): covered, at `drop`.
    - No `drop` at all (trivy KSV-0004): covered, at the container.
    - Dropping `NET_RAW` alone (checkov CKV_K8S_28 and kube-linter drop-net-raw-capability
      accept it): not covered as a pass: the rule asks for `ALL`, as checkov CKV_K8S_37 and
      trivy KSV-0003 do.
    - Dangerous capabilities added back (`NET_RAW`, `SYS_ADMIN`, with or without the `CAP_`
      prefix: polaris insecureCapabilities and dangerousCapabilities, kube-linter
      verify-container-capabilities, trivy KSV-0005 and KSV-0022): not covered: adding back
      after `drop: [ALL]` is the intended pattern; which additions are dangerous is another
      concept.
    - A privileged container (checkov, trivy and polaris report it for both concepts):
      reported by K8110, and this rule steps back there; reported here when K8110 is off.
    - Capabilities in the pod's `securityContext` (no such field): not read.
    - Init containers (checkov, kube-linter, trivy) and ephemeral containers (no peer):
      covered.
    - Windows pods (`os.name: windows`, or a `nodeSelector` on `kubernetes.io/os: windows`;
      the Pod Security Standards waive Linux-only controls for them, no peer does): covered:
      not reported, since `capabilities` does not apply there.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container
    - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    """
    if runs_on_windows(container.pod):
        return
    context = container.security_context
    capabilities = context.map("capabilities") if context is not None else None
    drop = capabilities.seq("drop") if capabilities is not None else None
    if capabilities is None or drop is None:
        yield container_finding(
            container,
            "keeps the runtime's default capabilities: set `capabilities.drop: [ALL]`",
            fix=drop_all_fix(container, manifest),
        )
        return
    if any(item.text.strip().upper() == "ALL" for item in drop.scalars()):
        return
    yield container_finding(
        container,
        "drops only some capabilities: drop `ALL` and add back the ones it needs",
        capabilities.key_span("drop"),
        fix=drop_all_fix(container, manifest),
    )
