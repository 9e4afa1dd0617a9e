/**
 * The monitoring layer composed the way index.ts composes it: after the mesh
 * (a stand-in component here), its routes handed to the real ingress layer.
 */
import * as pulumi from "@pulumi/pulumi";
import { Ingress } from "../../../components/ingress";
import { Monitoring, MonitoringArgs, MonitoringConfig } from "../../../components/monitoring";
import { config, ingressArgs, k8sOptions } from "../ingress/fixtures";

export const PROMETHEUS = "istio-system/prometheus-server:80";
export const CERTIFICATE = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
export const PASSWORD = "s3cret-admin-Passw0rd";

export const publicTools: MonitoringConfig = {
    kiali: { enabled: true, hostname: "kiali.example.com" },
    grafana: { enabled: true, hostname: "grafana.example.com", adminPassword: pulumi.secret(PASSWORD) },
};
export const internalTools: MonitoringConfig = { kiali: { enabled: true }, grafana: { enabled: true } };

export interface ComposedMonitoring {
    /** The Pulumi program; returns the stack outputs index.ts would export. */
    readonly program: () => Record<string, unknown>;
    monitoring?: Monitoring;
    ingress?: Ingress;
    /** What the Monitoring constructor threw, if anything (the program then stops there). */
    error?: Error;
}

/** `https`: the shared ALB has a certificate (internet-facing either way). */
export function composeMonitoring(monitoring: MonitoringConfig, over: Partial<MonitoringArgs> = {}, https = true): ComposedMonitoring {
    const cfg = config(https ? { ingress: { certificateArn: CERTIFICATE, sslRedirect: true } } : {});
    const composed: ComposedMonitoring = {
        program: () => {
            const opts = k8sOptions();
            const mesh = new pulumi.ComponentResource("eks-ingress-mesh:index:Mesh", "mesh", {}, {});
            try {
                composed.monitoring = new Monitoring("monitoring", { monitoring, prometheus: PROMETHEUS, ingress: cfg.ingress, dependsOn: [mesh], ...over }, opts);
            } catch (e) {
                composed.error = e as Error;
                return {};
            }
            composed.ingress = new Ingress("ingress", ingressArgs(cfg, { routes: composed.monitoring.routes }), opts);
            const m = composed.monitoring;
            const outputs = { urls: m.urls, grafanaAdminSecretName: m.grafanaAdminSecretName, kialiLoginServiceAccount: m.kialiLoginServiceAccount };
            return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
        },
    };
    return composed;
}
