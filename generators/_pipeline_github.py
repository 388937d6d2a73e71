"""The GitHub Actions layout of `opslint new pipeline`: one workflow file."""

from __future__ import annotations

from ._pipeline_common import (
    HELM_VERSION,
    KUBECTL_VERSION,
    OPSLINT_INSTALL,
    OPSLINT_PYTHON,
    Block,
    Commented,
    Plan,
    Stack,
    action,
    header,
    yaml_text,
)

RUNNER = "ubuntu-24.04"
TAGS = {
    "actions/checkout": "v4",
    "actions/setup-node": "v4",
    "actions/setup-python": "v5",
    "actions/setup-go": "v5",
    "actions/setup-java": "v4",
    "actions/cache": "v4",
    "astral-sh/setup-uv": "v5",
    "docker/setup-buildx-action": "v3",
    "docker/build-push-action": "v6",
    "docker/login-action": "v3",
    "aquasecurity/trivy-action": "0.28.0",
    "github/codeql-action/upload-sarif": "v3",
    "azure/setup-helm": "v4",
    "azure/setup-kubectl": "v4",
}
"""The release tag written for each action when `[tool.opslint.pins]` has no pin for it."""

_INSTALL = {
    "npm": "npm ci",
    "yarn": "yarn install --frozen-lockfile",
    "pnpm": "pnpm install --frozen-lockfile",
    "pip": "",
    "poetry": "poetry install --no-interaction",
    "uv": "uv sync --locked",
    "go": "go mod download",
    "maven": "mvn -B dependency:go-offline",
    "gradle": "./gradlew --no-daemon dependencies",
    "cargo": "cargo fetch --locked",
}

Step = dict[str, object]


