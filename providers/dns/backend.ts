/**
 * The backend-neutral shapes shared by the Azure DNS and Google Cloud DNS clients
 * (providers/dns/azure, providers/dns/google): what a record set looks like going in and out,
 * what a set of changes is, each backend's limits, and the errors the record-sync core acts on.
 *
 * Pure declarations and tiny helpers only; nothing here touches the network. The record-sync
 * core (plan, registry, ownership) is expected to translate its own record shapes to these.
 */
import { parseTxtStrings, splitTxtOctets } from "./values";

/** Record types the backends write. Reads report any type the zone holds. */
export const BACKEND_WRITABLE_TYPES = ["A", "AAAA", "CNAME", "TXT"] as const;
export type BackendWritableType = (typeof BACKEND_WRITABLE_TYPES)[number];

/**
 * One record set (all records of one name and type) as a DNS backend reads or writes it.
 *
 * - `name`: lower-case FQDN with the trailing dot (`app.example.com.`; the apex is the zone's name).
 * - `values`: A dotted quads; AAAA as the backend reports them; CNAME an FQDN with trailing dot;
 *   TXT in zone-file form, one or more quoted character-strings (`"v=spf1 -all"`), the form
 *   Route53 and Cloud DNS use; other types in zone-file presentation form.
 * - `etag`: Azure DNS's etag as read (absent for Google, whose changes compare whole sets).
 */
export interface BackendRecordSet {
    readonly name: string;
    readonly type: string;
    readonly ttl: number;
    readonly values: readonly string[];
    readonly etag?: string;
}

/**
 * What to change in one zone, with Cloud DNS's meaning in every backend: each deletion must
 * match the live record set exactly (Azure: by etag when the set was read with one, else by
 * ttl and values), each addition must not exist yet unless the same name and type is deleted in
 * the same change (a replacement).
 */
export interface BackendChangeSet {
    readonly deletions: readonly BackendRecordSet[];
    readonly additions: readonly BackendRecordSet[];
}

/** What one `apply` did. */
export interface BackendApplyReport {
    /** Write requests sent (Azure: one per record set; Google: one per change). */
    readonly writeRequests: number;
    /** Status polls (Google) after the writes. */
    readonly pollRequests: number;
}

/** A backend's documented limits, for the core's batching and read strategy. */
export interface BackendLimits {
    /** Record sets one `apply` may carry (Google: additions and deletions each ≤ this). */
    readonly maxRecordSetsPerChange: number;
    /** Records (values) in one record set. */
    readonly maxValuesPerRecordSet: number;
    /** Page size the client asks for when listing. */
    readonly listPageSize: number;
    /** Read calls one `listNames` costs per name when nothing pages (for choosing a read strategy). */
    readonly readCallsPerName: number;
    /** Whether one change is applied atomically (Google) or record set by record set (Azure). */
    readonly atomicChanges: boolean;
}

/** The API layer of one DNS backend, bound to one zone. */
export interface DnsBackendClient {
    readonly backend: "azure" | "google";
    /** The zone's apex, lower-case FQDN with the trailing dot. */
    readonly zoneName: string;
    readonly limits: BackendLimits;
    /** Every record set in the zone, following every page. */
    listZone(): Promise<BackendRecordSet[]>;
    /** The record sets at the given FQDNs (any type), without listing the whole zone. */
    listNames(names: readonly string[]): Promise<BackendRecordSet[]>;
    /** Applies the change with this backend's semantics; see each client for the details. */
    apply(change: BackendChangeSet): Promise<BackendApplyReport>;
}

/**
 * The live zone no longer matches what the change was planned from (a record set appeared,
 * vanished or changed since it was read). Nothing in `conflicts` was written; the caller should
 * read the live zone again and re-plan. `applied` counts record sets already written by a
 * non-atomic backend (Azure) before the conflict showed.
 */
export class LiveStateChangedError extends Error {
    declare readonly code: "LiveStateChanged";
    declare readonly backend: string;
    declare readonly conflicts: readonly string[];
    declare readonly applied: number;
    constructor(backend: string, conflicts: readonly string[], applied: number) {
        const message =
            `${backend}: the live zone changed since it was read (${conflicts.join("; ")}); ` +
            `${applied} record set(s) were written before this; read the zone again and re-plan`;
        super(message);
        return ownError(Object.getPrototypeOf(this) as object, message, { name: "LiveStateChangedError", code: "LiveStateChanged", backend, conflicts, applied });
    }
}

/**
 * A real Error carrying `fields`, with the class's prototype. Pulumi's closure serializer turns
 * `super(message)` into a call that leaves `this` without message or field initializers (and
 * not an Error), so an error class used inside a dynamic provider must build its object itself.
 */
function ownError<T extends object>(prototype: object, message: string, fields: T): Error & T {
    const err = Object.assign(new Error(message), fields);
    Object.setPrototypeOf(err, prototype);
    return err;
}

