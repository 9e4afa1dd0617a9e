/**
 * Durations as Istio and this program's config spell them: "250ms", "2s",
 * "1.5m", "1h". One parser for config validation, Envoy's protobuf form and
 * the TrafficSplit's checks.
 */

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined when `value` is not a duration. */
export function parseDuration(value: unknown): number | undefined {
    if (typeof value !== "string") {
        return undefined;
    }
    const match = DURATION_PATTERN.exec(value);
    return match ? Number(match[1]) * unitMs[match[2]] : undefined;
}
