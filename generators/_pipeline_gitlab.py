"""The GitLab CI layout of `opslint new pipeline`: one `.gitlab-ci.yml`."""

from __future__ import annotations

from ._pipeline_common import (
    DOCKER_DIND_IMAGE,
    DOCKER_IMAGE,
    KUBE_IMAGE,
    OPSLINT_IMAGE,
    OPSLINT_INSTALL,
    TRIVY_GATE,
    TRIVY_IMAGE,
    Plan,
    header,
    yaml_text,
)

Job = dict[str, object]
_SHA = "$CI_COMMIT_SHA"
_ON_BRANCH = '$CI_COMMIT_BRANCH == "{branch}"'


def _entrypoint(image: str) -> dict[str, object]:
    """An image whose entrypoint is a tool, not a shell, with the entrypoint cleared."""
    return {"name": image, "entrypoint": [""]}


def gitlab_ci(plan: Plan) -> tuple[str, str]:
    """(path, text) of the pipeline."""
    timeout = f"{plan.timeout} minutes"
    stack = plan.stack
    on_branch = _ON_BRANCH.format(branch=plan.branch)
    variables: dict[str, object] = {}
    if plan.image:
        variables["IMAGE_REPOSITORY"] = plan.repository or "$CI_REGISTRY_IMAGE"
    jobs: dict[str, Job] = {}
    if stack is not None:
        for name, value in stack.cache_env:
            variables[name] = value.replace("$PROJECT", "$CI_PROJECT_DIR")
        template: Job = {"image": plan.image_ref(stack.image)}
        if stack.cache_paths:
            template["cache"] = {
                "key": {"files": list(stack.cache_files[:2])},
                "paths": [f"{path}/" for path in stack.cache_paths],
            }
        template["before_script"] = [stack.install]
        jobs[".dependencies"] = template
    for job_id, command in plan.checks.items():
        job: Job = {"stage": "check"}
        if stack is not None:
            job["extends"] = ".dependencies"
        job["timeout"] = timeout
        job["script"] = [command]
        jobs[job_id] = job
    jobs["opslint"] = {
        "stage": "check",
        "image": plan.image_ref(OPSLINT_IMAGE),
        "timeout": timeout,
        "script": [
            OPSLINT_INSTALL,
            "opslint check --format gitlab -o gl-code-quality-report.json",
        ],
        "artifacts": {
            "when": "always",
            "reports": {"codequality": "gl-code-quality-report.json"},
        },
    }
    trivy_cache = {"key": "trivy", "paths": [".trivycache/"]}
    if not plan.image:
        audited = plan.audited_stack()
        if audited is None:
            jobs["audit"] = {
                "stage": "check",
                "image": _entrypoint(plan.image_ref(TRIVY_IMAGE)),
                "timeout": timeout,
                "variables": {"TRIVY_CACHE_DIR": ".trivycache/"},
                "cache": trivy_cache,
                "script": [f"trivy fs {TRIVY_GATE} ."],
            }
        else:
            jobs["audit"] = {
                "stage": "check",
                "extends": ".dependencies",
                "timeout": timeout,
                "script": [audited.audit],
            }
    stages = ["check"]
    if plan.image:
        stages += ["build", "scan"]
        custom = bool(plan.repository)
        user, password = (
            ("$REGISTRY_USER", "$REGISTRY_PASSWORD")
            if custom
            else ("$CI_REGISTRY_USER", "$CI_REGISTRY_PASSWORD")
        )
        registry = '"${IMAGE_REPOSITORY%%/*}"' if custom else '"$CI_REGISTRY"'
        jobs["build"] = {
            "stage": "build",
            "image": plan.image_ref(DOCKER_IMAGE),
            "services": [plan.image_ref(DOCKER_DIND_IMAGE)],
            "variables": {"DOCKER_TLS_CERTDIR": "/certs"},
            "timeout": timeout,
            "script": [
                f'printf \'%s\' "{password}" | docker login --username "{user}"'
                f" --password-stdin {registry}",
                f'docker build --pull --tag "$IMAGE_REPOSITORY:{_SHA}" .',
                f'docker push "$IMAGE_REPOSITORY:{_SHA}"',
            ],
        }
        jobs["scan"] = {
            "stage": "scan",
            "image": _entrypoint(plan.image_ref(TRIVY_IMAGE)),
            "variables": {
                "TRIVY_USERNAME": user,
                "TRIVY_PASSWORD": password,
                "TRIVY_CACHE_DIR": ".trivycache/",
            },
            "timeout": timeout,
            "cache": trivy_cache,
            "script": [f'trivy image {TRIVY_GATE} "$IMAGE_REPOSITORY:{_SHA}"'],
        }
    if plan.deploy != "none":
        stages += ["staging", "production"]
        for environment in ("staging", "production"):
            rule: dict[str, object] = {"if": on_branch}
            if environment == "production":
                rule["when"] = "manual"
            jobs[f"deploy-{environment}"] = {
                "stage": environment,
                "image": _entrypoint(plan.image_ref(KUBE_IMAGE)),
                "environment": {"name": environment},
                "resource_group": environment,
                "timeout": timeout,
                "rules": [rule],
                "script": plan.deploy_commands(environment, _SHA),
            }
    document: dict[str, object] = {
        "workflow": {
            "rules": [
                {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'},
                {"if": on_branch},
            ]
        },
        "stages": stages,
    }
    if variables:
        document["variables"] = variables
    document["default"] = {"interruptible": True}
    document.update(jobs)
    notes = []
    if plan.deploy != "none":
        notes.append(
            "Define `KUBECONFIG` as a File variable scoped to each of the environments "
            "`staging` and `production`; protect `production`."
        )
    if plan.image and plan.repository:
        notes.append("Define the variables `REGISTRY_USER` and `REGISTRY_PASSWORD` (masked).")
    return ".gitlab-ci.yml", yaml_text(document, header("gitlab-ci", plan, notes))
