"""K8112 host-path."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import PodSpec

from ._pods import host_path_volumes


@rule(
    "K8112",
    "host-path",
    Severity.WARNING,
    tags=("security",),
    security_severity=6.0,
    peers=(
        "kube-linter sensitive-host-mounts (partial)",
        "polaris hostPathSet",
        "trivy KSV-0023",
    ),
    yields_to=("K8125",),
)
def host_path(pod: PodSpec) -> Iterator[Finding]:
    """Pods do not mount directories of the node.

    ## What it does
    Reports every `hostPath` volume of a pod spec (a Pod, or the pod template of any
    workload), at its `path` value (at the `hostPath` key when no path is written).
    Every path counts, read-only mounts included: which node paths are harmless depends
    on the node, not on the manifest. A PersistentVolume's `hostPath` is not a pod
    volume and is not reported (it is the cluster administrator's storage choice).

    Steps back where K8125 reports the same path: a runtime socket (`/var/run/docker.sock`
    and the like), or a directory holding one, is a node path whose specific danger K8125
    names (root on the node), and removing the mount answers both. A suppression of that
    K8125 finding accepts the mount for both rules. With K8125 not enabled, this rule
    reports the socket as any other hostPath.

    ## Why it matters
    A hostPath volume ties the pod to whatever the node has at that path: a writable
    mount lets the pod change the node (binaries, kubelet credentials, other pods' logs
    and volumes), a read-only one can still leak secrets. The data also stays on one
    node, so a rescheduled pod silently finds a different or empty directory.

    ## Example
    ```yaml
    spec:
      volumes:
        - name: data
          hostPath:
            path: /srv/data
    ```

    ## Use instead
    ```yaml
    spec:
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: data
    ```

    ## Fix
    None: node agents (log shippers, CSI and CNI plugins, monitoring daemons) need
    these, and should be suppressed with the `opslint.io/ignore` annotation and a reason.

    ## Variants
    - Every `hostPath` volume (polaris hostPathSet, trivy KSV-0023): covered.
    - The sensitive directories `/`, `/boot`, `/dev`, `/etc`, `/lib`, `/proc`, `/sys`,
      `/usr` (kube-linter sensitive-host-mounts): covered: every path is reported.
    - Writable mounts only (kube-linter writable-host-mount): covered: read-only mounts are
      reported too, as polaris and trivy do.
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (kube-linter, trivy, polaris): covered.
    - A PersistentVolume's `hostPath` (no peer): not covered: it is the cluster
      administrator's storage choice, not a pod's mount.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
    - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    """
    for volume in host_path_volumes(pod):
        where = f"`{volume.path}`" if volume.path else "a node directory"
        yield Finding(
            volume.span,
            f"volume `{volume.name}` of `{pod.owner.kind}/{pod.owner.name}` mounts {where} "
            "of the node (hostPath)",
            logical=pod.logical,
        )
