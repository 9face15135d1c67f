{{/*
What each service does with the Kubernetes API, as RBAC rules. Taken from the code (fabric8 8.0.0):
an informer lists and watches; a status write (editStatus) reads the object and PATCHes its /status
subresource; the status Lease (LeaseLock) is read, created and PATCHed. Nothing is ever updated with
PUT, deleted, or read outside these rules.
*/}}

{{/* control-plane, in the watched namespaces. Status rules only when it writes status. */}}
{{- define "attache.rules.controlPlane" -}}
{{- $read := ternary (list "get" "list" "watch") (list "list" "watch") .v.writeStatus -}}
- apiGroups: [""]
  resources: [services]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
{{- /* kubernetes.io/tls Secrets named by HTTPS Gateway listeners, served over SDS */}}
- apiGroups: [""]
  resources: [secrets]
  verbs: [list, watch]
- apiGroups: [gateway.networking.k8s.io]
  resources: [gateways, httproutes, grpcroutes, tlsroutes, tcproutes]
  verbs: [{{ join ", " $read }}]
{{- /* ReferenceGrants allow routes and Gateways to refer to Services and Secrets of other namespaces */}}
- apiGroups: [gateway.networking.k8s.io]
  resources: [referencegrants]
  verbs: [list, watch]
{{- /* BackendTLSPolicies make Envoy originate TLS to Services (get: their status is written) */}}
- apiGroups: [gateway.networking.k8s.io]
  resources: [backendtlspolicies]
  verbs: [{{ join ", " $read }}]
{{- /* ConfigMaps holding the CA bundles BackendTLSPolicies name (ca.crt) */}}
- apiGroups: [""]
  resources: [configmaps]
  verbs: [list, watch]
- apiGroups: [attache.io]
  resources: [trafficpolicies, authpolicies, ratelimitpolicies]
  verbs: [{{ join ", " $read }}]
{{- /* Emissary's Mappings, Hosts, Listeners and TLSContexts, served when its CRDs are installed (ATTACHE_WATCH_EMISSARY) */}}
- apiGroups: [getambassador.io]
  resources: [mappings]
  verbs: [{{ join ", " $read }}]
- apiGroups: [getambassador.io]
  resources: [hosts, listeners, tlscontexts]
  verbs: [list, watch]
{{- if eq .root.Values.rbac.scope "cluster" }}
{{- /* Namespaces' labels, for listeners that allow routes from the namespaces a selector matches (all namespaces watched only) */}}
- apiGroups: [""]
  resources: [namespaces]
  verbs: [list, watch]
{{- end }}
{{- if .v.writeStatus }}
- apiGroups: [gateway.networking.k8s.io]
  resources: [gateways/status, httproutes/status, grpcroutes/status, tlsroutes/status, tcproutes/status, backendtlspolicies/status]
  verbs: [patch]
{{- if eq .root.Values.rbac.scope "cluster" }}
{{- /* GatewayClasses are cluster-scoped: accepted only by a control plane watching every namespace */}}
- apiGroups: [gateway.networking.k8s.io]
  resources: [gatewayclasses]
  verbs: [get, list, watch]
- apiGroups: [gateway.networking.k8s.io]
  resources: [gatewayclasses/status]
  verbs: [patch]
{{- end }}
- apiGroups: [attache.io]
  resources: [trafficpolicies/status, authpolicies/status, ratelimitpolicies/status]
  verbs: [patch]
- apiGroups: [getambassador.io]
  resources: [mappings/status]
  verbs: [patch]
{{- end }}
{{- end -}}

{{/* ext-authz: AuthPolicies and their Accepted status; credential Secrets the policies select or name; TokenReviews. */}}
{{- define "attache.rules.extAuthz" -}}
- apiGroups: [attache.io]
  resources: [authpolicies]
  verbs: [get, list, watch]
- apiGroups: [attache.io]
  resources: [authpolicies/status]
  verbs: [patch]
{{- if .v.apiKeySecrets }}
- apiGroups: [""]
  resources: [secrets]
  verbs: [list, watch]
{{- end }}
{{- if and .v.tokenReviews (eq .root.Values.rbac.scope "cluster") }}
{{- /* serviceAccount identities: TokenReviews are cluster-scoped, so a namespaced Role cannot grant them */}}
- apiGroups: [authentication.k8s.io]
  resources: [tokenreviews]
  verbs: [create]
{{- end }}
{{- end -}}

{{/* ratelimit-service: RateLimitPolicies and their Accepted status. */}}
{{- define "attache.rules.ratelimit" -}}
- apiGroups: [attache.io]
  resources: [ratelimitpolicies]
  verbs: [get, list, watch]
- apiGroups: [attache.io]
  resources: [ratelimitpolicies/status]
  verbs: [patch]
{{- end -}}

{{/* The status Lease of the control plane, always in the release namespace (POD_NAMESPACE). */}}
{{- define "attache.rules.controlPlaneLease" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [create]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  resourceNames: [attache-control-plane-status]
  verbs: [get, patch]
{{- end -}}
