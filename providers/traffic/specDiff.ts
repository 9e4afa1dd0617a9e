/**
 * Field-level comparison of two JSON values (pure), used to name what someone
 * changed in a live VirtualService behind Pulumi's back.
 */

export interface FieldDrift {
    /** e.g. "spec.http[1].route[0].weight". */
    readonly path: string;
    readonly expected: unknown;
    readonly actual: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every leaf where `actual` differs from `expected`, depth first, at most
 * `limit` of them. A key whose value is `undefined` counts as absent.
 */
export function diffFields(expected: unknown, actual: unknown, path = "spec", limit = 20): FieldDrift[] {
    const out: FieldDrift[] = [];
    const walk = (e: unknown, a: unknown, p: string): void => {
        if (out.length >= limit) {
            return;
        }
        if (Array.isArray(e) && Array.isArray(a)) {
            for (let i = 0; i < Math.max(e.length, a.length); i++) {
                walk(e[i], a[i], `${p}[${i}]`);
            }
        } else if (isPlainObject(e) && isPlainObject(a)) {
            const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])].sort();
            for (const k of keys) {
                walk(e[k], a[k], `${p}.${k}`);
            }
        } else if (e !== a && JSON.stringify(e) !== JSON.stringify(a)) {
            out.push({ path: p, expected: e, actual: a });
        }
    };
    walk(expected, actual, path);
    return out;
}

function show(value: unknown): string {
    return value === undefined ? "absent" : JSON.stringify(value);
}

/** "spec.http[1].route[0].weight (expected 90, found 50), …". */
export function formatDrift(drift: readonly FieldDrift[]): string {
    return drift.map((d) => `${d.path} (expected ${show(d.expected)}, found ${show(d.actual)})`).join(", ");
}
