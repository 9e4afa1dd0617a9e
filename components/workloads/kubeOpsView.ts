import { KubeOpsViewConfig } from "../../config";

export const kubeOpsViewChart = {
    repo: "https://geek-cookbook.github.io/charts/",
    chart: "kube-ops-view",
    version: "1.2.2",
    releaseName: "kube-ops-view",
    namespace: "kube-system",
    /**
     * The chart's common library (k8s-at-home common 4.5.2) names the Service
     * `common.names.fullname`: the release name when it contains the chart
     * name, as "kube-ops-view" does, so no fullnameOverride is needed for this
     * name. The values still set it, so renaming the release cannot silently
     * move the Service the Ingress routes to.
     */
    serviceName: "kube-ops-view",
    /** The chart's default http port (service.main.ports.http.port). */
    servicePort: 8080,
} as const;

/** Helm values of geek-cookbook/kube-ops-view 1.2.2. */
export function kubeOpsViewValues(cfg: KubeOpsViewConfig): Record<string, unknown> {
    return {
        fullnameOverride: kubeOpsViewChart.serviceName,
        env: { TZ: cfg.timezone },
        service: {
            main: {
                type: "ClusterIP",
                ports: { http: { port: kubeOpsViewChart.servicePort } },
            },
        },
        // Exposed through this program's own ALB Ingress, not the chart's.
        ingress: { main: { enabled: false } },
        resources: {
            requests: { cpu: "50m", memory: "128Mi" },
            limits: { memory: "256Mi" },
        },
    };
}
