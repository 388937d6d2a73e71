"""The Jenkinsfile parser: structure, facets and their exact locations."""

from __future__ import annotations

from pathlib import Path

from opslint.builtin.parsers import kind_by_name
from opslint.model.base import Span
from opslint.model.jenkins import JenkinsPipeline
from opslint.model.source import SourceFile
from opslint.parsers.jenkins import delimiter_problem, parse_jenkinsfile

DECLARATIVE = """\
pipeline {
    agent { docker { image 'node:20' } }
    environment {
        API_TOKEN = 'abc123'
        DB = credentials('db-creds')
        TAG = "v${BUILD_NUMBER}"
    }
    options { timeout(time: 1, unit: 'HOURS') }
    stages {
        stage('Build') {
            steps {
                sh '''
                    npm --version
                    npm install
                '''
                sh(script: 'make', returnStdout: true)
            }
        }
        stage('Deploy') {
            when { branch 'main' }
            input { message 'Ship it?' }
            steps {
                script {
                    docker.image("alpine:3.20").inside { c ->
                        sh "kubectl apply -f k8s/"
                    }
                }
            }
        }
    }
    post { always { echo 'done' } }
}
"""


def parse(text: str, name: str = "Jenkinsfile") -> JenkinsPipeline:
    return parse_jenkinsfile(SourceFile(Path(name), name, text))


def test_kind_by_name() -> None:
    from pathlib import PurePosixPath

    for name in ("Jenkinsfile", "Jenkinsfile.release", "ci/deploy.Jenkinsfile", "a.jenkinsfile"):
        assert kind_by_name(PurePosixPath(name)) == "jenkinsfile", name
    assert kind_by_name(PurePosixPath("Jenkinsfile-notes.md")) is None


def test_declarative_structure() -> None:
    pipeline = parse(DECLARATIVE)
    assert pipeline.problems == []
    assert pipeline.declarative
    assert pipeline.pipeline_span == Span("Jenkinsfile", 1, 1, 1, 11)
    assert pipeline.timeout == Span("Jenkinsfile", 8, 15, 8, 46)
    build, deploy = pipeline.stages
    assert (build.logical, build.span) == ("stage:Build", Span("Jenkinsfile", 10, 9, 10, 23))
    assert [step.kind for step in build.jenkins_steps] == ["sh", "sh"]
    assert deploy.input == Span("Jenkinsfile", 21, 13, 21, 41)
    assert deploy.when_branches == ["main"]
    assert [step.kind for step in deploy.jenkins_steps] == ["script", "sh"]
    assert deploy.jenkins_steps[1].logical == "stage:Deploy/step:1"
    assert [step.kind for step in pipeline.steps] == ["always", "echo"]


def test_docker_agent_and_docker_image_spans() -> None:
    agent, inside = parse(DECLARATIVE).images
    assert (agent.text, agent.span, agent.logical) == (
        "node:20",
        Span("Jenkinsfile", 2, 29, 2, 36),
        "pipeline",
    )
    assert agent.tag_span() == Span("Jenkinsfile", 2, 34, 2, 36)
    assert (inside.text, inside.span, inside.origin) == (
        "alpine:3.20",
        Span("Jenkinsfile", 24, 35, 24, 46),
        "jenkins docker.image",
    )
    assert inside.logical == "stage:Deploy"


def test_script_tokens_in_triple_quoted_block() -> None:
    script = parse(DECLARATIVE).shell_commands[0]
    offset = script.text.index("npm install")
    assert script.locate(offset, 11) == Span("Jenkinsfile", 14, 21, 14, 32)
    assert script.locate(script.text.index("install"), 7) == Span("Jenkinsfile", 14, 25, 14, 32)
    named = parse(DECLARATIVE).shell_commands[1]
    assert (named.text, named.locate(0, 4)) == ("make", Span("Jenkinsfile", 16, 29, 16, 33))


