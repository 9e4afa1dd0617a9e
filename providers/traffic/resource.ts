/**
 * TrafficSplit: the Istio VirtualService of one service, owned in full by this
 * program, with the stable/canary weights shifted (and optionally gated by a
 * Prometheus check) during `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrafficSplitProvider } from "./provider";

export interface CanaryHeaderArgs {
    /** Header name (matched lower-case), e.g. "x-canary". */
    readonly name: pulumi.Input<string>;
    /** Exact value that sends a request to the canary, e.g. "always". */
    readonly value: pulumi.Input<string>;
}

export interface RetryPolicyArgs {
    /** Number of retries; 0 disables retries. */
    readonly attempts: pulumi.Input<number>;
    /** Timeout per attempt, e.g. "2s". */
    readonly perTryTimeout: pulumi.Input<string>;
    /** Comma-separated Envoy retry conditions, e.g. "gateway-error,connect-failure,refused-stream". */
    readonly retryOn?: pulumi.Input<string>;
}

export interface FaultPolicyArgs {
    /** Delay `percent` % of requests by `fixedDelay` (e.g. "2s"). */
    readonly delay?: pulumi.Input<{ readonly fixedDelay: pulumi.Input<string>; readonly percent: pulumi.Input<number> }>;
    /** Answer `percent` % of requests with `httpStatus`. */
    readonly abort?: pulumi.Input<{ readonly httpStatus: pulumi.Input<number>; readonly percent: pulumi.Input<number> }>;
}

export interface AnalysisArgs {
    /** Prometheus as "namespace/service:port", reached through the API server's service proxy. */
    readonly prometheus: pulumi.Input<string>;
    /** PromQL returning the canary's error rate as a number in 0..1. */
    readonly query: pulumi.Input<string>;
    /** Largest tolerated error rate, 0..1. */
    readonly maxErrorRate: pulumi.Input<number>;
    /** How long a raised weight must stay healthy, in seconds (≥ intervalSeconds). */
    readonly bakeSeconds: pulumi.Input<number>;
    /** Seconds between two measurements. */
    readonly intervalSeconds: pulumi.Input<number>;
}

export interface TrafficSplitArgs {
    /** Kubeconfig for the cluster (any kubeconfig `@kubernetes/client-node` accepts, EKS exec auth included). Stored as a secret. */
    readonly kubeconfig: pulumi.Input<string>;
    /** Namespace of the VirtualService. */
    readonly namespace: pulumi.Input<string>;
    /** Name of the VirtualService. */
    readonly name: pulumi.Input<string>;
    /** Hosts the VirtualService routes, e.g. ["app.example.com"]. */
    readonly hosts: pulumi.Input<pulumi.Input<string>[]>;
    /** Gateways to bind to, e.g. ["istio-system/app-gateway"]; omitted = mesh-internal. */
    readonly gateways?: pulumi.Input<pulumi.Input<string>[]>;
    /** Destination service host, e.g. "app.demo.svc.cluster.local". */
    readonly destination: pulumi.Input<string>;
    /** Destination service port. */
    readonly port?: pulumi.Input<number>;
    /** DestinationRule subset of the stable version; default "stable". */
    readonly stableSubset?: pulumi.Input<string>;
    /** DestinationRule subset of the canary version; default "canary". */
    readonly canarySubset?: pulumi.Input<string>;
    /** Percent of traffic to the canary, integer 0..100; stable gets the rest (stack config `canary.weight`). */
    readonly canaryWeight: pulumi.Input<number>;
    /** Largest allowed change from the last applied weight; default 100 (`canary.maxStep`). */
    readonly maxStep?: pulumi.Input<number>;
    /** Allows one step larger than maxStep (`canary.force`). */
    readonly force?: pulumi.Input<boolean>;
    /** Requests with this header always go to the canary. */
    readonly canaryHeader?: pulumi.Input<CanaryHeaderArgs>;
    /** Retry policy for both routes (`resilience.retries`). */
    readonly retries?: pulumi.Input<RetryPolicyArgs>;
    /** Request timeout, e.g. "10s" (`resilience.timeout`). */
    readonly timeout?: pulumi.Input<string>;
    /** Fault injection for both routes (`resilience.faultInjection`). */
    readonly fault?: pulumi.Input<FaultPolicyArgs>;
    /** Metric gate run after the canary weight rises (`canary.analysis`). */
    readonly analysis?: pulumi.Input<AnalysisArgs>;
}

export class TrafficSplit extends pulumi.dynamic.Resource {
    // `declare`: a plain field would be re-initialized to undefined after super() set the Output (ES2022 class fields).
    /** Stable subset weight in the cluster (live after a refresh). */
    declare public readonly stableWeight: pulumi.Output<number>;
    /** Canary subset weight in the cluster (live after a refresh). */
    declare public readonly appliedCanaryWeight: pulumi.Output<number>;
    /** Canary weight before the last change. */
    declare public readonly previousCanaryWeight: pulumi.Output<number>;
    /** metadata.resourceVersion of the VirtualService as last written or read. */
    declare public readonly resourceVersion: pulumi.Output<string>;
    /** This instance's mark on the VirtualService (new for every create; see ownership.ts). */
    declare public readonly instanceId: pulumi.Output<string>;
    /** What the analysis gate concluded in the last create/update. */
    declare public readonly analysisResult: pulumi.Output<string>;
    declare public readonly namespace: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly canaryWeight: pulumi.Output<number>;

    constructor(name: string, args: TrafficSplitArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            new TrafficSplitProvider(),
            name,
            {
                ...args,
                kubeconfig: pulumi.secret(args.kubeconfig),
                // Labels the VirtualService with this stack and resource, so no other stack takes it over.
                owner: { project: pulumi.getProject(), stack: pulumi.getStack(), resource: name },
                stableWeight: undefined,
                appliedCanaryWeight: undefined,
                previousCanaryWeight: undefined,
                resourceVersion: undefined,
                instanceId: undefined,
                analysisResult: undefined,
            },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["kubeconfig"] }),
            "eks-ingress-mesh",
            "TrafficSplit",
        );
    }
}
