"""JK102 production-input."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from opslint import Finding, Severity, rule
from opslint.model.jenkins import JenkinsPipeline, JenkinsStage, JenkinsStep

_PRODUCTION_WORD = re.compile(r"(?<![A-Za-z0-9])(?:prod|production|prd)(?![A-Za-z0-9])", re.I)
_PRODUCTION_VALUE = re.compile(r"^(?:prod|production|prd)(?:[-_/.][\w.-]*)?$", re.I)
_OTHER_ENVIRONMENT = re.compile(
    r"(?<![A-Za-z0-9])(?:staging|stage|stg|dev|develop|development|qa|test|testing|uat|"
    r"preview|sandbox|review|demo|int|integration|nonprod|non-prod)(?![A-Za-z0-9])",
    re.I,
)
_DEPLOY_NAME = re.compile(r"deploy|release|roll-?out|promot|publish|ship|apply", re.I)
_DEPLOY_COMMAND = re.compile(
    r"\b(?:kubectl|oc)\b[^\n;&|]*\s(?:apply|create|replace|patch|rollout|scale|set\s+image)\b"
    r"|\bhelm\b[^\n;&|]*\s(?:install|upgrade|rollback)\b"
    r"|\bhelmfile\b[^\n;&|]*\s(?:apply|sync)\b"
    r"|\b(?:terraform|tofu|terragrunt)\b[^\n;&|]*\s(?:apply|destroy)\b"
    r"|\bansible-playbook\b"
    r"|\b(?:serverless|sls|cdk|eb|fly|flyctl|skaffold|gcloud|az)\b[^\n;&|]*\sdeploy\b"
    r"|\baws\b[^\n;&|]*\s(?:update-service|deploy|update-function-code)\b"
    r"|\bpulumi\s+up\b"
    r"|\bdocker\s+stack\s+deploy\b"
    r"|\bargocd\s+app\s+sync\b"
)
_DEPLOY_STEPS = frozenset(
    {"kubernetesDeploy", "ansiblePlaybook", "azureWebAppPublish", "azureFunctionAppPublish"}
)
_MAIN_BRANCHES = re.compile(r"^(?:main|master|production|release.*)$")


def _deploy_lines(step: JenkinsStep) -> list[str]:
    """The lines of a step's script that deploy (an empty list when it does not)."""
    if step.run is None:
        return [step.kind] if step.kind in _DEPLOY_STEPS else []
    return [line for line in step.run.text.split("\n") if _DEPLOY_COMMAND.search(line)]


def _lineage(stage: JenkinsStage) -> Iterator[JenkinsStage]:
    current: JenkinsStage | None = stage
    while current is not None:
        yield current
        current = current.parent


def _approves(stage: JenkinsStage, before: int | None = None) -> bool:
    """The stage has an `input` directive, or an `input` step (before step `before`)."""
    if stage.input is not None:
        return True
    return any(
        step.kind == "input" and not step.post and (before is None or step.index < before)
        for step in stage.jenkins_steps
    )


def _production(stage: JenkinsStage, deploy_lines: list[str], environment: Iterable[str]) -> bool:
    lineage = list(_lineage(stage))
    names = [s.name for s in lineage]
    values = [*environment, *(e.value for s in lineage for e in s.env if e.value)]
    named = any(_PRODUCTION_WORD.search(name) for name in names)
    if named and (deploy_lines or _DEPLOY_NAME.search(stage.name)):
        return True
    if not deploy_lines:
        return False
    strings = [text for s in lineage for text in s.when_strings]
    if any(_PRODUCTION_VALUE.match(v.strip()) for v in (*values, *strings)):
        return True
    if any(_PRODUCTION_WORD.search(line) for line in deploy_lines):
        return True
    branches = [branch for s in lineage for branch in s.when_branches]
    if not any(_MAIN_BRANCHES.match(branch) for branch in branches):
        return False
    others = (*names, *deploy_lines, *values)
    return not any(_OTHER_ENVIRONMENT.search(text) for text in others)


