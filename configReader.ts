import { DURATION_PATTERN, parseDuration } from "./providers/shared/duration";

/**
 * A small, strict reader for nested stack config. It walks one config object,
 * applies defaults, and collects every problem as "<key>: <rule>; got <value>"
 * so `pulumi preview` reports all of them at once instead of the first.
 */

export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(
            `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

export function show(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    return JSON.stringify(value);
}


/** One level of config, addressed by the dotted key path users type in `pulumi config set --path`. */
export class ConfigReader {
    constructor(
        private readonly source: Record<string, unknown>,
        private readonly prefix: string,
        private readonly problems: string[],
    ) {}

    key(field: string): string {
        return this.prefix ? `${this.prefix}.${field}` : field;
    }

    fail(field: string, rule: string, value: unknown): void {
        this.problems.push(`${this.key(field)}: ${rule}; got ${show(value)}`);
    }

    raw(field: string): unknown {
        return this.source[field];
    }

    has(field: string): boolean {
        return this.source[field] !== undefined && this.source[field] !== null;
    }

    /** A nested object; missing means empty so its fields take their defaults. */
    object(field: string): ConfigReader {
        const value = this.source[field];
        if (value === undefined || value === null) {
            return new ConfigReader({}, this.key(field), this.problems);
        }
        if (typeof value !== "object" || Array.isArray(value)) {
            this.fail(field, "must be an object", value);
            return new ConfigReader({}, this.key(field), this.problems);
        }
        return new ConfigReader(value as Record<string, unknown>, this.key(field), this.problems);
    }

    optionalString(field: string): string | undefined {
        const value = this.source[field];
        if (value === undefined || value === null) {
            return undefined;
        }
        if (typeof value !== "string") {
            this.fail(field, "must be a string", value);
            return undefined;
        }
        return value;
    }

    string(field: string, fallback: string): string {
        return this.optionalString(field) ?? fallback;
    }

    matching(field: string, fallback: string | undefined, pattern: RegExp, rule: string): string | undefined {
        const value = this.optionalString(field) ?? fallback;
        if (value !== undefined && !pattern.test(value)) {
            this.fail(field, rule, value);
        }
        return value;
    }

    /** A duration such as "250ms" or "2s", at least `minMs` long. */
    duration(field: string, fallback: string, minMs = 0): string {
        const value = this.matching(field, fallback, DURATION_PATTERN, 'must be a duration such as "250ms", "2s", "1m"')!;
        const ms = parseDuration(value);
        if (ms !== undefined && ms < minMs) {
            this.fail(field, `must be at least ${minMs}ms`, value);
        }
        return value;
    }

    oneOf<T extends string>(field: string, allowed: readonly T[], fallback: T): T {
        const value = this.source[field] ?? fallback;
        if (!allowed.includes(value as T)) {
            this.fail(field, `must be one of ${allowed.join(", ")}`, value);
            return fallback;
        }
        return value as T;
    }

    boolean(field: string, fallback: boolean): boolean {
        const value = this.source[field];
        if (value === undefined || value === null) {
            return fallback;
        }
        // `pulumi config set` writes top-level scalars as strings.
        if (value === "true" || value === "false") {
            return value === "true";
        }
        if (typeof value !== "boolean") {
            this.fail(field, "must be true or false", value);
            return fallback;
        }
        return value;
    }

    /** A number in [min, max]; `integer` additionally rules out fractions. */
    number(field: string, fallback: number, range: { min: number; max: number; integer?: boolean }): number {
        const value = this.source[field];
        if (value === undefined || value === null) {
            return fallback;
        }
        const parsed = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
        const kind = range.integer ? "an integer" : "a number";
        if (typeof parsed !== "number" || !Number.isFinite(parsed) || (range.integer && !Number.isInteger(parsed))) {
            this.fail(field, `must be ${kind} from ${range.min} to ${range.max}`, value);
            return fallback;
        }
        if (parsed < range.min || parsed > range.max) {
            this.fail(field, `must be ${kind} from ${range.min} to ${range.max}`, value);
            return fallback;
        }
        return parsed;
    }

    integer(field: string, fallback: number, min: number, max: number): number {
        return this.number(field, fallback, { min, max, integer: true });
    }
}
