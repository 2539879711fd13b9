{{/*
The labels k8s:resource (JKube) gives every resource, kept identical: a Deployment's selector cannot change, so
moving from `mvn k8s:apply` to this chart (or back) keeps selecting the same pods.
*/}}
{{- define "octoflow.selectorLabels" -}}
app: octoflow
provider: jkube
group: io.octoflow
app.kubernetes.io/name: octoflow
app.kubernetes.io/part-of: io.octoflow
app.kubernetes.io/managed-by: jkube
{{- end }}

{{- define "octoflow.labels" -}}
{{ include "octoflow.selectorLabels" . }}
version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}

{{/* The Secret API_TOKEN is read from: the chart's own when apiToken.value is set. */}}
{{- define "octoflow.apiTokenSecret" -}}
{{- if .Values.apiToken.value }}octoflow-api{{ else }}{{ required "apiToken.existingSecret: the name of the Secret holding the API token (or set apiToken.value)" .Values.apiToken.existingSecret }}{{ end }}
{{- end }}

{{- define "octoflow.apiTokenKey" -}}
{{- if .Values.apiToken.value }}token{{ else }}{{ required "apiToken.key: the key of the API token in apiToken.existingSecret" .Values.apiToken.key }}{{ end }}
{{- end }}
