/**
 * TrafficSplit: stable/canary traffic shifting on an Istio VirtualService,
 * optionally gated by a Prometheus error-rate check with automatic rollback.
 */
export { TrafficSplitProvider } from "./provider";
export { TrafficSplit } from "./resource";
export type { AnalysisArgs, CanaryHeaderArgs, FaultPolicyArgs, RetryPolicyArgs, TrafficSplitArgs } from "./resource";
export type { TrafficSplitInputs, TrafficSplitOutputs } from "./types";
