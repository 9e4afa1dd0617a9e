/**
 * The monitoring layer's settings and the rules they must follow (pure).
 * Every problem names the stack config key the user sets.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { IngressConfig } from "../../config";

export interface KialiConfig {
    /** `monitoring.kiali.enabled` (default false). */
    readonly enabled: boolean;
    /** `monitoring.kiali.hostname`: routed through the shared ALB when set; otherwise reachable only by port-forward. */
    readonly hostname?: string;
}

export interface GrafanaConfig {
    /** `monitoring.grafana.enabled` (default false). */
    readonly enabled: boolean;
    /** `monitoring.grafana.hostname`: routed through the shared ALB when set; otherwise reachable only by port-forward. */
    readonly hostname?: string;
    /**
     * `monitoring.grafana.adminPassword` (secret config): the admin password.
     * Unset: the Grafana chart generates a random one and keeps it in the
     * cluster (Secret `grafana`), never in Pulumi state.
     */
    readonly adminPassword?: pulumi.Input<string>;
}

/** The `monitoring` stack config, as config.ts reads it. */
export interface MonitoringConfig {
    readonly kiali: KialiConfig;
    readonly grafana: GrafanaConfig;
}

/** Where the mesh's Prometheus answers, parsed from the mesh layer's "namespace/service:port". */
export interface PrometheusEndpoint {
    readonly namespace: string;
    readonly service: string;
    readonly port: number;
    readonly url: string;
}

const dnsLabel = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
const serviceRef = new RegExp(`^(${dnsLabel})/(${dnsLabel}):([0-9]{1,5})$`);
const hostname = new RegExp(`^(?=.{1,253}$)${dnsLabel}(\\.${dnsLabel})+$`);

/** Parses "istio-system/prometheus-server:80"; undefined when it is not that shape. */
export function parsePrometheus(ref: string): PrometheusEndpoint | undefined {
    const m = serviceRef.exec(ref);
    if (!m) {
        return undefined;
    }
    const [namespace, service, port] = [m[1], m[3], Number(m[5])];
    if (port < 1 || port > 65535) {
        return undefined;
    }
    return { namespace, service, port, url: `http://${service}.${namespace}.svc.cluster.local:${port}` };
}

/** The shortest admin password accepted (Grafana itself accepts any). */
export const MIN_ADMIN_PASSWORD_LENGTH = 12;

/**
 * Every broken rule in the monitoring settings; empty when they are sound.
 * `prometheus` is the mesh layer's Prometheus reference (undefined when
 * `mesh.prometheus.enabled` is false); `ingress` is the shared ALB's config.
 */
export function monitoringProblems(cfg: MonitoringConfig, prometheus: string | undefined, ingress: Pick<IngressConfig, "scheme" | "certificateArn">): string[] {
    const problems: string[] = [];
    const tools = [
        { key: "kiali", title: "Kiali", what: "login tokens", cfg: cfg.kiali },
        { key: "grafana", title: "Grafana", what: "the admin password", cfg: cfg.grafana },
    ] as const;
    for (const t of tools) {
        if (!t.cfg.enabled) {
            continue;
        }
        if (prometheus === undefined) {
            problems.push(`monitoring.${t.key}.enabled: ${t.title} reads the mesh's Prometheus; set mesh.prometheus.enabled to true, or monitoring.${t.key}.enabled to false`);
        }
        const host = t.cfg.hostname;
        if (host === undefined) {
            continue;
        }
        if (!hostname.test(host)) {
            problems.push(
                `monitoring.${t.key}.hostname: must be a fully qualified DNS name (lower-case letters, digits and inner hyphens in dot-separated labels), got ${JSON.stringify(host)}`,
            );
        } else if (ingress.scheme === "internet-facing" && !ingress.certificateArn) {
            problems.push(
                `monitoring.${t.key}.hostname: the shared ALB is internet-facing without HTTPS, so ${t.title} would receive ${t.what} in clear text; ` +
                    `set ingress.certificateArn, or unset monitoring.${t.key}.hostname and reach ${t.title} with kubectl port-forward`,
            );
        }
    }
    if ((cfg.kiali.enabled || cfg.grafana.enabled) && prometheus !== undefined && parsePrometheus(prometheus) === undefined) {
        problems.push(`monitoring: the mesh's Prometheus must be given as "namespace/service:port", got ${JSON.stringify(prometheus)}`);
    }
    const password = cfg.grafana.adminPassword;
    if (cfg.grafana.enabled && typeof password === "string" && password.length < MIN_ADMIN_PASSWORD_LENGTH) {
        // The value itself is never echoed.
        problems.push(`monitoring.grafana.adminPassword: must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters, got ${password.length}`);
    }
    if (cfg.kiali.enabled && cfg.grafana.enabled && cfg.kiali.hostname !== undefined && cfg.kiali.hostname === cfg.grafana.hostname) {
        problems.push(`monitoring.grafana.hostname: ${cfg.grafana.hostname} is already monitoring.kiali.hostname; give each its own hostname`);
    }
    return problems;
}
