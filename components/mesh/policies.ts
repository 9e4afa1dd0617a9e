/**
 * The mesh's Istio objects as plain data (pure): the edge Gateway, the app's
 * DestinationRule (subsets + circuit breaker), the namespace's
 * PeerAuthentication, the local rate limit EnvoyFilter, and the inputs of the
 * TrafficSplit that owns the VirtualService. Nothing here touches Pulumi, so
 * every object is schema-checked in unit tests exactly as it is deployed.
 */
import type { IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1/DestinationRule";
import type { IGateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import type { IEnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter";
import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication";
import type { AnalysisConfig, AppConfig, CanaryConfig, MtlsMode, ResilienceConfig } from "../../config";
import { parseDuration } from "../../providers/shared/duration";
import type { AnalysisSpec, TrafficSplitInputs } from "../../providers/traffic/types";

/** Pod label that tells the two app versions apart; Istio's metrics report it as `destination_version`. */
export const VERSION_LABEL = "version";
export const STABLE_SUBSET = "stable";
export const CANARY_SUBSET = "canary";
/** Istio's reserved gateway name for every sidecar in the mesh. */
export const MESH_GATEWAY = "mesh";

/** Labels on every object this layer renders. */
export const managedLabels: Readonly<Record<string, string>> = {
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/part-of": "eks-ingress-mesh",
};

export interface ObjectMeta {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
}

/** A namespaced custom object, ready for `k8s.apiextensions.CustomResource`. */
export interface IstioObject<Spec> {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: ObjectMeta;
    readonly spec: Spec;
}

export type GatewayObject = IstioObject<NonNullable<IGateway["spec"]>>;
export type DestinationRuleObject = IstioObject<NonNullable<IDestinationRule["spec"]>>;
export type PeerAuthenticationObject = IstioObject<NonNullable<IPeerAuthentication["spec"]>>;
export type EnvoyFilterObject = IstioObject<NonNullable<IEnvoyFilter["spec"]>>;

function meta(name: string, namespace: string): ObjectMeta {
    return { name, namespace, labels: { ...managedLabels } };
}

/** The labels every pod of the app carries, whatever its version. */
export function appSelectorLabels(appServiceName: string): Record<string, string> {
    return { app: appServiceName };
}

/** The labels the workloads layer must put on the app's pods of one subset. */
export function appPodLabels(appServiceName: string, subset: typeof STABLE_SUBSET | typeof CANARY_SUBSET): Record<string, string> {
    return { ...appSelectorLabels(appServiceName), [VERSION_LABEL]: subset };
}

/** The in-mesh host of the app's Service. */
export function serviceHost(appServiceName: string, namespace: string): string {
    return `${appServiceName}.${namespace}.svc.cluster.local`;
}

export interface GatewayArgs {
    readonly name: string;
    readonly namespace: string;
    readonly hostname: string;
    /** Labels of the ingress gateway pods this Gateway configures. */
    readonly selector: Readonly<Record<string, string>>;
    /** The gateway Service's HTTP port (Istio listens on its targetPort). */
    readonly port: number;
}

/** Plain HTTP on the gateway: TLS ends at the ALB, which forwards to the gateway pods. */
export function renderGateway(args: GatewayArgs): GatewayObject {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "Gateway",
        metadata: meta(args.name, args.namespace),
        spec: {
            selector: { ...args.selector },
            servers: [{ port: { number: args.port, name: "http", protocol: "HTTP" }, hosts: [args.hostname] }],
        },
    };
}

/** Namespace-wide mTLS policy; "default" is the name Istio's docs give the namespace policy. */
export function renderPeerAuthentication(namespace: string, mode: MtlsMode): PeerAuthenticationObject {
    return {
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: meta("default", namespace),
        spec: { mtls: { mode } },
    };
}

export interface DestinationRuleArgs {
    readonly name: string;
    readonly namespace: string;
    readonly host: string;
    readonly circuitBreaker: ResilienceConfig["circuitBreaker"];
    readonly mtls: MtlsMode;
}

/**
 * Subsets by the `version` pod label, and the circuit breaker as Istio's
 * connection pool + outlier detection. Under STRICT every endpoint has a
 * sidecar, so clients are pinned to ISTIO_MUTUAL; under PERMISSIVE (a
 * migration, some pods may lack a sidecar) TLS is left to Istio's auto mTLS,
 * which picks mTLS per endpoint.
 */
export function renderDestinationRule(args: DestinationRuleArgs): DestinationRuleObject {
    const cb = args.circuitBreaker;
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata: meta(args.name, args.namespace),
        spec: {
            host: args.host,
            trafficPolicy: {
                connectionPool: {
                    tcp: { maxConnections: cb.maxConnections },
                    http: { http1MaxPendingRequests: cb.http1MaxPendingRequests, maxRequestsPerConnection: cb.maxRequestsPerConnection },
                },
                outlierDetection: {
                    consecutive5xxErrors: cb.consecutive5xxErrors,
                    interval: cb.interval,
                    baseEjectionTime: cb.baseEjectionTime,
                    maxEjectionPercent: cb.maxEjectionPercent,
                },
                ...(args.mtls === "STRICT" ? { tls: { mode: "ISTIO_MUTUAL" as const } } : {}),
            },
            subsets: [STABLE_SUBSET, CANARY_SUBSET].map((subset) => ({ name: subset, labels: { [VERSION_LABEL]: subset } })),
        },
    };
}

/**
 * A config duration ("500ms", "1.5s", "1m", "1h") in protobuf JSON form
 * (seconds with an "s" suffix), which Envoy's typed config requires.
 */
export function toProtoDuration(value: string, key: string): string {
    const ms = parseDuration(value);
    if (ms === undefined) {
        throw new Error(`${key}: must be a duration such as "500ms", "1s", "1m" or "1h"; got ${JSON.stringify(value)}`);
    }
    return `${Number((ms / 1000).toFixed(9))}s`;
}

export interface LocalRateLimitArgs {
    readonly name: string;
    readonly namespace: string;
    /** Pod labels of the workloads whose sidecars enforce the limit. */
    readonly workloadLabels: Readonly<Record<string, string>>;
    readonly rateLimit: ResilienceConfig["rateLimit"];
}

const percent100 = { numerator: 100, denominator: "HUNDRED" };

/**
 * Envoy's HTTP local rate limit on the app sidecars' inbound HTTP filter
 * chain, following Istio's "Enabling Rate Limits using Envoy" local rate limit
 * example: one token bucket per sidecar, enabled and enforced for 100% of
 * requests, 429 with `x-local-rate-limit: true` when the bucket is empty.
 */
export function renderLocalRateLimit(args: LocalRateLimitArgs): EnvoyFilterObject {
    const { maxTokens, tokensPerFill, fillInterval } = args.rateLimit;
    const fill = toProtoDuration(fillInterval, "resilience.rateLimit.fillInterval");
    return {
        apiVersion: "networking.istio.io/v1alpha3",
        kind: "EnvoyFilter",
        metadata: meta(args.name, args.namespace),
        spec: {
            workloadSelector: { labels: { ...args.workloadLabels } },
            configPatches: [
                {
                    applyTo: "HTTP_FILTER",
                    match: {
                        context: "SIDECAR_INBOUND",
                        listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } },
                    },
                    patch: {
                        operation: "INSERT_BEFORE",
                        value: {
                            name: "envoy.filters.http.local_ratelimit",
                            typed_config: {
                                // xds.type.v3.TypedStruct supersedes the deprecated udpa.type.v1.TypedStruct.
                                "@type": "type.googleapis.com/xds.type.v3.TypedStruct",
                                type_url: "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                                value: {
                                    stat_prefix: "http_local_rate_limiter",
                                    token_bucket: { max_tokens: maxTokens, tokens_per_fill: tokensPerFill, fill_interval: fill },
                                    filter_enabled: { runtime_key: "local_rate_limit_enabled", default_value: { ...percent100 } },
                                    filter_enforced: { runtime_key: "local_rate_limit_enforced", default_value: { ...percent100 } },
                                    status: { code: "TooManyRequests" },
                                    // HeaderValueOption.append is deprecated; OVERWRITE_IF_EXISTS_OR_ADD is what append: false meant.
                                    response_headers_to_add: [{ append_action: "OVERWRITE_IF_EXISTS_OR_ADD", header: { key: "x-local-rate-limit", value: "true" } }],
                                },
                            },
                        },
                    },
                },
            ],
        },
    };
}

