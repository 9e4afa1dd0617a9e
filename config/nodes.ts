/**
 * The building blocks of the config schema (config/schema.ts) and the one
 * walker that applies it: strict (an unknown key at any level is an error
 * with a did-you-mean suggestion), defaults filled in, every rule applied,
 * every problem collected. The typed view of the config is inferred from the
 * schema, so a key added there is read, typed, validated, declared in
 * Pulumi.yaml and documented in the README without a second edit.
 */
// Checks and derived defaults see the inferred value of their object; `any` keeps their signatures short.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { closest } from "../providers/shared/rules/didYouMean";
import { BOOLEAN, describeFailure, Rule } from "../providers/shared/rules/rule";
import { ENCRYPTED_OFFLINE, show } from "../configReader";

/** What derived defaults and cross-field checks may look at. */
export interface Env {
    readonly project: string;
    readonly stack: string;
    readonly region: string;
    /** Whether a top-level key is stored encrypted (`secure:`) in the stack file. */
    readonly isSecret: (topLevelKey: string) => boolean;
}

/** A default computed from the stack or from fields read before it in the same object. */
export interface Derived<T> {
    readonly derived: string;
    readonly compute: (env: Env, siblings: Readonly<Record<string, any>>, root: Readonly<Record<string, any>>) => T;
}

export function derived<T>(description: string, compute: (env: Env, siblings: Readonly<Record<string, any>>, root: Readonly<Record<string, any>>) => T): Derived<T> {
    return { derived: description, compute };
}

export type ScalarType = "string" | "integer" | "number" | "boolean" | "list";

interface NodeBase<T> {
    readonly description: string;
    /** Phantom: the value type this node reads to (boxed, so an optional value keeps its `undefined`). */
    readonly __type?: readonly [T];
}

export interface Leaf<T> extends NodeBase<T> {
    readonly kind: "leaf";
    readonly type: ScalarType;
    readonly rule?: Rule;
    readonly default?: { readonly value: unknown } | Derived<unknown>;
    /** No default: the key must be set. */
    readonly required: boolean;
    /** Its value is never shown in a message. */
    readonly secret: boolean;
    /** Turns the valid raw value into the typed one (e.g. wraps a secret). */
    readonly finish?: (value: any) => unknown;
}

/** A cross-field rule of an object: reported under `key`, skipped while a field it uses is invalid. */
export interface Check {
    readonly key: string;
    /** The rule as the README states it. */
    readonly rule: string;
    readonly uses: readonly string[];
    /** The problem (rule with the numbers filled in), or undefined when the rule holds. */
    readonly test: (value: any, env: Env) => string | undefined;
    /** A warning does not fail the run. */
    readonly warning?: boolean;
}

export interface Group<T> extends NodeBase<T> {
    readonly kind: "group";
    readonly fields: Readonly<Record<string, Node<unknown>>>;
    /** Absent means undefined (not an object of defaults). */
    readonly optional: boolean;
    readonly checks: readonly Check[];
    readonly finish?: (value: any) => unknown;
}

export type Node<T> = Leaf<T> | Group<T>;
export type Infer<N> = N extends NodeBase<infer T> ? T : never;

interface LeafOptions<T> {
    readonly description: string;
    readonly rule?: Rule;
    readonly default?: T | Derived<T>;
    readonly secret?: boolean;
}

function leaf<T>(type: ScalarType, o: LeafOptions<unknown>, required: boolean): Leaf<T> {
    const d = o.default;
    return {
        kind: "leaf",
        type,
        description: o.description,
        rule: o.rule,
        default: d === undefined ? undefined : typeof d === "object" && d !== null && "derived" in d ? (d as Derived<unknown>) : { value: d },
        required,
        secret: o.secret ?? false,
    };
}

