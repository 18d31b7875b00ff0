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

{{/* repository:tag, repository@digest, or repository:tag@digest; the tag defaults to the appVersion. */}}
{{- define "portcullis.image" -}}
{{- $image := index . 0 -}}
{{- $chart := index . 1 -}}
{{- if and $image.digest (not $image.tag) -}}
{{ $image.repository }}@{{ $image.digest }}
{{- else if $image.digest -}}
{{ $image.repository }}:{{ $image.tag }}@{{ $image.digest }}
{{- else -}}
{{ $image.repository }}:{{ $image.tag | default $chart.AppVersion }}
{{- end -}}
{{- end }}
