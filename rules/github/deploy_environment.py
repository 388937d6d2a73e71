"""GH103 deploy-environment."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.ci import GithubJob, GithubWorkflow

from ._workflow import deploy_steps, mentions_deploy, pushes_image_only


def _feeds_deployment(job: GithubJob, workflow: GithubWorkflow) -> bool:
    """True when a job that needs `job` (directly or not) declares an environment, or
    deploys itself (more than pushing an image), so that the environment belongs there."""
    downstream = {job.id}
    changed = True
    while changed:
        changed = False
        for other in workflow.github_jobs:
            if other.id not in downstream and downstream & set(other.needs):
                downstream.add(other.id)
                changed = True
    return any(
        "environment" in other.node or _deploys(other)
        for other in workflow.github_jobs
        if other.id in downstream and other is not job
    )


def _deploys(job: GithubJob) -> bool:
    """True when `job` deploys by more than an image push, or is named as a deployment."""
    if job.uses is not None:
        return False
    evidence = list(deploy_steps(job.steps, publish=True))
    return (bool(evidence) and not pushes_image_only(evidence)) or mentions_deploy(job)


@rule(
    "GH103",
    "deploy-environment",
    Severity.WARNING,
    tags=("github", "delivery", "security"),
    peers=("zizmor secrets-outside-env (partial)",),
)
def deploy_environment(workflow: GithubWorkflow) -> Iterator[Finding]:
    """Jobs that deploy declare the `environment` they deploy to.

    ## What it does
    Reports, at the job's key, a job without `environment:` that deploys: it runs
    `helm upgrade/install`, `kubectl apply/create/set image/rollout restart`,
    `terraform apply`, `docker push`, `aws ecs update-service`, `gcloud run deploy`,
    `az webapp deploy`, `skaffold run` and similar commands (dry runs excluded),
    publishes a package as `docker push` publishes an image (`npm publish`, `yarn` and
    `pnpm publish`, `twine upload`, `poetry publish`, `flit publish`, `cargo publish`,
    `gem push`, `nuget push`, `mvn deploy`, `gradle publish`, `helm push`, or the
    `pypa/gh-action-pypi-publish` and `js-devtools/npm-publish` actions), pushes
    an image with `docker/build-push-action` (`push:` true or an expression), uses a
    deploy action (`azure/webapps-deploy`, `aws-actions/amazon-ecs-deploy-task-definition`,
    `google-github-actions/deploy-*`, `actions/deploy-pages`, ...), or has `deploy` in
    its id or name. Jobs that call a reusable workflow (`jobs.<id>.uses`) cannot declare
    an environment themselves and are skipped: the called workflow's jobs are checked.
    A job that only pushes an image (`docker push`, a pushing build action) for a later
    job that declares an environment, or deploys by more than a push (so that this rule
    reports it when it declares none), is a build stage and is not reported: the later
    job is where the deployment happens and where the environment goes, so the pipeline
    gets one finding, not one per job.
    Nor is a job that applies manifests to a throwaway cluster it starts on the runner
    first (`kind create cluster`, `helm/kind-action`, `minikube start`, `k3d cluster
    create`, ...): the `kubectl`, `helm`, `oc` and `skaffold` commands after that act on a
    cluster that lives for the job, which is an end-to-end test, not a deployment.

    ## Why it matters
    An environment is where GitHub enforces the rules of a deployment: required
    reviewers, wait timers, the branches allowed to deploy, and secrets that only jobs
    of that environment can read. A deploying job without one runs with repository-wide
    secrets on any branch that triggers it, with no approval and no deployment history.

    ## Example
    ```yaml
    jobs:
      deploy:
        runs-on: ubuntu-24.04
        steps:
          - run: helm upgrade --install web ./chart
    ```

    ## Use instead
    ```yaml
    jobs:
      deploy:
        runs-on: ubuntu-24.04
        environment: production
        steps:
          - run: helm upgrade --install web ./chart
    ```

    ## Fix
    None: the environment's name (and its protection rules in the repository settings)
    is a decision for the repository's owners.

    ## Variants
    - A job reading `${{ secrets.* }}` with no `environment` (zizmor secrets-outside-env,
      auditor persona only): not covered: a test or build job may read a secret without
      deploying; this rule judges what a job does, not what it reads.
    - Jobs of a workflow callable with `workflow_call` (zizmor skips them): covered: the
      calling job (`jobs.<id>.uses`) cannot declare an environment, so the called job is
      where it goes.
    - zizmor's per-secret `allow` list: not applicable: no secret names are read.
    - Deploy commands and deploy actions (`helm upgrade`, `kubectl apply`, `terraform
      apply`, `azure/webapps-deploy`, ...): covered; after a step that starts a throwaway
      cluster on the runner, cluster commands are not deployments.
    - Package publishing (`npm`/`yarn`/`pnpm publish`, `twine upload`, `poetry publish`,
      `cargo publish`, `gem push`, `nuget push`, `mvn deploy`, `gradle publish`, `helm
      push`, `pypa/gh-action-pypi-publish`): covered.
    - `docker push`, `docker image push`, `podman push`, a pushing
      `docker/build-push-action`: covered.
    - `podman image push`, `nerdctl push`: not covered yet (GH108 reads them).
    - `environment:` as a name or as a mapping with `name:`: covered.

    ## References
    - https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment
    - https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idenvironment
    - https://docs.zizmor.sh/audits/#secrets-outside-env
    """
    for job in workflow.github_jobs:
        if job.uses is not None or "environment" in job.node:
            continue
        evidence = list(deploy_steps(job.steps, publish=True))
        if evidence and pushes_image_only(evidence) and _feeds_deployment(job, workflow):
            continue
        if evidence:
            why = f"runs {evidence[0].what} (line {evidence[0].span.line})"
        elif mentions_deploy(job):
            why = "is named as a deployment"
        else:
            continue
        yield Finding(
            job.span,
            f"job `{job.id}` {why} but declares no `environment`: name the environment it "
            "deploys to",
            logical=job.logical,
            help="an environment's protection rules and secrets apply only to jobs that name it",
        )
