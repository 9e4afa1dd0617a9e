import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { KubeOpsViewConfig } from "../../config";
import { HOSTNAME_ANNOTATION } from "../dnsSources/annotations";

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

/**
 * `kubeOpsView.expose: service`: a LoadBalancer Service of its own (not the
 * chart's, which no Pulumi transform can see), served by the AWS Load
 * Balancer Controller as an NLB that sends traffic straight to the pod IPs
 * on port 8080, health-checked on /health, and annotated with its hostname
 * so the DNS sources alias it.
 */
export function kubeOpsViewServiceArgs(cfg: KubeOpsViewConfig, scheme: pulumi.Input<string>): k8s.core.v1.ServiceArgs {
    return {
        metadata: {
            name: `${kubeOpsViewChart.serviceName}-nlb`,
            namespace: kubeOpsViewChart.namespace,
            labels: { "app.kubernetes.io/part-of": "eks-ingress-mesh", "app.kubernetes.io/managed-by": "pulumi" },
            annotations: pulumi.output(scheme).apply((s) => ({
                "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": s,
                "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "http",
                "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": "/health",
                [HOSTNAME_ANNOTATION]: cfg.hostname,
            })),
        },
        spec: {
            type: "LoadBalancer",
            // The chart's pod labels (k8s-at-home common: chart name and release name).
            selector: { "app.kubernetes.io/name": kubeOpsViewChart.chart, "app.kubernetes.io/instance": kubeOpsViewChart.releaseName },
            ports: [{ name: "http", port: kubeOpsViewChart.servicePort, targetPort: kubeOpsViewChart.servicePort, protocol: "TCP" }],
        },
    };
}
