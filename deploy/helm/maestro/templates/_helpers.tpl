{{/*
Names and labels.
*/}}
{{- define "maestro.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The resource name prefix: <release>-<chart>, or <release> when it already contains the chart name. */}}
{{- define "maestro.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "maestro.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "maestro.selectorLabels" -}}
app.kubernetes.io/name: {{ include "maestro.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "maestro.labels" -}}
helm.sh/chart: {{ include "maestro.chart" . }}
{{ include "maestro.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: maestro
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of one module's objects; call with (dict "root" $ "module" $module). */}}
{{- define "maestro.moduleLabels" -}}
{{ include "maestro.labels" .root }}
app.kubernetes.io/component: {{ .module.name }}
{{- end }}

{{/* Selector of one module's pods; call with (dict "root" $ "module" $module). */}}
{{- define "maestro.moduleSelectorLabels" -}}
{{ include "maestro.selectorLabels" .root }}
app.kubernetes.io/component: {{ .module.name }}
{{- end }}

{{- define "maestro.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "maestro.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "maestro.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
The modules: values key, module name, whether it calls the Kubernetes API (the runtime: the worker
and the runtime watcher manage rooms, the Rooms API reads their addresses; src/main/modules), and
the variables of their ports. Returned as YAML; read with `fromYaml`.
*/}}
{{- define "maestro.modules" -}}
managementApi:
  name: management-api
  kubernetesApi: false
  portVariables:
    http: MAESTRO_MANAGEMENT_API_PORT
    grpc: MAESTRO_MANAGEMENT_API_GRPC_PORT
    internal: MAESTRO_MANAGEMENT_API_INTERNAL_PORT
roomsApi:
  name: rooms-api
  kubernetesApi: true
  portVariables:
    http: MAESTRO_ROOMS_API_PORT
    grpc: MAESTRO_ROOMS_API_GRPC_PORT
    internal: MAESTRO_ROOMS_API_INTERNAL_PORT
worker:
  name: worker
  kubernetesApi: true
  portVariables:
    internal: MAESTRO_WORKER_INTERNAL_PORT
runtimeWatcher:
  name: runtime-watcher
  kubernetesApi: true
  portVariables:
    internal: MAESTRO_RUNTIME_WATCHER_INTERNAL_PORT
metricsReporter:
  name: metrics-reporter
  kubernetesApi: false
  portVariables:
    internal: MAESTRO_METRICS_REPORTER_INTERNAL_PORT
{{- end }}

{{/*
A number or boolean from values as a string. Helm reads YAML numbers as float64, which `toString`
would print as 3e+06: integral floats print as integers.
*/}}
{{- define "maestro.scalar" -}}
{{- if kindIs "float64" . }}
{{- if eq . (floor .) }}{{ int64 . }}{{ else }}{{ . }}{{ end }}
{{- else }}
{{- toString . }}
{{- end }}
{{- end }}

{{/* The non-secret settings of every module: chart defaults, then `config`, then the structured values. */}}
{{- define "maestro.settings" -}}
{{- $settings := dict
  "MAESTRO_RUNTIME" "kubernetes"
  "MAESTRO_KUBERNETES_IN_CLUSTER" "true"
  "MAESTRO_SHUTDOWN_TIMEOUT_MS" "30000"
}}
{{- range $key, $value := .Values.config }}
{{- $_ := set $settings $key (include "maestro.scalar" $value) }}
{{- end }}
{{- $_ := set $settings "MAESTRO_POSTGRES_POOL_SIZE" (include "maestro.scalar" .Values.postgres.poolSize) }}
{{- with .Values.redis }}
{{- /* Standalone is maestro's default mode: left unset, as are the other unused Redis settings. */}}
{{- if ne .mode "standalone" }}
{{- $_ := set $settings "MAESTRO_REDIS_MODE" .mode }}
{{- $_ := set $settings "MAESTRO_REDIS_NODES" (join "," .nodes) }}
{{- end }}
{{- if eq .mode "sentinel" }}
{{- $_ := set $settings "MAESTRO_REDIS_SENTINEL_MASTER" .sentinelMaster }}
{{- end }}
{{- if .username }}
{{- $_ := set $settings "MAESTRO_REDIS_USERNAME" .username }}
{{- end }}
{{- if .tls }}
{{- $_ := set $settings "MAESTRO_REDIS_TLS" "true" }}
{{- end }}
{{- if .keyPrefix }}
{{- $_ := set $settings "MAESTRO_REDIS_KEY_PREFIX" .keyPrefix }}
{{- end }}
{{- end }}
{{- $settings = merge (include "maestro.temporalSettings" . | fromYaml) $settings }}
{{- if .Values.roomAuth.required }}
{{- $_ := set $settings "MAESTRO_ROOM_AUTH_REQUIRED" "true" }}
{{- end }}
{{- $settings = merge (include "maestro.securitySettings" . | fromYaml) $settings }}
{{- $modules := include "maestro.modules" . | fromYaml }}
{{- range $key, $module := $modules }}
{{- $ports := (index $.Values.modules $key).ports }}
{{- range $port, $variable := $module.portVariables }}
{{- $_ := set $settings $variable (include "maestro.scalar" (index $ports $port)) }}
{{- end }}
{{- end }}
{{- toYaml $settings }}
{{- end }}

{{/* The Temporal connection settings (non-secret): the modules' ConfigMap and the migration Job. */}}
{{- define "maestro.temporalSettings" -}}
{{- $settings := dict }}
{{- with .Values.temporal }}
{{- $_ := set $settings "MAESTRO_TEMPORAL_ADDRESS" .address }}
{{- $_ := set $settings "MAESTRO_TEMPORAL_NAMESPACE" .namespace }}
{{- $_ := set $settings "MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX" .taskQueuePrefix }}
{{- end }}
{{- $tls := include "maestro.temporalTlsFiles" . | fromYaml }}
{{- $dir := include "maestro.temporalTlsDir" . }}
{{- if .Values.temporal.tls.enabled }}
{{- $_ := set $settings "MAESTRO_TEMPORAL_TLS" "true" }}
{{- with .Values.temporal.tls.serverName }}
{{- $_ := set $settings "MAESTRO_TEMPORAL_TLS_SERVER_NAME" . }}
{{- end }}
{{- if $tls.ca }}
{{- $_ := set $settings "MAESTRO_TEMPORAL_TLS_CA_FILE" (printf "%s/ca.crt" $dir) }}
{{- end }}
{{- if $tls.cert }}
{{- $_ := set $settings "MAESTRO_TEMPORAL_TLS_CERT_FILE" (printf "%s/tls.crt" $dir) }}
{{- $_ := set $settings "MAESTRO_TEMPORAL_TLS_KEY_FILE" (printf "%s/tls.key" $dir) }}
{{- end }}
{{- end }}
{{- toYaml $settings }}
{{- end }}

{{/*
The non-secret security settings of every module: access control, payload keys' directory, rate
limits. The APIs' TLS files are each API container's own (maestro.apiTlsEnv): only those pods
mount them, and every module checks the files it is given at start.
*/}}
{{- define "maestro.securitySettings" -}}
{{- $settings := dict }}
{{- with .Values.auth }}
{{- if .required }}
{{- $_ := set $settings "MAESTRO_AUTH_REQUIRED" "true" }}
{{- end }}
{{- if .matchmakerRequired }}
{{- $_ := set $settings "MAESTRO_MATCHMAKER_AUTH_REQUIRED" "true" }}
{{- end }}
{{- with .oidc }}
{{- if .issuer }}
{{- $_ := set $settings "MAESTRO_OIDC_ISSUER" .issuer }}
{{- $_ := set $settings "MAESTRO_OIDC_AUDIENCE" .audience }}
{{- $_ := set $settings "MAESTRO_OIDC_JWKS_URL" .jwksUrl }}
{{- $_ := set $settings "MAESTRO_OIDC_ROLES_CLAIM" .rolesClaim }}
{{- $_ := set $settings "MAESTRO_OIDC_ALGORITHMS" (join "," .algorithms) }}
{{- $_ := set $settings "MAESTRO_OIDC_CLOCK_TOLERANCE_SECONDS" (include "maestro.scalar" .clockToleranceSeconds) }}
{{- $_ := set $settings "MAESTRO_OIDC_JWKS_COOLDOWN_MS" (include "maestro.scalar" .jwksCooldownMs) }}
{{- $_ := set $settings "MAESTRO_OIDC_JWKS_CACHE_MAX_AGE_MS" (include "maestro.scalar" .jwksCacheMaxAgeMs) }}
{{- end }}
{{- end }}
{{- $_ := set $settings "MAESTRO_API_KEY_CACHE_TTL_MS" (include "maestro.scalar" .apiKeys.cacheTtlMs) }}
{{- end }}
{{- if include "maestro.payloadKeysSecret" . }}
{{- $_ := set $settings "MAESTRO_PAYLOAD_KEYS_DIR" (include "maestro.payloadKeysDir" .) }}
{{- with .Values.payloadEncryption.activeKey }}
{{- $_ := set $settings "MAESTRO_PAYLOAD_ACTIVE_KEY" . }}
{{- end }}
{{- end }}
{{- with .Values.payloadEncryption.codecCorsOrigins }}
{{- $_ := set $settings "MAESTRO_CODEC_CORS_ORIGINS" (join "," .) }}
{{- end }}
{{- with .Values.rateLimits }}
{{- $_ := set $settings "MAESTRO_RATE_LIMIT_MUTATIONS_PER_MINUTE" (include "maestro.scalar" .mutations.perMinute) }}
{{- $_ := set $settings "MAESTRO_RATE_LIMIT_MUTATIONS_BURST" (include "maestro.scalar" .mutations.burst) }}
{{- $_ := set $settings "MAESTRO_RATE_LIMIT_ALLOCATIONS_PER_MINUTE" (include "maestro.scalar" .allocations.perMinute) }}
{{- $_ := set $settings "MAESTRO_RATE_LIMIT_ALLOCATIONS_BURST" (include "maestro.scalar" .allocations.burst) }}
{{- end }}
{{- toYaml $settings }}
{{- end }}

{{- define "maestro.payloadKeysDir" -}}
/etc/maestro/payload-keys
{{- end }}

{{/* The Secret of the payload keys every module mounts: the existing one, the chart's own, or "". */}}
{{- define "maestro.payloadKeysSecret" -}}
{{- with .Values.payloadEncryption }}
{{- if .existingSecret }}
{{- .existingSecret }}
{{- else if .keys }}
{{- printf "%s-payload-keys" (include "maestro.fullname" $) }}
{{- end }}
{{- end }}
{{- end }}

{{- define "maestro.apiTlsDir" -}}
/etc/maestro/api-tls
{{- end }}

{{/* The TLS variables of an API container (the Management and Rooms APIs), from the mounted Secret. */}}
{{- define "maestro.apiTlsEnv" -}}
{{- $dir := include "maestro.apiTlsDir" . }}
- name: MAESTRO_TLS_CERT_FILE
  value: {{ printf "%s/tls.crt" $dir | quote }}
- name: MAESTRO_TLS_KEY_FILE
  value: {{ printf "%s/tls.key" $dir | quote }}
{{- if .Values.apiTls.mutual }}
- name: MAESTRO_TLS_CLIENT_CA_FILE
  value: {{ printf "%s/ca.crt" $dir | quote }}
{{- end }}
- name: MAESTRO_TLS_RELOAD_INTERVAL_MS
  value: {{ include "maestro.scalar" .Values.apiTls.reloadIntervalMs | quote }}
{{- end }}

{{- define "maestro.temporalTlsDir" -}}
/etc/maestro/temporal-tls
{{- end }}

{{/*
Which Temporal TLS files exist, as YAML {ca: bool, cert: bool, secret: name, keys: {...}}: from the
inline PEMs (the chart's Secret) or from the keys named for `existingSecret`.
*/}}
{{- define "maestro.temporalTlsFiles" -}}
{{- $tls := .Values.temporal.tls }}
{{- if $tls.existingSecret }}
ca: {{ ne $tls.existingSecretKeys.ca "" }}
cert: {{ and (ne $tls.existingSecretKeys.cert "") (ne $tls.existingSecretKeys.key "") }}
secret: {{ $tls.existingSecret | quote }}
keys:
  ca: {{ $tls.existingSecretKeys.ca | quote }}
  cert: {{ $tls.existingSecretKeys.cert | quote }}
  key: {{ $tls.existingSecretKeys.key | quote }}
{{- else }}
ca: {{ ne $tls.ca "" }}
cert: {{ and (ne $tls.cert "") (ne $tls.key "") }}
secret: {{ printf "%s-temporal-tls" (include "maestro.fullname" .) | quote }}
keys:
  ca: ca.crt
  cert: tls.crt
  key: tls.key
{{- end }}
{{- end }}

{{/* Fails the render on combinations the schema cannot express. */}}
{{- define "maestro.validate" -}}
{{- $tls := .Values.temporal.tls }}
{{- if and $tls.enabled (not $tls.existingSecret) (ne (empty $tls.cert) (empty $tls.key)) }}
{{- fail "temporal.tls: cert and key go together (mTLS needs both)" }}
{{- end }}
{{- if and $tls.existingSecret (ne (empty $tls.existingSecretKeys.cert) (empty $tls.existingSecretKeys.key)) }}
{{- fail "temporal.tls.existingSecretKeys: cert and key go together (mTLS needs both)" }}
{{- end }}
{{- with .Values.redis }}
{{- if and (eq .mode "standalone") .password (not .existingSecret) (regexMatch "^rediss?://[^/@]*:[^/@]*@" .url) }}
{{- fail "redis: the URL carries a password and redis.password is set too: keep one" }}
{{- end }}
{{- end }}
{{- if and .Values.roomAuth.required (not .Values.roomAuth.secret) (not .Values.roomAuth.existingSecret) }}
{{- fail "roomAuth.required needs roomAuth.secret or roomAuth.existingSecret" }}
{{- end }}
{{- with .Values.auth.oidc }}
{{- if and (or .issuer .audience .jwksUrl) (not (and .issuer .audience .jwksUrl)) }}
{{- fail "auth.oidc: issuer, audience and jwksUrl go together (tokens are checked against all three)" }}
{{- end }}
{{- end }}
{{- with .Values.payloadEncryption }}
{{- if and .activeKey (not .existingSecret) (not (hasKey .keys .activeKey)) }}
{{- fail (printf "payloadEncryption.activeKey %q is none of payloadEncryption.keys (or set payloadEncryption.existingSecret)" .activeKey) }}
{{- end }}
{{- if and (not .existingSecret) (gt (len .keys) 1) (not .activeKey) }}
{{- fail "payloadEncryption.activeKey must name the key that encrypts (several keys given)" }}
{{- end }}
{{- end }}
{{- if and .Values.apiTls.existingSecret (eq .Values.service.grpcAppProtocol "kubernetes.io/h2c") }}
{{- fail "service.grpcAppProtocol kubernetes.io/h2c is cleartext HTTP/2, but apiTls makes the APIs serve TLS: use grpc" }}
{{- end }}
{{- end }}

{{/* Whether the chart's own Secret has anything to hold: "true" or "". */}}
{{- define "maestro.hasSecret" -}}
{{- $data := include "maestro.secretData" . | fromYaml }}
{{- if $data }}true{{ end }}
{{- end }}

{{/* The data of the chart's Secret (plain values; the template encodes them). */}}
{{- define "maestro.secretData" -}}
{{- if not .Values.postgres.existingSecret }}
postgres-url: {{ .Values.postgres.url | quote }}
{{- end }}
{{- if not .Values.redis.existingSecret }}
{{- if and (eq .Values.redis.mode "standalone") .Values.redis.url }}
redis-url: {{ .Values.redis.url | quote }}
{{- end }}
{{- with .Values.redis.password }}
redis-password: {{ . | quote }}
{{- end }}
{{- if and (eq .Values.redis.mode "sentinel") .Values.redis.sentinelPassword }}
redis-sentinel-password: {{ .Values.redis.sentinelPassword | quote }}
{{- end }}
{{- end }}
{{- if and (not .Values.temporal.existingApiKeySecret) .Values.temporal.apiKey }}
temporal-api-key: {{ .Values.temporal.apiKey | quote }}
{{- end }}
{{- if and (not .Values.roomAuth.existingSecret) .Values.roomAuth.secret }}
room-auth-secret: {{ .Values.roomAuth.secret | quote }}
{{- end }}
{{- if and (not .Values.auth.apiKeys.existingSecret) .Values.auth.apiKeys.pepper }}
api-key-pepper: {{ .Values.auth.apiKeys.pepper | quote }}
{{- end }}
{{- end }}

{{/* One secret variable: call with (dict "name" VAR "secret" NAME "key" KEY "optional" BOOL). */}}
{{- define "maestro.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .key | quote }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}

{{/* The secret variables of every module: from the chart's Secret or from the existing ones. */}}
{{- define "maestro.secretEnvs" -}}
{{- $own := include "maestro.fullname" . }}
{{- if .Values.postgres.existingSecret }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_POSTGRES_URL" "secret" .Values.postgres.existingSecret "key" .Values.postgres.existingSecretKey) }}
{{- else }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_POSTGRES_URL" "secret" $own "key" "postgres-url") }}
{{- end }}
{{- with .Values.redis }}
{{- if .existingSecret }}
{{- if eq .mode "standalone" }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_REDIS_URL" "secret" .existingSecret "key" .existingSecretKeys.url "optional" true) }}
{{- end }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_REDIS_PASSWORD" "secret" .existingSecret "key" .existingSecretKeys.password "optional" true) }}
{{- if eq .mode "sentinel" }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_REDIS_SENTINEL_PASSWORD" "secret" .existingSecret "key" .existingSecretKeys.sentinelPassword "optional" true) }}
{{- end }}
{{- else }}
{{- if and (eq .mode "standalone") .url }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_REDIS_URL" "secret" $own "key" "redis-url") }}
{{- end }}
{{- if .password }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_REDIS_PASSWORD" "secret" $own "key" "redis-password") }}
{{- end }}
{{- if and (eq .mode "sentinel") .sentinelPassword }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_REDIS_SENTINEL_PASSWORD" "secret" $own "key" "redis-sentinel-password") }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.temporal }}
{{- if .existingApiKeySecret }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_TEMPORAL_API_KEY" "secret" .existingApiKeySecret "key" .existingApiKeySecretKey) }}
{{- else if .apiKey }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_TEMPORAL_API_KEY" "secret" $own "key" "temporal-api-key") }}
{{- end }}
{{- end }}
{{- with .Values.roomAuth }}
{{- if .existingSecret }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_ROOM_AUTH_SECRET" "secret" .existingSecret "key" .existingSecretKey) }}
{{- else if .secret }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_ROOM_AUTH_SECRET" "secret" $own "key" "room-auth-secret") }}
{{- end }}
{{- end }}
{{- with .Values.auth.apiKeys }}
{{- if .existingSecret }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_API_KEY_PEPPER" "secret" .existingSecret "key" .existingSecretKey) }}
{{- else if .pepper }}
{{ include "maestro.secretEnv" (dict "name" "MAESTRO_API_KEY_PEPPER" "secret" $own "key" "api-key-pepper") }}
{{- end }}
{{- end }}
{{- end }}

{{/* Pod-level placement of one module: its own value, else the global one. Call with (dict "root" $ "values" $values "module" $module). */}}
{{- define "maestro.placement" -}}
{{- $root := .root }}
{{- $values := .values }}
{{- $selector := include "maestro.moduleSelectorLabels" (dict "root" $root "module" .module) | fromYaml }}
{{- with (default $root.Values.nodeSelector $values.nodeSelector) }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (default $root.Values.tolerations $values.tolerations) }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
affinity:
{{- with (default $root.Values.affinity $values.affinity) }}
  {{- toYaml . | nindent 2 }}
{{- else }}
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- toYaml $selector | nindent 14 }}
{{- end }}
topologySpreadConstraints:
{{- with (default $root.Values.topologySpreadConstraints $values.topologySpreadConstraints) }}
  {{- toYaml . | nindent 2 }}
{{- else }}
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- toYaml $selector | nindent 8 }}
{{- end }}
{{- with (default $root.Values.priorityClassName $values.priorityClassName) }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- end }}
