/**
 * Plain (resolved) shapes of the TrafficSplit resource's inputs and outputs,
 * as the dynamic provider receives them. No Pulumi Inputs here: see
 * `resource.ts` for the `TrafficSplitArgs` the program passes.
 */

/** Requests carrying this header (exact value) always go to the canary subset. */
export interface CanaryHeader {
    readonly name: string;
    readonly value: string;
}

/** Istio HTTPRetry. */
export interface RetryPolicy {
    /** Number of retries (0 disables retries). */
    readonly attempts: number;
    /** Timeout per attempt, e.g. "2s". */
    readonly perTryTimeout: string;
    /** Comma-separated Envoy retry conditions, e.g. "gateway-error,connect-failure". */
    readonly retryOn?: string;
}

/** Istio HTTPFaultInjection; percentages are 0..100 of requests. */
export interface FaultPolicy {
    readonly delay?: { readonly fixedDelay: string; readonly percent: number };
    readonly abort?: { readonly httpStatus: number; readonly percent: number };
}

/** The optional metric gate run after the canary weight rises. */
export interface AnalysisSpec {
    /** "namespace/service:port" of Prometheus, reached through the API server's service proxy. */
    readonly prometheus: string;
    /** PromQL returning the canary's error rate as a number in 0..1. */
    readonly query: string;
    /**
     * PromQL returning how many requests the canary received in the window
     * `query` measures. Without it the gate cannot tell "no traffic" from
     * "no data" (state written before it existed): every window is judged.
     */
    readonly requestsQuery?: string;
    /** Fewest requests a window needs to be judged at all; default 0 (every window is judged). */
    readonly minRequests?: number;
    /** Largest tolerated error rate (0..1); a higher sample fails the gate. */
    readonly maxErrorRate: number;
    /** PromQL returning the canary's p99 latency in ms over the window; needed with `maxLatencyMs`. */
    readonly latencyQuery?: string;
    /** Largest tolerated p99 latency in ms; unset = latency is not a criterion. */
    readonly maxLatencyMs?: number;
    /** How long the new weight must stay healthy, in seconds. */
    readonly bakeSeconds: number;
    /** Seconds between two measurements. */
    readonly intervalSeconds: number;
}

/**
 * Which stack and resource own the VirtualService. Written into its labels,
 * so another stack (or a rename within this one) can tell whose object it is.
 */
export interface Owner {
    readonly project: string;
    readonly stack: string;
    /** The resource's name in the program. */
    readonly resource: string;
}

export interface TrafficSplitInputs {
    /** Any kubeconfig `@kubernetes/client-node` accepts (EKS exec auth included). Secret. */
    readonly kubeconfig: string;
    readonly namespace: string;
    /** The VirtualService's name. */
    readonly name: string;
    readonly hosts: readonly string[];
    /** e.g. ["istio-system/app-gateway"]; omitted = mesh-internal. */
    readonly gateways?: readonly string[];
    /** Service host, e.g. "app.demo.svc.cluster.local". */
    readonly destination: string;
    readonly port?: number;
    /** Default "stable". */
    readonly stableSubset?: string;
    /** Default "canary". */
    readonly canarySubset?: string;
    /** Integer 0..100; the stable subset gets 100 - canaryWeight. */
    readonly canaryWeight: number;
    /** Largest allowed change from the last applied weight; default 100. */
    readonly maxStep?: number;
    /** Allows one step larger than maxStep. */
    readonly force?: boolean;
    readonly canaryHeader?: CanaryHeader;
    readonly retries?: RetryPolicy;
    /** Whole-request timeout, e.g. "10s". */
    readonly timeout?: string;
    readonly fault?: FaultPolicy;
    readonly analysis?: AnalysisSpec;
    /**
     * The stack and resource this TrafficSplit belongs to (the `TrafficSplit`
     * resource sets it). Without it the VirtualService is never taken over
     * from anyone: only an object this very resource created is its own.
     */
    readonly owner?: Owner;
}

export interface TrafficSplitOutputs extends TrafficSplitInputs {
    /** Stable subset weight in the cluster after the last operation (live after a refresh). */
    readonly stableWeight: number;
    /** Canary subset weight in the cluster after the last operation (live after a refresh). */
    readonly appliedCanaryWeight: number;
    /** The canary weight that was applied before the last change. */
    readonly previousCanaryWeight: number;
    /** metadata.resourceVersion of the VirtualService as last written or read. */
    readonly resourceVersion: string;
    /**
     * This resource instance's mark on the VirtualService (annotation
     * `eks-ingress-mesh/instance`), new for every create. Only the instance
     * whose mark the live object carries updates or deletes it. Absent in
     * state written before it existed.
     */
    readonly instanceId?: string;
    /** What the analysis gate concluded in the last create/update ("passed: …", "inconclusive: …", "not run: …"). */
    readonly analysisResult?: string;
}

/** The subset of Kubernetes ObjectMeta this provider reads and writes. */
export interface ObjectMeta {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly uid?: string;
    readonly generation?: number;
    readonly creationTimestamp?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
    readonly ownerReferences?: readonly unknown[];
}

/** A Kubernetes object as JSON (a VirtualService here). */
export interface KubeObject {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: ObjectMeta;
    readonly spec?: Readonly<Record<string, unknown>>;
}
