{{- define "checkout.labels" -}}
app.kubernetes.io/name: checkout
{{- end }}
