/**
 * The rate limit: a burst of concurrent requests must drain the app
 * sidecars' token buckets, so some answers are 429 (Envoy's local rate
 * limit marks them `x-local-rate-limit: true`).
 */
import { fail, HopRow, pass } from "../hop";
import { connectionCause } from "./http";
import { header, Probe } from "../probe";
import { RequestPlan, runRequests } from "../requests";

export interface BurstCounts {
    readonly sent: number;
    readonly limited: number;
    /** 429s carrying Envoy's local rate limit header. */
    readonly byLocalLimit: number;
    readonly ok: number;
    readonly other: Record<string, number>;
}

/** Pure verdict on a burst's answers. `sizing` says how the burst was sized. */
export function rateLimitRow(url: string, counts: BurstCounts, sizing: string): HopRow {
    const others = Object.entries(counts.other).map(([k, n]) => `${n}× ${k}`);
    const seen = `${counts.limited} of ${counts.sent} answered 429 (${counts.byLocalLimit} with x-local-rate-limit), ${counts.ok} 2xx${others.length ? `, ${others.join(", ")}` : ""}`;
    if (counts.limited === 0) {
        return fail("rate-limit", url, `${seen}: no 429, so the local rate limit is not enforced (burst: ${sizing})`);
    }
    return pass("rate-limit", url, `${seen} (burst: ${sizing})`);
}

export async function checkRateLimit(url: string, probe: Probe, plan: RequestPlan, sizing: string): Promise<HopRow> {
    const outcomes = await runRequests(plan, () => probe(url));
    let limited = 0;
    let byLocalLimit = 0;
    let ok = 0;
    const other: Record<string, number> = {};
    for (const outcome of outcomes) {
        if (!outcome.ok) {
            const cause = connectionCause(outcome.error);
            other[cause] = (other[cause] ?? 0) + 1;
        } else if (outcome.value.status === 429) {
            limited++;
            if (header(outcome.value, "x-local-rate-limit") === "true") byLocalLimit++;
        } else if (outcome.value.status >= 200 && outcome.value.status < 300) {
            ok++;
        } else {
            const cause = `HTTP ${outcome.value.status}`;
            other[cause] = (other[cause] ?? 0) + 1;
        }
    }
    return rateLimitRow(url, { sent: plan.count, limited, byLocalLimit, ok, other }, sizing);
}
