/**
 * Kiali's and Grafana's hostnames on the shared ALB, in the ingress layer's
 * route shape. A tool without a hostname gets no route: it stays internal
 * and is reached with kubectl port-forward.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { IngressRoute } from "../ingress/routes";
import { GRAFANA_HEALTH_PATH, GRAFANA_RELEASE, GRAFANA_SERVICE_PORT } from "./grafana";
import { KIALI_HEALTH_PATH, KIALI_SERVICE, KIALI_SERVICE_PORT } from "./kiali";
import type { MonitoringConfig } from "./settings";

export interface DeployedTools {
    readonly namespace: string;
    /** The Helm releases that create the Services; undefined when the tool is disabled. */
    readonly kiali?: pulumi.Resource;
    readonly grafana?: pulumi.Resource;
}

export function monitoringRoutes(cfg: MonitoringConfig, tools: DeployedTools): IngressRoute[] {
    const routes: IngressRoute[] = [];
    if (cfg.kiali.enabled && cfg.kiali.hostname !== undefined && tools.kiali) {
        routes.push({
            name: "kiali",
            host: cfg.kiali.hostname,
            namespace: tools.namespace,
            serviceName: KIALI_SERVICE,
            servicePort: KIALI_SERVICE_PORT,
            healthCheckPath: KIALI_HEALTH_PATH,
            dependsOn: [tools.kiali],
        });
    }
    if (cfg.grafana.enabled && cfg.grafana.hostname !== undefined && tools.grafana) {
        routes.push({
            name: "grafana",
            host: cfg.grafana.hostname,
            namespace: tools.namespace,
            serviceName: GRAFANA_RELEASE,
            servicePort: GRAFANA_SERVICE_PORT,
            healthCheckPath: GRAFANA_HEALTH_PATH,
            dependsOn: [tools.grafana],
        });
    }
    return routes;
}
