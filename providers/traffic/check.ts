/**
 * `check` for TrafficSplit (pure): validates every input before any API call
 * and normalizes the few values Istio wants in one spelling (lower-case hosts
 * and header names). Each failure names the stack config key (`canary.weight`,
 * `resilience.retries.attempts`, …) or, for fields that are not stack config,
 * the input field, then the rule, then the value received.
 *
 * During `pulumi preview` an input computed from another resource arrives as
 * the engine's unknown sentinel; such values are not judged.
 */
import { parseDuration } from "../shared/duration";
import { isWeight, lastAppliedWeight, MAX_WEIGHT, MIN_WEIGHT, nextAllowedWeight, PriorWeightState, stepAllowed } from "./weights";
import { CheckFailure, CheckOutcome, UNKNOWN } from "../shared/check";

export { UNKNOWN };
export type { CheckFailure, CheckOutcome };

/** Envoy `retry_on` conditions Istio accepts (plus 3-digit status codes). */
export const RETRY_CONDITIONS: readonly string[] = [
    "5xx",
    "gateway-error",
    "reset",
    "reset-before-request",
    "connect-failure",
    "envoy-ratelimited",
    "retriable-4xx",
    "refused-stream",
    "retriable-status-codes",
    "retriable-headers",
    "http3-post-connect-failure",
    "cancelled",
    "deadline-exceeded",
    "internal",
    "resource-exhausted",
    "unavailable",
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOST = /^(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface PrometheusTarget {
    readonly namespace: string;
    readonly service: string;
    /** Port number or name, as the service proxy path takes it. */
    readonly port: string;
}

/** Parses "namespace/service:port"; undefined when malformed. */
export function parsePrometheusTarget(value: unknown): PrometheusTarget | undefined {
    if (typeof value !== "string") {
        return undefined;
    }
    const match = /^([^/:]+)\/([^/:]+):([^/:]+)$/.exec(value);
    if (!match) {
        return undefined;
    }
    const [, namespace, service, port] = match;
    const portNumber = Number(port);
    const portOk = /^\d+$/.test(port) ? portNumber >= 1 && portNumber <= 65535 : PORT_NAME.test(port) && port.length <= 15;
    if (!DNS_LABEL.test(namespace) || namespace.length > 63 || !DNS_LABEL.test(service) || service.length > 63 || !portOk) {
        return undefined;
    }
    return { namespace, service, port };
}

function show(value: unknown): string {
    return value === undefined ? "nothing" : JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Collects failures; `property` is the top-level input, `key` the name users see.
 * (No class-field initializers: Pulumi's closure serializer drops them.)
 */
class Failures {
    readonly list: CheckFailure[];

    constructor() {
        this.list = [];
    }

    add(property: string, key: string, rule: string, value: unknown): void {
        this.list.push({ property, reason: `${key}: ${rule}; got ${show(value)}` });
    }

    /** Runs `test` unless the value is unknown (preview) or optional and absent. */
    expect(property: string, key: string, value: unknown, test: (v: unknown) => boolean, rule: string, optional = false): void {
        if (value === UNKNOWN || (optional && value === undefined)) {
            return;
        }
        if (!test(value)) {
            this.add(property, key, rule, value);
        }
    }

    /** Like `expect` for an object-valued input: reports a non-object and returns whether to look inside. */
    object(property: string, key: string, value: unknown, optional: boolean): value is Record<string, unknown> {
        if (value === UNKNOWN || (optional && value === undefined)) {
            return false;
        }
        if (!isObject(value)) {
            this.add(property, key, "must be an object", value);
            return false;
        }
        return true;
    }
}

const isInteger = (min: number, max: number) => (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const isNumber = (min: number, max: number) => (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max;
const isDuration = (v: unknown) => (parseDuration(v) ?? 0) >= 1;
const isNonEmptyString = (v: unknown) => typeof v === "string" && v.trim().length > 0;
const matches = (re: RegExp, maxLength: number) => (v: unknown) => typeof v === "string" && v.length <= maxLength && re.test(v);
const DURATION_RULE = 'must be a duration of at least 1ms such as "250ms", "2s", "1m"';

function lower(value: unknown): unknown {
    return typeof value === "string" && value !== UNKNOWN ? value.toLowerCase().replace(/\.$/, "") : value;
}

function checkHosts(f: Failures, property: string, value: unknown, optional: boolean, test: (v: unknown) => boolean, rule: string): void {
    if (value === UNKNOWN || (optional && value === undefined)) {
        return;
    }
    if (!Array.isArray(value) || (!optional && value.length === 0)) {
        f.add(property, property, optional ? "must be a list" : "must be a non-empty list", value);
        return;
    }
    value.forEach((v, i) => f.expect(property, `${property}[${i}]`, v, test, rule));
    const seen = new Set<unknown>();
    value.forEach((v, i) => {
        if (seen.has(v)) {
            f.add(property, `${property}[${i}]`, "must not repeat an earlier entry", v);
        }
        seen.add(v);
    });
}

function checkRetries(f: Failures, retries: unknown): void {
    if (!f.object("retries", "resilience.retries", retries, true)) {
        return;
    }
    f.expect("retries", "resilience.retries.attempts", retries.attempts, isInteger(0, Number.MAX_SAFE_INTEGER), "must be an integer ≥ 0");
    f.expect("retries", "resilience.retries.perTryTimeout", retries.perTryTimeout, isDuration, DURATION_RULE);
    f.expect(
        "retries",
        "resilience.retries.retryOn",
        retries.retryOn,
        (v) =>
            typeof v === "string" &&
            v.split(",").every((c) => RETRY_CONDITIONS.includes(c.trim()) || /^[1-5]\d\d$/.test(c.trim())),
        `must be a comma-separated list of ${RETRY_CONDITIONS.join(", ")} or HTTP status codes`,
        true,
    );
}

function checkFault(f: Failures, fault: unknown): void {
    if (!f.object("fault", "resilience.faultInjection", fault, true)) {
        return;
    }
    const percentRule = "must be a number from 0 to 100 (percent of requests)";
    if (f.object("fault", "resilience.faultInjection.delay", fault.delay, true)) {
        f.expect("fault", "resilience.faultInjection.delay.fixedDelay", fault.delay.fixedDelay, isDuration, DURATION_RULE);
        f.expect("fault", "resilience.faultInjection.delay.percent", fault.delay.percent, isNumber(0, 100), percentRule);
    }
    if (f.object("fault", "resilience.faultInjection.abort", fault.abort, true)) {
        f.expect("fault", "resilience.faultInjection.abort.httpStatus", fault.abort.httpStatus, isInteger(200, 599), "must be an HTTP status code from 200 to 599");
        f.expect("fault", "resilience.faultInjection.abort.percent", fault.abort.percent, isNumber(0, 100), percentRule);
    }
}

function checkAnalysis(f: Failures, analysis: unknown): void {
    if (!f.object("analysis", "canary.analysis", analysis, true)) {
        return;
    }
    const key = (field: string) => `canary.analysis.${field}`;
    f.expect("analysis", key("prometheus"), analysis.prometheus, (v) => parsePrometheusTarget(v) !== undefined,
        'must be "namespace/service:port" (DNS labels; port 1..65535 or a port name)');
    f.expect("analysis", key("query"), analysis.query, isNonEmptyString, "must be a non-empty PromQL query returning the canary's error rate (0..1)");
    f.expect("analysis", key("requestsQuery"), analysis.requestsQuery, isNonEmptyString, "must be a non-empty PromQL query returning the canary's request count in the window", true);
    f.expect("analysis", key("minRequests"), analysis.minRequests, isInteger(0, 1_000_000_000), "must be an integer ≥ 0", true);
    if (isInteger(1, 1_000_000_000)(analysis.minRequests) && analysis.requestsQuery === undefined) {
        f.add("analysis", key("minRequests"), "needs canary.analysis.requestsQuery to count the canary's requests", analysis.minRequests);
    }
    f.expect("analysis", key("maxErrorRate"), analysis.maxErrorRate, isNumber(0, 1), "must be a number from 0 to 1");
    f.expect("analysis", key("latencyQuery"), analysis.latencyQuery, isNonEmptyString, "must be a non-empty PromQL query returning the canary's p99 latency in ms", true);
    f.expect("analysis", key("maxLatencyMs"), analysis.maxLatencyMs, isNumber(1, 3_600_000), "must be a number of milliseconds from 1 to 3600000", true);
    if (analysis.maxLatencyMs !== undefined && analysis.latencyQuery === undefined) {
        f.add("analysis", key("maxLatencyMs"), "needs canary.analysis.latencyQuery to measure the canary's p99 latency", analysis.maxLatencyMs);
    }
    f.expect("analysis", key("intervalSeconds"), analysis.intervalSeconds, isInteger(1, 3600), "must be an integer from 1 to 3600");
    f.expect("analysis", key("bakeSeconds"), analysis.bakeSeconds, isInteger(1, 86_400), "must be an integer from 1 to 86400");
    const { bakeSeconds, intervalSeconds } = analysis;
    if (isInteger(1, 86_400)(bakeSeconds) && isInteger(1, 3600)(intervalSeconds) && (bakeSeconds as number) < (intervalSeconds as number)) {
        f.add("analysis", key("bakeSeconds"), `must be at least canary.analysis.intervalSeconds (${intervalSeconds as number})`, bakeSeconds);
    }
}

function checkOwner(f: Failures, owner: unknown): void {
    if (!f.object("owner", "owner", owner, true)) {
        return;
    }
    for (const field of ["project", "stack", "resource"] as const) {
        f.expect("owner", `owner.${field}`, owner[field], isNonEmptyString, "must be a non-empty string");
    }
}

/** The engine's Struct cannot carry `undefined`: keys whose value is undefined go (as the engine drops them), at any depth. */
function withoutUndefined(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map((v) => (v === undefined ? null : withoutUndefined(v)));
    }
    if (isObject(value)) {
        return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, withoutUndefined(v)]));
    }
    return value;
}

function checkStep(f: Failures, olds: PriorWeightState | undefined, news: Record<string, unknown>): void {
    const next = news.canaryWeight;
    const maxStep = news.maxStep ?? MAX_WEIGHT;
    const force = news.force ?? false;
    const previous = lastAppliedWeight(olds);
    if (!isWeight(next) || !isInteger(1, MAX_WEIGHT)(maxStep) || typeof force !== "boolean" || previous === undefined) {
        return;
    }
    const rule = { maxStep: maxStep as number, force };
    if (!stepAllowed(previous, next, rule)) {
        const allowed = nextAllowedWeight(previous, next, rule.maxStep);
        f.add(
            "canaryWeight",
            "canary.weight",
            `moving from ${previous} to ${next} is a step of ${Math.abs(next - previous)}, more than canary.maxStep ${rule.maxStep}; ` +
                `set canary.weight to ${allowed} for this update, or set canary.force to true to allow the larger step once`,
            next,
        );
    }
}

/**
 * Validates `news` against the rules above and the step rule against the
 * last applied weight in `olds` (the engine's old inputs, or older state).
 */
export function checkTrafficSplit(olds: PriorWeightState | undefined, news: Record<string, unknown>): CheckOutcome {
    const f = new Failures();
    const inputs: Record<string, unknown> = { ...news };

    // The kubeconfig is a secret: a failure names its type, never its content.
    if (news.kubeconfig !== UNKNOWN && !isNonEmptyString(news.kubeconfig)) {
        f.list.push({ property: "kubeconfig", reason: `kubeconfig: must be a non-empty kubeconfig (YAML or JSON); got ${news.kubeconfig === "" ? "an empty string" : typeof news.kubeconfig}` });
    }
    f.expect("namespace", "namespace", news.namespace, matches(DNS_LABEL, 63), "must be a DNS-1123 label (lower-case letters, digits, '-', at most 63)");
    f.expect("name", "name", news.name, matches(DNS_SUBDOMAIN, 253), "must be a DNS-1123 subdomain (lower-case letters, digits, '-', '.', at most 253)");

    inputs.hosts = Array.isArray(news.hosts) ? news.hosts.map(lower) : news.hosts;
    checkHosts(f, "hosts", inputs.hosts, false, matches(HOST, 253), 'must be a DNS name, optionally with a leading "*." wildcard');
    checkHosts(f, "gateways", news.gateways, true, (v) => v === "mesh" || matches(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 317)(v),
        'must be "mesh", a Gateway name, or "namespace/name"');
    inputs.destination = lower(news.destination);
    f.expect("destination", "destination", inputs.destination, matches(HOST, 253), "must be a service host name such as app.demo.svc.cluster.local");
    f.expect("port", "port", news.port, isInteger(1, 65535), "must be an integer from 1 to 65535", true);
    f.expect("stableSubset", "stableSubset", news.stableSubset, matches(DNS_LABEL, 63), "must be a DestinationRule subset name (DNS-1123 label)", true);
    f.expect("canarySubset", "canarySubset", news.canarySubset, matches(DNS_LABEL, 63), "must be a DestinationRule subset name (DNS-1123 label)", true);
    if (news.canarySubset !== UNKNOWN && (news.stableSubset ?? "stable") === (news.canarySubset ?? "canary")) {
        f.add("canarySubset", "canarySubset", "must differ from stableSubset", news.canarySubset ?? "canary");
    }

    f.expect("canaryWeight", "canary.weight", news.canaryWeight, isWeight, `must be an integer from ${MIN_WEIGHT} to ${MAX_WEIGHT} (the stable subset gets ${MAX_WEIGHT} - weight)`);
    f.expect("maxStep", "canary.maxStep", news.maxStep, isInteger(1, MAX_WEIGHT), `must be an integer from 1 to ${MAX_WEIGHT}`, true);
    f.expect("force", "canary.force", news.force, (v) => typeof v === "boolean", "must be true or false", true);

    if (f.object("canaryHeader", "canary.header", news.canaryHeader, true)) {
        const header = news.canaryHeader;
        const name = lower(header.name);
        inputs.canaryHeader = { ...header, name };
        f.expect("canaryHeader", "canary.header.name", name, matches(HEADER_NAME, 256), "must be an HTTP header name (letters, digits, -, _ …)");
        f.expect("canaryHeader", "canary.header.value", header.value, (v) => typeof v === "string" && v.length > 0 && ![...v].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127),
            "must be a non-empty header value without control characters");
    }

    checkRetries(f, news.retries);
    f.expect("timeout", "resilience.timeout", news.timeout, isDuration, DURATION_RULE, true);
    checkFault(f, news.fault);
    checkAnalysis(f, news.analysis);
    checkOwner(f, news.owner);
    checkStep(f, olds, news);

    return { inputs: withoutUndefined(inputs) as Record<string, unknown>, failures: f.list };
}
