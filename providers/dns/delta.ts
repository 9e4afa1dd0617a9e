/**
 * Incremental update: what changed between the previous state and the new desired records, and
 * the zone as the previous state says it is at those names (the records it wrote and the exact
 * markers it wrote, instance label included). Pure.
 *
 * A plan made against that assumed zone is a compare-and-swap request: every record it replaces
 * or removes is DELETEd with the value the state recorded, every marker is DELETEd with the value
 * this instance wrote, every new record and marker is CREATEd. Route53 applies a request
 * atomically, refuses a DELETE that does not match exactly and a CREATE of an existing set, so
 * the request applies only when nothing drifted at those names; otherwise Route53 refuses it
 * (InvalidChangeBatch), nothing was written, and the provider re-plans from targeted reads.
 */
import { normalizeListedName } from "./names";
import type { Registries } from "./ownership";
import type { MarkerEncoder } from "./plan";
import { recordKey, sameRecordData, toRrset } from "./records";
import { markerLabels, markerName, renderMarker } from "./registry";
import type { Key } from "./state";
import { stateHeldKeys } from "./state";
import type { NormalizedRecord, Policy, Rrset } from "./types";
import { DEFAULT_TTL } from "./types";

export interface StateDelta {
    /** Desired records at the changed names (unchanged ones there included, for the same-name rules). */
    readonly desired: NormalizedRecord[];
    /** Held keys at the changed names: what the plan may remove. */
    readonly previous: Key[];
    /** Every (name, type) the delta concerns: what targeted reads must cover after a refusal. */
    readonly keys: Key[];
    /** The record sets the previous state says exist at those names. */
    readonly assumed: Rrset[];
    /**
     * Names where a record is to be created that the state does not hold: the state cannot say
     * what else lives there (ExternalDNS's rule: create only where every A/AAAA/CNAME is ours),
     * so these names are read. Their markers need no read: a CREATE fails on an existing one.
     */
    readonly namesToRead: string[];
}

/** The assumed zone with the names actually read replaced by what was read there. */
export function withLiveNames(assumed: readonly Rrset[], live: readonly Rrset[], readNames: readonly string[]): Rrset[] {
    const read = new Set(readNames);
    return [...assumed.filter((r) => !read.has(normalizeListedName(r.Name))), ...live];
}

function stateRecords(value: unknown): NormalizedRecord[] {
    return (Array.isArray(value) ? value : []).filter(
        (r): r is NormalizedRecord => r !== null && typeof r === "object" && typeof r.name === "string" && typeof r.type === "string",
    );
}

/**
 * The delta between a previous state and the desired records. `removals` is false under the
 * policies that keep records left out of the program (they are not touched, so not part of it).
 */
export function stateDelta(
    olds: Record<string, unknown>,
    zoneName: string,
    desired: readonly NormalizedRecord[],
    registries: Registries,
    policy: Policy,
    encode?: MarkerEncoder,
): StateDelta {
    const oldRecords = new Map(stateRecords(olds.records).map((r) => [recordKey(r.name, r.type), r]));
    const held = stateHeldKeys(olds);
    const wanted = new Map(desired.map((d) => [recordKey(d.name, d.type), d]));

    const changedNames = new Set<string>();
    for (const d of desired) {
        const old = oldRecords.get(recordKey(d.name, d.type));
        if (!old || !sameRecordData(old, d) || (d.resource !== undefined && d.resource !== old.resource)) changedNames.add(d.name);
    }
    if (policy === "sync") {
        for (const k of held) if (!wanted.has(recordKey(k.name, k.type))) changedNames.add(k.name);
    }

    const atChanged = (k: Key): boolean => changedNames.has(k.name);
    const previous = held.filter(atChanged).map((k) => ({ name: k.name, type: k.type }));
    const desiredHere = desired.filter(atChanged);
    const keys = new Map<string, Key>();
    for (const k of [...desiredHere, ...previous]) keys.set(recordKey(k.name, k.type), { name: k.name, type: k.type });

    const owner = registries.current.ownerId;
    const render = encode ?? ((labels) => renderMarker(labels));
    const assumed: Rrset[] = [];
    for (const k of previous) {
        const old = oldRecords.get(recordKey(k.name, k.type));
        if (old) assumed.push(toRrset(old));
        const value = render(markerLabels(owner, old?.resource ?? wanted.get(recordKey(k.name, k.type))?.resource, registries.instance));
        assumed.push({ Name: markerName(registries.current, k.name, k.type, zoneName), Type: "TXT", TTL: DEFAULT_TTL, ResourceRecords: [{ Value: value }] });
    }
    const namesToRead = [...new Set(desiredHere.filter((d) => !oldRecords.has(recordKey(d.name, d.type))).map((d) => d.name))];
    return { desired: desiredHere, previous, keys: [...keys.values()], assumed, namesToRead };
}
