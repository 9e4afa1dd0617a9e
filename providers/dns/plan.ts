/**
 * The change plan: desired records vs the LIVE zone → the minimal Route53 changes, grouped so
 * that a record, its ownership marker and anything that must change with them always travel in
 * one request. Conflicts with records this owner does not own are collected, never resolved: a
 * plan with conflicts must not be applied at all.
 *
 * The plan never relies on an emulator's leniency: a type or alias-ness change is a DELETE
 * followed by a CREATE in the same request, and a name never ends a request holding a CNAME next
 * to another record set.
 */
import type { LiveZone, MarkerRecord, Ownership, Registries } from "./ownership";
import { indexZone, markerAt, ownershipOf, ourLegacyMarkers, ourTypedMarkers } from "./ownership";
import { recordKey, sameRecordData, toRrset } from "./records";
import { markerLabels, markerName, renderMarker } from "./registry";
import type { Change, ChangeCounts, NormalizedInputs, NormalizedRecord, Policy, Rrset } from "./types";
import { DEFAULT_TTL } from "./types";

export interface PlanInput {
    readonly zone: LiveZone;
    /** Normalized desired records, alias zone ids resolved. */
    readonly desired: readonly NormalizedRecord[];
    /** Records managed before this run (from state); those no longer desired are removed. */
    readonly previous: ReadonlyArray<{ readonly name: string; readonly type: string }>;
    readonly registries: Registries;
    readonly policy: Policy;
}

/** A live record set this owner may not touch, standing in the way of the desired state. */
export interface Conflict {
    readonly name: string;
    readonly type: string;
    readonly reason: string;
}

export interface Plan {
    readonly conflicts: Conflict[];
    /** Self-contained groups of changes; pack them with `packBatches`. */
    readonly groups: Change[][];
    readonly counts: ChangeCounts;
}

/** Collects changes, de-duplicated, grouped by the names they tie together. */
function changeSet() {
    const parent = new Map<string, string>();
    const find = (n: string): string => {
        let root = n;
        while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as string;
        parent.set(n, root);
        return root;
    };
    const union = (a: string, b: string): void => {
        const ra = find(a);
        const rb = find(b);
        if (ra !== rb) parent.set(rb, ra);
    };
    const changes: { anchor: string; change: Change }[] = [];
    const seen = new Set<string>();
    const deleted = new Set<string>();
    const created = new Set<string>();
    const deletedNames = new Set<string>();

    return {
        add(anchor: string, action: Change["action"], rrset: Rrset, nameOf: string): void {
            const id = `${action} ${recordKey(nameOf, rrset.Type)}`;
            if (seen.has(id)) return;
            seen.add(id);
            union(anchor, nameOf);
            changes.push({ anchor, change: { action, rrset } });
            (action === "DELETE" ? deleted : created).add(recordKey(nameOf, rrset.Type));
            if (action === "DELETE") deletedNames.add(nameOf);
        },
        deletedNames: () => [...deletedNames],
        isDeleted: (name: string, type: string) => deleted.has(recordKey(name, type)) && !created.has(recordKey(name, type)),
        isWritten: (name: string, type: string) => created.has(recordKey(name, type)),
        groups(): Change[][] {
            const byRoot = new Map<string, Change[]>();
            for (const { anchor, change } of changes) {
                const root = find(anchor);
                const list = byRoot.get(root) ?? [];
                list.push(change);
                byRoot.set(root, list);
            }
            return [...byRoot.values()];
        },
        counts(): ChangeCounts {
            const count = (a: Change["action"]) => changes.filter((c) => c.change.action === a).length;
            return { create: count("CREATE"), upsert: count("UPSERT"), delete: count("DELETE") };
        },
    };
}

function describeOwnership(own: Ownership, owner: string): string {
    switch (own.kind) {
        case "foreign":
            return `is owned by "${own.owner}" (marker TXT ${own.marker.name}), not by "${owner}"`;
        case "unowned":
            return `exists without an ownership marker (no TXT ${own.lookedFor}); it was not created by "${owner}"`;
        case "unmanageable":
            return own.reason;
        default:
            return "";
    }
}

