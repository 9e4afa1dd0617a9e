/**
 * Helm release of grafana/grafana (pure data): Prometheus as the default data
 * source, Istio's dashboards provisioned at install time, anonymous access
 * off and the admin password kept out of the values.
 */
import type { ChartRelease } from "../mesh/istio";
import { dashboardUrl, istioDashboards } from "./dashboards";

export const GRAFANA_CHART_REPO = "https://grafana.github.io/helm-charts";
/** The chart version Istio 1.27.1's own addons pin (manifests/addons/gen.sh GRAFANA_VERSION); Grafana 12.0.1. */
export const GRAFANA_CHART_VERSION = "9.2.2";
/** Release name; the chart names its Deployment, Service and generated Secret after it. */
export const GRAFANA_RELEASE = "grafana";
/** The chart's Service port (service.port) in front of Grafana's 3000. */
export const GRAFANA_SERVICE_PORT = 80;
/** Grafana's unauthenticated health endpoint (the ALB health check). */
export const GRAFANA_HEALTH_PATH = "/api/health";
export const GRAFANA_ADMIN_USER = "admin";
/** Key of the admin password in its Secret (the chart's own generated Secret uses the same key). */
export const GRAFANA_ADMIN_PASSWORD_KEY = "admin-password";
/** Where the admin password Secret is mounted in the Grafana container. */
export const GRAFANA_ADMIN_SECRET_MOUNT = "/etc/secrets/grafana-admin";
/** Dashboard provider (and Grafana folder) the Istio dashboards land in. */
export const ISTIO_DASHBOARD_PROVIDER = "istio";

export interface GrafanaValuesInput {
    readonly namespace: string;
    /** In-cluster URL of the mesh's Prometheus, e.g. http://prometheus-server.istio-system.svc.cluster.local:80. */
    readonly prometheusUrl: string;
    /** Public URL when Grafana is routed through the ALB (sets root_url and secure cookies). */
    readonly publicUrl?: string;
    /** A Secret holding the admin password (key admin-password); without it the chart generates a random one. */
    readonly adminSecretName?: string;
}

export function grafanaRelease(input: GrafanaValuesInput): ChartRelease {
    const https = input.publicUrl?.startsWith("https://") ?? false;
    return {
        name: GRAFANA_RELEASE,
        chart: "grafana",
        version: GRAFANA_CHART_VERSION,
        repo: GRAFANA_CHART_REPO,
        namespace: input.namespace,
        values: {
            // Without a Secret of ours the chart creates Secret "grafana" with a random
            // 40-character password (randAlphaNum 40) and keeps it across upgrades (lookup).
            adminUser: GRAFANA_ADMIN_USER,
            ...(input.adminSecretName ? adminPasswordFromFile(input.adminSecretName) : {}),
            // The chart's RBAC only serves the sidecars, which are off.
            rbac: { create: false },
            testFramework: { enabled: false },
            service: { type: "ClusterIP", port: GRAFANA_SERVICE_PORT },
            // Exposed through this program's own ALB Ingress, not the chart's.
            ingress: { enabled: false },
            persistence: { enabled: false },
            resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
            "grafana.ini": {
                server: input.publicUrl ? { root_url: input.publicUrl.endsWith("/") ? input.publicUrl : `${input.publicUrl}/` } : {},
                "auth.anonymous": { enabled: false },
                users: { allow_sign_up: false, allow_org_create: false },
                security: { cookie_secure: https, disable_gravatar: true },
                analytics: { reporting_enabled: false, check_for_updates: false },
            },
            datasources: {
                "datasources.yaml": {
                    apiVersion: 1,
                    datasources: [
                        {
                            name: "Prometheus",
                            uid: "prometheus",
                            type: "prometheus",
                            access: "proxy",
                            url: input.prometheusUrl,
                            // Istio's dashboards pick the default Prometheus data source (their `datasource` variable).
                            isDefault: true,
                            editable: false,
                            jsonData: { timeInterval: "15s" },
                        },
                    ],
                },
            },
            dashboardProviders: {
                "dashboardproviders.yaml": {
                    apiVersion: 1,
                    providers: [
                        {
                            name: ISTIO_DASHBOARD_PROVIDER,
                            orgId: 1,
                            folder: "Istio",
                            type: "file",
                            disableDeletion: true,
                            editable: false,
                            options: { path: `/var/lib/grafana/dashboards/${ISTIO_DASHBOARD_PROVIDER}` },
                        },
                    ],
                },
            },
            dashboards: {
                [ISTIO_DASHBOARD_PROVIDER]: Object.fromEntries(
                    // -sLf instead of the chart's default -skf: verify TLS, follow redirects, fail on HTTP errors.
                    istioDashboards.map((d) => [d.key, { url: dashboardUrl(d), curlOptions: "-sLf" }]),
                ),
            },
        },
    };
}

/**
 * Grafana reads the admin password from a file mounted from our Secret
 * (GF_SECURITY_ADMIN_PASSWORD__FILE, Grafana's `__FILE` convention): it is in
 * no Helm value, no environment variable, and with that variable set the chart
 * creates no password Secret of its own.
 */
function adminPasswordFromFile(secretName: string): Record<string, unknown> {
    return {
        env: {
            GF_SECURITY_ADMIN_USER: GRAFANA_ADMIN_USER,
            GF_SECURITY_ADMIN_PASSWORD__FILE: `${GRAFANA_ADMIN_SECRET_MOUNT}/${GRAFANA_ADMIN_PASSWORD_KEY}`,
        },
        extraSecretMounts: [
            // 0440: readable by the grafana group only (the chart's pod fsGroup 472).
            { name: "admin-password", secretName, mountPath: GRAFANA_ADMIN_SECRET_MOUNT, readOnly: true, defaultMode: 0o440 },
        ],
    };
}