class _Workflow:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def uses(self, name: str) -> str | Commented:
        return action(self.plan.pins, name, TAGS[name])

    def checkout(self) -> Step:
        return {"uses": self.uses("actions/checkout"), "with": {"persist-credentials": False}}

    def setup(self, stack: Stack | None) -> list[Step]:
        """Steps that install the toolchain and restore the dependency cache."""
        if stack is None:
            return []
        files = "\n".join(stack.cache_files)
        if stack.language == "node":
            steps: list[Step] = []
            if stack.manager == "pnpm":
                steps.append({"name": "Enable pnpm", "run": "corepack enable"})
            with_: dict[str, object] = {"node-version": stack.version, "cache": stack.manager}
            if files:
                with_["cache-dependency-path"] = files
            return [*steps, {"uses": self.uses("actions/setup-node"), "with": with_}]
        if stack.language == "python":
            if stack.manager == "uv":
                return [
                    {
                        "uses": self.uses("astral-sh/setup-uv"),
                        "with": {"enable-cache": True, "cache-dependency-glob": files},
                    }
                ]
            steps = []
            if stack.manager == "poetry":
                steps.append({"name": "Install Poetry", "run": "pipx install poetry==1.8.5"})
            with_ = {"python-version": stack.version, "cache": stack.manager or "pip"}
            if files:
                with_["cache-dependency-path"] = files
            return [*steps, {"uses": self.uses("actions/setup-python"), "with": with_}]
        if stack.language == "go":
            return [
                {
                    "uses": self.uses("actions/setup-go"),
                    "with": {"go-version-file": "go.mod", "cache-dependency-path": files},
                }
            ]
        if stack.language == "java":
            return [
                {
                    "uses": self.uses("actions/setup-java"),
                    "with": {
                        "distribution": "temurin",
                        "java-version": stack.version,
                        "cache": stack.manager,
                    },
                }
            ]
        return [
            {
                "uses": self.uses("actions/cache"),
                "with": {
                    "path": Block("~/.cargo/registry\n~/.cargo/git\ntarget"),
                    "key": "${{ runner.os }}-cargo-${{ hashFiles('Cargo.lock') }}",
                },
            }
        ]

    def install(self, stack: Stack | None) -> list[Step]:
        if stack is None:
            return []
        command = _INSTALL.get(stack.manager, "")
        if stack.manager == "pip":
            command = stack.install
        return [{"name": "Install dependencies", "run": command}] if command else []

    def job(
        self,
        name: str,
        steps: list[Step],
        permissions: dict[str, str],
        needs: list[str] | None = None,
        **extra: object,
    ) -> dict[str, object]:
        job: dict[str, object] = {"name": name}
        if needs:
            job["needs"] = needs
        if "if" in extra:
            job["if"] = extra.pop("if")
        job["runs-on"] = RUNNER
        job["timeout-minutes"] = self.plan.timeout
        job.update(extra)
        job["permissions"] = permissions
        job["steps"] = steps
        return job

    def checks(self) -> dict[str, dict[str, object]]:
        plan = self.plan
        jobs: dict[str, dict[str, object]] = {}
        read = {"contents": "read"}
        for job_id, title, command in plan.check_jobs():
            steps: list[Step] = [
                self.checkout(),
                *self.setup(plan.stack),
                *self.install(plan.stack),
                {"name": title, "run": command},
            ]
            jobs[job_id] = self.job(title, steps, read)
        jobs["opslint"] = self.job(
            "Check delivery configs",
            [
                self.checkout(),
                {
                    "uses": self.uses("actions/setup-python"),
                    "with": {"python-version": OPSLINT_PYTHON},
                },
                {"name": "Install opslint", "run": OPSLINT_INSTALL},
                {
                    "name": "Run opslint",
                    "run": "opslint check --format sarif -o opslint.sarif",
                },
                {
                    "name": "Upload the findings",
                    "if": "${{ !cancelled() }}",
                    "uses": self.uses("github/codeql-action/upload-sarif"),
                    "with": {"sarif_file": "opslint.sarif", "category": "opslint"},
                },
            ],
            {"actions": "read", "contents": "read", "security-events": "write"},
        )
        if not plan.image:
            jobs["audit"] = self.job("Audit dependencies", self.audit_steps(), read)
        return jobs

    def audit_steps(self) -> list[Step]:
        stack = self.plan.audited_stack()
        if stack is None:
            return [
                self.checkout(),
                {
                    "name": "Scan the dependencies",
                    "uses": self.uses("aquasecurity/trivy-action"),
                    "with": {
                        "scan-type": "fs",
                        "scan-ref": ".",
                        "severity": "CRITICAL,HIGH",
                        "ignore-unfixed": True,
                        "exit-code": "1",
                    },
                },
            ]
        command = stack.audit
        if stack.manager in ("pip", "uv", "poetry"):
            command = command.replace("python -m pip install uv==0.5.11 && ", "")
            command = command.replace("python -m pip install poetry==1.8.5 && ", "")
        return [
            self.checkout(),
            *self.setup(stack),
            {"name": "Audit the dependencies", "run": command},
        ]

    def build(self, needs: list[str]) -> dict[str, object]:
        plan = self.plan
        given = plan.repository
        name = (
            f'echo "repository={given}" >> "$GITHUB_OUTPUT"'
            if given
            else 'echo "repository=ghcr.io/${GITHUB_REPOSITORY,,}" >> "$GITHUB_OUTPUT"'
        )
        reference = "${{ steps.image.outputs.repository }}:${{ github.sha }}"
        registry = given.split("/", 1)[0] if given else "ghcr.io"
        login: dict[str, object] = {"registry": registry}
        if registry == "ghcr.io":
            login.update(username="${{ github.actor }}", password="${{ github.token }}")
        else:
            login.update(
                username="${{ vars.REGISTRY_USERNAME }}",
                password="${{ secrets.REGISTRY_PASSWORD }}",
            )
        on_push = "github.event_name == 'push'"
        steps: list[Step] = [
            self.checkout(),
            {"name": "Name the image", "id": "image", "run": name},
            {"uses": self.uses("docker/setup-buildx-action")},
            {
                "name": "Build the image",
                "uses": self.uses("docker/build-push-action"),
                "with": {
                    "context": ".",
                    "load": True,
                    "push": False,
                    "tags": reference,
                    "cache-from": "type=gha",
                    "cache-to": "type=gha,mode=max",
                },
            },
            {
                "name": "Scan the image",
                "uses": self.uses("aquasecurity/trivy-action"),
                "with": {
                    "image-ref": reference,
                    "severity": "CRITICAL,HIGH",
                    "ignore-unfixed": True,
                    "exit-code": "1",
                },
            },
            {
                "name": "Log in to the registry",
                "if": on_push,
                "uses": self.uses("docker/login-action"),
                "with": login,
            },
            {
                "name": "Push the image",
                "if": on_push,
                "env": {"REPOSITORY": "${{ steps.image.outputs.repository }}"},
                "run": 'docker push "$REPOSITORY:$GITHUB_SHA"',
            },
        ]
        permissions = {"contents": "read", "packages": "write"}
        return self.job(
            "Build, scan and push the image",
            steps,
            permissions,
            needs,
            outputs={"repository": "${{ steps.image.outputs.repository }}"},
        )

    def deploy(self, environment: str, needs: list[str]) -> dict[str, object]:
        plan = self.plan
        tool: Step = (
            {
                "uses": self.uses("azure/setup-helm"),
                "with": {"version": HELM_VERSION},
            }
            if plan.deploy == "helm"
            else {
                "uses": self.uses("azure/setup-kubectl"),
                "with": {"version": KUBECTL_VERSION},
            }
        )
        env: dict[str, object] = {"KUBECONFIG": "${{ runner.temp }}/kubeconfig"}
        if plan.image:
            env["IMAGE_REPOSITORY"] = "${{ needs.build.outputs.repository }}"
        commands = plan.deploy_commands(environment, "$GITHUB_SHA")
        steps: list[Step] = [
            self.checkout(),
            tool,
            {
                "name": "Write the kubeconfig",
                "env": {"KUBE_CONFIG": "${{ secrets.KUBE_CONFIG }}"},
                "run": Block(
                    'umask 077\nprintf \'%s\\n\' "$KUBE_CONFIG" > "$RUNNER_TEMP/kubeconfig"'
                ),
            },
            {
                "name": f"Deploy to {environment}",
                "env": env,
                "run": Block("\n".join(commands)) if len(commands) > 1 else commands[0],
            },
        ]
        return self.job(
            f"Deploy to {environment}",
            steps,
            {"contents": "read"},
            needs,
            **{
                "if": "github.event_name == 'push'",
                "environment": environment,
                "concurrency": {"group": f"deploy-{environment}", "cancel-in-progress": False},
            },
        )


