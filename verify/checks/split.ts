/**
 * The canary split, measured: n requests to the app, counted by the
 * X-App-Version each answer carries, compared with the configured weight
 * through the exact binomial acceptance interval (see ../statistics.ts).
 */
import { causeOf, fail, HopRow, pass } from "../hop";
import { header, Probe } from "../probe";
import { Outcome, RequestPlan, runRequests } from "../requests";
import { acceptanceInterval, AcceptanceInterval, describeInterval } from "../statistics";
import { connectionCause, responseCause, versionHeader } from "./http";

export interface SplitCounts {
    stable: number;
    canary: number;
    /** Answers without a valid version (errors, 429s, other statuses), by cause. */
    other: Record<string, number>;
}

export function countVersions(outcomes: readonly Outcome<{ status: number; version?: string; cause: string }>[]): SplitCounts {
    const counts: SplitCounts = { stable: 0, canary: 0, other: {} };
    for (const outcome of outcomes) {
        const cause = outcome.ok ? outcome.value.cause : connectionCause(outcome.error);
        const version = outcome.ok && outcome.value.status >= 200 && outcome.value.status < 300 ? outcome.value.version : undefined;
        if (version === "stable" || version === "canary") {
            counts[version]++;
        } else {
            counts.other[cause] = (counts.other[cause] ?? 0) + 1;
        }
    }
    return counts;
}

/** Pure verdict: every answer must name a version, and the canary count must fall inside the interval. */
export function splitRow(url: string, weight: number, counts: SplitCounts, interval: AcceptanceInterval): HopRow {
    const measured = counts.stable + counts.canary;
    const failed = Object.values(counts.other).reduce((a, b) => a + b, 0);
    const confidence = `${(100 * (1 - interval.alpha)).toFixed(1)}%`;
    if (failed > 0) {
        const causes = Object.entries(counts.other)
            .map(([cause, n]) => `${n}× ${cause}`)
            .join("; ");
        return fail("split", url, `${failed} of ${interval.n} requests had no stable|canary answer (${causes}); lower --rate if these are 429s`);
    }
    const share = ((100 * counts.canary) / measured).toFixed(1);
    const summary = `canary ${counts.canary}/${measured} = ${share}% for weight ${weight}% (accepts ${describeInterval(interval)} at ${confidence})`;
    return counts.canary >= interval.low && counts.canary <= interval.high ? pass("split", url, summary) : fail("split", url, `${summary}: the live split does not match the configured weight`);
}

/**
 * The live VirtualService against the stack's configured weight: a
 * difference means the last `pulumi up` did not apply (a rolled-back gate,
 * a failed update) or someone edited the object since.
 */
export function liveWeightRow(virtualService: string, live: { weight: number } | { problem: string }, configured: number): HopRow {
    if ("problem" in live) {
        return fail("split", virtualService, `${live.problem}, so the mesh does not route the configured ${configured}% to the canary`);
    }
    return live.weight === configured
        ? pass("split", virtualService, `routes canary ${live.weight}%, as configured`)
        : fail("split", virtualService, `routes canary ${live.weight}% but the stack configures ${configured}%: the last pulumi up did not apply it, or the object was edited since`);
}

export interface SplitOptions extends Omit<RequestPlan, "count"> {
    readonly requests: number;
    readonly alpha?: number;
}

export async function checkSplit(url: string, weight: number, probe: Probe, options: SplitOptions): Promise<HopRow> {
    let interval: AcceptanceInterval;
    try {
        interval = acceptanceInterval(options.requests, weight, options.alpha);
    } catch (e) {
        return fail("split", url, causeOf(e));
    }
    const outcomes = await runRequests({ ...options, count: options.requests }, async () => {
        const response = await probe(url);
        return { status: response.status, version: header(response, versionHeader), cause: response.status >= 200 && response.status < 300 ? "answer without X-App-Version stable|canary" : responseCause(response) };
    });
    return splitRow(url, weight, countVersions(outcomes), interval);
}
