{{/* The environment of each component's container; every variable is one the service reads. */}}

{{/* Ports, namespace scope and events: the same for every component. */}}
{{- define "attache.env.common" -}}
{{- range $p := include "attache.ports" . | fromYamlArray }}
- name: {{ $p.env }}
  value: {{ $p.port | quote }}
{{- end }}
{{- if eq .root.Values.rbac.scope "namespace" }}
- name: WATCH_NAMESPACE
  value: {{ .root.Release.Namespace | quote }}
{{- end }}
- name: ATTACHE_SPOOL_DIR
  value: /var/lib/attache/spool
- name: ATTACHE_SPOOL_MAX_BYTES
  value: {{ .root.Values.events.spool.maxBytes | int64 | quote }}
- name: ATTACHE_EVENTS_WHEN_FULL
  value: {{ .root.Values.events.whenFull | quote }}
{{- include "attache.env.kafka" .root }}
{{- include "attache.env.tls" .root }}
{{- end -}}

{{/* TLS on the gRPC (and HTTP auth) ports, from the Secret mounted at /etc/attache/tls. */}}
{{- define "attache.env.tls" -}}
{{- $t := .Values.tls }}
{{- if $t.enabled }}
- name: GRPC_SERVER_USE_TLS
  value: "true"
- name: GRPC_SERVER_TLS_CERT
  value: /etc/attache/tls/tls.crt
- name: GRPC_SERVER_TLS_KEY
  value: /etc/attache/tls/tls.key
{{- if $t.clientCA.enabled }}
- name: GRPC_CLIENT_TLS_CACERT
  value: {{ printf "/etc/attache/%s/%s" (ternary "client-ca" "tls" (ne $t.clientCA.secretName "")) $t.clientCA.key | quote }}
{{- end }}
{{- with $t.clientSAN }}
- name: GRPC_CLIENT_TLS_SAN
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Kafka: bootstrap servers, then producer properties as KAFKA_PRODUCER_* (security.protocol, ssl.*, sasl.*). */}}
{{- define "attache.env.kafka" -}}
{{- $k := .Values.kafka }}
- name: ATTACHE_TOPIC_PREFIX
  value: {{ $k.topicPrefix | quote }}
{{- if $k.bootstrapServers }}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ $k.bootstrapServers | quote }}
{{- if or $k.tls.enabled $k.sasl.enabled }}
- name: KAFKA_PRODUCER_SECURITY_PROTOCOL
  value: {{ printf "%s%s" (ternary "SASL_" "" $k.sasl.enabled) (ternary "SSL" "PLAINTEXT" $k.tls.enabled) }}
{{- end }}
{{- if $k.tls.enabled }}
{{- with $k.tls.caSecret }}{{ if .name }}
- name: KAFKA_PRODUCER_SSL_TRUSTSTORE_TYPE
  value: PEM
- name: KAFKA_PRODUCER_SSL_TRUSTSTORE_CERTIFICATES
  valueFrom:
    secretKeyRef: {name: {{ .name | quote }}, key: {{ .key | quote }}}
{{- end }}{{ end }}
{{- with $k.tls.clientSecret }}{{ if .name }}
- name: KAFKA_PRODUCER_SSL_KEYSTORE_TYPE
  value: PEM
- name: KAFKA_PRODUCER_SSL_KEYSTORE_CERTIFICATE_CHAIN
  valueFrom:
    secretKeyRef: {name: {{ .name | quote }}, key: {{ .certKey | quote }}}
- name: KAFKA_PRODUCER_SSL_KEYSTORE_KEY
  valueFrom:
    secretKeyRef: {name: {{ .name | quote }}, key: {{ .keyKey | quote }}}
{{- end }}{{ end }}
{{- end }}
{{- if $k.sasl.enabled }}
- name: KAFKA_PRODUCER_SASL_MECHANISM
  value: {{ $k.sasl.mechanism | quote }}
{{- if $k.sasl.jaasConfigKey }}
- name: KAFKA_PRODUCER_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef: {name: {{ $k.sasl.existingSecret | quote }}, key: {{ $k.sasl.jaasConfigKey | quote }}}
{{- else }}
- name: ATTACHE_KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ $k.sasl.existingSecret | quote }}, key: {{ $k.sasl.usernameKey | quote }}}
- name: ATTACHE_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $k.sasl.existingSecret | quote }}, key: {{ $k.sasl.passwordKey | quote }}}
- name: KAFKA_PRODUCER_SASL_JAAS_CONFIG
  value: {{ printf "%s required username=\"$(ATTACHE_KAFKA_SASL_USERNAME)\" password=\"$(ATTACHE_KAFKA_SASL_PASSWORD)\";" (ternary "org.apache.kafka.common.security.plain.PlainLoginModule" "org.apache.kafka.common.security.scram.ScramLoginModule" (eq $k.sasl.mechanism "PLAIN")) | quote }}
{{- end }}
{{- end }}
{{- range $name, $value := $k.producer }}
- name: {{ printf "KAFKA_PRODUCER_%s" ($name | upper | replace "." "_" | replace "-" "_") }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* ratelimit-service: backend (memory, or Redis with the password from a Secret), config files, debug port. */}}
{{- define "attache.env.ratelimit" -}}
{{- $r := .v.redis }}
- name: DEBUG_HOST
  value: 127.0.0.1
