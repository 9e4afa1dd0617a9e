/**
 * Who owns a live record set, decided from the TXT registry markers in the zone exactly as
 * ExternalDNS's TXT registry decides it, plus which Route53RecordSync instance holds it. Pure:
 * works on a listing of the zone (or of the names that matter).
 *
 * Ownership has two levels:
 * - the owner id (ExternalDNS's `owner` label): records of other owners are never touched;
 * - the holder (this provider's `eim-instance` label): of the records of our owner id, a resource
 *   instance deletes only those whose marker names it, checked against the live zone in the same
 *   call. A desired record held by another instance of the same owner is taken over (its marker is
 *   rewritten, compare-and-swap); that is how a replacement, a rename or a record moving between
 *   two resources hands records over without either side deleting what the other now holds.
 *   Markers without the label (ExternalDNS's, or this provider's before the label existed) are
 *   held by no instance: adopted like the rest, deleted only by a resource whose state lists them.
 */
import { normalizeListedName } from "./names";
import type { RecordSetKey } from "./records";
import { fromRrset, keyFields, keyOf } from "./records";
import type { MarkerCandidate, MarkerLabels, Registry } from "./registry";
import { INSTANCE_LABEL, markerCandidates, OWNER_LABEL, parseMarker, RESOURCE_LABEL, toEndpointName as toEndpoint } from "./registry";
import type { NormalizedRecord, Rrset } from "./types";

/** The live record sets of a zone, indexed by normalized name. */
export interface LiveZone {
    readonly zoneName: string;
    /** All record sets at a name (any type, including routing-policy sets). */
    at(name: string): readonly Rrset[];
    /** Record sets of one type at a name. */
    get(name: string, type: string): readonly Rrset[];
    /** Every record set, in listing order. */
    all(): readonly Rrset[];
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
    return { zoneName, at, get: (name, type) => at(name).filter((r) => r.Type === type), all: () => rrsets };
}

/** Reads a marker's value (decrypting it when it is an encrypted marker and a key is given). */
export type MarkerDecoder = (value: string) => { labels: MarkerLabels; nonce?: string } | undefined;

/** ExternalDNS's plain reading: the first value of the TXT set (Targets[0]), parsed as labels. */
export const plainDecoder: MarkerDecoder = (value) => {
    const labels = parseMarker(value);
    return labels ? { labels } : undefined;
};

/** A TXT record set read as a potential marker. */
export interface MarkerRecord {
    readonly name: string;
    readonly rrset: Rrset;
    /** Undefined when the TXT is not an ExternalDNS marker. */
    readonly labels?: MarkerLabels;
    /** The nonce of an encrypted marker (kept when the marker is rewritten, as ExternalDNS does). */
    readonly nonce?: string;
    readonly kind: MarkerCandidate["kind"];
}

/** Which instance holds a record of our owner: this one, none (no label) or another one. */
export type Holder = "self" | "none" | "other";

export type Ownership =
    | { readonly kind: "absent" }
    | { readonly kind: "owned"; readonly rrset: Rrset; readonly record: NormalizedRecord; readonly marker: MarkerRecord; readonly holder: Holder }
    | { readonly kind: "foreign"; readonly rrset: Rrset; readonly owner: string; readonly marker: MarkerRecord }
    | { readonly kind: "unowned"; readonly rrset: Rrset; readonly lookedFor: string }
    | { readonly kind: "unmanageable"; readonly reason: string };

/** The registries whose markers count as ours: the current one and, during a migration, the previous. */
export interface Registries {
    readonly current: Registry;
    readonly previous?: Registry;
    /** This resource instance's id (the `eim-instance` label); unset = markers carry none. */
    readonly instance?: string;
    /** Reads marker values; plain ExternalDNS labels unless encryption is configured. */
    readonly decode?: MarkerDecoder;
}

export function ownerIds(registries: Registries): Set<string> {
    return new Set([registries.current.ownerId, ...(registries.previous ? [registries.previous.ownerId] : [])]);
}

function namings(registries: Registries): Registry[] {
    const { current, previous } = registries;
    const same = previous && previous.txtPrefix === current.txtPrefix && (previous.txtSuffix ?? "") === (current.txtSuffix ?? "") && (previous.wildcardReplacement ?? "") === (current.wildcardReplacement ?? "");
    return previous && !same ? [current, previous] : [current];
}

/**
 * Reads the TXT record set at `name` as a marker (its first value, as ExternalDNS does). A routed
 * record's marker is the TXT set with the same set identifier (ExternalDNS's registry gives the
 * marker the SetIdentifier of the record it owns), so markers of two identifiers never collide.
 */
