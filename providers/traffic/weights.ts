/**
 * Canary weight rules (pure). The stable subset always gets the remainder, so
 * the two weights are integers that sum to 100.
 */

export const MIN_WEIGHT = 0;
export const MAX_WEIGHT = 100;

export interface Weights {
    readonly stable: number;
    readonly canary: number;
}

export function isWeight(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= MIN_WEIGHT && value <= MAX_WEIGHT;
}

/** The route weights for a canary weight; throws on a value `isWeight` rejects. */
export function splitWeights(canary: number): Weights {
    if (!isWeight(canary)) {
        throw new RangeError(`canary weight must be an integer from ${MIN_WEIGHT} to ${MAX_WEIGHT}; got ${String(canary)}`);
    }
    return { stable: MAX_WEIGHT - canary, canary };
}

/** The fields of prior state (outputs, or inputs written by older versions) that record a weight. */
export interface PriorWeightState {
    readonly appliedCanaryWeight?: unknown;
    readonly canaryWeight?: unknown;
}

/**
 * The canary weight last applied to the cluster according to prior state:
 * `appliedCanaryWeight` when present, else `canaryWeight` (older state, or
 * the engine's old inputs in `check`); undefined when there is none.
 */
export function lastAppliedWeight(prior: PriorWeightState | undefined): number | undefined {
    if (!prior) {
        return undefined;
    }
    if (isWeight(prior.appliedCanaryWeight)) {
        return prior.appliedCanaryWeight;
    }
    return isWeight(prior.canaryWeight) ? prior.canaryWeight : undefined;
}

export interface StepRule {
    /** Largest allowed |next - previous|, 1..100. */
    readonly maxStep: number;
    /** Allows a larger step. */
    readonly force: boolean;
}

/**
 * Whether moving from `previous` to `next` is allowed. Without a previous
 * weight (first deployment) every weight is allowed: no traffic is being shifted.
 */
export function stepAllowed(previous: number | undefined, next: number, rule: StepRule): boolean {
    return previous === undefined || rule.force || Math.abs(next - previous) <= rule.maxStep;
}

/** The largest weight reachable from `previous` toward `next` in one allowed step. */
export function nextAllowedWeight(previous: number, next: number, maxStep: number): number {
    const delta = Math.max(-maxStep, Math.min(maxStep, next - previous));
    return previous + delta;
}

/** A raise is what the analysis gate guards: more traffic to the canary than before. */
export function isRaise(previous: number, next: number): boolean {
    return next > previous;
}

/** "90/10" — stable/canary, the notation the logs and errors use. */
export function formatSplit(canary: number): string {
    const { stable } = splitWeights(canary);
    return `${stable}/${canary}`;
}
