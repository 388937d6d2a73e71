"""Terraform modules: files of a folder read together, var files, references, suppressions."""

from __future__ import annotations

from pathlib import Path

from conftest import run_engine

from opslint.cli import main
from opslint.config import Config
from opslint.engine.runner import Session
from opslint.indexes.terraform import TerraformModule, module_of
from opslint.model.base import Span
from opslint.model.terraform import TerraformFile, TerraformVarsFile
from opslint.plugins import PluginManager
from opslint.run import Run


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load_module(folder: Path, config: Config | None = None) -> TerraformModule:
    """The module of `folder`, built as a rule sees it during a run."""
    plugins = PluginManager()
    plugins.load()
    session = Session(config or Config(root=folder), plugins)
    run = Run(session.config, session.load)
    first = sorted(folder.glob("*.tf"))[0]
    document = session.load(first)
    assert isinstance(document, TerraformFile)
    return module_of(document, run)


ROOT_FILES = {
    "versions.tf": (
        "terraform {\n"
        '  required_version = ">= 1.6"\n'
        '  backend "s3" {\n'
        '    bucket = "acme-state"\n'
        "  }\n"
        "}\n"
    ),
    "main.tf": (
        'provider "aws" {\n'
        "  default_tags {\n"
        "    tags = local.common\n"
        "  }\n"
        "}\n"
        "\n"
        "locals {\n"
        "  common = merge(var.tags, { service = var.service })\n"
        "  name   = var.service\n"
        "}\n"
        "\n"
        'resource "aws_sqs_queue" "jobs" {\n'
        "  name = local.name\n"
        "}\n"
    ),
    "variables.tf": (
        'variable "service" {\n'
        '  default = "billing"\n'
        "}\n"
        "\n"
        'variable "tags" {\n'
        "  type    = map(string)\n"
        "  default = {}\n"
        "}\n"
    ),
}


def test_a_folder_is_one_module(tmp_path: Path) -> None:
    module = load_module(write(tmp_path / "infra", ROOT_FILES))
    assert [Path(f.path).name for f in module.files] == ["main.tf", "variables.tf", "versions.tf"]
    assert [r.address for r in module.resources] == ["aws_sqs_queue.jobs"]
    assert sorted(module.variables) == ["service", "tags"]
    assert sorted(module.locals) == ["common", "name"]
    assert [p.name for p in module.providers] == ["aws"]
    backend = module.backend
    assert backend is not None and backend.type == "s3"
    assert backend.span.path.endswith("versions.tf")
    assert (backend.span.line, backend.span.column) == (3, 3)
    assert module.is_root


def test_references_resolve_through_locals_and_variable_defaults(tmp_path: Path) -> None:
    module = load_module(write(tmp_path / "infra", ROOT_FILES))
    name = module.resources[0].attribute("name")
    assert name is not None
    resolved = module.resolve(name.term)
    assert resolved.value == "billing"
    assert resolved.span.path.endswith("variables.tf")
    assert (resolved.span.line, resolved.span.column) == (2, 13)


def test_tfvars_values_win_over_defaults_in_terraform_order(tmp_path: Path) -> None:
    folder = write(tmp_path / "infra", ROOT_FILES)
    write(
        folder,
        {
            "terraform.tfvars": 'service = "payments"\n',
            "b.auto.tfvars": 'service = "ledger"\n',
            "a.auto.tfvars.json": '{"service": "orders", "tags": {"team": "core"}}\n',
        },
    )
    module = load_module(folder)
    assert [Path(v.path).name for v in module.var_files] == [
        "terraform.tfvars",
        "a.auto.tfvars.json",
        "b.auto.tfvars",
    ]
    value = module.variable_value("service")
    assert value is not None and value.value == "ledger"
    tags = module.variable_value("tags")
    assert tags is not None and tags.value == {"team": "core"}


def test_configured_var_files_apply_to_root_modules_last(tmp_path: Path) -> None:
    folder = write(tmp_path / "infra", ROOT_FILES)
    write(folder, {"terraform.tfvars": 'service = "payments"\n'})
    extra = write(tmp_path / "env", {"prod.tfvars": 'service = "prod-billing"\n'})
    config = Config(root=tmp_path, terraform_var_files=(extra / "prod.tfvars",))
    module = load_module(folder, config)
    value = module.variable_value("service")
    assert value is not None and value.value == "prod-billing"


def test_a_module_without_provider_or_backend_is_a_child(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "modules" / "queue",
        {
            "main.tf": (
                'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n'
                '  }\n}\n\nresource "aws_sqs_queue" "q" {\n  name = var.name\n}\n'
            )
        },
    )
    module = load_module(folder)
    assert not module.is_root
    (folder / ".terraform.lock.hcl").write_text("# lock\n", encoding="utf-8")
    assert load_module(folder).is_root


