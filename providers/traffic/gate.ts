/**
 * The analysis gate: after the canary weight rises, measure the canary in
 * Prometheus every `intervalSeconds` until `bakeSeconds` have passed. Each
 * measurement first counts the canary's requests in the window; a window
 * with fewer than `minRequests` is not judged at all (too little traffic is
 * no evidence either way, and says so). A judged window checks every
 * criterion (the error rate and, with `maxLatencyMs`, the p99 latency), logs
 * every value, and fails the gate when a value is over its limit or cannot be
 * measured. The bake passes when at least one window was judged
 * and none failed; with no judged window it is *inconclusive*, and the caller
 * decides (provider.ts: a first deploy keeps the weight, a raise is halted).
 * Prometheus is reached through the API server's service proxy, so nothing
 * needs exposing outside the cluster.
 */
import { PrometheusTarget } from "./check";
import { ProxyResponse, TrafficRouterApi } from "./kubeClient";
import { AnalysisSpec } from "./types";

/** One thing a judged window is held to: a measured value and the largest value allowed. */
export interface Criterion {
    /** As messages name it: "error rate". */
    readonly name: string;
    /** The limit's config name: "maxErrorRate". */
    readonly limitName: string;
    readonly limit: number;
    /** Appended to values and the limit in messages: "ms". */
    readonly unit?: string;
    measure(): Promise<number>;
}

/** What one window of the bake is measured with. */
export interface WindowProbe {
    /** The canary's requests in the window; absent when there is no way to count them (every window is judged). */
    readonly requests?: () => Promise<number>;
    readonly criteria: readonly Criterion[];
}

export interface Measurement {
    /** Seconds since the new weight was applied. */
    readonly atSeconds: number;
    /** Canary requests in the window, when counted. */
    readonly requests?: number;
    /** Whether the window had enough requests to be judged. */
    readonly judged: boolean;
    /** Each criterion's value, by name (judged windows only). */
    readonly values: Readonly<Record<string, number>>;
}

export type GateVerdict =
    | { readonly outcome: "passed"; readonly summary: string; readonly measurements: readonly Measurement[] }
    | { readonly outcome: "inconclusive"; readonly reason: string; readonly measurements: readonly Measurement[] }
    | { readonly outcome: "failed"; readonly reason: string; readonly atSeconds: number; readonly measurements: readonly Measurement[] };

export interface BakeSettings {
    readonly bakeSeconds: number;
    readonly intervalSeconds: number;
    /** Fewest canary requests a window needs to be judged; default 0. */
    readonly minRequests?: number;
}

/** Rates in messages: short, but never rounded to a misleading 0. */
export function formatRate(rate: number): string {
    return Number.isFinite(rate) ? String(Number(rate.toPrecision(3))) : String(rate);
}