/** A string with a default (or required when there is none). */
export const text = (o: LeafOptions<string>): Leaf<string> => leaf("string", o, o.default === undefined);
/** A string that may be left unset. */
export const optionalText = (o: LeafOptions<string>): Leaf<string | undefined> => leaf("string", o, false);
export const integer = (o: LeafOptions<number> & { rule: Rule; default: number | Derived<number> }): Leaf<number> => leaf("integer", o, false);
export const decimal = (o: LeafOptions<number> & { rule: Rule; default: number }): Leaf<number> => leaf("number", o, false);
/** A number that may be left unset. */
export const optionalDecimal = (o: LeafOptions<number> & { rule: Rule }): Leaf<number | undefined> => leaf("number", o, false);
/** A list whose items the rule checks; default empty. */
export const list = <T>(o: LeafOptions<T[]> & { rule: Rule }): Leaf<T[]> => leaf("list", { default: [], ...o }, false);
export const flag = (o: LeafOptions<boolean> & { default: boolean | Derived<boolean> }): Leaf<boolean> => leaf("boolean", { rule: BOOLEAN, ...o }, false);

/** One of a fixed set of strings. */
export function choice<const T extends string>(allowed: readonly T[], o: LeafOptions<T> & { default: T; rule: Rule }): Leaf<T> {
    return leaf("string", o, false);
}

type Fields = Record<string, Node<unknown>>;
/** Fields that may be left unset (their type admits undefined) are optional properties, as in a hand-written interface. */
type UnsetKeys<F extends Fields> = { [K in keyof F]: undefined extends Infer<F[K]> ? K : never }[keyof F];
type Flat<T> = { [K in keyof T]: T[K] };
type Shape<F extends Fields> = Flat<
    { readonly [K in Exclude<keyof F, UnsetKeys<F>>]: Infer<F[K]> } & { readonly [K in UnsetKeys<F>]?: Infer<F[K]> }
>;

export function group<F extends Fields>(fields: F, o: { description: string; checks?: Check[] }): Group<Shape<F>> {
    return { kind: "group", fields, optional: false, checks: o.checks ?? [], description: o.description };
}

/** An object that is off unless set; set, its fields take their defaults. */
export function optionalGroup<F extends Fields>(fields: F, o: { description: string; checks?: Check[] }): Group<Shape<F> | undefined> {
    return { kind: "group", fields, optional: true, checks: o.checks ?? [], description: o.description };
}

/** The same node, read into another type once valid. */
export function mapped<T, U>(node: Leaf<T>, finish: (value: T) => U): Leaf<U>;
export function mapped<T, U>(node: Group<T>, finish: (value: T) => U): Group<U>;
export function mapped<T, U>(node: Node<T>, finish: (value: T) => U): Node<U> {
    return { ...node, finish } as unknown as Node<U>;
}

/** The outcome of reading raw config against a schema. */
export interface Reading {
    readonly value: unknown;
    readonly problems: string[];
    readonly warnings: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function coerce(type: ScalarType, raw: unknown): { ok: true; value: unknown } | { ok: false; rule: string; hint?: string } {
    switch (type) {
        case "string":
            return typeof raw === "string"
                ? { ok: true, value: raw }
                : { ok: false, rule: "must be a string", hint: typeof raw === "number" ? "quote it in YAML" : undefined };
        case "boolean":
            // `pulumi config set` writes top-level scalars as strings.
            if (raw === "true" || raw === "false") return { ok: true, value: raw === "true" };
            return typeof raw === "boolean" ? { ok: true, value: raw } : { ok: false, rule: "must be true or false" };
        case "list":
            return Array.isArray(raw) ? { ok: true, value: raw } : { ok: false, rule: "must be a list" };
        default: {
            const parsed = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
            return typeof parsed === "number" && Number.isFinite(parsed) ? { ok: true, value: parsed } : { ok: false, rule: `must be ${type === "integer" ? "an integer" : "a number"}` };
        }
    }
}

class Walker {
    readonly problems: string[] = [];
    readonly warnings: string[] = [];
    readonly failed = new Set<string>();
    private root: Record<string, unknown> = {};