export function markerAt(zone: LiveZone, name: string, kind: MarkerCandidate["kind"] = "typed", decode: MarkerDecoder = plainDecoder, setIdentifier?: string): MarkerRecord | undefined {
    const txt = zone.get(name, "TXT").find((r) => r.SetIdentifier === setIdentifier);
    if (!txt) {
        return undefined;
    }
    const first = (txt.ResourceRecords ?? [])[0];
    const decoded = first ? decode(first.Value) : undefined;
    return { name, rrset: txt, labels: decoded?.labels, nonce: decoded?.nonce, kind };
}

/** Every candidate marker location of a record, for every known naming (current first). */
export function candidateMarkerNames(name: string, type: string, zoneName: string, registries: Registries, aliasA = false): MarkerCandidate[] {
    const seen = new Set<string>();
    const out: MarkerCandidate[] = [];
    for (const naming of namings(registries)) {
        for (const c of markerCandidates(naming, name, type, zoneName, aliasA)) {
            if (!seen.has(c.name)) {
                seen.add(c.name);
                out.push(c);
            }
        }
    }
    return out;
}

/** Every name whose record sets decide the fate of the given records (for targeted reads). */
export function namesToRead(keys: ReadonlyArray<{ readonly name: string; readonly type: string }>, zoneName: string, registries: Registries): string[] {
    const names = new Set<string>();
    for (const { name, type } of keys) {
        names.add(name);
        for (const candidate of candidateMarkerNames(name, type, zoneName, registries, type === "A")) {
            names.add(candidate.name);
        }
    }
    return [...names];
}

function holderOf(labels: MarkerLabels | undefined, registries: Registries): Holder {
    const instance = labels?.[INSTANCE_LABEL];
    if (instance === undefined || instance === "") return "none";
    return instance === registries.instance ? "self" : "other";
}

/** True when the marker's owner is one of ours. */
export function isOurs(marker: MarkerRecord | undefined, registries: Registries): boolean {
    return marker?.labels !== undefined && ownerIds(registries).has(marker.labels[OWNER_LABEL] ?? "");
}

/**
 * Ownership of the record set (name, type) in ExternalDNS's precedence: a typed marker, then (alias
 * A only) the `cname-` marker ExternalDNS wrote before v0.22, then the legacy type-less marker;
 * no marker means unowned.
 */
export function ownershipOf(zone: LiveZone, name: string, type: string, registries: Registries, setIdentifier?: string): Ownership {
    const rrset = zone.get(name, type).find((r) => r.SetIdentifier === setIdentifier);
    if (!rrset) {
        return { kind: "absent" };
    }
    const candidates = candidateMarkerNames(name, type, zone.zoneName, registries, rrset.AliasTarget !== undefined);
    const marker = decidingMarker(zone, candidates, registries, setIdentifier);
    if (!marker?.labels) {
        return { kind: "unowned", rrset, lookedFor: candidates[0].name };
    }
    const owner = marker.labels[OWNER_LABEL] ?? "";
    if (ownerIds(registries).has(owner)) {
        const resource = marker.labels[RESOURCE_LABEL];
        return { kind: "owned", rrset, marker, holder: holderOf(marker.labels, registries), record: { ...fromRrset(rrset), ...(resource === undefined ? {} : { resource }) } };
    }
    return { kind: "foreign", rrset, owner: owner || "(no owner label)", marker };
}

/**
 * The marker that decides: the first kind (typed/moved, cname, legacy) with a marker present; among
 * several markers of one kind, ExternalDNS keeps the last one its listing returns.
 */
function decidingMarker(zone: LiveZone, candidates: readonly MarkerCandidate[], registries: Registries, setIdentifier?: string): MarkerRecord | undefined {
    const groups: MarkerCandidate["kind"][][] = [["typed", "moved"], ["cname"], ["legacy"]];
    for (const kinds of groups) {
        const found = candidates
            .filter((c) => kinds.includes(c.kind))
            .map((c) => markerAt(zone, c.name, c.kind, registries.decode, setIdentifier))
            .filter((m): m is MarkerRecord => m?.labels !== undefined);
        if (found.length > 0) return found.sort((x, y) => listingOrder(x.name, y.name)).at(-1);
    }
    return undefined;
}

