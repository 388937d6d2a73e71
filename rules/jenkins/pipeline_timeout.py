"""JK101 pipeline-timeout."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.jenkins import JenkinsPipeline, JenkinsStage


def _bounded(stage: JenkinsStage) -> bool:
    """A stage with its own timeout, or whose nested stages all have one."""
    if stage.timeout is not None:
        return True
    return bool(stage.children) and all(_bounded(child) for child in stage.children)


@rule("JK101", "pipeline-timeout", Severity.INFO, tags=("jenkins", "reliability"))
def pipeline_timeout(pipeline: JenkinsPipeline) -> Iterator[Finding]:
    """Declarative pipelines set `options { timeout(...) }`.

    ## What it does
    Reports, at its `pipeline {` line, a declarative pipeline without a `timeout` in its
    pipeline-level `options` block, unless every stage is bounded on its own: a stage is
    bounded by its own `options { timeout(...) }`, by a `timeout(...) { ... }` block that
    wraps all of its steps, or by nested stages (`stages`, `parallel`, `matrix`) that are
    all bounded. Scripted pipelines (`node { ... }`) have no `options` directive and are
    not checked.

    ## Why it matters
    Jenkins never ends a build on its own. A hung test, a deploy waiting on a rollout that
    never finishes, or an `input` nobody answers keeps the build running and the executor
    (and any lock or agent pod) taken for days, blocking every build queued behind it.

    ## Example
    ```groovy
    pipeline {
        agent any
        stages {
            stage('Test') { steps { sh 'make test' } }
        }
    }
    ```

    ## Use instead
    ```groovy
    pipeline {
        agent any
        options { timeout(time: 1, unit: 'HOURS') }
        stages {
            stage('Test') { steps { sh 'make test' } }
        }
    }
    ```

    ## Fix
    None: the right limit depends on how long the pipeline normally takes.

    ## Variants
    No peer checks Jenkinsfiles; the forms Jenkins accepts:
    - `options { timeout(time: 1, unit: 'HOURS') }` and the positional `timeout(30)` at
      the pipeline level: covered.
    - A stage's own `options { timeout(...) }`, or a `timeout(...) { }` step block around
      its steps, on every stage: covered, as bounded.
    - Nested `stages`, `parallel` and `matrix` blocks whose stages are all bounded:
      covered.
    - Scripted pipelines (`node { }`): not covered: they have no `options` directive,
      and a `timeout` step can sit anywhere in their Groovy.

    ## References
    - https://www.jenkins.io/doc/book/pipeline/syntax/#options
    - https://www.jenkins.io/doc/pipeline/steps/workflow-basic-steps/#timeout-enforce-time-limit
    """
    if not pipeline.declarative or pipeline.pipeline_span is None or pipeline.timeout:
        return
    if pipeline.stages and all(_bounded(stage) for stage in pipeline.stages):
        return
    yield Finding(
        pipeline.pipeline_span,
        "pipeline sets no `timeout`: a hung step holds its executor until someone aborts "
        "the build; add `options { timeout(time: 1, unit: 'HOURS') }`",
        logical="pipeline",
    )