/**
 * The window both gate queries measure: the bake interval, but at least one
 * minute, so that Prometheus (scraping every 15 s) has the four samples
 * `rate()` and `increase()` need.
 */
export function analysisWindowSeconds(intervalSeconds: number): number {
    return Math.max(60, intervalSeconds);
}

/**
 * Istio's standard request metric for the canary as reported by the *client*
 * proxies: the edge gateway and every sidecar that called the app. Those are
 * exactly the proxies that apply the VirtualService, so the queries measure
 * the traffic the weights govern (edge and in-mesh) and leave out callers
 * outside the mesh, which the weights do not govern.
 */
function canarySelector(namespace: string, appServiceName: string): string {
    return `reporter="source",destination_service_namespace="${namespace}",destination_service_name="${appServiceName}",destination_version="${CANARY_SUBSET}"`;
}

/**
 * The canary's 5xx ratio over the window. A canary that never answered 5xx
 * has no 5xx series at all, hence `or on() vector(0)` on the numerator; with
 * no canary requests the result stays empty (or NaN), which the gate never
 * counts as healthy.
 */
export function canaryErrorRateQuery(namespace: string, appServiceName: string, windowSeconds = 60): string {
    const selector = canarySelector(namespace, appServiceName);
    return (
        `(sum(rate(istio_requests_total{${selector},response_code=~"5.."}[${windowSeconds}s])) or on() vector(0))` +
        ` / sum(rate(istio_requests_total{${selector}}[${windowSeconds}s]))`
    );
}

