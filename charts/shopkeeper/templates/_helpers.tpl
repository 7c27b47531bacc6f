{{/*
Expand the name of the chart.
*/}}
{{- define "shopkeeper.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "shopkeeper.fullname" -}}
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

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "shopkeeper.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "shopkeeper.labels" -}}
helm.sh/chart: {{ include "shopkeeper.chart" . }}
{{ include "shopkeeper.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: shopkeeper
{{- end }}

{{/*
Selector labels
*/}}
{{- define "shopkeeper.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shopkeeper.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of the operator's own objects (Deployment, Service, ServiceMonitor).
*/}}
{{- define "shopkeeper.operatorSelectorLabels" -}}
{{ include "shopkeeper.selectorLabels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "shopkeeper.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "shopkeeper.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The operator image reference; the tag defaults to the chart's appVersion.
*/}}
{{- define "shopkeeper.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The Secret of the platform's OIDC client credentials (platform.oidcClient).
*/}}
{{- define "shopkeeper.oidcClientSecretName" -}}
{{- default (printf "%s-oidc-client" .Values.platform.name) .Values.platform.oidcClient.secretName }}
{{- end }}
