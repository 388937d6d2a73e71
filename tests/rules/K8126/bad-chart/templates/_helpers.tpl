{{- define "web.fullname" -}}
{{- .Values.namespace -}}
{{- end -}}