/** How many requests reached the canary through a proxy that applies the weights, over the same window. */
export function canaryRequestsQuery(namespace: string, appServiceName: string, windowSeconds = 60): string {
    return `sum(increase(istio_requests_total{${canarySelector(namespace, appServiceName)}}[${windowSeconds}s]))`;
}

/**
 * The canary's p99 request duration in ms over the window, from Istio's
 * histogram (buckets 0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000 ms …):
 * interpolated inside the bucket the 99th percentile falls in. With no canary
 * requests the result is NaN, which the gate never counts as healthy.
 */
export function canaryLatencyQuery(namespace: string, appServiceName: string, windowSeconds = 60): string {
    return `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${canarySelector(namespace, appServiceName)}}[${windowSeconds}s])))`;
}

/**
 * The analysis gate's inputs; the default error-rate query applies when the
 * configured one is empty. The request count and the p99 latency always use
 * Istio's standard metrics, whatever the error-rate query.
 */
export function analysisSpec(analysis: AnalysisConfig, prometheus: string, namespace: string, appServiceName: string): AnalysisSpec {
    const window = analysisWindowSeconds(analysis.intervalSeconds);
    return {
        prometheus,
        query: analysis.query.trim() === "" ? canaryErrorRateQuery(namespace, appServiceName, window) : analysis.query,
        requestsQuery: canaryRequestsQuery(namespace, appServiceName, window),
        minRequests: analysis.minRequests,
        maxErrorRate: analysis.maxErrorRate,
        ...(analysis.maxLatencyMs === undefined ? {} : { latencyQuery: canaryLatencyQuery(namespace, appServiceName, window), maxLatencyMs: analysis.maxLatencyMs }),
        bakeSeconds: analysis.bakeSeconds,
        intervalSeconds: analysis.intervalSeconds,
    };
}

export interface TrafficSplitSpecArgs {
    readonly app: AppConfig;
    readonly canary: CanaryConfig;
    readonly resilience: ResilienceConfig;
    readonly appServiceName: string;
    /** "<namespace>/<name>" of the edge Gateway. */
    readonly gateway: string;
    /** "namespace/service:port" of Prometheus; required when canary.analysis is set. */
    readonly prometheus?: string;
}

/** Fault injection with only the faults that hit some requests. */
function faultSpec(fault: ResilienceConfig["faultInjection"]): TrafficSplitInputs["fault"] {
    const delay = fault.delay && fault.delay.percent > 0 ? { fixedDelay: fault.delay.fixedDelay, percent: fault.delay.percent } : undefined;
    const abort = fault.abort && fault.abort.percent > 0 ? { httpStatus: fault.abort.httpStatus, percent: fault.abort.percent } : undefined;
    if (!delay && !abort) {
        return undefined;
    }
    return { ...(delay ? { delay } : {}), ...(abort ? { abort } : {}) };
}

/**
 * Everything the TrafficSplit needs except the kubeconfig (a secret Output).
 *
 * One VirtualService for every caller: its hosts are the public hostname
 * (which binds it at the edge Gateway) and the Service's cluster-local name
 * (which sidecars route by), and it is bound to the edge Gateway and to
 * `mesh` (every sidecar). Istio applies a VirtualService that lists gateways
 * only to those gateways, so without `mesh` in-mesh callers would bypass the
 * weights and be balanced by replica count. Every policy (the header route,
 * retries, timeout, faults) applies at both, with no per-route
 * `match.gateways`: whichever proxy routes a request (the edge gateway for
 * ALB traffic, the caller's sidecar in the mesh) is the only one that
 * applies the routes on that hop, so a request is retried at one place, not
 * twice, and a caller sees the same service whether it enters at the edge or
 * inside the mesh.
 */
export function trafficSplitSpec(args: TrafficSplitSpecArgs): Omit<TrafficSplitInputs, "kubeconfig"> {
    const { app, canary, resilience, appServiceName } = args;
    if (canary.analysis && !args.prometheus) {
        throw new Error("canary.analysis: needs Prometheus: set mesh.prometheus.enabled to true, or remove canary.analysis");
    }
    const fault = faultSpec(resilience.faultInjection);
    return {
        namespace: app.namespace,
        name: appServiceName,
        hosts: [app.hostname, serviceHost(appServiceName, app.namespace)],
        gateways: [args.gateway, MESH_GATEWAY],
        destination: serviceHost(appServiceName, app.namespace),
        port: 80,
        stableSubset: STABLE_SUBSET,
        canarySubset: CANARY_SUBSET,
        canaryWeight: canary.weight,
        maxStep: canary.maxStep,
        force: canary.force,
        ...(canary.header ? { canaryHeader: { name: canary.header.name, value: canary.header.value } } : {}),
        retries: { attempts: resilience.retries.attempts, perTryTimeout: resilience.retries.perTryTimeout, retryOn: resilience.retries.retryOn },
        timeout: resilience.timeout,
        ...(fault ? { fault } : {}),
        ...(canary.analysis && args.prometheus ? { analysis: analysisSpec(canary.analysis, args.prometheus, app.namespace, appServiceName) } : {}),
    };
}
