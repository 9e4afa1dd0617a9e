/**
 * A validation rule as data (pure): what a valid value is, a test, and an
 * optional hint for a bad value. The stack config layer (config/) and
 * Route53RecordSync's `check` use the same rule functions for the fields they
 * share; TrafficSplit's check states the same rules inline (see traffic.ts),
 * held equal by tests, so a value passes both or fails both, with the same words.
 *
 * Providers are serialized into the state by Pulumi's closure serializer:
 * rules are plain object literals with arrow functions (no classes, no
 * method shorthand) so they serialize cleanly.
 */
import { closest } from "./didYouMean";

export interface Rule {
    /** The rule as messages and the README state it, e.g. "must be an integer from 0 to 100". */
    readonly rule: string;
    /** True when the value satisfies the rule. */
    readonly test: (value: unknown) => boolean;
    /** More help for a value that fails, e.g. a did-you-mean suggestion; undefined when there is none. */
    readonly hint?: (value: unknown) => string | undefined;
}

/** "must be …; got …" plus the hint, as every failure message ends. */
export function describeFailure(rule: Rule, value: unknown, shown: string): string {
    const hint = rule.hint?.(value);
    return `${rule.rule}; got ${shown}${hint ? ` (${hint})` : ""}`;
}

export function integerRule(min: number, max: number, rule = `must be an integer from ${min} to ${max}`): Rule {
    return { rule, test: (v) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max };
}

export function numberRule(min: number, max: number, rule = `must be a number from ${min} to ${max}`): Rule {
    return { rule, test: (v) => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max };
}

export const BOOLEAN: Rule = { rule: "must be true or false", test: (v) => typeof v === "boolean" };

/** One of a fixed set of strings, with a did-you-mean hint. */
export function oneOfRule(allowed: readonly string[]): Rule {
    return {
        rule: `must be one of ${allowed.join(", ")}`,
        test: (v) => typeof v === "string" && allowed.includes(v),
        hint: (v) => didYouMean(v, allowed),
    };
}

/** A string matching `pattern` and at most `maxLength` long. */
export function patternRule(pattern: RegExp, rule: string, maxLength = Number.MAX_SAFE_INTEGER): Rule {
    return { rule, test: (v) => typeof v === "string" && v.length <= maxLength && pattern.test(v) };
}

/** `did you mean "x"?` when a candidate is close to the value. */
export function didYouMean(value: unknown, candidates: readonly string[]): string | undefined {
    const match = typeof value === "string" ? closest(value, candidates) : undefined;
    return match === undefined ? undefined : `did you mean ${JSON.stringify(match)}?`;
}
