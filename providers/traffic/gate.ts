/**
 * The analysis gate: after the canary weight rises, measure the canary's error
 * rate in Prometheus every `intervalSeconds` until `bakeSeconds` have passed,
 * and call the canary unhealthy at the first sample above `maxErrorRate`, or
 * when Prometheus cannot be queried or has no sample (no data is no evidence
 * of health). Prometheus is reached through the API server's service proxy,
 * so nothing needs exposing outside the cluster.
 */
import { PrometheusTarget } from "./check";
import { ProxyResponse, TrafficRouterApi } from "./kubeClient";
import { AnalysisSpec } from "./types";

export interface Measurement {
    /** Seconds since the new weight was applied. */
    readonly atSeconds: number;
    readonly errorRate: number;
}

export type GateVerdict =
    | { readonly healthy: true; readonly measurements: readonly Measurement[] }
    | { readonly healthy: false; readonly reason: string; readonly atSeconds: number; readonly measurements: readonly Measurement[] };

/** Rates in messages: short, but never rounded to a misleading 0. */
export function formatRate(rate: number): string {
    return Number.isFinite(rate) ? String(Number(rate.toPrecision(3))) : String(rate);
}

function shorten(text: string): string {
    const oneLine = text.replace(/\s+/g, " ").trim();
    return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

function sampleValue(value: unknown): number {
    const raw = Array.isArray(value) ? value[1] : undefined;
    const n = typeof raw === "string" ? Number(raw) : NaN;
    if (raw === "+Inf") {
        return Infinity;
    }
    if (Number.isNaN(n)) {
        throw new Error(`Prometheus returned ${JSON.stringify(raw)} instead of a number (no canary requests in the query's range?)`);
    }
    return n;
}

/**
 * The error rate in a Prometheus `/api/v1/query` answer: the one sample of an
 * instant vector or scalar; with several series, the worst. Throws with the
 * reason when the answer has no usable sample.
 */
export function parsePrometheusResponse(res: ProxyResponse): number {
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
        return sampleValue(result);
    }
    if (resultType !== "vector" || !Array.isArray(result)) {
        throw new Error(`Prometheus returned a ${String(resultType)} result; the query must return an instant vector or a scalar`);
    }
    if (result.length === 0) {
        throw new Error("Prometheus returned no sample for the query");
    }
    return Math.max(...result.map((series: { value?: unknown }) => sampleValue(series?.value)));
}

/** One measurement of the canary's error rate through the service proxy. */
export async function queryErrorRate(api: Pick<TrafficRouterApi, "proxyGet">, target: PrometheusTarget, query: string, timeoutMs: number): Promise<number> {
    const res = await api.proxyGet(target.namespace, target.service, target.port, "api/v1/query", { query }, timeoutMs);
    return parsePrometheusResponse(res);
}

export interface GateClock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const realClock: GateClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Bakes the new weight: samples at every multiple of `intervalSeconds` and at
 * the end of `bakeSeconds`, measured from the call, and stops at the first bad
 * sample. `info` receives one line per sample (bake progress in `pulumi up`).
 */
export async function runAnalysis(
    analysis: Pick<AnalysisSpec, "maxErrorRate" | "bakeSeconds" | "intervalSeconds">,
    measure: () => Promise<number>,
    info: (message: string) => void,
    clock: GateClock = realClock,
): Promise<GateVerdict> {
    const { maxErrorRate, bakeSeconds, intervalSeconds } = analysis;
    const samples = Math.ceil(bakeSeconds / intervalSeconds);
    const start = clock.now();
    const measurements: Measurement[] = [];
    for (let k = 1; k <= samples; k++) {
        const atSeconds = Math.min(k * intervalSeconds, bakeSeconds);
        await clock.sleep(Math.max(0, start + atSeconds * 1000 - clock.now()));
        const where = `at ${atSeconds}s of ${bakeSeconds}s bake`;
        let errorRate: number;
        try {
            errorRate = await measure();
        } catch (err) {
            const reason = `canary analysis could not measure the error rate ${where}: ${err instanceof Error ? err.message : String(err)}`;
            return { healthy: false, reason, atSeconds, measurements };
        }
        measurements.push({ atSeconds, errorRate });
        if (!(errorRate <= maxErrorRate)) {
            const reason = `canary error rate ${formatRate(errorRate)} > maxErrorRate ${maxErrorRate} ${where}`;
            return { healthy: false, reason, atSeconds, measurements };
        }
        info(`canary analysis ${k}/${samples}: error rate ${formatRate(errorRate)} <= maxErrorRate ${maxErrorRate} ${where}`);
    }
    return { healthy: true, measurements };
}
