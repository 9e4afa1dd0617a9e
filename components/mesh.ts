/**
 * The mesh layer: Istio from its Helm charts (base → istiod → ingress
 * gateway), the app namespace with sidecar injection, the edge Gateway, mTLS,
 * the app's DestinationRule (subsets + circuit breaker), a local rate limit,
 * optional Prometheus for the canary gate, and — through `splitTraffic`, once
 * the app and its edge exist — the TrafficSplit that owns the app's
 * VirtualService (weights, header route, retries, timeout, faults).
 *
 * Dependencies point one way, from what consumes to what it needs: the app's
 * Ingress waits for the gateway it routes to (`gateway.dependsOn`), never for
 * the TrafficSplit; the TrafficSplit waits for the gateway, the Gateway and
 * DestinationRule, Prometheus, and whatever the caller names in
 * `splitTraffic` (the app's Deployments and its Ingress), so its gate bakes
 * when traffic can reach the canary.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig, CanaryConfig, MeshConfig, ResilienceConfig } from "../config";
import { TrafficSplit } from "../providers/traffic";
import {
    ChartRelease,
    GATEWAY_NAMESPACE,
    HELM_TIMEOUT_SECONDS,
    GatewayEndpoint,
    gatewayEndpoint,
    gatewayRelease,
    gatewaySelector,
    ISTIO_NAMESPACE,
    istioBaseRelease,
    istiodRelease,
    PROMETHEUS_SERVICE,
    prometheusRelease,
} from "./mesh/istio";
import {
    appSelectorLabels,
    IstioObject,
    managedLabels,
    renderDestinationRule,
    renderGateway,
    renderLocalRateLimit,
    renderPeerAuthentication,
    serviceHost,
    trafficSplitSpec,
} from "./mesh/policies";

export type { GatewayEndpoint } from "./mesh/istio";

/** How the ingress layer reaches the gateway, and what must exist before an Ingress routes to it. */
export interface MeshGateway extends GatewayEndpoint {
    /** The gateway's Helm release (its Service and pods) and the edge Gateway object. */
    readonly dependsOn: pulumi.Resource[];
}

export interface SplitTrafficArgs {
    /**
     * What must run before the weights change and the gate bakes: the app's
     * Deployments and Service (so both subsets have endpoints) and its
     * Ingress (so edge traffic can arrive).
     */
    readonly after: pulumi.Input<pulumi.Resource>[];
}

/** The canary split of the app's traffic. */
export interface CanaryTraffic {
    /** Owns the app's VirtualService. */
    readonly trafficSplit: TrafficSplit;
    /** Canary weight in the cluster after this update (the requested one until the provider reports it). */
    readonly canaryWeight: pulumi.Output<number>;
    readonly stableWeight: pulumi.Output<number>;
}
export { appPodLabels, appSelectorLabels, CANARY_SUBSET, STABLE_SUBSET, VERSION_LABEL } from "./mesh/policies";

export interface MeshArgs {
    /** Istio version (pins the three charts) and the namespace mTLS mode; `prometheus.enabled` installs Prometheus for the canary gate. */
    readonly mesh: MeshConfig;
    /** The app's hostname (Gateway host, VirtualService host) and namespace. */
    readonly app: AppConfig;
    /** Canary weight, step rule, header route and analysis gate, handed to the TrafficSplit. */
    readonly canary: CanaryConfig;
    /** Circuit breaker (DestinationRule), rate limit (EnvoyFilter), retries/timeout/faults (VirtualService). */
    readonly resilience: ResilienceConfig;
    /** Kubeconfig the TrafficSplit provider talks to the cluster with; kept secret. */
    readonly kubeconfig: pulumi.Input<string>;
    /** Name of the app's Service (and VirtualService); pods carry `app: <name>`. Default "app". */
    readonly appServiceName?: string;
}

/** The name the edge Gateway gets in the gateway namespace. */
export const APP_GATEWAY_NAME = "app-gateway";

const serviceName = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Every Istio object and the TrafficSplit inputs; throws naming the key on a bad value. */
function renderMeshObjects(args: MeshArgs, appService: string, prometheus: string | undefined) {
    const { mesh, app, canary, resilience } = args;
    if (!serviceName.test(appService)) {
        throw new Error(`appServiceName: must be a Kubernetes Service name (lower-case letters, digits and inner hyphens, starting with a letter, at most 63); got ${JSON.stringify(appService)}`);
    }
    return {
        gatewayObject: renderGateway({ name: APP_GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, hostname: app.hostname, selector: gatewaySelector, port: gatewayEndpoint.port }),
        peerAuthentication: renderPeerAuthentication(app.namespace, mesh.mtls),
        destinationRule: renderDestinationRule({
            name: appService,
            namespace: app.namespace,
            host: serviceHost(appService, app.namespace),
            circuitBreaker: resilience.circuitBreaker,
            mtls: mesh.mtls,
        }),
        rateLimit: renderLocalRateLimit({
            name: `${appService}-local-ratelimit`,
            namespace: app.namespace,
            workloadLabels: appSelectorLabels(appService),
            rateLimit: resilience.rateLimit,
        }),
        split: trafficSplitSpec({ app, canary, resilience, appServiceName: appService, gateway: `${GATEWAY_NAMESPACE}/${APP_GATEWAY_NAME}`, prometheus }),
    };
}