/** Route53's listing order: names compared label by label from the right. */
export function listingOrder(a: string, b: string): number {
    const ra = a.split(".").reverse().join(".");
    const rb = b.split(".").reverse().join(".");
    return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** Our markers for (name, type) that exist in the zone (every non-legacy location, every naming). */
export function ourTypedMarkers(zone: LiveZone, name: string, type: string, registries: Registries, setIdentifier?: string): MarkerRecord[] {
    return candidateMarkerNames(name, type, zone.zoneName, registries, type === "A")
        .filter((c) => c.kind !== "legacy")
        .map((c) => markerAt(zone, c.name, c.kind, registries.decode, setIdentifier))
        .filter((m): m is MarkerRecord => isOurs(m, registries));
}

/** Our legacy markers at a record name (one per known naming). */
export function ourLegacyMarkers(zone: LiveZone, name: string, registries: Registries): MarkerRecord[] {
    const seen = new Set<string>();
    const out: MarkerRecord[] = [];
    for (const type of ["A", "CNAME", "TXT"]) {
        for (const c of candidateMarkerNames(name, type, zone.zoneName, registries).filter((x) => x.kind === "legacy")) {
            if (seen.has(c.name)) continue;
            seen.add(c.name);
            const m = markerAt(zone, c.name, "legacy", registries.decode);
            if (isOurs(m, registries)) out.push(m as MarkerRecord);
        }
    }
    return out;
}

/** The holder of a marker of ours. */
export function markerHolder(marker: MarkerRecord, registries: Registries): Holder {
    return holderOf(marker.labels, registries);
}

export interface OwnedView {
    /** The live, owned versions of the records this instance holds. */
    readonly records: NormalizedRecord[];
    /** Every (name, type, set identifier) this instance holds a marker for, whether or not its record still exists. */
    readonly claims: RecordSetKey[];
}

/**
 * What this instance holds among `keys` (refresh): records held by it (or, for state written
 * before instance labels, held by no instance), and the markers it holds whose record is gone.
 */
export function ownedView(zone: LiveZone, keys: readonly RecordSetKey[], registries: Registries): OwnedView {
    const seen = new Set<string>();
    const records: NormalizedRecord[] = [];
    const claims: RecordSetKey[] = [];
    for (const k of keys) {
        const { name, type, setIdentifier } = k;
        const key = keyOf(k);
        if (seen.has(key)) continue;
        seen.add(key);
        const own = ownershipOf(zone, name, type, registries, setIdentifier);
        if (own.kind === "owned" && own.holder !== "other") {
            records.push(own.record);
            claims.push(keyFields(k));
        } else if (own.kind === "absent" && ourTypedMarkers(zone, name, type, registries, setIdentifier).some((m) => markerHolder(m, registries) !== "other")) {
            claims.push(keyFields(k));
        }
    }
    return { records, claims };
}

/**
 * Every (name, type) whose marker in a full listing of the zone names this owner and instance, or
 * (when `unlabelled` is set) this owner and no instance: what a resource with thin or old state
 * holds. Found by mapping each TXT name back to its record like ExternalDNS's registry does.
 */
export function heldKeysInZone(zone: LiveZone, registries: Registries, unlabelled: boolean): RecordSetKey[] {
    const out = new Map<string, RecordSetKey>();
    const types = ["A", "AAAA", "CNAME", "TXT"];
    for (const rrset of zone.all()) {
        if (rrset.Type !== "TXT") continue;
        const txtName = normalizeListedName(rrset.Name);
        const setIdentifier = rrset.SetIdentifier;
        const marker = markerAt(zone, txtName, "typed", registries.decode, setIdentifier);
        if (!isOurs(marker, registries)) continue;
        const holder = markerHolder(marker as MarkerRecord, registries);
        if (holder === "other" || (holder === "none" && !unlabelled)) continue;
        // which record names this marker: try every record name the zone could hold it for
        for (const candidate of recordsForMarker(txtName, zone, registries)) {
            for (const type of types) {
                if (candidateMarkerNames(candidate, type, zone.zoneName, registries, type === "A").some((c) => c.name === txtName && c.kind !== "legacy")) {
                    const key = keyFields({ name: candidate, type, setIdentifier });
                    out.set(keyOf(key), key);
                }
            }
        }
    }
    return [...out.values()];
}

/** Record names a marker name may belong to: ExternalDNS's mapping back, and the apex. */
function recordsForMarker(txtName: string, zone: LiveZone, registries: Registries): string[] {
    const names = new Set<string>([zone.zoneName]);
    for (const naming of namings(registries)) {
        // ExternalDNS's own mapping, for a record name (wildcards come back as their replacement)
        const bare = txtName.slice(0, -1);
        const [ep] = toEndpoint(naming, bare);
        if (ep !== "") {
            names.add(`${ep}.`);
            const wildcard = (naming.wildcardReplacement ?? "").toLowerCase();
            if (wildcard !== "" && (ep === wildcard || ep.startsWith(`${wildcard}.`))) names.add(`*${ep.slice(wildcard.length)}.`);
        }
    }
    return [...names];
}