@rule("JK102", "production-input", Severity.WARNING, tags=("jenkins", "delivery", "safety"))
def production_input(pipeline: JenkinsPipeline) -> Iterator[Finding]:
    """A stage that deploys to production waits for an `input` approval first.

    ## What it does
    Reports, at its `stage('...')` header, a stage of a declarative pipeline that deploys
    to production with no `input` approval before it. A stage deploys when one of its
    steps runs a deploy command (`kubectl apply|create|replace|patch|rollout|scale|set
    image`, `helm install|upgrade|rollback`, `helmfile apply|sync`, `terraform apply|
    destroy`, `ansible-playbook`, `aws ... update-service`, `gcloud|az|serverless|cdk ...
    deploy`, `pulumi up`, `docker stack deploy`, `argocd app sync`) or a deploy plugin
    step (`kubernetesDeploy`, `ansiblePlaybook`, `azureWebAppPublish`). It deploys to
    production when:

    - its name (or an enclosing stage's) says `prod`, `production` or `prd` and it runs a
      deploy command or its name says deploy, release, roll out, promote or publish;
    - or it runs a deploy command and the environment is named production: an
      `environment` value (`DEPLOY_ENV = 'production'`) of the stage or the pipeline, a
      string of its `when` block (`environment name: 'TARGET', value: 'prod'`,
      `expression { params.ENV == 'prod' }`), or the command itself (`--context prod`,
      `-f values-prod.yaml`);
    - or it runs a deploy command only on `main`, `master`, `production` or `release*`
      (`when { branch 'main' }`) and names no other environment (staging, dev, qa, ...).

    Approval counts when the stage (or an enclosing stage) has an `input { ... }`
    directive, when an `input` step runs in the stage before its first deploy command,
    or when any stage earlier in the pipeline has one (a separate "Approve" stage).
    Steps in `post` blocks do not count. Scripted pipelines are not checked.

    ## Why it matters
    Without an approval, whatever reaches the branch ships to production as soon as the
    build gets there: a broken change, or one that should have waited for a release
    window, lands without anyone deciding it should.

    ## Example
    ```groovy
    stage('Deploy production') {
        when { branch 'main' }
        steps { sh 'helm upgrade --install web ./chart -f values-prod.yaml' }
    }
    ```

    ## Use instead
    ```groovy
    stage('Deploy production') {
        when { branch 'main' }
        input { message 'Deploy to production?' }
        steps { sh 'helm upgrade --install web ./chart -f values-prod.yaml' }
    }
    ```

    ## Fix
    None: who approves (`submitter`) and how is the team's decision.

    ## Variants
    No peer checks Jenkinsfiles for approval gates. The forms Jenkins gives approval:
    - A stage's `input { }` directive, or an enclosing stage's: covered.
    - An `input` step before the first deploy command, also inside a `timeout(...) { }`
      block: covered.
    - A separate approval stage earlier in the pipeline: covered.
    - `input` steps in `post` blocks: covered, as not gating: they run after the deploy.
    - Scripted pipelines (`node { }`): not covered: their stages are Groovy calls whose
      order the rule cannot read reliably.
    - Approval outside the Jenkinsfile (a promotion plugin, a gated job that triggers
      this one): not covered: it is not in the file.

    ## References
    - https://www.jenkins.io/doc/book/pipeline/syntax/#input
    - https://www.jenkins.io/doc/pipeline/steps/pipeline-input-step/
    """
    if not pipeline.declarative:
        return
    environment = list(pipeline.env_names.values())
    approved = False
    for stage in pipeline.stage_list:
        steps = [step for step in stage.jenkins_steps if not step.post]
        first = next((step for step in steps if _deploy_lines(step)), None)
        lines = [line for step in steps for line in _deploy_lines(step)]
        if any(_approves(s) for s in _lineage(stage) if s is not stage):
            approved = True
        gated = approved or _approves(stage, first.index if first else None)
        if not gated and _production(stage, lines, environment):
            yield Finding(
                stage.span,
                f"stage `{stage.name}` deploys to production without an `input` "
                "approval: add `input { message 'Deploy to production?' }` to it or "
                "to a stage before it",
                logical=stage.logical,
            )
        approved = approved or _approves(stage)
