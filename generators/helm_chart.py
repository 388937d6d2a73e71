"""`opslint new helm-chart`: a Helm chart of the project's service, hardened and schema-checked.

The chart's values hold the same pod and container shapes `opslint new k8s` writes (see
`_workload`); the templates only place them. Three values files: `values.yaml` (the
defaults), `values-staging.yaml` and `values-production.yaml` (what differs per stage).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from opslint.detect import ProjectInfo, dns_name
from opslint.generate import Artifact, GeneratorError, generator
from opslint.yamledit import Value, render

from . import _workload as parts

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")


@dataclass(frozen=True)
class HelmChartOptions:
    """The chart, the workload it installs, and its stages."""

    image: str = ""
    """The image to run, with its tag or digest (required), e.g. ghcr.io/acme/shop:1.4.2."""
    name: str = ""
    """The chart's name; default: the project's name."""
    chart_version: str = "0.1.0"
    """The chart's SemVer version."""
    port: int = 0
    """The port the container listens on; default: the Dockerfile's EXPOSE, else 8080."""
    domain: str = "example.com"
    """The Ingress hosts are <name>.<domain> and, for staging, <name>.staging.<domain>."""
    ingress_class: str = "nginx"
    """The IngressClass that serves the Ingress."""
    cpu_request: str = "100m"
    """The container's cpu request (production doubles it)."""
    memory_request: str = "128Mi"
    """The container's memory request (production doubles it)."""
    cpu_limit: str = "500m"
    """The container's cpu limit (production doubles it)."""
    memory_limit: str = "256Mi"
    """The container's memory limit (production doubles it)."""
    probe_path: str = "/healthz"
    """The HTTP path of the startup, liveness and readiness probes."""
    secret_env: tuple[str, ...] = ()
    """Environment variables read from Secrets, as NAME=secret/key items."""
    allow_from_namespace: str = ""
    """Admit traffic to the port only from this namespace (e.g. ingress-nginx); default: any."""
    path: str = ""
    """The chart's folder; default: charts/<name>."""


def _split_image(reference: str) -> tuple[str, str, str]:
    """(repository, tag, digest) of an image reference."""
    image, _, digest = reference.partition("@")
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon + 1 :], digest
    return image, "", digest


def _double(text: str) -> str:
    """A quantity twice as large, in the same unit."""
    match = re.match(r"^([0-9]+(?:\.[0-9]+)?)(.*)$", text)
    if match is None:
        return text
    number = float(match.group(1)) * 2
    return f"{number:g}{match.group(2)}"


def _resources(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> dict[str, Value]:
    return {
        "requests": {"cpu": cpu, "memory": memory},
        "limits": {"cpu": cpu_limit, "memory": memory_limit},
    }


def _values(workload: parts.Workload, options: HelmChartOptions, tag: str, digest: str) -> str:
    repository = _split_image(workload.image)[0]
    secret_env: list[Value] = [
        {"name": item.name, "secret": item.secret, "key": item.key} for item in workload.secret_env
    ]
    values: dict[str, Value] = {
        "image": {
            "repository": repository,
            "tag": tag,
            "digest": digest,
            "pullPolicy": "IfNotPresent",
        },
        "port": workload.port,
        "replicaCount": 2,
        "autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 5, "cpuUtilization": 70},
        "podDisruptionBudget": {"maxUnavailable": 1},
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
        },
        "resources": parts.resources(workload),
        "probes": parts.probes(workload.probe_path),
        "podSecurityContext": parts.pod_security_context(),
        "securityContext": parts.container_security_context(),
        "secretEnv": secret_env,
        "networkPolicy": {
            "allowFromNamespace": dns_name(options.allow_from_namespace)
            if options.allow_from_namespace
            else ""
        },
        "ingress": {
            "enabled": True,
            "className": options.ingress_class,
            "host": f"{workload.name}.{options.domain}",
            "annotations": {},
        },
    }
    return "\n".join(render(values, 0, parts.STYLE)) + "\n"