def workflow(plan: Plan) -> tuple[str, str]:
    """(path, text) of the workflow."""
    maker = _Workflow(plan)
    jobs: dict[str, object] = dict(maker.checks())
    gates = list(jobs)
    if plan.image:
        jobs["build"] = maker.build(gates)
        gates = ["build"]
    if plan.deploy != "none":
        jobs["deploy-staging"] = maker.deploy("staging", gates)
        production = ["deploy-staging", *(["build"] if plan.image else [])]
        jobs["deploy-production"] = maker.deploy("production", production)
    document: dict[str, object] = {
        "name": "CI",
        "on": {"push": {"branches": [plan.branch]}, "pull_request": {}},
        "permissions": {},
        "concurrency": {
            "group": "${{ github.workflow }}-${{ github.ref }}",
            "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
        },
        "jobs": jobs,
    }
    notes = []
    if plan.deploy != "none":
        notes.append(
            "Set up the environments `staging` and `production` (Settings > Environments), "
            "each with a `KUBE_CONFIG` secret; give `production` required reviewers."
        )
    if plan.image and plan.repository and not plan.repository.startswith("ghcr.io/"):
        notes.append("Set the `REGISTRY_USERNAME` variable and the `REGISTRY_PASSWORD` secret.")
    text = yaml_text(document, header("github-actions", plan, notes))
    text = text.replace("\n'on':\n", "\non:\n", 1)  # the key GitHub documents, unquoted
    return ".github/workflows/ci.yaml", text
