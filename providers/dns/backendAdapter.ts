/**
 * Between the record-sync core (plan, registry, ownership — Route53-shaped `Rrset`/`Change`) and
 * the Azure / Google backend clients (`BackendRecordSet`/`BackendChangeSet`). Pure.
 *
 * The core's plan already expresses every takeover and removal as "DELETE exactly what was read,
 * then CREATE": that is a backend change's meaning (deletions must match live, additions must not
 * exist unless replaced), so a plan group maps one to one. UPSERT (a record of ours rewritten)
 * becomes a replacement of the live set, carrying its etag on Azure.
 */
import type { BackendChangeSet, BackendRecordSet } from "./backend";
import { recordSetKey } from "./backend";
import type { MarkerDecoder } from "./ownership";
import { plainDecoder } from "./ownership";
import type { Change, Rrset } from "./types";
import { DEFAULT_TTL } from "./types";

/** A live backend record set as the core reads zones. */
export function toRrsetOf(set: BackendRecordSet): Rrset {
    return { Name: set.name, Type: set.type, TTL: set.ttl, ResourceRecords: set.values.map((Value) => ({ Value })) };
}

function toSet(rrset: Rrset): BackendRecordSet {
    const name = rrset.Name.toLowerCase();
    return { name: name.endsWith(".") ? name : `${name}.`, type: rrset.Type, ttl: rrset.TTL ?? DEFAULT_TTL, values: (rrset.ResourceRecords ?? []).map((r) => r.Value) };
}

/** The live zone as last read, by `name type`, so deletions repeat exactly what was read (etag included). */
export type LiveIndex = ReadonlyMap<string, BackendRecordSet>;

export function indexLive(sets: readonly BackendRecordSet[]): LiveIndex {
    return new Map(sets.map((s) => [recordSetKey(s), s]));
}

/** One plan batch (or part of it) as one backend change. */
export function toChangeSet(changes: readonly Change[], live: LiveIndex): BackendChangeSet {
    const deletions = new Map<string, BackendRecordSet>();
    const additions = new Map<string, BackendRecordSet>();
    for (const { action, rrset } of changes) {
        const set = toSet(rrset);
        const key = recordSetKey(set);
        const current = live.get(key);
        if (action === "DELETE" || (action === "UPSERT" && current)) deletions.set(key, current ?? set);
        if (action !== "DELETE") additions.set(key, set);
    }
    return { deletions: [...deletions.values()], additions: [...additions.values()] };
}

/** True for a TXT change whose value is an ExternalDNS ownership marker (plain or, with the key, encrypted). */
export function isMarkerChange(change: Change, decode: MarkerDecoder = plainDecoder): boolean {
    const first = change.rrset.ResourceRecords?.[0]?.Value;
    return change.rrset.Type === "TXT" && first !== undefined && decode(first) !== undefined;
}

/**
 * Azure writes record set by record set (no transaction), so one batch is applied in three
 * steps that keep every record covered by its marker at every instant:
 * 1. marker writes (new markers and relabelled ones), so a record is never written unmarked;
 * 2. the records themselves (creates, rewrites, removals);
 * 3. removals of markers, after the record they covered is gone.
 * A failure after step 1 leaves an owned name without its record, which the next run fills in.
 */
export function azurePhases(changes: readonly Change[], decode?: MarkerDecoder): Change[][] {
    const markers = changes.filter((c) => isMarkerChange(c, decode));
    const keyOf = (c: Change) => `${c.rrset.Name.toLowerCase()} ${c.rrset.Type}`;
    const rewritten = new Set(markers.filter((c) => c.action !== "DELETE").map(keyOf));
    const markerWrites = markers.filter((c) => c.action !== "DELETE" || rewritten.has(keyOf(c)));
    const markerRemovals = markers.filter((c) => c.action === "DELETE" && !rewritten.has(keyOf(c)));
    const records = changes.filter((c) => !isMarkerChange(c, decode));
    return [markerWrites, records, markerRemovals].filter((phase) => phase.length > 0);
}