- name: DEBUG_PORT
  value: {{ .v.debugPort | quote }}
- name: RUNTIME_ROOT
  value: /srv/runtime_data/current
- name: BACKEND_TYPE
  value: {{ ternary "redis" "memory" $r.enabled }}
{{- with .v.quotasTopic }}
{{- if not $.root.Values.kafka.bootstrapServers }}
{{- fail "ratelimit.quotasTopic needs kafka.bootstrapServers: quotas are read from Kafka" }}
{{- end }}
- name: ATTACHE_QUOTAS_TOPIC
  value: {{ . | quote }}
{{- end }}
{{- if $r.enabled }}
- name: REDIS_TYPE
  value: {{ $r.type | quote }}
- name: REDIS_SOCKET_TYPE
  value: tcp
- name: REDIS_URL
  value: {{ $r.url | quote }}
- name: REDIS_TLS
  value: {{ $r.tls | quote }}
{{- if and $r.tls $r.tlsSecret.name }}
- name: REDIS_TLS_CACERT
  value: {{ printf "/etc/attache/redis-tls/%s" $r.tlsSecret.caKey | quote }}
{{- if $r.tlsSecret.clientCertificate }}
- name: REDIS_TLS_CLIENT_CERT
  value: /etc/attache/redis-tls/tls.crt
- name: REDIS_TLS_CLIENT_KEY
  value: /etc/attache/redis-tls/tls.key
{{- end }}
{{- end }}
{{- if $r.tlsSkipHostnameVerification }}
- name: REDIS_TLS_SKIP_HOSTNAME_VERIFICATION
  value: "true"
{{- end }}
- name: REDIS_POOL_SIZE
  value: {{ $r.poolSize | quote }}
{{- with $r.timeout }}
- name: REDIS_TIMEOUT
  value: {{ . | quote }}
{{- end }}
{{- with $r.pipelineWindow }}
- name: REDIS_PIPELINE_WINDOW
  value: {{ . | quote }}
{{- end }}
{{- if $r.auth.existingSecret }}
- name: REDIS_AUTH
  valueFrom:
    secretKeyRef: {name: {{ $r.auth.existingSecret | quote }}, key: {{ $r.auth.key | quote }}}
{{- end }}
{{- end }}
{{- end -}}

{{/* ext-authz: default decision, Emissary's path_prefix, the key that makes API-key fingerprints stable. */}}
{{- define "attache.env.extAuthz" -}}
- name: ATTACHE_AUTHZ_DEFAULT
  value: {{ .v.defaultDecision | quote }}
- name: ATTACHE_POLICY_DIR
  value: /etc/attache/policies
{{- with .v.httpPathPrefix }}
- name: ATTACHE_HTTP_PATH_PREFIX
  value: {{ . | quote }}
{{- end }}
{{- with .v.keyFingerprintSecret }}{{ if .name }}
- name: ATTACHE_KEY_FINGERPRINT_SECRET
  valueFrom:
    secretKeyRef: {name: {{ .name | quote }}, key: {{ .key | quote }}}
{{- end }}{{ end }}
{{- end -}}

{{/* control-plane: the Lease namespace, the GatewayClass, and where ext-authz and ratelimit-service answer. */}}
{{- define "attache.env.controlPlane" -}}
{{- $values := .root.Values }}
- name: POD_NAMESPACE
  valueFrom:
    fieldRef: {fieldPath: metadata.namespace}
- name: GATEWAY_CLASS_NAME
  value: {{ .v.gatewayClass.name | quote }}
- name: ATTACHE_WRITE_STATUS
  value: {{ .v.writeStatus | quote }}
- name: ATTACHE_PROXYLESS_HOSTS
  value: {{ .v.proxylessHosts | quote }}
{{- $extAuthz := .v.extAuthzAddress | default (ternary (include "attache.grpcAddress" (list .root "extAuthz")) "" $values.extAuthz.enabled) }}
{{- with $extAuthz }}
- name: ATTACHE_EXT_AUTHZ_ADDRESS
  value: {{ . | quote }}
{{- end }}
{{- $ratelimit := .v.rateLimitAddress | default (ternary (include "attache.grpcAddress" (list .root "ratelimit")) "" $values.ratelimit.enabled) }}
{{- with $ratelimit }}
- name: ATTACHE_RATELIMIT_ADDRESS
  value: {{ . | quote }}
{{- end }}
{{- with .v.envoyTls }}
{{- if .ca }}
- name: ATTACHE_ENVOY_TLS_CA
  value: {{ .ca | quote }}
{{- end }}
{{- if .cert }}
- name: ATTACHE_ENVOY_TLS_CERT
  value: {{ .cert | quote }}
- name: ATTACHE_ENVOY_TLS_KEY
  value: {{ .key | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Everything, in order: common, the component's own, then extraEnv (names the chart sets must not repeat). */}}
{{- define "attache.env" -}}
{{ include "attache.env.common" . | trim }}
{{ include (printf "attache.env.%s" .c.key) . | trim }}
{{- with .v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
