/**
 * Who owns a live record set, decided from the TXT registry markers in the zone. Pure: works on
 * a listing of the zone (or of the names that matter).
 */
import { normalizeListedName } from "./names";
import { fromRrset, recordKey } from "./records";
import type { MarkerLabels, Registry } from "./registry";
import { legacyMarkerName, markerName, parseMarker } from "./registry";
import type { NormalizedRecord, Rrset } from "./types";
import { txtText } from "./values";

/** The live record sets of a zone, indexed by normalized name. */
export interface LiveZone {
    readonly zoneName: string;
    /** All record sets at a name (any type, including routing-policy sets). */
    at(name: string): readonly Rrset[];
    /** Record sets of one type at a name. */
    get(name: string, type: string): readonly Rrset[];
}

// Plain closures rather than a class: this module is serialized by value into the dynamic provider.
export function indexZone(zoneName: string, rrsets: readonly Rrset[]): LiveZone {
    const byName = new Map<string, Rrset[]>();
    for (const rrset of rrsets) {
        const name = normalizeListedName(rrset.Name);
        const list = byName.get(name) ?? [];
        list.push(rrset);
        byName.set(name, list);
    }
    const at = (name: string): readonly Rrset[] => byName.get(name) ?? [];
    return { zoneName, at, get: (name, type) => at(name).filter((r) => r.Type === type) };
}

/** A TXT record set read as a potential marker. */
export interface MarkerRecord {
    readonly name: string;
    readonly rrset: Rrset;
    /** Undefined when the TXT is not an ExternalDNS marker. */
    readonly labels?: MarkerLabels;
    readonly legacy: boolean;
}

export type Ownership =
    | { readonly kind: "absent" }
    | { readonly kind: "owned"; readonly rrset: Rrset; readonly record: NormalizedRecord; readonly marker: MarkerRecord }
    | { readonly kind: "foreign"; readonly rrset: Rrset; readonly owner: string; readonly marker: MarkerRecord }
    | { readonly kind: "unowned"; readonly rrset: Rrset; readonly lookedFor: string }
    | { readonly kind: "unmanageable"; readonly reason: string };

/** The registries whose markers count as ours: the current one and, during a migration, the previous. */
export interface Registries {
    readonly current: Registry;
    readonly previous?: Registry;
}

export function ownerIds(registries: Registries): Set<string> {
    return new Set([registries.current.ownerId, ...(registries.previous ? [registries.previous.ownerId] : [])]);
}

function prefixes(registries: Registries): string[] {
    const list = [registries.current.txtPrefix];
    if (registries.previous && registries.previous.txtPrefix !== registries.current.txtPrefix) {
        list.push(registries.previous.txtPrefix);
    }
    return list;
}

/** Reads the TXT record set at `name` as a marker (a single value that parses as one). */
export function markerAt(zone: LiveZone, name: string, legacy = false): MarkerRecord | undefined {
    const txt = zone.get(name, "TXT").find((r) => r.SetIdentifier === undefined);
    if (!txt) {
        return undefined;
    }
    const values = txt.ResourceRecords ?? [];
    const labels = values.length === 1 ? parseMarker(txtText(values[0].Value)) : undefined;
    return { name, rrset: txt, labels, legacy };
}

/** Marker names (typed, for every known prefix) and legacy names a record's ownership may live at. */
export function candidateMarkerNames(name: string, type: string, zoneName: string, registries: Registries): { name: string; legacy: boolean }[] {
    const list = prefixes(registries).map((p) => ({ name: markerName(p, name, type, zoneName), legacy: false }));
    // ExternalDNS never used the legacy format for AAAA records
    if (type !== "AAAA") {
        list.push(...prefixes(registries).map((p) => ({ name: legacyMarkerName(p, name), legacy: true })));
    }
    return list;
}

/** Every name whose record sets decide the fate of the given records (for targeted reads). */
export function namesToRead(keys: ReadonlyArray<{ readonly name: string; readonly type: string }>, zoneName: string, registries: Registries): string[] {
    const names = new Set<string>();
    for (const { name, type } of keys) {
        names.add(name);
        for (const candidate of candidateMarkerNames(name, type, zoneName, registries)) {
            names.add(candidate.name);
        }
    }
    return [...names];
}

/**
 * Ownership of the record set (name, type): the first marker found decides, typed markers before
 * legacy ones (ExternalDNS's precedence); no marker means unowned.
 */
export function ownershipOf(zone: LiveZone, name: string, type: string, registries: Registries): Ownership {
    const sets = zone.get(name, type);
    if (sets.length === 0) {
        return { kind: "absent" };
    }
    const routed = sets.filter((r) => r.SetIdentifier !== undefined);
    if (routed.length > 0) {
        const ids = routed.map((r) => r.SetIdentifier).join(", ");
        return { kind: "unmanageable", reason: `${name} ${type} has routing-policy record sets (SetIdentifier ${ids}), which this provider does not manage` };
    }
    const rrset = sets[0];
    const ours = ownerIds(registries);
    const candidates = candidateMarkerNames(name, type, zone.zoneName, registries);
    for (const candidate of candidates) {
        const marker = markerAt(zone, candidate.name, candidate.legacy);
        if (!marker?.labels) {
            continue;
        }
        const owner = marker.labels.owner ?? "";
        if (ours.has(owner)) {
            return { kind: "owned", rrset, marker, record: { ...fromRrset(rrset), ...(marker.labels.resource === undefined ? {} : { resource: marker.labels.resource }) } };
        }
        return { kind: "foreign", rrset, owner: owner || "(no owner label)", marker };
    }
    return { kind: "unowned", rrset, lookedFor: candidates[0].name };
}

/** Our markers for (name, type) that exist in the zone (typed ones of every known prefix). */
export function ourTypedMarkers(zone: LiveZone, name: string, type: string, registries: Registries): MarkerRecord[] {
    const ours = ownerIds(registries);
    return candidateMarkerNames(name, type, zone.zoneName, registries)
        .filter((c) => !c.legacy)
        .map((c) => markerAt(zone, c.name))
        .filter((m): m is MarkerRecord => m?.labels !== undefined && ours.has(m.labels.owner ?? ""));
}

/** Our legacy markers at a record name (one per known prefix). */
export function ourLegacyMarkers(zone: LiveZone, name: string, registries: Registries): MarkerRecord[] {
    const ours = ownerIds(registries);
    return prefixes(registries)
        .map((p) => markerAt(zone, legacyMarkerName(p, name), true))
        .filter((m): m is MarkerRecord => m?.labels !== undefined && ours.has(m.labels.owner ?? ""));
}

/** The live, owned versions of the given records (for refresh); records not owned are left out. */
export function ownedRecords(zone: LiveZone, keys: ReadonlyArray<{ readonly name: string; readonly type: string }>, registries: Registries): NormalizedRecord[] {
    const seen = new Set<string>();
    const result: NormalizedRecord[] = [];
    for (const { name, type } of keys) {
        const key = recordKey(name, type);
        if (seen.has(key)) continue;
        seen.add(key);
        const own = ownershipOf(zone, name, type, registries);
        if (own.kind === "owned") {
            result.push(own.record);
        }
    }
    return result;
}
