"""The Terraform parser: exact spans, literals versus expressions, facets, state files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path, PurePosixPath

from conftest import ROOT, run_engine

from opslint.builtin.parsers import kind_by_name
from opslint.model.base import Span
from opslint.model.source import SourceFile
from opslint.model.terraform import (
    Backend,
    DataSource,
    Expression,
    Module,
    Provider,
    Resource,
    TerraformFile,
    TerraformStateFile,
    Variable,
)
from opslint.parsers.terraform import parse_terraform, parse_terraform_state

MAIN = """\
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {
    bucket  = "acme-state"
    encrypt = true
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { team = "payments" }
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-${var.env}"
  tags = {
    team          = "payments"
    "cost-center" = "cc-42"
  }

  lifecycle {
    prevent_destroy = true
  }
}

data "aws_ami" "ubuntu" {
  most_recent = true
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
}

variable "db_password" {
  type        = string
  description = "The database password."
  default     = "hunter2"
  sensitive   = true
}

locals {
  common = merge(var.tags, { service = "billing" })
  ports  = [80, 443]
  ratio  = -0.5
  note   = <<-EOT
    hello
      world
  EOT
}

output "bucket" {
  value = aws_s3_bucket.logs.id
}
"""


def parse(text: str, name: str = "main.tf") -> TerraformFile:
    return parse_terraform(SourceFile(Path(name), name, text=text))


def span(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span("main.tf", line, column, end_line, end_column)


def test_block_kinds_and_addresses() -> None:
    document = parse(MAIN)
    assert document.problems == []
    assert [r.address for r in document.resources] == ["aws_s3_bucket.logs"]
    assert [d.address for d in document.data_sources] == ["data.aws_ami.ubuntu"]
    assert isinstance(document.data_sources[0], DataSource)
    assert [m.logical for m in document.modules] == ["module.vpc"]
    assert [v.logical for v in document.variables] == ["var.db_password"]
    assert [o.name for o in document.outputs] == ["bucket"]
    assert [p.logical for p in document.providers] == ["provider.aws"]
    assert set(document.locals) == {"common", "ports", "ratio", "note"}


def test_resource_header_and_attribute_spans() -> None:
    resource = parse(MAIN).resources[0]
    assert isinstance(resource, Resource)
    assert resource.logical == "aws_s3_bucket.logs"
    # `resource "aws_s3_bucket" "logs" {` on line 22
    assert resource.span == span(22, 1, 22, 34)
    assert resource.body_span == span(22, 1, 32, 2)
    assert resource.label_spans == (span(22, 10, 22, 25), span(22, 26, 22, 32))
    bucket = resource.attributes["bucket"]
    assert bucket.name_span == span(23, 3, 23, 9)
    assert bucket.value_span == span(23, 12, 23, 29)
    assert bucket.span == span(23, 3, 23, 29)
    assert isinstance(bucket.value, Expression)
    assert bucket.value.text == '"logs-${var.env}"'


def test_nested_lifecycle_block() -> None:
    resource = parse(MAIN).resources[0]
    lifecycle = resource.lifecycle
    assert lifecycle is not None
    assert lifecycle.span == span(29, 3, 29, 14)
    assert lifecycle.logical == "aws_s3_bucket.logs/lifecycle"
    setting = resource.prevent_destroy
    assert setting is not None
    assert setting.value is True
    assert setting.name_span == span(30, 5, 30, 20)
    assert setting.value_span == span(30, 23, 30, 27)


def test_tags_keys_and_their_spans() -> None:
    tags = parse(MAIN).resources[0].attributes["tags"]
    assert tags.value == {"team": "payments", "cost-center": "cc-42"}
    assert tags.key_spans == {
        "team": span(25, 5, 25, 9),
        "cost-center": span(26, 5, 26, 18),
    }
    assert tags.term.entries["team"].span == span(25, 21, 25, 31)
    assert tags.span == span(24, 3, 27, 4)


def test_terraform_block_and_backend() -> None:
    document = parse(MAIN)
    settings = document.settings[0]
    required = settings.required_version
    assert required is not None
    assert required.value == ">= 1.5"
    assert required.value_span == span(2, 22, 2, 30)
    providers = settings.required_providers
    assert providers["aws"].value == {"source": "hashicorp/aws", "version": "~> 5.0"}
    assert providers["aws"].key_spans["version"] == span(6, 7, 6, 14)
    backend = settings.backend
    assert isinstance(backend, Backend)
    assert backend.type == "s3"
    assert backend.span == span(9, 3, 9, 17)
    assert backend.settings["bucket"].value == "acme-state"
    assert backend.settings["bucket"].name_span == span(10, 5, 10, 11)
    assert backend.settings["encrypt"].value is True
    assert backend.settings["encrypt"].value_span == span(11, 15, 11, 19)
    assert backend in list(document.objects())


def test_provider_default_tags_and_module_and_variable() -> None:
    document = parse(MAIN)
    provider = document.providers[0]
    assert isinstance(provider, Provider)
    region = provider.attributes["region"].value
    assert isinstance(region, Expression) and region.is_reference and region.text == "var.region"
    default_tags = provider.default_tags
    assert default_tags is not None
    assert default_tags.value == {"team": "payments"}
    assert default_tags.key_spans["team"] == span(18, 14, 18, 18)
    module = document.modules[0]
    assert isinstance(module, Module)
    assert (module.source, module.version) == ("terraform-aws-modules/vpc/aws", "5.8.1")
    assert module.span == span(38, 1, 38, 15)
    variable = document.variables[0]
    assert isinstance(variable, Variable)
    assert variable.type_expression == "string"
    assert variable.description == "The database password."
    assert variable.sensitive is True
    assert variable.default is not None and variable.default.value == "hunter2"


def test_expressions_stay_expressions() -> None:
    local = parse(MAIN).locals
    common = local["common"].value
    assert isinstance(common, Expression)
    assert common.function == "merge"
    assert common.text == 'merge(var.tags, { service = "billing" })'
    first, second = common.arguments
    assert isinstance(first.value, Expression) and first.value.text == "var.tags"
    assert second.value == {"service": "billing"}
    assert second.key_spans["service"] == span(51, 30, 51, 37)
    assert local["ports"].value == [80, 443]
    assert local["ratio"].value == -0.5
    assert local["note"].value == "hello\n  world\n"
    template = parse('a = "x-${var.y}"\nb = "$${literal}"\nc = "tab\\there"\n').blocks
    assert template == []
    values = parse('locals {\n  a = "x-${var.y}"\n  b = "$${x}"\n  c = "t\\tq"\n}\n').locals
    assert isinstance(values["a"].value, Expression)
    assert values["b"].value == "${x}"
    assert values["c"].value == "t\tq"


def test_call_arguments_are_read_when_asked_for_where_they_are_written() -> None:
    text = (
        "locals {\n"
        '  m = { "é" = 1, k = lower(f("A"), 2) }\n'
        "  n = merge(\n"
        "    var.a,\n"
        '    { "ü" = "x", y = g(3) },\n'
        "  )\n"
        "  o = timestamp()\n"
        "}\n"
    )
    local = parse(text).locals
    lower = local["m"].term.entries["k"].value
    assert isinstance(lower, Expression) and lower.function == "lower"
    assert lower.span == span(2, 22, 2, 38)  # columns in characters after the `é`
    call, two = lower.arguments
    assert two.value == 2 and two.span == span(2, 36, 2, 37)
    assert isinstance(call.value, Expression) and call.value.text == 'f("A")'
    assert call.span == span(2, 28, 2, 34)
    [letter] = call.value.arguments
    assert letter.value == "A" and letter.span == span(2, 30, 2, 33)
    merged = local["n"].value
    assert isinstance(merged, Expression) and merged.function == "merge"
    tags, mapping = merged.arguments
    assert isinstance(tags.value, Expression) and tags.value.text == "var.a"
    assert tags.span == span(4, 5, 4, 10)
    assert mapping.span == span(5, 5, 5, 28)
    assert mapping.key_spans == {"ü": span(5, 7, 5, 10), "y": span(5, 18, 5, 19)}
    inner = mapping.entries["y"].value
    assert isinstance(inner, Expression) and inner.function == "g"
    assert [(a.value, a.span) for a in inner.arguments] == [(3, span(5, 24, 5, 25))]
    empty = local["o"].value
    assert isinstance(empty, Expression) and empty.arguments == ()


def test_a_hexadecimal_number_in_a_call_is_read_by_the_reference_parser() -> None:
    [problem] = parse("locals {\n  a = max(1, min(2, 0x1))\n}\n").problems
    assert (problem.code, problem.message) == ("OP001", "HCL syntax error: unexpected `x1`")
    assert (problem.span.line, problem.span.column) == (2, 22)


def test_env_var_facets() -> None:
    text = MAIN + (
        'resource "aws_db_instance" "db" {\n'
        '  password = "s3cr3t-literal"\n'
        "  master_password = var.master\n"
        "}\n"
    )
    facets = parse(text).env_vars
    assert [(f.name, f.value, f.logical) for f in facets] == [
        ("db_password", "hunter2", "var.db_password"),
        ("password", "s3cr3t-literal", "aws_db_instance.db"),
    ]
    assert facets[0].value_span == span(46, 17, 46, 26)
    assert facets[1].span == span(64, 3, 64, 30)


def test_parse_error_location() -> None:
    document = parse('resource "aws_s3_bucket" "x" {\n  bucket = \n}\n')
    [problem] = document.problems
    assert problem.code == "OP001"
    assert (problem.span.line, problem.span.column) == (2, 12)  # the line break
    unterminated = parse('resource "a" "b" {\n  x = 1\n')
    [problem] = unterminated.problems
    assert problem.code == "OP001" and "end of file" in problem.message


def test_crlf_and_comments_keep_columns() -> None:
    text = '# c\r\nresource "aws_sqs_queue" "q" { // x\r\n  name = "q"\r\n}\r\n'
    resource = parse(text).resources[0]
    assert resource.span == span(2, 1, 2, 31)
    assert resource.attributes["name"].value_span == span(3, 10, 3, 13)


def test_json_syntax() -> None:
    text = (
        "{\n"
        '  "resource": {\n'
        '    "aws_s3_bucket": {\n'
        '      "logs": {\n'
        '        "bucket": "logs-${var.env}",\n'
        '        "tags": {"team": "payments"},\n'
        '        "lifecycle": {"prevent_destroy": true}\n'
        "      }\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    document = parse(text, "main.tf.json")
    [resource] = document.resources
    assert resource.address == "aws_s3_bucket.logs"
    assert (resource.span.line, resource.span.column) == (4, 7)
    assert isinstance(resource.attributes["bucket"].value, Expression)
    tags = resource.attributes["tags"]
    assert tags.value == {"team": "payments"}
    assert (tags.key_spans["team"].line, tags.key_spans["team"].column) == (6, 18)
    setting = resource.prevent_destroy
    assert setting is not None and setting.value is True


def test_kinds_by_name() -> None:
    assert kind_by_name(PurePosixPath("infra/main.tf")) == "terraform"
    assert kind_by_name(PurePosixPath("infra/main.tf.json")) == "terraform"
    assert kind_by_name(PurePosixPath("infra/terraform.tfstate")) == "terraform-state"
    assert kind_by_name(PurePosixPath("infra/terraform.tfstate.backup")) == "terraform-state"
    assert kind_by_name(PurePosixPath("infra/terraform.tfvars")) == "terraform-vars"
    assert kind_by_name(PurePosixPath("infra/prod.tfvars.json")) == "terraform-vars"


def test_state_file_is_never_read(tmp_path: Path) -> None:
    state = tmp_path / "terraform.tfstate"
    state.write_bytes(b'\xff\xfe{"secret": "AKIA"}\x00')  # not even text
    document = parse_terraform_state(SourceFile(state, str(state)))
    assert isinstance(document, TerraformStateFile)
    assert document.span == Span(str(state), 1, 1, 1, 1)
    assert document.source.text == ""
    report = run_engine([state], select=("ALL",))
    assert [(f.code, f.span.line) for f in report.findings] == [("TF105", 1)]


def test_prevent_destroy_fix_inserts_a_lifecycle_block(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_kms_key" "main" {\n  description = "k"\n}\n')
    [finding] = run_engine([path], select=("TF101",)).findings
    assert finding.fix is not None
    [edit] = finding.fix.edits
    assert (edit.span.line, edit.span.column) == (3, 1)
    assert edit.text == "\n  lifecycle {\n    prevent_destroy = true\n  }\n"


def test_hcl_machinery_is_lazy() -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from opslint.builtin.parsers import opslint_parse\n"
        "from opslint.config import Config\n"
        "from opslint.model.source import SourceFile\n"
        "opslint_parse(SourceFile(Path('Dockerfile'), 'Dockerfile', text='FROM a:1\\n'),"
        " 'dockerfile', Config())\n"
        "assert 'hcl2' not in sys.modules and 'lark' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
