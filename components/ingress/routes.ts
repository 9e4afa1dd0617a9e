import * as pulumi from "@pulumi/pulumi";
import { AppConfig, KubeOpsViewConfig } from "../../config";

/** One hostname on the shared ALB and the in-cluster Service it forwards to. */
export interface IngressRoute {
    /** Name of the Ingress object (and of the route in `urls`); a DNS-1123 label. */
    readonly name: string;
    /** Public hostname, e.g. "app.example.com". */
    readonly host: string;
    /** Namespace of the backend Service; the Ingress is created there too. */
    readonly namespace: pulumi.Input<string>;
    readonly serviceName: pulumi.Input<string>;
    readonly servicePort: number;
    /** Path the ALB health check requests from each target pod. */
    readonly healthCheckPath: string;
    /** Pod port for the health check; default: the traffic port. */
    readonly healthCheckPort?: number | string;
    /** Resources that must exist before the Ingress (e.g. the Helm release that creates the Service). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** A Service a route can point at. */
export interface BackendService {
    readonly namespace: pulumi.Input<string>;
    readonly name: pulumi.Input<string>;
    readonly port: number;
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The Istio ingress gateway's Service, as the mesh layer describes it. */
export interface GatewayBackend {
    readonly namespace: pulumi.Input<string>;
    readonly serviceName: pulumi.Input<string>;
    readonly port: number;
    readonly healthCheckPort?: number;
    readonly healthCheckPath?: string;
    /** What creates the gateway (its release, the Gateway object): the Ingress waits for these and nothing else of the mesh. */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Istio's ingress gateway answers readiness on its status port, not on the
 * traffic port: /healthz/ready on 15021 turns healthy only once the proxy has
 * its configuration from istiod, so the ALB never sends traffic to a gateway
 * pod that would answer 404/503.
 */
export const gatewayHealthCheck = { path: "/healthz/ready", port: 15021 } as const;

/** kube-ops-view serves /health on its traffic port. */
export const kubeOpsViewHealthCheck = { path: "/health" } as const;

/**
 * The app's public hostname, routed to the Istio ingress gateway Service
 * (ClusterIP, port 80). The Ingress waits for the gateway (`gateway.dependsOn`)
 * and for `dependsOn`; never pass something that waits for the Ingress, such
 * as the TrafficSplit, whose gate needs the traffic the Ingress brings.
 */
export function appRoute(app: AppConfig, gateway: GatewayBackend, dependsOn: pulumi.Input<pulumi.Resource>[] = []): IngressRoute {
    return {
        name: "app",
        host: app.hostname,
        namespace: gateway.namespace,
        serviceName: gateway.serviceName,
        servicePort: gateway.port,
        healthCheckPath: gateway.healthCheckPath ?? gatewayHealthCheck.path,
        healthCheckPort: gateway.healthCheckPort ?? gatewayHealthCheck.port,
        dependsOn: [...(gateway.dependsOn ?? []), ...dependsOn],
    };
}

/** kube-ops-view's hostname, or no route at all when it is disabled, not deployed or exposed through its own NLB. */
export function kubeOpsViewRoutes(kubeOpsView: KubeOpsViewConfig, service: BackendService | undefined): IngressRoute[] {
    if (!kubeOpsView.enabled || service === undefined || kubeOpsView.expose === "service") {
        return [];
    }
    return [
        {
            name: "kube-ops-view",
            host: kubeOpsView.hostname,
            namespace: service.namespace,
            serviceName: service.name,
            servicePort: service.port,
            healthCheckPath: kubeOpsViewHealthCheck.path,
            dependsOn: service.dependsOn,
        },
    ];
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Rejects routes that would collide on the shared ALB: two Ingresses with one
 * name, or one hostname claimed twice (the ALB would evaluate only the rule
 * with the lower priority, silently).
 */
export function checkRoutes(routes: readonly IngressRoute[]): void {
    const problems: string[] = [];
    const names = new Set<string>();
    const hosts = new Map<string, string>();
    for (const r of routes) {
        if (!dns1123Label.test(r.name)) {
            problems.push(`route "${r.name}": name must be a DNS-1123 label (lower-case letters, digits, inner hyphens, at most 63)`);
        }
        if (names.has(r.name)) {
            problems.push(`route "${r.name}": name is used by another route`);
        }
        names.add(r.name);
        const host = r.host.toLowerCase();
        const other = hosts.get(host);
        if (other !== undefined) {
            problems.push(`route "${r.name}": host ${host} is already routed by "${other}"`);
        } else {
            hosts.set(host, r.name);
        }
        if (!Number.isInteger(r.servicePort) || r.servicePort < 1 || r.servicePort > 65535) {
            problems.push(`route "${r.name}": servicePort must be an integer in 1..65535, got ${r.servicePort}`);
        }
        if (!r.healthCheckPath.startsWith("/")) {
            problems.push(`route "${r.name}": healthCheckPath must start with "/", got ${JSON.stringify(r.healthCheckPath)}`);
        }
    }
    if (problems.length > 0) {
        throw new Error(`ingress: ${problems.join("; ")}`);
    }
}
