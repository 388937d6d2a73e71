"""K8125 docker-socket."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import PodSpec

from ._pods import host_path_volumes

SOCKET_NAMES = frozenset(
    {
        "docker.sock",
        "dockershim.sock",
        "cri-dockerd.sock",
        "containerd.sock",
        "crio.sock",
        "podman.sock",
    }
)
"""File names of the container runtimes' API sockets, wherever they are."""
SOCKET_DIRECTORIES = frozenset(
    {
        "/run",
        "/var/run",
        "/run/docker",
        "/var/run/docker",
        "/run/containerd",
        "/var/run/containerd",
        "/run/crio",
        "/var/run/crio",
        "/run/podman",
        "/var/run/podman",
        "/run/k3s/containerd",
        "/var/run/k3s/containerd",
    }
)
"""Directories whose mount hands over a runtime socket they hold."""
WINDOWS_PIPES = frozenset({"docker_engine", "containerd-containerd"})
"""Named pipes through which the Windows container runtimes serve their API."""
_PIPE_PREFIX = "\\\\.\\pipe\\"


def _normal(path: str) -> str:
    text = path.strip()
    if not text.startswith("/"):
        return text
    return posixpath.normpath("/" + text.lstrip("/"))


def _pipe(path: str) -> str | None:
    """The name of the Windows named pipe a path points at (`\\\\.\\pipe\\docker_engine`,
    also written with forward slashes), in lower case; None for other paths."""
    text = path.strip().replace("/", "\\").lower()
    return text[len(_PIPE_PREFIX) :] if text.startswith(_PIPE_PREFIX) else None


@rule(
    "K8125",
    "docker-socket",
    Severity.ERROR,
    tags=("security",),
    security_severity=9.0,
    peers=("checkov CKV_K8S_27", "kube-linter docker-sock", "trivy KSV-0006"),
)
def docker_socket(pod: PodSpec) -> Iterator[Finding]:
    """Pods do not mount the container runtime's socket.

    ## What it does
    Reports a `hostPath` volume whose path is a container runtime's API socket, at the
    path: `docker.sock`, `dockershim.sock`, `cri-dockerd.sock`, `containerd.sock`,
    `crio.sock` or `podman.sock`, in any directory. A mount of the directory that holds
    the sockets also hands them over, so `/run`, `/var/run` and the runtime directories
    (`/run/docker`, `/run/containerd`, `/run/crio`, `/run/podman`, `/run/k3s/containerd`, and their
    `/var/run` forms) are reported as well. Other sockets (`/var/run/app.sock`) and
    other directories below `/run` (`/run/udev`) are not.

    On Windows nodes the runtimes serve their API on named pipes: a `hostPath` of
    `\\\\.\\pipe\\docker_engine` or `\\\\.\\pipe\\containerd-containerd` (also written with forward
    slashes) is reported the same way; other pipes are not.

    It owns the path it reports: K8112 (any hostPath) steps back there, so a socket mount
    is one finding, and suppressing it here accepts the mount for both rules.

    ## Why it matters
    Whoever can talk to the runtime socket can start a privileged container with the
    node's root filesystem mounted: the socket is root on the node, and from there every
    pod, secret and credential on it. A build or monitoring tool that "only reads" from
    the socket is one compromised dependency away from that.

    ## Example
    ```yaml
    spec:
      volumes:
        - name: docker
          hostPath:
            path: /var/run/docker.sock
    ```

    ## Use instead
    ```yaml
    # build images without a daemon (BuildKit rootless, kaniko, buildah)
    spec:
      containers:
        - name: build
          image: moby/buildkit:v0.13.2-rootless
    ```

    ## Fix
    None: the workload has to stop using the runtime's API (rootless builders, the
    kubelet's metrics endpoints instead of the Docker API).

    ## Variants
    - `/var/run/docker.sock` (checkov CKV_K8S_27, trivy KSV-0006): covered.
    - Any path ending in `docker.sock` (kube-linter docker-sock): covered.
    - The sockets of other runtimes (`containerd.sock`, `crio.sock`, `podman.sock`,
      `cri-dockerd.sock`, `dockershim.sock`) (no peer): covered.
    - The directories that hold them (`/run`, `/var/run`, `/run/containerd`, ...) (no peer):
      covered.
    - The Windows runtimes' named pipes (`\\\\.\\pipe\\docker_engine`,
      `\\\\.\\pipe\\containerd-containerd`) (no peer): covered.
    - Paths with a trailing slash or `.`/`..` parts: covered: compared once normalised.
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, kube-linter, trivy): covered.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
    - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    - https://docs.docker.com/engine/security/#docker-daemon-attack-surface
    """
    for volume in host_path_volumes(pod):
        path = _normal(volume.path)
        if posixpath.basename(path) in SOCKET_NAMES or _pipe(volume.path) in WINDOWS_PIPES:
            what = f"the container runtime socket `{volume.path}`"
        elif path in SOCKET_DIRECTORIES:
            what = f"`{volume.path}`, which holds the container runtime socket"
        else:
            continue
        yield Finding(
            volume.span,
            f"volume `{volume.name}` of `{pod.owner.kind}/{pod.owner.name}` mounts {what}: "
            "that is root access to the node",
            logical=pod.logical,
        )
