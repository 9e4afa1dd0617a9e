/**
 * One row of the verify table: which hop of the request path was checked,
 * against what, and the verdict with its cause. Every check returns rows;
 * the command's exit code is derived from the failed rows alone.
 */

/** The hops in the order a request crosses them (and the order they are checked). */
export const hopKinds = ["dns", "route53", "alb", "targets", "gateway", "split", "kube-ops-view", "monitoring", "rate-limit"] as const;
export type HopKind = (typeof hopKinds)[number];

export type Verdict = "pass" | "fail" | "skip";

export interface HopRow {
    readonly hop: HopKind;
    /** What was checked: a hostname, a DNS name, a target group, a URL. */
    readonly target: string;
    readonly verdict: Verdict;
    /** What was seen on a pass; the cause on a failure; why on a skip. */
    readonly detail: string;
}

/**
 * Exit codes. A run with several failures exits with the code of the first
 * failing hop in request order, because a broken upstream hop (say DNS) makes
 * every hop behind it fail too; the table still lists every failure.
 */
export const exitCodes = {
    ok: 0,
    /** An unexpected error in the command itself (a bug, or an AWS API error not tied to a hop). */
    internal: 1,
    /** Bad flags or unreadable stack outputs: nothing was checked. */
    usage: 2,
    dns: 10,
    route53: 11,
    alb: 12,
    targets: 13,
    gateway: 14,
    split: 15,
    "kube-ops-view": 16,
    "rate-limit": 17,
    /** Kiali's or Grafana's health endpoint through the ALB (only when the stack publishes them). */
    monitoring: 18,
} as const satisfies Record<HopKind | "ok" | "internal" | "usage", number>;

export function exitCodeFor(rows: readonly HopRow[]): number {
    for (const hop of hopKinds) {
        if (rows.some((r) => r.hop === hop && r.verdict === "fail")) {
            return exitCodes[hop];
        }
    }
    return exitCodes.ok;
}

export const pass = (hop: HopKind, target: string, detail: string): HopRow => ({ hop, target, verdict: "pass", detail });
export const fail = (hop: HopKind, target: string, detail: string): HopRow => ({ hop, target, verdict: "fail", detail });
export const skip = (hop: HopKind, target: string, detail: string): HopRow => ({ hop, target, verdict: "skip", detail });

/** A readable cause from anything thrown: Node system errors keep their code. */
export function causeOf(error: unknown): string {
    if (error instanceof Error) {
        const code = (error as NodeJS.ErrnoException).code;
        const name = error.name && error.name !== "Error" ? error.name : undefined;
        const label = code ?? name;
        return label && !error.message.includes(label) ? `${label}: ${error.message}` : error.message;
    }
    return String(error);
}