export class Mesh extends pulumi.ComponentResource {
    /** Where the ingress layer sends traffic: the gateway's ClusterIP Service (ALB targets its pods in IP mode). */
    readonly gateway: MeshGateway;
    /**
     * The app namespace (sidecar injection on). Resolves only after istiod is
     * installed, so workloads deployed into it get their sidecars.
     */
    readonly appNamespace: pulumi.Output<string>;
    /** "namespace/service:port" of Prometheus when `mesh.prometheus.enabled`. */
    readonly prometheus?: string;
    /** What a tool reading Prometheus and Istio waits for: istio-system, istiod and the Prometheus release (not the whole Mesh, whose TrafficSplit bakes). */
    readonly addonNeeds: pulumi.Resource[];
    private readonly baseName: string;
    private readonly split: ReturnType<typeof renderMeshObjects>["split"];
    private readonly kubeconfig: pulumi.Input<string>;
    /** What the TrafficSplit needs from this layer. */
    private readonly splitNeeds: pulumi.Resource[];

    constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-ingress-mesh:index:Mesh", name, {}, opts);
        const { mesh, app } = args;
        const appService = args.appServiceName ?? "app";
        this.baseName = name;
        this.kubeconfig = args.kubeconfig;
        this.prometheus = mesh.prometheus.enabled ? PROMETHEUS_SERVICE : undefined;

        // Render every object before registering any resource: a bad value fails with nothing half-created,
        // and as a RunError, which the engine reports as its message alone (no stack trace).
        let objects: ReturnType<typeof renderMeshObjects>;
        try {
            objects = renderMeshObjects(args, appService, this.prometheus);
        } catch (e) {
            throw new pulumi.RunError(e instanceof Error ? e.message : String(e));
        }
        const { gatewayObject, peerAuthentication, destinationRule, rateLimit, split } = objects;
        this.split = split;

        const namespace = (id: string, nsName: string, labels: Record<string, string> = {}) =>
            new k8s.core.v1.Namespace(`${name}-${id}`, { metadata: { name: nsName, labels: { ...managedLabels, ...labels } } }, { parent: this });
        const release = (id: string, r: ChartRelease, dependsOn: pulumi.Resource[]) =>
            new k8s.helm.v3.Release(
                `${name}-${id}`,
                // Helm waits for the release's pods (skipAwait false) up to `timeout`; see HELM_TIMEOUT_SECONDS.
                { name: r.name, chart: r.chart, version: r.version, repositoryOpts: { repo: r.repo }, namespace: r.namespace, values: r.values, skipAwait: false, timeout: HELM_TIMEOUT_SECONDS },
                { parent: this, dependsOn },
            );
        const custom = (id: string, obj: IstioObject<unknown>, dependsOn: pulumi.Resource[]) =>
            new k8s.apiextensions.CustomResource(`${name}-${id}`, { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata, spec: obj.spec }, { parent: this, dependsOn });

        const istioNs = namespace("istio-system", ISTIO_NAMESPACE);
        const gatewayNs = namespace("istio-ingress", GATEWAY_NAMESPACE);
        const appNs = namespace("app-namespace", app.namespace, { "istio-injection": "enabled" });

        const base = release("istio-base", istioBaseRelease(mesh.istioVersion), [istioNs]);
        const istiod = release("istiod", istiodRelease(mesh.istioVersion), [base]);
        const ingressGateway = release("gateway", gatewayRelease(mesh.istioVersion), [istiod, gatewayNs]);
        const prometheus = mesh.prometheus.enabled ? release("prometheus", prometheusRelease(), [istioNs]) : undefined;

        // Istio's CRDs come with base; istiod validates the objects, so they wait for it.
        const gatewayCr = custom("gateway", gatewayObject, [istiod, gatewayNs]);
        custom("peer-authentication", peerAuthentication, [istiod, appNs]);
        const destinationRuleCr = custom("destination-rule", destinationRule, [istiod, appNs]);
        custom("local-ratelimit", rateLimit, [istiod, appNs]);

        this.gateway = { ...gatewayEndpoint, dependsOn: [ingressGateway, gatewayCr] };
        this.addonNeeds = [istioNs, istiod, ...(prometheus ? [prometheus] : [])];
        this.splitNeeds = [appNs, istiod, ingressGateway, gatewayCr, destinationRuleCr, ...(prometheus ? [prometheus] : [])];
        this.appNamespace = pulumi.all([appNs.metadata.name, istiod.status]).apply(([ns]) => ns);

        this.registerOutputs({
            gateway: gatewayEndpoint,
            appNamespace: this.appNamespace,
            prometheus: this.prometheus,
        });
    }

    /**
     * The TrafficSplit that owns the app's VirtualService, a child of this
     * component (as `eks.Cluster.createNodeGroup` adds node groups), created
     * once `args.after` can name the app and its edge.
     */
    splitTraffic(args: SplitTrafficArgs): CanaryTraffic {
        const split = this.split;
        const trafficSplit = new TrafficSplit(
            `${this.baseName}-traffic-split`,
            { ...split, hosts: [...split.hosts], gateways: split.gateways && [...split.gateways], kubeconfig: pulumi.secret(this.kubeconfig) },
            { parent: this, dependsOn: [...this.splitNeeds, ...args.after] },
        );
        const canaryWeight = pulumi.output(trafficSplit.appliedCanaryWeight).apply((applied) => (typeof applied === "number" ? applied : split.canaryWeight));
        return { trafficSplit, canaryWeight, stableWeight: canaryWeight.apply((w) => 100 - w) };
    }
}
