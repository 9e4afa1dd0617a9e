/**
 * Checks Helm values against the key list derived from a chart's own values
 * file (and, for kiali-server, the Kiali CR schema): components/monitoring/
 * chartValuesKeys.json. Paths join keys with "/" ("grafana.ini/server/root_url");
 * "[]" stands for the items of a list whose item keys are known.
 */
import * as fs from "fs";
import * as path from "path";

export interface ChartKeys {
    readonly version: string;
    readonly sources: ReadonlyArray<{ repo: string; ref: string; path: string; blob: string; read: string }>;
    readonly keys: readonly string[];
    /** Maps the chart documents as free-form (an empty map in values.yaml, or an object admitting unknown fields in the schema). */
    readonly openMaps: readonly string[];
    /** Maps a chart template renders key by key (e.g. grafana.ini), so their keys are not the chart's. */
    readonly openByTemplate?: ReadonlyArray<{ path: string; template: string }>;
}

export function loadChartKeys(): Record<string, ChartKeys> {
    const file = path.resolve(__dirname, "../../../components/monitoring/chartValuesKeys.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { charts: Record<string, ChartKeys> }).charts;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every key path in `values` that the chart does not know, with the closest known parent. */
export function unknownValuesKeys(values: Record<string, unknown>, chart: ChartKeys): string[] {
    const known = new Set(chart.keys);
    const open = new Set([...chart.openMaps, ...(chart.openByTemplate ?? []).map((o) => o.path)]);
    const unknown: string[] = [];
    const walk = (node: Record<string, unknown>, prefix: string) => {
        for (const [key, value] of Object.entries(node)) {
            const p = prefix ? `${prefix}/${key}` : key;
            if (!known.has(p) && !open.has(p)) {
                unknown.push(p);
                continue;
            }
            if (open.has(p)) {
                continue;
            }
            if (isMap(value)) {
                walk(value, p);
            } else if (Array.isArray(value) && chart.keys.some((k) => k.startsWith(`${p}/[]/`))) {
                for (const item of value) {
                    if (isMap(item)) {
                        walk(item, `${p}/[]`);
                    }
                }
            }
        }
    };
    walk(values, "");
    return unknown;
}
