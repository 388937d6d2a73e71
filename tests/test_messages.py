"""Messages say what is wrong first, naming the object, and how to fix it second; the
setting that would let `opslint fix` write a fix, or why none is offered, is the help line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_engine
from test_rule_fixtures import FIXTURES, fixture_files, run_fixture

from opslint.model.base import Finding

PENDING: frozenset[str] = frozenset()
"""Rules whose messages still carry a setting or a reason for no fix; each is listed until
its message moves them to the help line."""

MAX_SHAPE = 140
"""The longest a message may be with each quoted name or value counted as one character."""

_ABOUT_THE_FIX = re.compile(r"tool\.opslint|opslint fix|no automatic fix")


@pytest.fixture(scope="module")
def fixture_findings() -> list[Finding]:
    """Every finding of every rule's fixtures."""
    return [finding for path in fixture_files() for finding in run_fixture(path).findings]


def shape_length(message: str) -> int:
    """The length of `message` with each `quoted` name or value counted as one character."""
    return len(re.sub(r"`[^`]*`", "x", message))


def test_no_message_speaks_of_the_fix(fixture_findings: list[Finding]) -> None:
    speaking = {f.code for f in fixture_findings if _ABOUT_THE_FIX.search(f.message)}
    assert speaking == PENDING


def test_messages_are_short(fixture_findings: list[Finding]) -> None:
    long = [f.message for f in fixture_findings if f.code not in PENDING]
    assert [m for m in long if shape_length(m) > MAX_SHAPE] == []
    assert shape_length("image `a:b` is `c`") == len("image x is x")


CASES = [
    (
        "DC107/bad.compose.yaml",
        3,
        "DC107",
        "service `agent-a` (and `agent-b`, through the same anchor) runs privileged, as "
        "powerful as root on the host: grant only the capability or device it needs",
        None,
    ),
    (
        "DF104/bad.Dockerfile",
        12,
        "DF104",
        "`COPY ./` before `pip install -r` (line 13) reinstalls every dependency on any source "
        "change: copy the manifests and lockfile, install, then copy the rest",
        None,
    ),
    (
        "DF110/bad-shell.Dockerfile",
        18,
        "DF110",
        "ENTRYPOINT in shell form runs under `/bin/sh -c`, which does not pass signals on: "
        'write it in exec form (`ENTRYPOINT ["program", "arg"]`)',
        "no automatic fix: in exec form the ENTRYPOINT would receive the CMD as arguments",
    ),
    (
        "DF121/bad.Dockerfile",
        13,
        "DF121",
        "`8080:80` maps a host port or address, which EXPOSE ignores: expose the container "
        "port only and publish with `docker run -p` or Compose `ports`",
        None,
    ),
    (
        "GH101/bad.workflow.yaml",
        12,
        "GH101",
        "action `some-org/deploy-action` follows the branch `main`, so every push to it runs "
        "in your workflow: pin a full commit SHA",
        None,
    ),
    (
        "GH103/bad.workflow.yaml",
        16,
        "GH103",
        "job `ship-image` runs `docker push ghcr.io/acme/web:${{ github.sha }}` (line 19) but "
        "declares no `environment`: name the environment it deploys to",
        "an environment's protection rules and secrets apply only to jobs that name it",
    ),
    (
        "GH106/bad-workflow-run.workflow.yaml",
        9,
        "GH106",
        "job `deploy` runs `kubectl apply -f k8s/` even when the triggering `workflow_run` "
        "failed: check `github.event.workflow_run.conclusion == 'success'` in its `if:`",
        None,
    ),
    (
        "GH106/bad.workflow.yaml",
        12,
        "GH106",
        "job `deploy` runs `helm upgrade --install web ./chart` without waiting for tests: "
        "add `needs: <test job>`",
        None,
    ),
    (
        "GH107/bad-action.workflow.yaml",
        10,
        "GH107",
        "this step builds an image (`docker/build-push-action`) but no workflow scans images: "
        "scan it before it ships",
        "a scan in any workflow counts: trivy, grype, snyk, docker scout or a scan action",
    ),
    (
        "GH108/bad.workflow.yaml",
        16,
        "GH108",
        "`docker/build-push-action` pushes images tagged only with moving names: add a tag "
        "with the commit SHA (`${{ github.sha }}`)",
        "with docker/metadata-action, `type=sha` in its `tags` writes that tag",
    ),
    (
        "GH109/bad-workflow-run.workflow.yaml",
        15,
        "GH109",
        "`${{ github.event.workflow_run.head_sha }}` checks out the pull request's code with "
        "`workflow_run`'s secrets: move it to a `pull_request` workflow",
        "`workflow_run` runs with the base repository's secrets and token, so anyone who "
        "opens a pull request can run code here",
    ),
    (
        "GL103/bad.gitlab-ci.yml",
        49,
        "GL103",
        "the cache of job `multi` has no `key`, so it shares the `default` cache with every "
        "other job and branch: key it on what it holds",
        "for a dependency cache, key it on the lock file: `key: {files: [package-lock.json]}`",
    ),
    (
        "K8103/bad-no-port.k8s.yaml",
        14,
        "K8103",
        "container `app` has no livenessProbe",
        "no automatic fix: the container declares no HTTP `containerPort` to probe",
    ),
    (
        "K8116/bad.k8s.yaml",
        71,
        "K8116",
        "HorizontalPodAutoscaler `web-v1` leaves its scale-down stabilization window to the "
        "cluster default: set `behavior.scaleDown.stabilizationWindowSeconds`",
        "`autoscaling/v1` has no `behavior`: move to `autoscaling/v2` first",
    ),
    (
        "K8118/bad.k8s.yaml",
        14,
        "K8118",
        "`ClusterRoleBinding/deployer` grants `cluster-admin` over the whole cluster to "
        "service account `ci/deployer`: bind a narrower role",
        None,
    ),
    (
        "K8129/bad.k8s.yaml",
        30,
        "K8129",
        "`Job/migrate` mounts a token for service account `default`: set "
        "`automountServiceAccountToken: false`",
        "keep the token only where the pod calls the Kubernetes API",
    ),
    (
        "TF108/bad.tf",
        3,
        "TF108",
        "module `eks` takes registry module `terraform-aws-modules/eks/aws` without a "
        "`version`: pin the release it was tested with",
        "without one, every `terraform init` downloads the newest release",
    ),
    (
        "TF111/bad-split",
        2,
        "TF111",
        "S3 bucket `aws_s3_bucket.uploads` declares no default encryption with a KMS key: "
        'encrypt it with `sse_algorithm = "aws:kms"`',
        "declare an `aws_s3_bucket_server_side_encryption_configuration` for the bucket",
    ),
]


@pytest.mark.parametrize(
    ("fixture", "line", "code", "message", "help"), CASES, ids=[c[0] for c in CASES]
)
def test_message_and_help_line(
    fixture: str, line: int, code: str, message: str, help: str | None
) -> None:
    report = run_fixture(FIXTURES / fixture)
    found = [(f.message, f.help) for f in report.findings if (f.code, f.span.line) == (code, line)]
    assert found == [(message, help)]


def test_dockerfile_healthcheck_names_its_setting_on_the_help_line(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text('FROM alpine:3.20\nCMD ["serve"]\n', encoding="utf-8")
    report = run_engine([path], select=("DF102",))
    assert [(f.message, f.help) for f in report.findings] == [
        (
            "the final stage has no HEALTHCHECK: add one, or `HEALTHCHECK NONE` to opt out",
            "set `healthcheck` in [tool.opslint.defaults] to let `opslint fix` add it",
        )
    ]
