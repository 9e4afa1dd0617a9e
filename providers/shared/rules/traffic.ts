/**
 * Rules for the canary and resilience fields (pure), in the words of
 * TrafficSplit's `check` (providers/traffic/check.ts). The stack config
 * derives its verdict for every field it hands to TrafficSplit from `check`
 * itself (config/providerRules.ts) and takes the wording and hints from here;
 * the DestinationRule durations and the rate-limit fill interval, which no
 * provider checks, use these rules directly. Durations follow Istio 1.27's
 * CRD validation (`duration(self) >= duration('1ms')` on VirtualService
 * timeout, retries.perTryTimeout, fault.delay.fixedDelay and DestinationRule
 * outlierDetection.interval / baseEjectionTime).
 *
 * check.ts keeps its rules inline rather than importing these: every
 * module-level function a dynamic provider captures is serialized into its
 * `__provider` (about 250 bytes of wrapper each), and a partial create sends
 * `__provider` back in a gRPC trailer that Node's HTTP/2 client (the test
 * host's) caps at 64 KiB; the TrafficSplit provider sits at that cap.
 * tests/unit/config.test.ts requires config and check to give the same
 * verdict in the same words.
 */
import { parseDuration } from "../duration";
// The list lives beside TrafficSplit's check, which is serialized into state: one copy, no extra module in the provider.
import { RETRY_CONDITIONS } from "../../traffic/check";
import { closest } from "./didYouMean";
import { BOOLEAN, integerRule, numberRule, Rule } from "./rule";

export const WEIGHT = integerRule(0, 100, "must be an integer from 0 to 100 (the stable subset gets 100 - weight)");
export const MAX_STEP = integerRule(1, 100);
export const FORCE = BOOLEAN;

/** Retries per request; 0 turns retries off. */
export const RETRY_ATTEMPTS = integerRule(0, Number.MAX_SAFE_INTEGER, "must be an integer ≥ 0");

/** A duration in the spelling this program uses ("250ms", "2s", "1.5m", "1h"), at least `minMs`. */
export function durationRule(minMs: number): Rule {
    return {
        rule: `must be a duration of at least ${minMs}ms such as "250ms", "2s", "1m"`,
        test: (v) => (parseDuration(v) ?? -1) >= minMs,
    };
}

/** Istio 1.27 CRDs: every duration this program sets must be ≥ 1ms. */
export const ISTIO_DURATION = durationRule(1);

/** Envoy's local rate limit refuses a token bucket refilled more often than every 50ms. */
export const FILL_INTERVAL = durationRule(50);


const isRetryCondition = (c: string) => RETRY_CONDITIONS.includes(c.trim()) || /^[1-5]\d\d$/.test(c.trim());

export const RETRY_ON: Rule = {
    rule: `must be a comma-separated list of ${RETRY_CONDITIONS.join(", ")} or HTTP status codes`,
    test: (v) => typeof v === "string" && v.split(",").every(isRetryCondition),
    hint: (v) => {
        if (typeof v !== "string") {
            return undefined;
        }
        const wrong = v.split(",").filter((c) => !isRetryCondition(c));
        const fixes = wrong.map((c) => [c, closest(c.trim(), RETRY_CONDITIONS)]).filter(([, fix]) => fix !== undefined);
        return fixes.length > 0 ? fixes.map(([c, fix]) => `"${c}": did you mean "${fix}"?`).join(" ") : undefined;
    },
};

export const PERCENT = numberRule(0, 100, "must be a number from 0 to 100 (percent of requests)");
export const HTTP_STATUS = integerRule(200, 599, "must be an HTTP status code from 200 to 599");

/** HTTP header names are tokens (RFC 9110); Istio matches them in lower case. */
export const HEADER_NAME: Rule = {
    rule: "must be an HTTP header name (letters, digits, -, _ …)",
    test: (v) => typeof v === "string" && v.length <= 256 && /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(v.toLowerCase()),
};

export const HEADER_VALUE: Rule = {
    rule: "must be a non-empty header value without control characters",
    test: (v) => typeof v === "string" && v.length > 0 && ![...v].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127),
};

export const MAX_ERROR_RATE = numberRule(0, 1);
export const INTERVAL_SECONDS = integerRule(1, 3600);
export const BAKE_SECONDS = integerRule(1, 86_400);
export const MIN_REQUESTS = integerRule(0, 1_000_000_000, "must be an integer ≥ 0");
export const MAX_LATENCY_MS = numberRule(1, 3_600_000, "must be a number of milliseconds from 1 to 3600000");

/** The bake time must fit at least one measurement; undefined when it does. */
export function bakeCoversInterval(bakeSeconds: number, intervalSeconds: number): string | undefined {
    return bakeSeconds < intervalSeconds ? `must be at least canary.analysis.intervalSeconds (${intervalSeconds})` : undefined;
}