def test_escapes_and_continuations_keep_token_columns() -> None:
    text = "node {\n  sh \"echo \\\"hi\\\" && npm install\"\n  sh '''make \\\n    all'''\n}\n"
    first, second = parse(text).shell_commands
    assert first.text == 'echo "hi" && npm install'
    start = first.text.index("install")
    assert first.locate(start, 7) == Span("Jenkinsfile", 2, 26, 2, 33)
    assert second.text == "make     all"
    assert second.locate(second.text.index("all"), 3) == Span("Jenkinsfile", 4, 5, 4, 8)


def test_environment_literals_and_references() -> None:
    token, db, tag = parse(DECLARATIVE).env_vars
    assert (token.name, token.value, token.reference) == ("API_TOKEN", "abc123", False)
    assert token.span == Span("Jenkinsfile", 4, 9, 4, 18)
    assert token.value_span == Span("Jenkinsfile", 4, 22, 4, 28)
    assert (db.name, db.value, db.reference) == ("DB", None, True)
    assert (tag.value, tag.reference) == ("v${BUILD_NUMBER}", True)


def test_syntax_error_location() -> None:
    broken = "pipeline {\n  stages {\n    stage('x' {\n      steps { sh 'a' }\n    }\n  }\n}\n"
    (problem,) = parse(broken).problems
    assert (problem.code, problem.span.line, problem.span.column) == ("OP001", 3, 14)
    assert "missing `)`" in problem.message
    unclosed = "pipeline {\n  stages {\n    stage('x') {\n      steps { sh 'a' }\n    }\n}\n"
    (problem,) = parse(unclosed).problems
    assert (problem.span.line, problem.span.column) == (1, 10)
    assert problem.message == "syntax error: `{` is never closed"


def test_valid_groovy_the_grammar_misreads_is_no_error() -> None:
    text = """\
node {
    stage('Build') {
        try {
            sh 'make'
        } catch (Exception e) {
            echo "failed: ${e?.message ?: 'unknown'}"
        } finally {
            junit 'reports/*.xml'
        }
        ['a', 'b'].each { name ->
            sh "make ${name}"
        }
        switch (params.TARGET) {
            case 'prod':
                sh 'make prod'
                break
            default:
                echo 'nothing'
        }
        if (env.BRANCH_NAME ==~ /release-\\d+/) {
            sh 'make release'
        }
    }
}
"""
    pipeline = parse(text)
    assert pipeline.problems == []
    assert not pipeline.declarative
    (stage,) = pipeline.stages
    scripts = [step.run.text for step in stage.steps if step.run is not None]
    assert scripts == ["make", "make ${name}", "make prod", "make release"]
    assert [step.kind for step in stage.steps if step.run is None] == ["echo", "junit", "echo"]


def test_scripted_pipeline() -> None:
    text = """\
node('linux') {
    stage('Checkout') {
        checkout scm
    }
    stage('Test') {
        docker.image('python:3.12').inside {
            sh 'pip install -r requirements.txt'
        }
    }
}
"""
    pipeline = parse(text)
    assert not pipeline.declarative and pipeline.pipeline_span is None
    checkout, test = pipeline.stages
    assert (checkout.logical, checkout.span) == ("stage:Checkout", Span("Jenkinsfile", 2, 5, 2, 22))
    assert [step.kind for step in test.steps] == ["sh"]
    (image,) = pipeline.images
    assert (image.text, image.span) == ("python:3.12", Span("Jenkinsfile", 6, 23, 6, 34))
    assert pipeline.shell_commands[0].logical == "stage:Test/step:0"


def test_delimiter_problem_ignores_strings_and_comments() -> None:
    assert delimiter_problem("x { sh '}' } // {\n/* ( */ y(\"${a.b { c }}\")\n") is None
    assert delimiter_problem("x {\n  sh 'a\n}\n") == (2, 6, "string `'` is never closed")