def _stage_values(workload: parts.Workload, options: HelmChartOptions, stage: str) -> str:
    if stage == "staging":
        values: dict[str, Value] = {
            "autoscaling": {"minReplicas": 2, "maxReplicas": 3},
            "ingress": {"host": f"{workload.name}.staging.{options.domain}"},
        }
    else:
        values = {
            "autoscaling": {"minReplicas": 3, "maxReplicas": 10},
            "resources": _resources(
                _double(workload.cpu_request),
                _double(workload.memory_request),
                _double(workload.cpu_limit),
                _double(workload.memory_limit),
            ),
            "ingress": {"host": f"{workload.name}.{options.domain}"},
        }
    return "\n".join(render(values, 0, parts.STYLE)) + "\n"


def _schema() -> str:
    """values.schema.json: the shape every values file must keep."""

    def obj(properties: dict[str, object], required: list[str] | None = None) -> dict[str, object]:
        body: dict[str, object] = {"type": "object", "properties": properties}
        body["required"] = required if required is not None else sorted(properties)
        return body

    string = {"type": "string"}
    text = {"type": "string", "minLength": 1}
    count = {"type": "integer", "minimum": 1}
    quantity = {"type": ["string", "number"]}
    limits = obj({"cpu": quantity, "memory": quantity})
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Values",
        **obj(
            {
                "image": obj(
                    {
                        "repository": text,
                        "tag": {"type": "string", "minLength": 1, "not": {"const": "latest"}},
                        "digest": {"type": "string", "pattern": "^(sha256:[a-f0-9]{64})?$"},
                        "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
                    }
                ),
                "port": {"type": "integer", "minimum": 1, "maximum": 65535},
                "replicaCount": {"type": "integer", "minimum": 2},
                "autoscaling": obj(
                    {
                        "enabled": {"type": "boolean"},
                        "minReplicas": {"type": "integer", "minimum": 2},
                        "maxReplicas": count,
                        "cpuUtilization": {"type": "integer", "minimum": 1, "maximum": 100},
                    }
                ),
                "podDisruptionBudget": obj({"maxUnavailable": {"type": ["integer", "string"]}}),
                "strategy": {"type": "object"},
                "resources": obj({"requests": limits, "limits": limits}),
                "probes": obj(
                    {
                        name: {"type": "object"}
                        for name in ("startupProbe", "livenessProbe", "readinessProbe")
                    }
                ),
                "podSecurityContext": {"type": "object"},
                "securityContext": {"type": "object"},
                "secretEnv": {
                    "type": "array",
                    "items": obj({"name": text, "secret": text, "key": text}),
                },
                "networkPolicy": obj({"allowFromNamespace": string}),
                "ingress": obj(
                    {
                        "enabled": {"type": "boolean"},
                        "className": text,
                        "host": text,
                        "annotations": {
                            "type": "object",
                            "additionalProperties": {"type": "string"},
                        },
                    }
                ),
            }
        ),
    }
    return json.dumps(schema, indent=2) + "\n"


def _chart_yaml(name: str, version: str, app_version: str) -> str:
    chart: dict[str, Value] = {
        "apiVersion": "v2",
        "name": name,
        "description": f"{name}: a hardened Deployment with its Service, autoscaler, "
        "disruption budget, network policies and Ingress",
        "type": "application",
        "version": version,
        "appVersion": app_version,
    }
    return "\n".join(render(chart, 0, parts.STYLE)) + "\n"


_HELPERS = """\
{{/* The name of every object: the release name, with the chart's name when it lacks it. */}}
{{- define "CHART.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The labels that select the release's pods. */}}
{{- define "CHART.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Every label of every object. */}}
{{- define "CHART.labels" -}}
{{ include "CHART.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The image reference: repository, tag (default: the chart's appVersion), digest. */}}
{{- define "CHART.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- with .Values.image.digest }}@{{ . }}{{ end -}}
{{- end -}}
"""

_METADATA = """\
metadata:
  name: {{ include "CHART.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
"""

