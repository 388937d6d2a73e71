"""The CircleCI layout of `opslint new pipeline`: `.circleci/config.yml`, without orbs."""

from __future__ import annotations

from ._pipeline_common import (
    DOCKER_CLI_IMAGE,
    KUBE_IMAGE,
    OPSLINT_IMAGE,
    OPSLINT_INSTALL,
    TRIVY_GATE,
    TRIVY_IMAGE,
    Block,
    Plan,
    header,
    yaml_text,
)

WORKING_DIRECTORY = "/tmp/project"
_SHA = "$CIRCLE_SHA1"
Job = dict[str, object]
Step = object


def _run(plan: Plan, name: str, command: str) -> dict[str, object]:
    text: str = Block(command) if "\n" in command else command
    return {"run": {"name": name, "command": text, "no_output_timeout": f"{plan.timeout}m"}}


def _job(plan: Plan, image: str, steps: list[Step], env: dict[str, str] | None = None) -> Job:
    job: Job = {
        "docker": [{"image": plan.image_ref(image)}],
        "resource_class": "medium",
        "working_directory": WORKING_DIRECTORY,
    }
    if env:
        job["environment"] = env
    job["steps"] = steps
    return job


def circleci_config(plan: Plan) -> tuple[str, str]:
    """(path, text) of the config."""
    stack = plan.stack
    jobs: dict[str, Job] = {}
    setup: list[Step] = ["checkout"]
    env: dict[str, str] = {}
    image = "debian:bookworm-slim"
    if stack is not None:
        image = stack.image
        env = {
            name: value.replace("$PROJECT", WORKING_DIRECTORY) for name, value in stack.cache_env
        }
        key = "deps-v1-" + "-".join(f'{{{{ checksum "{name}" }}}}' for name in stack.cache_files)
        setup += [
            {"restore_cache": {"keys": [key]}},
            _run(plan, "Install dependencies", stack.install),
            {"save_cache": {"key": key, "paths": list(stack.cache_paths)}},
        ]
    for job_id, title, command in plan.check_jobs():
        jobs[job_id] = _job(plan, image, [*setup, _run(plan, title, command)], env)
    jobs["opslint"] = _job(
        plan,
        OPSLINT_IMAGE,
        [
            "checkout",
            _run(plan, "Install opslint", OPSLINT_INSTALL),
            _run(
                plan,
                "Write the SARIF report",
                "opslint check --format sarif -o opslint.sarif --exit-zero",
            ),
            {"store_artifacts": {"path": "opslint.sarif"}},
            _run(plan, "Check delivery configs", "opslint check"),
        ],
    )
    gates = list(jobs)
    if not plan.image:
        audited = plan.audited_stack()
        if audited is None:
            jobs["audit"] = _job(
                plan,
                TRIVY_IMAGE,
                ["checkout", _run(plan, "Scan the dependencies", f"trivy fs {TRIVY_GATE} .")],
            )
            jobs["audit"]["docker"] = [
                {"image": plan.image_ref(TRIVY_IMAGE), "entrypoint": ["/bin/sh"]}
            ]
        else:
            jobs["audit"] = _job(
                plan, image, [*setup, _run(plan, "Audit the dependencies", audited.audit)], env
            )
        gates.append("audit")
    reference = f'"$IMAGE_REPOSITORY:{_SHA}"'
    if plan.image:
        jobs["build"] = _job(
            plan,
            DOCKER_CLI_IMAGE,
            [
                "checkout",
                "setup_remote_docker",
                _run(plan, "Build the image", f"docker build --pull --tag {reference} ."),
                _run(
                    plan,
                    "Push the image",
                    "printf '%s' \"$REGISTRY_PASSWORD\" | docker login --username "
                    '"$REGISTRY_USER" --password-stdin "${IMAGE_REPOSITORY%%/*}"\n'
                    f"docker push {reference}",
                ),
                _run(
                    plan,
                    "Scan the image",
                    'docker run --rm -e TRIVY_USERNAME="$REGISTRY_USER" '
                    '-e TRIVY_PASSWORD="$REGISTRY_PASSWORD" '
                    f"{plan.image_ref(TRIVY_IMAGE)} image {TRIVY_GATE} {reference}",
                ),
            ],
        )
    for environment in ("staging", "production") if plan.deploy != "none" else ():
        commands = plan.deploy_commands(environment, _SHA)
        jobs[f"deploy-{environment}"] = _job(
            plan,
            KUBE_IMAGE,
            [
                "checkout",
                _run(
                    plan,
                    "Write the kubeconfig",
                    "umask 077\nprintf '%s\\n' \"$KUBE_CONFIG\" > /tmp/kubeconfig",
                ),
                _run(plan, f"Deploy to {environment}", "\n".join(commands)),
            ],
            {"KUBECONFIG": "/tmp/kubeconfig"},
        )
    main = {"branches": {"only": [plan.branch]}}
    flow: list[object] = [*plan.checks, "opslint", *(["audit"] if not plan.image else [])]
    previous = gates
    if plan.image:
        flow.append(
            {
                "build": {
                    "requires": previous,
                    "context": ["registry"],
                    "filters": main,
                }
            }
        )
        previous = ["build"]
    if plan.deploy != "none":
        contexts = ["registry"] if plan.image else []
        flow += [
            {
                "deploy-staging": {
                    "requires": previous,
                    "context": [*contexts, "staging"],
                    "filters": main,
                }
            },
            {
                "approve-production": {
                    "type": "approval",
                    "requires": ["deploy-staging"],
                    "filters": main,
                }
            },
            {
                "deploy-production": {
                    "requires": ["approve-production"],
                    "context": [*contexts, "production"],
                    "filters": main,
                }
            },
        ]
    document: dict[str, object] = {
        "version": 2.1,
        "jobs": jobs,
        "workflows": {"delivery": {"jobs": flow}},
    }
    notes = []
    if plan.image:
        notes.append(
            "Create the context `registry` with IMAGE_REPOSITORY, REGISTRY_USER and "
            "REGISTRY_PASSWORD."
        )
    if plan.deploy != "none":
        notes.append(
            "Create the contexts `staging` and `production`, each with a KUBE_CONFIG "
            "variable; restrict `production` to the approvers' security group."
        )
    return ".circleci/config.yml", yaml_text(document, header("circleci", plan, notes))
