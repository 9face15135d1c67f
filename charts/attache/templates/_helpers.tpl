{{/*
Helpers shared by every template. Most take a context dict {root: $, c: <component>, v: <its values>},
built in each template as: dict "root" $ "c" $c "v" (index $.Values $c.key).
*/}}

{{/* The services this chart can run: key in values, component name. */}}
{{- define "attache.components" -}}
- {key: ratelimit, name: ratelimit-service}
- {key: extAuthz, name: ext-authz}
- {key: controlPlane, name: control-plane}
{{- end -}}

{{/* Common labels. */}}
{{- define "attache.labels" -}}
app.kubernetes.io/name: attache
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: attache
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Labels of one component's objects. */}}
{{- define "attache.componentLabels" -}}
{{ include "attache.labels" .root }}
app.kubernetes.io/component: {{ .c.name }}
{{- end -}}

{{/* The labels that select one component's pods; never change them (Deployment selectors are immutable). */}}
{{- define "attache.selectorLabels" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .c.name }}
{{- end -}}

{{/* <release>-<component>: the name of a component's namespaced objects. */}}
{{- define "attache.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .c.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <namespace>-<release>-<component>: the name of a component's cluster-scoped objects. */}}
{{- define "attache.clusterName" -}}
{{- printf "%s-%s-%s" .root.Release.Namespace .root.Release.Name .c.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* A component by values key, as YAML: (include "attache.componentByKey" (list $ "extAuthz")). */}}
{{- define "attache.componentByKey" -}}
{{- $root := index . 0 -}}
{{- range $c := include "attache.components" $root | fromYamlArray -}}
{{- if eq $c.key (index $ 1) }}{{ toYaml $c }}{{ end -}}
{{- end -}}
{{- end -}}

{{/* The cluster DNS name of a component's Service. */}}
{{- define "attache.serviceHost" -}}
{{- printf "%s.%s.svc.%s" (include "attache.fullname" .) .root.Release.Namespace .root.Values.clusterDomain -}}
{{- end -}}

{{/* host:port of a component's gRPC port, by values key: (include "attache.grpcAddress" (list $ "ratelimit")). */}}
{{- define "attache.grpcAddress" -}}
{{- $root := index . 0 -}}
{{- $c := include "attache.componentByKey" . | fromYaml -}}
{{- $ctx := dict "root" $root "c" $c -}}
{{- printf "%s:%v" (include "attache.serviceHost" $ctx) (index $root.Values $c.key).grpcPort -}}
{{- end -}}

{{/*
The ports of a component: name (Service and container), number, the variable that sets it, appProtocol.
*/}}
{{- define "attache.ports" -}}
- {name: grpc, port: {{ .v.grpcPort }}, env: GRPC_PORT, appProtocol: grpc}
{{- if eq .c.key "extAuthz" }}
- {name: http-auth, port: {{ .v.httpPort }}, env: HTTP_PORT, appProtocol: http}
{{- end }}
- {name: http-admin, port: {{ .v.adminPort }}, env: {{ ternary "PORT" "ADMIN_PORT" (eq .c.key "ratelimit") }}, appProtocol: http}
{{- end -}}

{{/* Whether a PodDisruptionBudget is made: enabled true, or auto with more than one replica. */}}
{{- define "attache.pdbEnabled" -}}
{{- $enabled := toString .v.podDisruptionBudget.enabled -}}
{{- if or (eq $enabled "true") (and (eq $enabled "auto") (gt (int .v.replicas) 1)) }}true{{ end -}}
{{- end -}}

{{/* Whether the chart makes the GatewayClass: create true, or auto when the Gateway API is served. */}}
{{- define "attache.gatewayClassEnabled" -}}
{{- $create := toString .Values.controlPlane.gatewayClass.create -}}
{{- if and .Values.controlPlane.enabled (or (eq $create "true") (and (eq $create "auto") (.Capabilities.APIVersions.Has "gateway.networking.k8s.io/v1/GatewayClass"))) }}true{{ end -}}
{{- end -}}

{{/* Checks across values that the schema cannot express clearly; fails the install with the reason. */}}
{{- define "attache.validate" -}}
{{- $v := .Values -}}
{{- if and $v.ratelimit.enabled (not $v.ratelimit.redis.enabled) (gt (int $v.ratelimit.replicas) 1) -}}
{{- fail (printf "ratelimit.replicas is %v but the memory backend counts per pod: set ratelimit.redis.enabled=true (with ratelimit.redis.url) or ratelimit.replicas=1" $v.ratelimit.replicas) -}}
{{- end -}}
{{- if and $v.ratelimit.redis.enabled (not $v.ratelimit.redis.url) -}}
{{- fail "ratelimit.redis.enabled needs ratelimit.redis.url (host:port; for sentinel master,host:port,...)" -}}
{{- end -}}
{{- if and (or $v.kafka.tls.enabled $v.kafka.sasl.enabled) (not $v.kafka.bootstrapServers) -}}
{{- fail "kafka.tls or kafka.sasl is enabled but kafka.bootstrapServers is empty" -}}
{{- end -}}
{{- if and $v.kafka.sasl.enabled (not $v.kafka.sasl.existingSecret) -}}
{{- fail "kafka.sasl.enabled needs kafka.sasl.existingSecret: the Secret holding the SASL credentials" -}}
{{- end -}}
{{- if and $v.tls.certManager.enabled (not $v.tls.certManager.issuerRef.name) -}}
{{- fail "tls.certManager.enabled needs tls.certManager.issuerRef.name: the cert-manager Issuer or ClusterIssuer that signs the certificate" -}}
{{- end -}}
{{- if and $v.tls.certManager.enabled (not $v.tls.enabled) -}}
{{- fail "tls.certManager.enabled needs tls.enabled: the certificate is for the services' TLS ports" -}}
{{- end -}}
{{- if and $v.tls.clientSAN (not $v.tls.clientCA.enabled) -}}
{{- fail "tls.clientSAN needs tls.clientCA.enabled: without a client CA no client certificate is asked for" -}}
{{- end -}}
{{- if and $v.ambassador.clientCertificateSecret (not $v.tls.enabled) -}}
{{- fail "ambassador.clientCertificateSecret needs tls.enabled: it is presented to the services' TLS ports" -}}
{{- end -}}
{{- if and $v.ambassador.authService.enabled (not $v.extAuthz.enabled) -}}
{{- fail "ambassador.authService.enabled needs extAuthz.enabled: the AuthService points at ext-authz" -}}
{{- end -}}
{{- if and $v.ambassador.rateLimitService.enabled (not $v.ratelimit.enabled) -}}
{{- fail "ambassador.rateLimitService.enabled needs ratelimit.enabled: the RateLimitService points at ratelimit-service" -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the services' serving certificate: tls.secretName, or the one certManager makes. */}}
{{- define "attache.tlsSecret" -}}
{{- .Values.tls.secretName | default (printf "%s-attache-tls" .Release.Name | trunc 63 | trimSuffix "-") -}}
{{- end -}}

{{/* Files a component reads from a directory, given in values as a ConfigMap: values key and mount path. */}}
{{- define "attache.configFiles" -}}
{{- if eq .c.key "ratelimit" }}{key: configFiles, path: /srv/runtime_data/current/config}
{{- else if eq .c.key "extAuthz" }}{key: policyFiles, path: /etc/attache/policies}
{{- end }}
{{- end -}}

{{/* The values key of the first enabled component, for examples in NOTES.txt. */}}
{{- define "attache.firstEnabled" -}}
{{- $first := "" -}}
{{- range $c := include "attache.components" . | fromYamlArray -}}
{{- if and (not $first) (index $.Values $c.key).enabled }}{{ $first = $c.key }}{{ end -}}
{{- end -}}
{{- $first -}}
{{- end -}}
