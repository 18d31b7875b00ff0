{{- define "portcullis.labels" -}}
app.kubernetes.io/name: portcullis
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "portcullis.operatorName" -}}
{{ .Release.Name }}-operator
{{- end }}

{{- define "portcullis.operatorSelector" -}}
app.kubernetes.io/name: portcullis-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
