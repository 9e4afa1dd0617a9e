/**
 * Helm release of kiali-server (pure data). The server chart rather than the
 * Kiali operator: one release Pulumi installs, diffs and removes like every
 * other chart here, with no CRD, no Kiali CR and no operator Deployment with
 * cluster-wide write access reconciling behind Pulumi's back.
 */
import type { ChartRelease } from "../mesh/istio";

export const KIALI_CHART_REPO = "https://kiali.org/helm-charts";
/** The kiali-server version Istio 1.27.1's own addons pin (manifests/addons/gen.sh); Kiali v2.12, the release Kiali documents for Istio 1.27. */
export const KIALI_CHART_VERSION = "2.12.0";
/** Release name; the chart names its objects after deployment.instance_name (default "kiali"). */
export const KIALI_RELEASE = "kiali";
/** Service name (= deployment.instance_name) and port (server.port). */
export const KIALI_SERVICE = "kiali";
export const KIALI_SERVICE_PORT = 20001;
/** Served at the root of its own hostname; the chart's default on Kubernetes is /kiali. */
export const KIALI_WEB_ROOT = "/";
export const KIALI_HEALTH_PATH = "/healthz";
/** The read-only ClusterRole the chart creates as `<instance_name>-viewer` when auth is not anonymous. */
export const KIALI_VIEWER_CLUSTER_ROLE = "kiali-viewer";
/** ServiceAccount whose short-lived tokens users log in with (`kubectl create token`). */
export const KIALI_LOGIN_SERVICE_ACCOUNT = "kiali-login";

export interface KialiValuesInput {
    readonly namespace: string;
    /** In-cluster URL of the mesh's Prometheus. */
    readonly prometheusUrl: string;
    /** Namespace of the Istio ingress gateway (for Kiali's component status). */
    readonly gatewayNamespace: string;
    /** App label of the ingress gateway pods (the gateway chart's release name). */
    readonly gatewayApp: string;
}

export function kialiRelease(input: KialiValuesInput): ChartRelease {
    return {
        name: KIALI_RELEASE,
        chart: "kiali-server",
        version: KIALI_CHART_VERSION,
        repo: KIALI_CHART_REPO,
        namespace: input.namespace,
        values: {
            // Every request carries the user's own Kubernetes token and is authorized by the
            // API server with it: nothing is visible without a valid token, even on a public ALB.
            auth: { strategy: "token" },
            deployment: {
                // Pulumi owns the mesh configuration (the TrafficSplit owns the VirtualService):
                // Kiali shows it but never edits it, whatever the logged-in user may do.
                view_only_mode: true,
                ingress: { enabled: false },
                service_type: "ClusterIP",
            },
            server: { web_root: KIALI_WEB_ROOT },
            external_services: {
                prometheus: { url: input.prometheusUrl },
                // No tracing backend is installed; Kiali would report it as unreachable.
                tracing: { enabled: false },
                // Kiali's Grafana links need Grafana API credentials; Grafana is reached directly instead.
                grafana: { enabled: false },
                istio: {
                    component_status: {
                        enabled: true,
                        components: [
                            { app_label: "istiod", is_core: true },
                            { app_label: input.gatewayApp, namespace: input.gatewayNamespace, is_core: true, is_proxy: true },
                        ],
                    },
                    ingress_gateway_namespace: input.gatewayNamespace,
                },
            },
        },
    };
}
