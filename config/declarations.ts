/**
 * What the schema (config/schema.ts) says to the outside (pure): Pulumi.yaml's
 * `config:` declarations, so the Pulumi CLI (≥ 3.187, which knows `type:
 * object`) refuses a value of the wrong type before the program runs, and
 * the README's config reference, one row per key.
 */
import { Group, Leaf, Node } from "./nodes";

export interface ConfigDeclaration {
    readonly type: "string" | "integer" | "boolean" | "object";
    readonly description: string;
    readonly default?: unknown;
}

/** The static defaults of a group (derived ones and optional parts left out: the program fills them). */
export function staticDefaults(node: Group<unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(node.fields)) {
        if (field.kind === "group") {
            if (!field.optional) {
                out[key] = staticDefaults(field);
            }
        } else if (field.default && "value" in field.default && field.default.value !== undefined) {
            out[key] = field.default.value;
        }
    }
    return out;
}

/** Pulumi.yaml `config:`: the project-namespace keys (other namespaces, like aws:region, cannot be typed there). */
export function projectDeclarations(schema: Group<unknown>): Record<string, ConfigDeclaration> {
    const out: Record<string, ConfigDeclaration> = {};
    for (const [key, field] of Object.entries(schema.fields)) {
        if (key.includes(":")) {
            continue;
        }
        if (field.kind === "group") {
            out[key] = { type: "object", description: `${field.description}. Nested keys and rules: README "Config reference".`, default: staticDefaults(field) };
        } else {
            const type = field.type === "number" ? "string" : field.type === "list" ? "object" : field.type;
            const fallback = field.default && "value" in field.default ? { default: field.default.value } : {};
            out[key] = { type, description: field.description, ...fallback };
        }
    }
    return out;
}

export interface ConfigRow {
    readonly key: string;
    readonly type: string;
    readonly default: string;
    readonly rule: string;
    readonly description: string;
}

function leafDefault(leaf: Leaf<unknown>): string {
    if (leaf.default === undefined) {
        return leaf.required ? "required" : "unset";
    }
    if ("derived" in leaf.default) {
        // Placeholders such as <stack> go in code spans, where Markdown shows them as written.
        return leaf.default.derived.includes("<") ? `\`${leaf.default.derived}\`` : leaf.default.derived;
    }
    return `\`${JSON.stringify(leaf.default.value)}\``;
}

/** One row per key and per object, depth first, in schema order. */
export function configRows(node: Node<unknown>, path = "", checks: Record<string, string[]> = {}): ConfigRow[] {
    if (node.kind === "leaf") {
        const rules = [node.rule?.rule, ...(checks[path] ?? [])].filter((r): r is string => r !== undefined);
        return [
            {
                key: path,
                type: `${node.type}${node.secret ? " (secret)" : ""}`,
                default: leafDefault(node),
                rule: rules.join("; "),
                description: node.description,
            },
        ];
    }
    const nested = { ...checks };
    for (const check of node.checks) {
        const key = path ? `${path}.${check.key}` : check.key;
        nested[key] = [...(nested[key] ?? []), `${check.warning ? "warns unless " : ""}${check.rule}`];
    }
    const own: ConfigRow[] = path
        ? [{ key: path, type: "object", default: node.optional ? "unset (off)" : "", rule: (nested[path] ?? []).join("; "), description: node.description }]
        : [];
    return [...own, ...Object.entries(node.fields).flatMap(([key, field]) => configRows(field, path ? `${path}.${key}` : key, nested))];
}
