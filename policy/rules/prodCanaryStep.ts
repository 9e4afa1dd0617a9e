/**
 * Production shifts canary traffic in steps no larger than `canary.maxStep`.
 *
 * TrafficSplit's own `check` already refuses a step larger than maxStep from
 * the last applied weight unless `canary.force` is set; this rule closes the
 * bypass on prod stacks:
 * - `force` may only roll the canary back to 0 (an emergency exit), never
 *   raise it or jump to another non-zero weight;
 * - when the properties carry the weight before the last change
 *   (`previousCanaryWeight`, in the resource's outputs), the raise from it to
 *   the applied weight must not exceed maxStep.
 *
 * The engine hands resource policies the new inputs only, without prior
 * state, so the second check fires where outputs are visible (stack analysis,
 * offline evaluation of a run); the first fires on every preview.
 */
import { isDynamicKind, isProductionStack, PolicySubject, pathValue, stackOfUrn, violation } from "./subject";

export const PROD_CANARY_RULE = "prod-canary-max-step";

/** The TrafficSplit dynamic resource, recognised by its inputs (its type token carries only the module name). */
export function isTrafficSplit(subject: PolicySubject): boolean {
    return isDynamicKind(subject, "TrafficSplit", ["canaryWeight", "destination", "hosts"]);
}

function weight(value: unknown): number | undefined {
    return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 100 ? value : undefined;
}

export function prodCanaryStepViolations(subject: PolicySubject): string[] {
    if (!isTrafficSplit(subject)) {
        return [];
    }
    const stack = stackOfUrn(subject.urn);
    if (!isProductionStack(stack)) {
        return [];
    }
    const problems: string[] = [];
    const requested = weight(pathValue(subject.props, "canaryWeight"));
    const maxStep = weight(pathValue(subject.props, "maxStep")) ?? 100;
    const force = pathValue(subject.props, "force") === true;

    if (force && requested !== 0) {
        problems.push(
            violation(
                PROD_CANARY_RULE,
                subject,
                `stack "${stack}" is production, where canary.force may only roll the canary back to 0; got canary.weight ${requested ?? "unknown"} with force. ` +
                    `Unset canary.force and raise in steps of at most canary.maxStep (${maxStep})`,
            ),
        );
    }

    const previous = weight(pathValue(subject.props, "previousCanaryWeight"));
    const applied = weight(pathValue(subject.props, "appliedCanaryWeight")) ?? requested;
    if (previous !== undefined && applied !== undefined && applied - previous > maxStep) {
        problems.push(
            violation(
                PROD_CANARY_RULE,
                subject,
                `stack "${stack}" is production, where the canary weight may rise by at most canary.maxStep (${maxStep}) per update; ` +
                    `it rose from ${previous} to ${applied} (a step of ${applied - previous})`,
            ),
        );
    }
    return problems;
}