/**
 * A listed record set as a DELETE must repeat it: exactly the listed name, values and alias, but
 * without the TTL some emulators report for aliases (Route53 rejects a TTL on an alias).
 */
export function asListed(rrset: Rrset): Rrset {
    if (rrset.AliasTarget) {
        const { HostedZoneId, DNSName, EvaluateTargetHealth } = rrset.AliasTarget;
        return { Name: rrset.Name, Type: rrset.Type, AliasTarget: { HostedZoneId, DNSName, EvaluateTargetHealth: EvaluateTargetHealth === true } };
    }
    return { Name: rrset.Name, Type: rrset.Type, TTL: rrset.TTL, ResourceRecords: (rrset.ResourceRecords ?? []).map((r) => ({ Value: r.Value })) };
}

function markerRrset(name: string, value: string): Rrset {
    return { Name: name, Type: "TXT", TTL: DEFAULT_TTL, ResourceRecords: [{ Value: value }] };
}

/** Computes the changes that turn the live zone into the desired state under `policy`. */
export function planChanges(input: PlanInput): Plan {
    const { zone, desired, registries, policy } = input;
    const zoneName = zone.zoneName;
    const owner = registries.current.ownerId;
    const conflicts: Conflict[] = [];
    const set = changeSet();
    const conflict = (name: string, type: string, reason: string) => conflicts.push({ name, type, reason });
    const desiredKeys = new Set(desired.map((d) => recordKey(d.name, d.type)));
    const deletes = policy === "sync";

    const deleteWithMarkers = (name: string, type: string, rrset: Rrset | undefined): void => {
        if (rrset) set.add(name, "DELETE", asListed(rrset), name);
        for (const marker of ourTypedMarkers(zone, name, type, registries)) {
            set.add(name, "DELETE", asListed(marker.rrset), marker.name);
        }
    };

    // 1. desired records and their markers
    for (const d of desired) {
        const own = ownershipOf(zone, d.name, d.type, registries);
        if (own.kind === "foreign" || own.kind === "unowned" || own.kind === "unmanageable") {
            conflict(d.name, d.type, `${d.name} ${d.type} ${describeOwnership(own, owner)}`);
            continue;
        }
        if (own.kind === "absent") {
            set.add(d.name, "CREATE", toRrset(d), d.name);
        } else if (!sameRecordData(own.record, d) && policy !== "create-only") {
            if ((own.record.alias === undefined) === (d.alias === undefined)) {
                set.add(d.name, "UPSERT", toRrset(d), d.name);
            } else {
                set.add(d.name, "DELETE", asListed(own.rrset), d.name);
                set.add(d.name, "CREATE", toRrset(d), d.name);
            }
        }

        const mName = markerName(registries.current.txtPrefix, d.name, d.type, zoneName);
        const marker = markerAt(zone, mName);
        const liveResource = own.kind === "owned" ? own.record.resource : undefined;
        const wanted = renderMarker(markerLabels(owner, d.resource ?? liveResource));
        if (zone.get(mName, "CNAME").length > 0) {
            conflict(d.name, d.type, `its ownership marker name ${mName} is taken by a CNAME`);
        } else if (!marker) {
            set.add(d.name, "CREATE", markerRrset(mName, wanted), mName);
        } else if (!marker.labels) {
            conflict(d.name, d.type, `its ownership marker name ${mName} holds a TXT record that is not an ExternalDNS marker`);
        } else if (!registriesOwn(registries, marker)) {
            conflict(d.name, d.type, `its ownership marker ${mName} belongs to "${marker.labels.owner ?? "(no owner label)"}", not "${owner}"`);
        } else if (policy !== "create-only" && markerOutdated(marker, owner, d.resource)) {
            set.add(d.name, "UPSERT", markerRrset(mName, wanted), mName);
        }
        if (deletes) {
            for (const stale of ourTypedMarkers(zone, d.name, d.type, registries)) {
                if (stale.name !== mName) set.add(d.name, "DELETE", asListed(stale.rrset), stale.name);
            }
        }
    }

    // 2. records managed before and no longer desired
    if (deletes) {
        for (const { name, type } of input.previous) {
            if (desiredKeys.has(recordKey(name, type))) continue;
            const own = ownershipOf(zone, name, type, registries);
            if (own.kind === "owned") {
                deleteWithMarkers(name, type, own.rrset);
            } else if (own.kind === "absent") {
                deleteWithMarkers(name, type, undefined); // orphaned markers of ours
            }
            // foreign or unowned: someone else's now; never touched
        }
    }

    // 3. a CNAME may not share its name with anything else after the request
    const desiredByName = new Map<string, NormalizedRecord[]>();
    for (const d of desired) desiredByName.set(d.name, [...(desiredByName.get(d.name) ?? []), d]);
    for (const [name, records] of desiredByName) {
        const wantsCname = records.some((r) => r.type === "CNAME");
        for (const rrset of zone.at(name)) {
            const type = rrset.Type;
            if (desiredKeys.has(recordKey(name, type)) || set.isDeleted(name, type)) continue;
            if (!wantsCname && type !== "CNAME") continue;
            const own = ownershipOf(zone, name, type, registries);
            const blocking = wantsCname ? `${name} CNAME cannot coexist with ${name} ${type}` : `${name} ${records.map((r) => r.type).join("/")} cannot coexist with ${name} CNAME`;
            if (own.kind !== "owned") {
                const why = own.kind === "absent" ? "" : `, which ${describeOwnership(own, owner)}`;
                conflicts.push({ name, type, reason: `${blocking}${why}` });
            } else if (!deletes) {
                conflicts.push({ name, type, reason: `${blocking}; removing our ${name} ${type} needs policy "sync" (policy is "${policy}")` });
            } else {
                deleteWithMarkers(name, type, own.rrset);
            }
        }
    }

    // 4. a legacy marker goes once nothing is left at its name
    if (deletes) {
        cleanUpLegacyMarkers(zone, registries, set);
    }

    return { conflicts, groups: set.groups(), counts: set.counts() };
}

