"""Fixes of the Compose and GitLab rules: configured values, missing settings, no-edit cases."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import run_engine

from opslint.config import Config
from opslint.engine.fixer import Fixer
from opslint.engine.runner import Session
from opslint.model.base import Finding
from opslint.plugins import PluginManager


def check(
    tmp_path: Path, name: str, text: str, code: str, kind: str, **defaults: str
) -> list[Finding]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    config = Config(root=tmp_path, defaults=dict(defaults))
    report = run_engine([path], select=(code,), kind=kind, config=config)
    return [f for f in report.findings if f.code == code]


def fixed(tmp_path: Path, name: str, text: str, code: str, kind: str, **defaults: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    config = Config(root=tmp_path, defaults=dict(defaults)).with_overrides(select=(code,))
    plugins = PluginManager()
    plugins.load()
    result = Fixer(Session(config, plugins, forced_kind=kind)).run([path])
    assert result.dropped == []
    assert all(change.lines_outside_edits() == [] for change in result.changes.values())
    change = next(iter(result.changes.values()), None)
    return change.text if change is not None else path.read_text(encoding="utf-8")


SERVICE = """\
services:
  api:
    image: example/api:1.4.2
"""


def test_restart_policy_writes_the_configured_policy(tmp_path: Path) -> None:
    text = fixed(tmp_path, "compose.yaml", SERVICE, "DC101", "compose", restart="no")
    # `no` alone would read back as the boolean false: it is quoted
    assert text in (SERVICE + '    restart: "no"\n', SERVICE + "    restart: 'no'\n")


def test_restart_policy_leaves_a_valueless_restart_alone(tmp_path: Path) -> None:
    source = SERVICE + "    restart:\n"
    [finding] = check(tmp_path, "compose.yaml", source, "DC101", "compose")
    assert finding.fix is None


def test_log_rotation_without_settings_names_them(tmp_path: Path) -> None:
    [finding] = check(tmp_path, "compose.yaml", SERVICE, "DC102", "compose")
    assert finding.fix is None
    assert (finding.message, finding.help) == (
        "service `api` sets no `logging`, so its json-file log is never rotated: set "
        "`max-size` and `max-file` under `logging.options`",
        "set `log-max-size` and `log-max-file` in [tool.opslint.defaults] to let `opslint fix` "
        "add them",
    )


def test_log_rotation_needs_only_the_missing_option(tmp_path: Path) -> None:
    source = SERVICE + "    logging:\n      options:\n        max-size: 5m\n"
    [finding] = check(tmp_path, "compose.yaml", source, "DC102", "compose", **{"log-max-file": "4"})
    assert finding.fix is not None
    [edit] = finding.fix.edits
    assert (edit.span.line, edit.span.column) == (6, 21)
    assert edit.text in ("\n        max-file: '4'", '\n        max-file: "4"')


def test_resource_limits_without_settings_names_them(tmp_path: Path) -> None:
    [finding] = check(
        tmp_path, "compose.yaml", SERVICE, "DC103", "compose", **{"compose-cpus": "1.0"}
    )
    assert finding.fix is None
    assert (finding.message, finding.help) == (
        "service `api` has no cpus or memory limit under `deploy.resources.limits`",
        "set `compose-memory` in [tool.opslint.defaults] to let `opslint fix` add it",
    )


def test_resource_limits_leave_a_merged_deploy_alone(tmp_path: Path) -> None:
    source = """\
    x-deploy: &deploy
      deploy:
        resources:
          limits:
            memory: 1G
    services:
      api:
        <<: *deploy
        image: example/api:1.4.2
    """
    [finding] = check(
        tmp_path, "compose.yaml", source, "DC103", "compose", **{"compose-cpus": "1.0"}
    )
    assert finding.fix is None


def test_depends_on_rewrite_keeps_four_space_flush_style(tmp_path: Path) -> None:
    source = """\
    services:
        api:
            image: example/api:1.4.2
            depends_on:
            - db
            - cache
        db:
            image: postgres:16.4
            healthcheck:
                test: ["CMD", "pg_isready"]
        cache:
            image: redis:7.4
    """
    text = fixed(tmp_path, "compose.yaml", source, "DC105", "compose")
    assert text.splitlines()[3:8] == [
        "        depends_on:",
        "            db:",
        "                condition: service_healthy",
        "            cache:",
        "                condition: service_started",
    ]


def test_obsolete_version_keeps_a_document_marker(tmp_path: Path) -> None:
    source = '---\nversion: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n'
    text = fixed(tmp_path, "compose.yaml", source, "DC106", "compose")
    assert text == "---\nservices:\n  web:\n    image: nginx:1.27\n"


def test_production_manual_leaves_referenced_rules_alone(tmp_path: Path) -> None:
    source = """\
    .rules:
      deploy:
        - if: $CI_COMMIT_TAG
    deploy:
      environment: production
      script: ./deploy.sh
      rules: !reference [.rules, deploy]
    """
    [finding] = check(tmp_path, ".gitlab-ci.yml", source, "GL101", "gitlab-ci")
    assert finding.fix is None


def test_production_manual_overrides_a_template_when(tmp_path: Path) -> None:
    source = """\
    .deploy:
      when: on_success
      environment: production
    deploy:
      extends: .deploy
      script: ./deploy.sh
    """
    text = fixed(tmp_path, ".gitlab-ci.yml", source, "GL101", "gitlab-ci")
    assert text.endswith("  script: ./deploy.sh\n  when: manual\n")
