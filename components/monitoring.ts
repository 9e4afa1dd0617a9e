/**
 * The monitoring layer: Kiali (mesh graph, traffic and config view) and
 * Grafana (Istio's mesh, service and workload dashboards), both reading the
 * Prometheus the mesh layer installs, each optionally routed through the
 * shared ALB behind its own login.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IngressConfig } from "../config";
import type { IngressRoute } from "./ingress/routes";
import { ChartRelease, GATEWAY_NAMESPACE, GATEWAY_RELEASE, ISTIO_NAMESPACE } from "./mesh/istio";
import { GRAFANA_ADMIN_PASSWORD_KEY, GRAFANA_RELEASE, grafanaRelease } from "./monitoring/grafana";
import { KIALI_LOGIN_SERVICE_ACCOUNT, KIALI_VIEWER_CLUSTER_ROLE, kialiRelease } from "./monitoring/kiali";
import { monitoringRoutes } from "./monitoring/routes";
import { MonitoringConfig, monitoringProblems, parsePrometheus } from "./monitoring/settings";

export type { GrafanaConfig, KialiConfig, MonitoringConfig } from "./monitoring/settings";

export interface MonitoringArgs {
    /** Which tools are installed and which get a public hostname; the Grafana admin password (secret). */
    readonly monitoring: MonitoringConfig;
    /** The mesh layer's Prometheus, "namespace/service:port" (`Mesh.prometheus`); required when a tool is enabled. */
    readonly prometheus: string | undefined;
    /** The shared ALB: a public hostname is allowed only behind HTTPS (certificateArn) or on an internal ALB. */
    readonly ingress: Pick<IngressConfig, "scheme" | "certificateArn">;
    /** What must exist first: the mesh (its istio-system namespace and Prometheus release). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Secret Grafana reads its admin password from when `monitoring.grafana.adminPassword` is set. */
export const GRAFANA_ADMIN_SECRET = "grafana-admin";

export class Monitoring extends pulumi.ComponentResource {
    /** Routes for the ingress layer (one per tool with a hostname). */
    readonly routes: IngressRoute[];
    readonly kiali?: k8s.helm.v3.Release;
    readonly grafana?: k8s.helm.v3.Release;
    /** Public URL of each routed tool, by route name. */
    readonly urls: Record<string, string>;
    /** "namespace/name" of the Secret holding Grafana's admin password under key admin-password (the name, never the value). */
    readonly grafanaAdminSecretName?: string;
    /** "namespace/name" of the ServiceAccount users mint Kiali login tokens for. */
    readonly kialiLoginServiceAccount?: string;
    /** The stack outputs this layer adds: only the ones that exist (an undefined output is an engine warning). */
    readonly outputs: Readonly<Record<string, string>>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-ingress-mesh:index:Monitoring", name, {}, opts);
        const cfg = args.monitoring;
        const namespace = ISTIO_NAMESPACE;

        // Every rule is checked before any resource is registered, and reported as a RunError
        // (the engine prints its message alone): a bad value creates nothing.
        const problems = monitoringProblems(cfg, args.prometheus, args.ingress);
        if (problems.length > 0) {
            throw new pulumi.RunError(problems.join("; "));
        }
        const prometheusUrl = args.prometheus !== undefined ? parsePrometheus(args.prometheus)?.url : undefined;
        const scheme = args.ingress.certificateArn ? "https" : "http";
        const publicUrl = (host: string | undefined) => (host === undefined ? undefined : `${scheme}://${host}`);
        const dependsOn = args.dependsOn ?? [];

        const release = (id: string, r: ChartRelease, extra: pulumi.Input<pulumi.Resource>[] = []) =>
            new k8s.helm.v3.Release(
                `${name}-${id}`,
                { name: r.name, chart: r.chart, version: r.version, repositoryOpts: { repo: r.repo }, namespace: r.namespace, values: r.values },
                { parent: this, dependsOn: [...dependsOn, ...extra] },
            );

        if (cfg.kiali.enabled && prometheusUrl) {
            this.kiali = release("kiali", kialiRelease({ namespace, prometheusUrl, gatewayNamespace: GATEWAY_NAMESPACE, gatewayApp: GATEWAY_RELEASE }));
            // Users log in with a short-lived token of this account; the chart's viewer role makes it read-only.
            const login = new k8s.core.v1.ServiceAccount(`${name}-kiali-login`, { metadata: { name: KIALI_LOGIN_SERVICE_ACCOUNT, namespace } }, { parent: this, dependsOn });
            new k8s.rbac.v1.ClusterRoleBinding(
                `${name}-kiali-login-viewer`,
                {
                    metadata: { name: `${KIALI_LOGIN_SERVICE_ACCOUNT}-viewer` },
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: KIALI_VIEWER_CLUSTER_ROLE },
                    subjects: [{ kind: "ServiceAccount", name: KIALI_LOGIN_SERVICE_ACCOUNT, namespace }],
                },
                { parent: this, dependsOn: [this.kiali, login] },
            );
            this.kialiLoginServiceAccount = `${namespace}/${KIALI_LOGIN_SERVICE_ACCOUNT}`;
        }

        if (cfg.grafana.enabled && prometheusUrl) {
            let adminSecret: k8s.core.v1.Secret | undefined;
            if (cfg.grafana.adminPassword !== undefined) {
                adminSecret = new k8s.core.v1.Secret(
                    `${name}-grafana-admin`,
                    {
                        metadata: { name: GRAFANA_ADMIN_SECRET, namespace },
                        type: "Opaque",
                        stringData: { [GRAFANA_ADMIN_PASSWORD_KEY]: pulumi.secret(cfg.grafana.adminPassword) },
                    },
                    { parent: this, dependsOn },
                );
            }
            this.grafana = release(
                "grafana",
                grafanaRelease({ namespace, prometheusUrl, publicUrl: publicUrl(cfg.grafana.hostname), adminSecretName: adminSecret ? GRAFANA_ADMIN_SECRET : undefined }),
                adminSecret ? [adminSecret] : [],
            );
            this.grafanaAdminSecretName = `${namespace}/${adminSecret ? GRAFANA_ADMIN_SECRET : GRAFANA_RELEASE}`;
        }

        this.routes = monitoringRoutes(cfg, { namespace, kiali: this.kiali, grafana: this.grafana });
        this.urls = Object.fromEntries(this.routes.map((r) => [r.name, publicUrl(r.host)!]));

        const outputs = { grafanaAdminSecretName: this.grafanaAdminSecretName, kialiLoginServiceAccount: this.kialiLoginServiceAccount };
        this.outputs = Object.fromEntries(Object.entries(outputs).filter((e): e is [string, string] => e[1] !== undefined));

        this.registerOutputs({
            urls: this.urls,
            grafanaAdminSecretName: this.grafanaAdminSecretName,
            kialiLoginServiceAccount: this.kialiLoginServiceAccount,
        });
    }
}
