/**
 * The mesh layer: Istio from its Helm charts (base → istiod → ingress
 * gateway), the app namespace with sidecar injection, the edge Gateway, mTLS,
 * the app's DestinationRule (subsets + circuit breaker), a local rate limit,
 * optional Prometheus for the canary gate, and the TrafficSplit that owns the
 * app's VirtualService (weights, header route, retries, timeout, faults).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig, CanaryConfig, MeshConfig, ResilienceConfig } from "../config";
import { TrafficSplit } from "../providers/traffic";
import {
    ChartRelease,
    GATEWAY_NAMESPACE,
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
    readonly gateway: GatewayEndpoint;
    /**
     * The app namespace (sidecar injection on). Resolves only after istiod is
     * installed, so workloads deployed into it get their sidecars.
     */
    readonly appNamespace: pulumi.Output<string>;
    /** Owns the app's VirtualService. */
    readonly trafficSplit: TrafficSplit;
    /** Canary weight in the cluster after this update (the requested one until the provider reports it). */
    readonly canaryWeight: pulumi.Output<number>;
    readonly stableWeight: pulumi.Output<number>;
    /** "namespace/service:port" of Prometheus when `mesh.prometheus.enabled`. */
    readonly prometheus?: string;

    constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-ingress-mesh:index:Mesh", name, {}, opts);
        const { mesh, app } = args;
        const appService = args.appServiceName ?? "app";
        this.prometheus = mesh.prometheus.enabled ? PROMETHEUS_SERVICE : undefined;
        this.gateway = gatewayEndpoint;

        // Render every object before registering any resource: a bad value fails with nothing half-created,
        // and as a RunError, which the engine reports as its message alone (no stack trace).
        let objects: ReturnType<typeof renderMeshObjects>;
        try {
            objects = renderMeshObjects(args, appService, this.prometheus);
        } catch (e) {
            throw new pulumi.RunError(e instanceof Error ? e.message : String(e));
        }
        const { gatewayObject, peerAuthentication, destinationRule, rateLimit, split } = objects;

        const namespace = (id: string, nsName: string, labels: Record<string, string> = {}) =>
            new k8s.core.v1.Namespace(`${name}-${id}`, { metadata: { name: nsName, labels: { ...managedLabels, ...labels } } }, { parent: this });
        const release = (id: string, r: ChartRelease, dependsOn: pulumi.Resource[]) =>
            new k8s.helm.v3.Release(
                `${name}-${id}`,
                { name: r.name, chart: r.chart, version: r.version, repositoryOpts: { repo: r.repo }, namespace: r.namespace, values: r.values },
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

        this.trafficSplit = new TrafficSplit(
            `${name}-traffic-split`,
            { ...split, hosts: [...split.hosts], gateways: split.gateways && [...split.gateways], kubeconfig: pulumi.secret(args.kubeconfig) },
            { parent: this, dependsOn: [appNs, istiod, ingressGateway, gatewayCr, destinationRuleCr, ...(prometheus ? [prometheus] : [])] },
        );

        this.appNamespace = pulumi.all([appNs.metadata.name, istiod.status]).apply(([ns]) => ns);
        this.canaryWeight = pulumi
            .output(this.trafficSplit.appliedCanaryWeight)
            .apply((applied) => (typeof applied === "number" ? applied : split.canaryWeight));
        this.stableWeight = this.canaryWeight.apply((w) => 100 - w);

        this.registerOutputs({
            gateway: this.gateway,
            appNamespace: this.appNamespace,
            canaryWeight: this.canaryWeight,
            stableWeight: this.stableWeight,
            prometheus: this.prometheus,
        });
    }
}