function registriesOwn(registries: Registries, marker: MarkerRecord): boolean {
    const owner = marker.labels?.owner ?? "";
    return owner === registries.current.ownerId || owner === registries.previous?.ownerId;
}

/** A marker needs rewriting when it names an earlier owner, or another resource than desired. */
function markerOutdated(marker: MarkerRecord, owner: string, resource: string | undefined): boolean {
    const labels = marker.labels ?? {};
    return labels.owner !== owner || (resource !== undefined && labels.resource !== resource);
}

function cleanUpLegacyMarkers(zone: LiveZone, registries: Registries, set: ReturnType<typeof changeSet>): void {
    for (const name of set.deletedNames()) {
        for (const legacy of ourLegacyMarkers(zone, name, registries)) {
            const remaining = zone
                .at(name)
                .filter((r) => !(legacy.name === name && r === legacy.rrset) && !set.isDeleted(name, r.Type));
            const writes = ["A", "AAAA", "CNAME", "TXT"].some((t) => set.isWritten(name, t));
            if (remaining.length === 0 && !writes) {
                set.add(name, "DELETE", asListed(legacy.rrset), legacy.name);
            }
        }
    }
}

/** The plan of a first sync into a zone that holds none of these records (synth, benchmarks). */
export function planForEmptyZone(inputs: NormalizedInputs): Plan {
    return planChanges({
        zone: indexZone(inputs.zoneName, []),
        desired: inputs.records,
        previous: [],
        registries: { current: { ownerId: inputs.ownerId, txtPrefix: inputs.txtPrefix } },
        policy: inputs.policy,
    });
}