_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
METADATA\
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "CHART.selectorLabels" . | nindent 6 }}
  strategy:
    {{- toYaml .Values.strategy | nindent 4 }}
  template:
    metadata:
      labels:
        {{- include "CHART.selectorLabels" . | nindent 8 }}
    spec:
      serviceAccountName: {{ include "CHART.fullname" . }}
      automountServiceAccountToken: false
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: 30
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "CHART.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.port }}
              protocol: TCP
          {{- with .Values.secretEnv }}
          env:
            {{- range . }}
            - name: {{ .name }}
              valueFrom:
                secretKeyRef:
                  name: {{ .secret }}
                  key: {{ .key }}
            {{- end }}
          {{- end }}
          {{- toYaml .Values.probes | nindent 10 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
"""

_SERVICE = """\
apiVersion: v1
kind: Service
METADATA\
spec:
  type: ClusterIP
  selector:
    {{- include "CHART.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
"""

_SERVICE_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
METADATA\
automountServiceAccountToken: false
"""

_HPA = """\
{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
METADATA\
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "CHART.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.cpuUtilization }}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
        - type: Pods
          value: 1
          periodSeconds: 60
{{- end }}
"""

_PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
METADATA\
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "CHART.selectorLabels" . | nindent 6 }}
"""

_NETWORK_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "CHART.fullname" . }}-default-deny-ingress
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
spec:
  podSelector: {}
  policyTypes:
    - Ingress
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "CHART.fullname" . }}-allow-http
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "CHART.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - {{- with .Values.networkPolicy.allowFromNamespace }}
      from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ . }}
      {{- end }}
      ports:
        - port: http
          protocol: TCP
"""

_INGRESS = """\
{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "CHART.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  ingressClassName: {{ .Values.ingress.className }}
  tls:
    - hosts:
        - {{ .Values.ingress.host | quote }}
      secretName: {{ include "CHART.fullname" . }}-tls
  rules:
    - host: {{ .Values.ingress.host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ include "CHART.fullname" . }}
                port:
                  name: http
{{- end }}
"""

_NOTES = """\
{{ include "CHART.fullname" . }} runs in namespace {{ .Release.Namespace }}.

Watch the rollout:
  kubectl --namespace {{ .Release.Namespace }} rollout status \
    deployment/{{ include "CHART.fullname" . }}
{{- if .Values.ingress.enabled }}

It answers at https://{{ .Values.ingress.host }}/ once the TLS secret
{{ include "CHART.fullname" . }}-tls holds a certificate for that host.
{{- else }}

Reach it from your machine:
  kubectl --namespace {{ .Release.Namespace }} port-forward \
    service/{{ include "CHART.fullname" . }} 8080:80
{{- end }}

Every namespace the chart is installed to gets a default-deny ingress NetworkPolicy: only
the http port of these pods is open
{{- with .Values.networkPolicy.allowFromNamespace }}, to namespace {{ . }}{{ end }}.
"""


@generator("helm-chart")
def helm_chart(project: ProjectInfo, options: HelmChartOptions) -> list[Artifact]:
    """A Helm chart with staging and production values and a values schema."""
    workload = parts.workload_from(project, options, "")
    if not _SEMVER.match(options.chart_version):
        raise GeneratorError(
            f"--chart-version takes a SemVer version, not {options.chart_version!r}"
        )
    if not re.match(
        r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$", options.domain
    ):
        raise GeneratorError(
            f"--domain takes a DNS domain such as example.com, not {options.domain!r}"
        )
    _, tag, digest = _split_image(workload.image)
    if not tag:
        raise GeneratorError(
            "--image needs a tag as well as a digest: it is the chart's appVersion"
        )
    name = workload.name
    folder = options.path.strip("/") or f"charts/{name}"

    def template(text: str) -> str:
        return text.replace("METADATA", _METADATA).replace("CHART.", f"{name}.")

    files = {
        "Chart.yaml": _chart_yaml(name, options.chart_version, tag),
        "values.yaml": _values(workload, options, tag, digest),
        "values-staging.yaml": _stage_values(workload, options, "staging"),
        "values-production.yaml": _stage_values(workload, options, "production"),
        "values.schema.json": _schema(),
        "templates/_helpers.tpl": template(_HELPERS),
        "templates/deployment.yaml": template(_DEPLOYMENT),
        "templates/service.yaml": template(_SERVICE),
        "templates/serviceaccount.yaml": template(_SERVICE_ACCOUNT),
        "templates/hpa.yaml": template(_HPA),
        "templates/pdb.yaml": template(_PDB),
        "templates/networkpolicy.yaml": template(_NETWORK_POLICY),
        "templates/ingress.yaml": template(_INGRESS),
        "templates/NOTES.txt": template(_NOTES),
    }
    return [Artifact(f"{folder}/{path}", text) for path, text in files.items()]
