/**
 * Helm release settings for Istio (base, istiod, gateway) and the optional
 * Prometheus (pure data). Istio's charts are versioned with Istio itself, so
 * `mesh.istioVersion` pins all three.
 */

export const ISTIO_CHART_REPO = "https://istio-release.storage.googleapis.com/charts";
export const PROMETHEUS_CHART_REPO = "https://prometheus-community.github.io/helm-charts";
/** prometheus-community/prometheus, Prometheus v3. */
export const PROMETHEUS_CHART_VERSION = "27.30.0";

export const ISTIO_NAMESPACE = "istio-system";
/**
 * The ingress gateway runs in its own namespace, apart from the control
 * plane, as Istio's Helm install guide recommends: its pods, service account
 * and (later) TLS secrets are reachable from the edge and get a separate
 * blast radius and RBAC.
 */
export const GATEWAY_NAMESPACE = "istio-ingress";

/** Release name = Deployment/Service name; the chart labels pods `istio: <name without "istio-">`. */
export const GATEWAY_RELEASE = "istio-ingressgateway";
export const gatewaySelector: Readonly<Record<string, string>> = { istio: "ingressgateway" };

/** The gateway Service's HTTP port and the pods' port behind it. */
export const GATEWAY_HTTP_PORT = 80;
export const GATEWAY_TARGET_PORT = 8080;
/** Envoy's readiness endpoint on every gateway pod (the ALB health-checks it). */
export const GATEWAY_STATUS_PORT = 15021;
export const GATEWAY_HEALTH_PATH = "/healthz/ready";

export const PROMETHEUS_RELEASE = "prometheus";
/** The chart names the server Service "<release>-server" and serves it on port 80. */
export const PROMETHEUS_SERVICE = `${ISTIO_NAMESPACE}/${PROMETHEUS_RELEASE}-server:80`;

/** How the ingress layer reaches the gateway. */
export interface GatewayEndpoint {
    readonly namespace: string;
    readonly serviceName: string;
    readonly port: number;
    readonly healthCheckPort: number;
    readonly healthCheckPath: string;
}

export const gatewayEndpoint: GatewayEndpoint = {
    namespace: GATEWAY_NAMESPACE,
    serviceName: GATEWAY_RELEASE,
    port: GATEWAY_HTTP_PORT,
    healthCheckPort: GATEWAY_STATUS_PORT,
    healthCheckPath: GATEWAY_HEALTH_PATH,
};

export interface ChartRelease {
    /** Helm release name (fixed, so Service names are predictable). */
    readonly name: string;
    readonly chart: string;
    readonly version: string;
    readonly repo: string;
    readonly namespace: string;
    readonly values: Record<string, unknown>;
}

export function istioBaseRelease(istioVersion: string): ChartRelease {
    return { name: "istio-base", chart: "base", version: istioVersion, repo: ISTIO_CHART_REPO, namespace: ISTIO_NAMESPACE, values: { defaultRevision: "default" } };
}

export function istiodRelease(istioVersion: string): ChartRelease {
    return {
        name: "istiod",
        chart: "istiod",
        version: istioVersion,
        repo: ISTIO_CHART_REPO,
        namespace: ISTIO_NAMESPACE,
        values: {
            // Sidecars merge app and Envoy metrics on :15020 and annotate pods for scraping.
            meshConfig: { enablePrometheusMerge: true },
        },
    };
}

/**
 * A ClusterIP gateway: the ALB (IP mode) sends traffic to the pods directly,
 * so no cloud load balancer is created for this Service. Pods listen on 8080.
 * The gateway chart (1.27.1, templates/deployment.yaml) still sets the pod
 * sysctl net.ipv4.ip_unprivileged_port_start=0 whenever `securityContext` is
 * not overridden (a safe sysctl since Kubernetes 1.22); these values leave it.
 */
export function gatewayRelease(istioVersion: string): ChartRelease {
    return {
        name: GATEWAY_RELEASE,
        chart: "gateway",
        version: istioVersion,
        repo: ISTIO_CHART_REPO,
        namespace: GATEWAY_NAMESPACE,
        values: {
            service: {
                type: "ClusterIP",
                ports: [
                    { name: "status-port", port: GATEWAY_STATUS_PORT, protocol: "TCP", targetPort: GATEWAY_STATUS_PORT },
                    { name: "http2", port: GATEWAY_HTTP_PORT, protocol: "TCP", targetPort: GATEWAY_TARGET_PORT },
                ],
            },
            autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 },
            podDisruptionBudget: { minAvailable: 1 },
        },
    };
}

/**
 * The one scrape job the canary gate needs: pods with an Istio proxy
 * (`sidecar.istio.io/status` is set by injection), at the port and path the
 * injector annotates (15020, /stats/prometheus), keeping pod labels such as
 * `version`.
 */
const istioProxyScrapeJob = {
    job_name: "istio-proxies",
    kubernetes_sd_configs: [{ role: "pod" }],
    relabel_configs: [
        { source_labels: ["__meta_kubernetes_pod_annotationpresent_sidecar_istio_io_status"], action: "keep", regex: "true" },
        { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
        { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", target_label: "__metrics_path__", regex: "(.+)" },
        {
            source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
            action: "replace",
            regex: "([^:]+)(?::\\d+)?;(\\d+)",
            replacement: "$1:$2",
            target_label: "__address__",
        },
        { action: "labelmap", regex: "__meta_kubernetes_pod_label_(.+)" },
        { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "namespace" },
        { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "pod" },
    ],
};

/** Prometheus server only (no Alertmanager, exporters or Pushgateway), scraping Istio proxies every 15s. */
export function prometheusRelease(): ChartRelease {
    return {
        name: PROMETHEUS_RELEASE,
        chart: "prometheus",
        version: PROMETHEUS_CHART_VERSION,
        repo: PROMETHEUS_CHART_REPO,
        namespace: ISTIO_NAMESPACE,
        values: {
            alertmanager: { enabled: false },
            "kube-state-metrics": { enabled: false },
            "prometheus-node-exporter": { enabled: false },
            "prometheus-pushgateway": { enabled: false },
            server: {
                global: { scrape_interval: "15s", evaluation_interval: "15s" },
                retention: "2d",
                persistentVolume: { enabled: false },
            },
            serverFiles: { "prometheus.yml": { scrape_configs: [istioProxyScrapeJob] } },
        },
    };
}
