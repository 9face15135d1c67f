{{/* Common labels. */}}
{{- define "attache.labels" -}}
app.kubernetes.io/name: attache
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The services this chart can run: key in values, component name, port variable names. */}}
{{- define "attache.components" -}}
- {key: ratelimit, name: ratelimit-service, adminPortVar: PORT}
- {key: extAuthz, name: ext-authz, adminPortVar: ADMIN_PORT}
- {key: controlPlane, name: control-plane, adminPortVar: ADMIN_PORT}
{{- end -}}