/** The message of anything thrown (serialized error classes are not `instanceof Error`). */
export function errorMessage(err: unknown): string {
    const message = (err as { message?: unknown } | null)?.message;
    return typeof message === "string" && message !== "" ? message : String(err);
}

/** Any other failure of a backend call, with what was asked and what the service said. */
export class DnsBackendError extends Error {
    declare readonly backend: string;
    /** A stable code: the service's error code, or one of ours (e.g. "CnameConflict", "LimitExceeded"). */
    declare readonly code: string;
    declare readonly status?: number;
    declare readonly applied: number;
    constructor(backend: string, code: string, message: string, status?: number, applied = 0) {
        super(`${backend}: ${message}`);
        return ownError(Object.getPrototypeOf(this) as object, `${backend}: ${message}`, { name: "DnsBackendError", backend, code, status, applied });
    }
}

/** `"app.example.com."` in zone `"example.com."` → `"app"`; the apex → `"@"`. */
export function relativeName(fqdn: string, zoneName: string): string {
    const name = fqdn.toLowerCase();
    if (name === zoneName) {
        return "@";
    }
    if (!name.endsWith(`.${zoneName}`)) {
        throw new DnsBackendError("dns", "NameOutsideZone", `record set "${fqdn}" is not inside zone "${zoneName}"`);
    }
    return name.slice(0, -(zoneName.length + 1));
}

/** `"app"` in zone `"example.com."` → `"app.example.com."`; `"@"` → the zone. */
export function absoluteName(relative: string, zoneName: string): string {
    return relative === "@" || relative === "" ? zoneName : `${relative.toLowerCase()}.${zoneName}`;
}

/** Lower-case FQDN with the trailing dot. */
export function fqdn(name: string): string {
    const lower = name.toLowerCase();
    return lower.endsWith(".") ? lower : `${lower}.`;
}

/** Zone-file TXT value → the character-strings it holds (raw text counts as one value, split at 255 octets). */
export function txtStrings(value: string): string[] {
    const strings = parseTxtStrings(value) ?? splitTxtOctets(Buffer.from(value, "utf8"));
    return strings.map((s) => s.toString("utf8"));
}

/** Character-strings → zone-file TXT value (`"a" "b\"c"`). */
export function txtValue(strings: readonly string[]): string {
    return strings.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(" ");
}

/** Two record sets hold the same data (ttl and values, order-insensitive). */
export function sameRecordData(a: BackendRecordSet, b: BackendRecordSet): boolean {
    if (a.ttl !== b.ttl || a.values.length !== b.values.length) {
        return false;
    }
    const left = [...a.values].sort();
    const right = [...b.values].sort();
    return left.every((v, i) => v === right[i]);
}

/** `name type` for messages and keys. */
export function recordSetKey(set: { readonly name: string; readonly type: string }): string {
    return `${set.name} ${set.type}`;
}

/**
 * Rejects a change the backend cannot carry, before any call: a type it does not write, a CNAME
 * with other than one value, too many values or record sets, a name outside the zone, the same
 * name and type twice on one side.
 */
export function checkChange(backend: string, zoneName: string, limits: BackendLimits, change: BackendChangeSet): void {
    const problems: string[] = [];
    for (const [side, sets] of [
        ["deletions", change.deletions],
        ["additions", change.additions],
    ] as const) {
        if (sets.length > limits.maxRecordSetsPerChange) {
            problems.push(`${sets.length} ${side} exceed the limit of ${limits.maxRecordSetsPerChange} per change`);
        }
        const seen = new Set<string>();
        for (const set of sets) {
            const key = recordSetKey(set);
            if (seen.has(key)) problems.push(`${key}: appears twice in ${side}`);
            seen.add(key);
            if (!(BACKEND_WRITABLE_TYPES as readonly string[]).includes(set.type)) {
                problems.push(`${key}: type must be one of ${BACKEND_WRITABLE_TYPES.join(", ")}`);
            }
            if (set.name !== zoneName && !set.name.endsWith(`.${zoneName}`)) {
                problems.push(`${key}: name must be a lower-case FQDN with trailing dot inside ${zoneName}`);
            }
            if (side === "additions" && set.type === "CNAME" && set.values.length !== 1) {
                problems.push(`${key}: a CNAME record set holds exactly one value, not ${set.values.length}`);
            }
            if (side === "additions" && (set.values.length === 0 || set.values.length > limits.maxValuesPerRecordSet)) {
                problems.push(`${key}: must hold 1..${limits.maxValuesPerRecordSet} values, not ${set.values.length}`);
            }
            if (side === "additions" && (!Number.isInteger(set.ttl) || set.ttl < 1 || set.ttl > 2147483647)) {
                problems.push(`${key}: ttl must be an integer in 1..2147483647, not ${set.ttl}`);
            }
        }
    }
    if (problems.length > 0) {
        throw new DnsBackendError(backend, "InvalidChange", `change refused before any call: ${problems.join("; ")}`);
    }
}
