/**
 * Config rules for the fields the stack hands to TrafficSplit, derived from
 * the provider's own `check` (providers/traffic/check.ts): a value is valid
 * in config exactly when `check` accepts it in that field, so no value passes
 * one and fails the other. The wording (and the did-you-mean hints) comes
 * from providers/shared/rules/traffic.ts, which tests hold equal to check's.
 */
import { checkTrafficSplit } from "../providers/traffic/check";
import * as traffic from "../providers/shared/rules/traffic";
import { DNS_LABEL } from "../providers/shared/rules/kubernetes";
import { Rule } from "../providers/shared/rules/rule";

/** A TrafficSplit input that passes check; each rule varies one field of it. */
const VALID: Readonly<Record<string, unknown>> = {
    kubeconfig: "config check",
    namespace: "demo",
    name: "app",
    hosts: ["app.example.com"],
    destination: "app.demo.svc.cluster.local",
    canaryWeight: 0,
};

/** The rule check applies to the input built by `place`, reported under `key`. */
function viaCheck(key: string, place: (value: unknown) => Record<string, unknown>, words: Rule): Rule {
    return {
        rule: words.rule,
        hint: words.hint,
        test: (value) => !checkTrafficSplit({}, { ...VALID, ...place(value) }).failures.some((f) => f.reason.startsWith(`${key}: `)),
    };
}

const retries = (field: string) => (v: unknown) => ({ retries: { attempts: 1, perTryTimeout: "1s", [field]: v } });
const analysis = (field: string) => (v: unknown) => ({
    analysis: { prometheus: "istio-system/prometheus:80", query: "q", requestsQuery: "r", latencyQuery: "l", maxErrorRate: 0.05, bakeSeconds: 3600, intervalSeconds: 1, [field]: v },
});

export const WEIGHT = viaCheck("canary.weight", (v) => ({ canaryWeight: v }), traffic.WEIGHT);
export const MAX_STEP = viaCheck("canary.maxStep", (v) => ({ maxStep: v }), traffic.MAX_STEP);
export const HEADER_NAME = viaCheck("canary.header.name", (v) => ({ canaryHeader: { name: v, value: "1" } }), traffic.HEADER_NAME);
export const HEADER_VALUE = viaCheck("canary.header.value", (v) => ({ canaryHeader: { name: "x", value: v } }), traffic.HEADER_VALUE);
export const MAX_ERROR_RATE = viaCheck("canary.analysis.maxErrorRate", analysis("maxErrorRate"), traffic.MAX_ERROR_RATE);
export const BAKE_SECONDS = viaCheck("canary.analysis.bakeSeconds", analysis("bakeSeconds"), traffic.BAKE_SECONDS);
export const MIN_REQUESTS = viaCheck("canary.analysis.minRequests", analysis("minRequests"), traffic.MIN_REQUESTS);
export const MAX_LATENCY_MS = viaCheck("canary.analysis.maxLatencyMs", analysis("maxLatencyMs"), traffic.MAX_LATENCY_MS);
export const INTERVAL_SECONDS = viaCheck("canary.analysis.intervalSeconds", analysis("intervalSeconds"), traffic.INTERVAL_SECONDS);
export const RETRY_ATTEMPTS = viaCheck("resilience.retries.attempts", retries("attempts"), traffic.RETRY_ATTEMPTS);
export const PER_TRY_TIMEOUT = viaCheck("resilience.retries.perTryTimeout", retries("perTryTimeout"), traffic.ISTIO_DURATION);
export const RETRY_ON = viaCheck("resilience.retries.retryOn", retries("retryOn"), traffic.RETRY_ON);
export const TIMEOUT = viaCheck("resilience.timeout", (v) => ({ timeout: v }), traffic.ISTIO_DURATION);
export const FIXED_DELAY = viaCheck("resilience.faultInjection.delay.fixedDelay", (v) => ({ fault: { delay: { fixedDelay: v, percent: 1 } } }), traffic.ISTIO_DURATION);
export const DELAY_PERCENT = viaCheck("resilience.faultInjection.delay.percent", (v) => ({ fault: { delay: { fixedDelay: "1s", percent: v } } }), traffic.PERCENT);
export const ABORT_STATUS = viaCheck("resilience.faultInjection.abort.httpStatus", (v) => ({ fault: { abort: { httpStatus: v, percent: 1 } } }), traffic.HTTP_STATUS);
export const ABORT_PERCENT = viaCheck("resilience.faultInjection.abort.percent", (v) => ({ fault: { abort: { httpStatus: 503, percent: v } } }), traffic.PERCENT);

/** The VirtualService's namespace, as check takes it. */
export const NAMESPACE = viaCheck("namespace", (v) => ({ namespace: v }), DNS_LABEL);
