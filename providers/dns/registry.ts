/**
 * ExternalDNS's TXT registry format, so a zone can move between ExternalDNS and this program
 * without recreating records.
 *
 * - Marker name (ExternalDNS ≥ 0.12 with zone-aware mapping): `<prefix><type>-<host>.<zone>` where
 *   <host> is the part of the record name left of the zone; for the apex it is the zone name
 *   itself (`a-example.com.example.com`), which keeps the marker inside the zone. A prefix that
 *   contains `%{record_type}` gets the type substituted and no `<type>-` is added.
 * - Legacy marker (ExternalDNS < 0.12, still written by default up to 0.15): `<prefix><name>`,
 *   one marker for every type at the name. Recognised when reading, never written.
 * - Value: `"heritage=external-dns,external-dns/owner=<id>,external-dns/resource=<resource>"`,
 *   labels after the heritage sorted by key.
 */
import type { RecordType } from "./types";

export const HERITAGE = "external-dns";
const RECORD_TYPE_TEMPLATE = "%{record_type}";

/** Where markers live and whose they are. */
export interface Registry {
    readonly ownerId: string;
    /** May contain `%{record_type}`; "" by default. */
    readonly txtPrefix: string;
}

/** The labels of a parsed marker (without the `external-dns/` key prefix). */
export type MarkerLabels = Readonly<Record<string, string>>;

/** Marker name of a record (all names normalized, with trailing dot). */
export function markerName(prefix: string, name: string, type: RecordType | string, zone: string): string {
    const lowerType = type.toLowerCase();
    const host = name === zone ? zone.slice(0, -1) : name.slice(0, -(zone.length + 1));
    const typed = prefix.includes(RECORD_TYPE_TEMPLATE);
    const expandedPrefix = prefix.split(RECORD_TYPE_TEMPLATE).join(lowerType).toLowerCase();
    return `${expandedPrefix}${typed ? "" : `${lowerType}-`}${host}.${zone}`;
}

/** Legacy (type-less) marker name of every record at `name`. */
export function legacyMarkerName(prefix: string, name: string): string {
    return `${prefix.split(RECORD_TYPE_TEMPLATE).join("").toLowerCase()}${name}`;
}

/** Renders a marker value in Route53 TXT form (quoted), labels sorted like ExternalDNS does. */
export function renderMarker(labels: MarkerLabels): string {
    const tokens = [`heritage=${HERITAGE}`];
    for (const key of Object.keys(labels).sort()) {
        tokens.push(`${HERITAGE}/${key}=${labels[key]}`);
    }
    return `"${tokens.join(",")}"`;
}

/** The labels this program writes for a record. */
export function markerLabels(ownerId: string, resource?: string): MarkerLabels {
    return resource === undefined ? { owner: ownerId } : { owner: ownerId, resource };
}

/**
 * Parses a marker's text (quotes allowed) the way ExternalDNS does: comma-separated key=value
 * tokens, a `heritage=external-dns` token required, `external-dns/<key>` tokens kept, anything
 * else ignored. Returns undefined for text that is not a marker.
 */
export function parseMarker(text: string): MarkerLabels | undefined {
    const body = text.replace(/^"+|"+$/g, "");
    const labels: Record<string, string> = {};
    let heritage = false;
    for (const token of body.split(",")) {
        const parts = token.split("=");
        if (parts.length !== 2) {
            continue;
        }
        const [key, value] = parts;
        if (key === "heritage") {
            if (value !== HERITAGE) {
                return undefined;
            }
            heritage = true;
        } else if (key.startsWith(`${HERITAGE}/`)) {
            labels[key.slice(HERITAGE.length + 1)] = value;
        }
    }
    return heritage ? labels : undefined;
}

/** Characters that would corrupt the comma/equals/quote structure of a marker value. */
export const FORBIDDEN_LABEL_CHARS = /[,="\\\s]/;