    constructor(private readonly env: Env) {}

    fail(path: string, message: string): void {
        this.problems.push(`${path}: ${message}`);
        this.failed.add(path);
    }

    read(node: Node<unknown>, raw: unknown, path: string, siblings: Record<string, unknown>): unknown {
        return node.kind === "leaf" ? this.leaf(node, raw, path, siblings) : this.group(node, raw, path);
    }

    private leaf(node: Leaf<unknown>, raw: unknown, path: string, siblings: Record<string, unknown>): unknown {
        const fallback = node.default === undefined ? undefined : "value" in node.default ? node.default.value : node.default.compute(this.env, siblings, this.root);
        if (node.secret && raw === ENCRYPTED_OFFLINE) {
            // synth cannot decrypt `secure:` values; the program checks them under `pulumi preview`.
            return node.finish ? node.finish(raw) : raw;
        }
        if (raw === undefined || raw === null) {
            if (node.required) {
                this.fail(path, `is required (${node.description}); got nothing`);
            }
            return fallback === undefined || !node.finish ? fallback : node.finish(fallback);
        }
        const shown = node.secret ? "[secret]" : show(raw);
        const coerced = coerce(node.type, raw);
        if (!coerced.ok) {
            this.fail(path, `${node.rule?.rule ?? coerced.rule}; got ${shown}${coerced.hint ? ` (${coerced.hint})` : ""}`);
            return fallback;
        }
        if (node.rule && !node.rule.test(coerced.value)) {
            this.fail(path, describeFailure(node.rule, coerced.value, shown));
            return fallback;
        }
        return node.finish ? node.finish(coerced.value) : coerced.value;
    }

    private group(node: Group<unknown>, raw: unknown, path: string): unknown {
        if ((raw === undefined || raw === null) && node.optional) {
            return undefined;
        }
        let source: Record<string, unknown> = {};
        if (isObject(raw)) {
            source = raw;
        } else if (raw !== undefined && raw !== null) {
            this.fail(path, `must be an object; got ${show(raw)}`);
        }
        const known = Object.keys(node.fields);
        for (const key of Object.keys(source)) {
            if (!known.includes(key)) {
                const suggestion = closest(key, known);
                const where = path ? `${path}.${key}` : key;
                const keys = known.filter((k) => !k.includes(":")).join(", ");
                this.fail(where, `is not a key of ${path || "the project"} (its keys: ${keys}); got ${show(source[key])}${suggestion ? ` (did you mean ${path ? `${path}.` : ""}${suggestion}?)` : ""}`);
            }
        }
        const value: Record<string, unknown> = {};
        if (path === "") {
            this.root = value;
        }
        for (const [key, field] of Object.entries(node.fields)) {
            value[key] = this.read(field, source[key], path ? `${path}.${key}` : key, value);
        }
        for (const check of node.checks) {
            const paths = check.uses.map((u) => (path ? `${path}.${u}` : u));
            if (paths.some((p) => [...this.failed].some((f) => f === p || p.startsWith(`${f}.`)))) {
                continue;
            }
            const problem = check.test(value, this.env);
            if (problem !== undefined) {
                const where = path ? `${path}.${check.key}` : check.key;
                const message = `${where}: ${problem}; got ${show(valueAt(value, check.key))}`;
                if (check.warning) {
                    this.warnings.push(`${where}: ${problem}`);
                } else {
                    this.problems.push(message);
                    this.failed.add(where);
                }
            }
        }
        return node.finish ? node.finish(value) : value;
    }
}

function valueAt(value: Record<string, unknown>, path: string): unknown {
    return path.split(".").reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), value);
}

/** Reads raw config (objects as parsed from the stack file) against `schema`. */
export function readConfig(schema: Group<unknown>, raw: Record<string, unknown>, env: Env): Reading {
    const walker = new Walker(env);
    const value = walker.read(schema, raw, "", {});
    return { value, problems: walker.problems, warnings: walker.warnings };
}