def test_required_tags_count_tfvars_values(tmp_path: Path) -> None:
    folder = write(tmp_path / "infra", ROOT_FILES)
    report = run_engine([folder], select=("TF102",), config=Config(root=tmp_path))
    # default tags come from var.tags, whose default is empty and whose caller is unknown
    assert [f.code for f in report.findings] == []
    write(
        folder,
        {"terraform.tfvars": 'tags = { team = "payments", environment = "prod" }\n'},
    )
    report = run_engine([folder], select=("TF102",), config=Config(root=tmp_path))
    assert [(Path(f.span.path).name, f.span.line, f.message) for f in report.findings] == [
        ("main.tf", 12, "`aws_sqs_queue.jobs` has no tags: it needs `cost-center`"),
    ]


def test_tfvars_secrets_and_parse_errors(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "infra",
        {
            "prod.tfvars": 'region      = "eu-west-1"\ndb_password = "hunter2-prod"\n',
            "broken.tfvars": 'region = "eu-west-1\n',
        },
    )
    report = run_engine([folder], select=("SE001", "OP001"), config=Config(root=tmp_path))
    found = [(Path(f.span.path).name, f.code, f.span.line, f.span.column) for f in report.findings]
    assert found == [("broken.tfvars", "OP001", 2, 1), ("prod.tfvars", "SE001", 2, 16)]


def test_tfvars_model(tmp_path: Path) -> None:
    path = write(tmp_path, {"x.tfvars": 'a = "x"\nb = { team = "t" }\nc = var.nope\n'})
    plugins = PluginManager()
    plugins.load()
    document = Session(Config(root=tmp_path), plugins).load(path / "x.tfvars")
    assert isinstance(document, TerraformVarsFile)
    assert sorted(document.values) == ["a", "b", "c"]
    assert document.values["b"].term.value == {"team": "t"}
    assert document.values["a"].span == Span(str(path / "x.tfvars"), 1, 1, 1, 8)
    assert [(e.name, e.value) for e in document.env_vars] == [("a", "x")]


def test_secrets_in_module_arguments_and_variable_defaults(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "infra",
        {
            "main.tf": (
                'module "db" {\n'
                '  source   = "./db"\n'
                '  password = "correct-horse-battery"\n'
                "}\n"
                "\n"
                'variable "api_token" {\n'
                '  default = "tok-123456789"\n'
                "}\n"
                "\n"
                'provider "github" {\n'
                "  token = var.api_token\n"
                "}\n"
            )
        },
    )
    report = run_engine([folder], select=("SE001",), config=Config(root=tmp_path))
    assert [(f.span.line, f.span.column, f.logical) for f in report.findings] == [
        (3, 15, "module.db"),
        (7, 14, "var.api_token"),
    ]


def test_a_comment_above_a_block_covers_the_block(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "infra",
        {
            "main.tf": (
                "# opslint: ignore[TF112] bastion reached through the VPN only\n"
                'resource "aws_security_group" "bastion" {\n'
                "  ingress {\n"
                "    from_port   = 22\n"
                "    to_port     = 22\n"
                '    protocol    = "tcp"\n'
                '    cidr_blocks = ["0.0.0.0/0"]\n'
                "  }\n"
                "}\n"
                "\n"
                'resource "aws_security_group" "admin" {\n'
                "  ingress {\n"
                "    from_port   = 3389\n"
                "    to_port     = 3389\n"
                '    protocol    = "tcp"\n'
                '    cidr_blocks = ["0.0.0.0/0"] // opslint: ignore[TF112] lab only\n'
                "  }\n"
                "  ingress {\n"
                "    from_port   = 22\n"
                "    to_port     = 22\n"
                '    protocol    = "tcp"\n'
                '    cidr_blocks = ["::/0"]\n'
                "  }\n"
                "}\n"
            )
        },
    )
    report = run_engine([folder], select=("TF112",), config=Config(root=tmp_path))
    assert [(f.span.line, f.span.column) for f in report.findings] == [(22, 20)]
    assert sorted((f.span.line, f.suppressed[0]) for f in report.suppressed) == [
        (7, "bastion reached through the VPN only"),
        (16, "lab only"),
    ]
    assert [f.suppressed[1].rsplit("/", 1)[-1] for f in report.suppressed] == [
        "main.tf:1",
        "main.tf:16",
    ]


def test_tf_var_file_flag(tmp_path: Path, capsys: object, monkeypatch: object) -> None:
    folder = write(tmp_path / "infra", ROOT_FILES)
    extra = write(tmp_path / "env", {"prod.tfvars": 'tags = { team = "t", environment = "p" }\n'})
    code = main(
        [
            "check",
            "--isolated",
            "--select",
            "TF102",
            "--format",
            "json",
            "--tf-var-file",
            str(extra / "prod.tfvars"),
            str(folder),
        ]
    )
    assert code == 1
    missing = main(
        ["check", "--isolated", "--tf-var-file", str(tmp_path / "nope.tfvars"), str(folder)]
    )
    assert missing == 2