function shorten(text: string): string {
    const oneLine = text.replace(/\s+/g, " ").trim();
    return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

/** A sample's value; "NaN" (a ratio of nothing) stays NaN for the caller to judge, anything else unreadable throws. */
function sampleValue(value: unknown): number {
    const raw = Array.isArray(value) ? value[1] : undefined;
    const n = typeof raw === "string" ? Number(raw) : NaN;
    if (raw === "+Inf") {
        return Infinity;
    }
    if (Number.isNaN(n) && raw !== "NaN") {
        throw new Error(`Prometheus returned ${JSON.stringify(raw)} instead of a number (no canary requests in the query's range?)`);
    }
    return n;
}

/** Every sample in a Prometheus `/api/v1/query` answer (an instant vector's series, or a scalar); throws with the reason. */
function samples(res: ProxyResponse): number[] {
    let doc: { status?: unknown; errorType?: unknown; error?: unknown; message?: unknown; data?: { resultType?: unknown; result?: unknown } };
    try {
        doc = JSON.parse(res.body);
    } catch {
        throw new Error(`Prometheus answered HTTP ${res.status} with a non-JSON body: ${shorten(res.body) || "(empty)"}`);
    }
    if (res.status !== 200 || doc.status !== "success") {
        // Prometheus puts its reason in `error`; the API server's proxy errors are a Kubernetes Status with `message`.
        const reason = typeof doc.error === "string" ? `${String(doc.errorType ?? "error")}: ${doc.error}` : typeof doc.message === "string" ? doc.message : shorten(res.body);
        throw new Error(`Prometheus answered HTTP ${res.status}: ${reason}`);
    }
    const { resultType, result } = doc.data ?? {};
    if (resultType === "scalar") {
        return [sampleValue(result)];
    }
    if (resultType !== "vector" || !Array.isArray(result)) {
        throw new Error(`Prometheus returned a ${String(resultType)} result; the query must return an instant vector or a scalar`);
    }
    return result.map((series: { value?: unknown }) => sampleValue(series?.value));
}

/**
 * The error rate in a Prometheus answer: the one sample of an instant vector
 * or scalar; with several series, the worst. Throws with the reason when the
 * answer has no usable sample.
 */
export function parsePrometheusResponse(res: ProxyResponse): number {
    const values = samples(res);
    if (values.length === 0) {
        throw new Error("Prometheus returned no sample for the query");
    }
    if (values.some((v) => Number.isNaN(v))) {
        throw new Error('Prometheus returned "NaN" instead of a number (no canary requests in the query\'s range?)');
    }
    return Math.max(...values);
}

/** A request count in a Prometheus answer: the sum of the series; no series (or NaN: nothing to count) is 0. */
export function parsePrometheusCount(res: ProxyResponse): number {
    return samples(res).reduce((sum, v) => sum + (Number.isNaN(v) ? 0 : v), 0);
}

/** The probe for one window through the service proxy: the canary's request count, then its error rate and (when limited) p99 latency. */
export function prometheusProbe(
    api: Pick<TrafficRouterApi, "proxyGet">,
    target: PrometheusTarget,
    analysis: Pick<AnalysisSpec, "query" | "requestsQuery" | "maxErrorRate" | "latencyQuery" | "maxLatencyMs">,
    timeoutMs: number,
): WindowProbe {
    const query = async (promql: string) => api.proxyGet(target.namespace, target.service, target.port, "api/v1/query", { query: promql }, timeoutMs);
    const criterion = (name: string, limitName: string, limit: number, promql: string, unit?: string): Criterion => ({
        name,
        limitName,
        limit,
        unit,
        measure: async () => parsePrometheusResponse(await query(promql)),
    });
    const { requestsQuery, latencyQuery, maxLatencyMs } = analysis;
    const criteria = [criterion("error rate", "maxErrorRate", analysis.maxErrorRate, analysis.query)];
    if (latencyQuery !== undefined && maxLatencyMs !== undefined) {
        criteria.push(criterion("p99 latency", "maxLatencyMs", maxLatencyMs, latencyQuery, "ms"));
    }
    return {
        ...(requestsQuery ? { requests: async () => parsePrometheusCount(await query(requestsQuery)) } : {}),
        criteria,
    };
}

export interface GateClock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const realClock: GateClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function message(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

/** "error rate 0.01 <= maxErrorRate 0.05, p99 latency 800ms > maxLatencyMs 500ms" for the criteria measured so far. */
function judgement(criteria: readonly Criterion[], values: Readonly<Record<string, number>>): string {
    return criteria
        .filter((c) => c.name in values)
        .map((c) => {
            const [value, unit] = [values[c.name], c.unit ?? ""];
            return `${c.name} ${formatRate(value)}${Number.isFinite(value) ? unit : ""} ${value <= c.limit ? "<=" : ">"} ${c.limitName} ${c.limit}${unit}`;
        })
        .join(", ");
}

/**
 * Bakes the new weight: measures at every multiple of `intervalSeconds` and
 * at the end of `bakeSeconds`, measured from the call, and stops at the first
 * failed window. `info` receives one line per window (bake progress in
 * `pulumi up`).
 */
export async function runAnalysis(settings: BakeSettings, probe: WindowProbe, info: (message: string) => void, clock: GateClock = realClock): Promise<GateVerdict> {
    const { bakeSeconds, intervalSeconds } = settings;
    const minRequests = settings.minRequests ?? 0;
    const windows = Math.ceil(bakeSeconds / intervalSeconds);
    const start = clock.now();
    const measurements: Measurement[] = [];
    for (let k = 1; k <= windows; k++) {
        const atSeconds = Math.min(k * intervalSeconds, bakeSeconds);
        await clock.sleep(Math.max(0, start + atSeconds * 1000 - clock.now()));
        const where = `at ${atSeconds}s of ${bakeSeconds}s bake`;
        const failed = (reason: string): GateVerdict => ({ outcome: "failed", reason, atSeconds, measurements });
        let requests: number | undefined;
        if (probe.requests) {
            try {
                requests = await probe.requests();
            } catch (err) {
                return failed(`canary analysis could not count the canary's requests ${where}: ${message(err)}`);
            }
        }
        if (requests !== undefined && requests < minRequests) {
            measurements.push({ atSeconds, requests, judged: false, values: {} });
            info(`canary analysis ${k}/${windows}: ${formatRate(requests)} canary requests, fewer than canary.analysis.minRequests ${minRequests}: not judged ${where}`);
            continue;
        }
        const values: Record<string, number> = {};
        const traffic = requests === undefined ? "" : ` over ${formatRate(requests)} requests`;
        for (const criterion of probe.criteria) {
            try {
                values[criterion.name] = await criterion.measure();
            } catch (err) {
                const measured = judgement(probe.criteria, values);
                return failed(`canary analysis could not measure the ${criterion.name} ${where}: ${message(err)}${measured ? ` (measured: ${measured}${traffic})` : ""}`);
            }
        }
        info(`canary analysis ${k}/${windows}: ${judgement(probe.criteria, values)}${traffic} ${where}`);
        const over = probe.criteria.filter((c) => !(values[c.name] <= c.limit));
        if (over.length > 0) {
            return failed(`canary ${judgement(over, values)}${traffic} ${where}`);
        }
        measurements.push({ atSeconds, requests, judged: true, values });
    }
    const judged = measurements.filter((m) => m.judged).length;
    if (judged === 0) {
        const counts = measurements.map((m) => formatRate(m.requests ?? 0)).join(", ");
        return {
            outcome: "inconclusive",
            reason: `canary analysis inconclusive: no window had canary.analysis.minRequests ${minRequests} requests (${counts}); not a verdict either way`,
            measurements,
        };
    }
    const skipped = windows - judged;
    return {
        outcome: "passed",
        summary: `passed: ${judged} of ${windows} windows judged${skipped > 0 ? ` (${skipped} had fewer than ${minRequests} requests)` : ""}, all within limits`,
        measurements,
    };
}
