/**
 * The change plan: desired records vs the LIVE zone → the minimal Route53 changes, grouped so
 * that a record, its ownership marker and anything that must change with them always travel in
 * one request. Conflicts with records this owner does not own are collected, never resolved: a
 * plan with conflicts must not be applied at all.
 *
 * Every change that takes something over or removes it repeats what was read: a marker is never
 * UPSERTed but DELETEd with its exact live value and CREATEd anew, and a record is DELETEd with
 * its exact live data. Route53 applies a request atomically and refuses a DELETE that does not
 * match, so a request planned from a read that another writer has since overtaken fails as a
 * whole (InvalidChangeBatch) instead of deleting or overwriting what the other writer now holds;
 * the provider then plans again from the live zone. (A later step can plan from stored state
 * without reading first: the same requests carry their own preconditions.)
 *
 * The plan never relies on an emulator's leniency: a type or alias-ness change is a DELETE
 * followed by a CREATE in the same request, and a name never ends a request holding a CNAME next
 * to another record set.
 */
import type { LiveZone, MarkerRecord, Ownership, Registries } from "./ownership";
import { indexZone, isOurs, markerAt, markerHolder, ownershipOf, ourLegacyMarkers, ourTypedMarkers } from "./ownership";
import { fromRrset, keyOf, recordKey, sameRecordData, toRrset } from "./records";
import { policyOf, routedMarker, routingOfRrset, routingRrsetFields } from "./routing";
import type { RecordSetKey } from "./records";
import type { MarkerLabels } from "./registry";
import { INSTANCE_LABEL, markerLabels, markerName, OWNER_LABEL, renderMarker, RESOURCE_LABEL } from "./registry";
import type { Change, ChangeCounts, NormalizedInputs, NormalizedRecord, Policy, RoutingFields, Rrset } from "./types";
import { DEFAULT_TTL } from "./types";

/** Renders a marker value; `nonce` is the nonce of the encrypted marker being replaced, if any. */
export type MarkerEncoder = (labels: MarkerLabels, nonce?: string) => string;

export interface PlanInput {
    readonly zone: LiveZone;
    /** Normalized desired records, alias zone ids resolved. */
    readonly desired: readonly NormalizedRecord[];
    /** Records managed before this run (from state); those no longer desired are removed. */
    readonly previous: readonly RecordSetKey[];
    readonly registries: Registries;
    readonly policy: Policy;
    /** Also keep a `cname-` marker for alias A records, the only one ExternalDNS < 0.22 reads. */
    readonly legacyAliasMarkers?: boolean;
    /** Marker values as written; plain ExternalDNS labels by default. */
    readonly encode?: MarkerEncoder;
    /** True when markers are written encrypted (a plain marker of ours is then rewritten, and vice versa). */
    readonly encrypted?: boolean;
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
            const key = recordKey(nameOf, rrset.Type, rrset.SetIdentifier);
            const id = `${action} ${key}`;
            if (seen.has(id)) return;
            seen.add(id);
            union(anchor, nameOf);
            changes.push({ anchor, change: { action, rrset } });
            (action === "DELETE" ? deleted : created).add(key);
            if (action === "DELETE") deletedNames.add(nameOf);
        },
        deletedNames: () => [...deletedNames],
        isDeleted: (name: string, type: string, setIdentifier?: string) => deleted.has(recordKey(name, type, setIdentifier)) && !created.has(recordKey(name, type, setIdentifier)),
        isWritten: (name: string, type: string) => created.has(recordKey(name, type)),
        groups(): Change[][] {
            const byRoot = new Map<string, Change[]>();
            for (const { anchor, change } of changes) {
                const root = find(anchor);
                const list = byRoot.get(root) ?? [];
                list.push(change);
                byRoot.set(root, list);
            }
            // Route53 applies a request's changes in order: every DELETE first, so a name switching
            // between simple and routed sets (or between policies) is never refused midway
            return [...byRoot.values()].map((g) => [...g.filter((c) => c.action === "DELETE"), ...g.filter((c) => c.action !== "DELETE")]);
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
    const routing = routingRrsetFields(routingOfListed(rrset));
    if (rrset.AliasTarget) {
        const { HostedZoneId, DNSName, EvaluateTargetHealth } = rrset.AliasTarget;
        return { Name: rrset.Name, Type: rrset.Type, AliasTarget: { HostedZoneId, DNSName, EvaluateTargetHealth: EvaluateTargetHealth === true }, ...routing };
    }
    return { Name: rrset.Name, Type: rrset.Type, TTL: rrset.TTL, ResourceRecords: (rrset.ResourceRecords ?? []).map((r) => ({ Value: r.Value })), ...routing };
}

/** The routing fields exactly as listed (a DELETE repeats them; the health check id keeps its case). */
function routingOfListed(rrset: Rrset): RoutingFields {
    const r = routingOfRrset(rrset);
    return rrset.HealthCheckId === undefined ? r : { ...r, healthCheckId: rrset.HealthCheckId };
}

/** The marker of `owned`: a routed record's marker carries its set identifier and policy (ExternalDNS). */
function markerRrset(name: string, value: string, owned: RoutingFields): Rrset {
    return routedMarker({ Name: name, Type: "TXT", TTL: DEFAULT_TTL, ResourceRecords: [{ Value: value }] }, owned);
}

/** Computes the changes that turn the live zone into the desired state under `policy`. */
export function planChanges(input: PlanInput): Plan {
    const { zone, desired, registries, policy } = input;
    const zoneName = zone.zoneName;
    const owner = registries.current.ownerId;
    const encode = input.encode ?? ((labels: MarkerLabels) => renderMarker(labels));
    const conflicts: Conflict[] = [];
    const set = changeSet();
    const conflict = (name: string, type: string, reason: string) => conflicts.push({ name, type, reason });
    const desiredKeys = new Set(desired.map((d) => keyOf(d)));
    const deletes = policy === "sync";
    /** The marker names a desired record is owned through (an alias A's `cname-` one too, when kept for older ExternalDNS). */
    const wantedMarkers = (d: NormalizedRecord): string[] => [
        markerName(registries.current, d.name, d.type, zoneName),
        ...(input.legacyAliasMarkers && d.type === "A" && d.alias ? [markerName(registries.current, d.name, "CNAME", zoneName)] : []),
    ];
    // `cname-<name>` is both a CNAME's marker and an alias A's legacy one: removing the A must not take the desired CNAME's marker with it
    // (per set identifier: a routed set's marker shares its name with the other identifiers' markers)
    const keptMarkers = new Set(desired.flatMap((d) => wantedMarkers(d).map((m) => recordKey(m, "TXT", d.setIdentifier))));
    // a marker held by another instance of our owner is never deleted by this one
    const deletable = (m: MarkerRecord): boolean => markerHolder(m, registries) !== "other" && !keptMarkers.has(recordKey(m.name, "TXT", m.rrset.SetIdentifier));

    const deleteWithMarkers = (name: string, type: string, rrset: Rrset | undefined, setIdentifier?: string): void => {
        if (rrset) set.add(name, "DELETE", asListed(rrset), name);
        for (const marker of ourTypedMarkers(zone, name, type, registries, setIdentifier)) {
            if (deletable(marker)) set.add(name, "DELETE", asListed(marker.rrset), marker.name);
        }
    };

    /** Makes the marker at `mName` say `labels`: created, or replaced (DELETE exact + CREATE). */
    const ensureMarker = (d: NormalizedRecord, mName: string, labels: MarkerLabels, touch: boolean): void => {
        const marker = markerAt(zone, mName, "typed", registries.decode, d.setIdentifier);
        if (zone.get(mName, "CNAME").length > 0) {
            conflict(d.name, d.type, `its ownership marker name ${mName} is taken by a CNAME`);
        } else if (!marker) {
            set.add(d.name, "CREATE", markerRrset(mName, encode(labels), d), mName);
        } else if (!marker.labels) {
            conflict(d.name, d.type, `its ownership marker name ${mName} holds a TXT record that is not an ExternalDNS marker`);
        } else if (!isOurs(marker, registries)) {
            conflict(d.name, d.type, `its ownership marker ${mName} belongs to "${marker.labels[OWNER_LABEL] ?? "(no owner label)"}", not "${owner}"`);
        } else if (touch || markerOutdated(marker, labels, d.resource !== undefined, input.encrypted ?? false)) {
            set.add(d.name, "DELETE", asListed(marker.rrset), mName);
            set.add(d.name, "CREATE", markerRrset(mName, encode(labels, marker.nonce), d), mName);
        }
    };

    // 1. desired records and their markers
    for (const d of desired) {
        const own = ownershipOf(zone, d.name, d.type, registries, d.setIdentifier);
        if (own.kind === "foreign" || own.kind === "unowned" || own.kind === "unmanageable") {
            conflict(d.name, d.type, `${d.name} ${d.type} ${describeOwnership(own, owner)}`);
            continue;
        }
        if (own.kind === "absent") {
            const blockers = crossTypeBlockers(zone, d, registries, owner);
            if (blockers.length > 0) {
                conflict(d.name, d.type, `${d.name} ${d.type} cannot be created: ${blockers.join("; ")} (a name is only shared by records of one owner)`);
                continue;
            }
            set.add(d.name, "CREATE", toRrset(d), d.name);
        }
        // A value change is DELETE (exact old set) + CREATE, and the marker that makes the record
        // ours is DELETEd with its exact value and CREATEd again in the same request: never an
        // UPSERT, so the request carries its own preconditions (the record as planned from, and
        // still ours) and Route53 refuses it whole when either drifted.
        const replaced = own.kind === "owned" && !sameRecordData(own.record, d) && policy !== "create-only";
        if (replaced) {
            set.add(d.name, "DELETE", asListed(own.rrset), d.name);
            set.add(d.name, "CREATE", toRrset(d), d.name);
        }

        const liveResource = own.kind === "owned" ? own.record.resource : undefined;
        const labels = markerLabels(owner, d.resource ?? liveResource, registries.instance);
        const wanted = wantedMarkers(d);
        for (const mName of wanted) ensureMarker(d, mName, labels, replaced);
        if (deletes) {
            for (const stale of ourTypedMarkers(zone, d.name, d.type, registries, d.setIdentifier)) {
                // a cname- marker beside a live CNAME is that CNAME's marker, not an alias A's legacy one
                if (stale.kind === "cname" && zone.get(d.name, "CNAME").length > 0) continue;
                if (!wanted.includes(stale.name)) set.add(d.name, "DELETE", asListed(stale.rrset), stale.name);
            }
        }
    }

    // 2. records managed before and no longer desired: removed only while this instance still holds them
    if (deletes) {
        for (const k of input.previous) {
            const { name, type, setIdentifier } = k;
            if (desiredKeys.has(keyOf(k))) continue;
            const own = ownershipOf(zone, name, type, registries, setIdentifier);
            if (own.kind === "owned" && deletable(own.marker)) {
                deleteWithMarkers(name, type, own.rrset, setIdentifier);
            } else if (own.kind === "absent") {
                deleteWithMarkers(name, type, undefined, setIdentifier); // orphaned markers of ours
            }
            // foreign, unowned or held by another instance: someone else's now; never touched
        }
    }

    // 3. a CNAME may not share its name with anything else after the request
    const desiredByName = new Map<string, NormalizedRecord[]>();
    for (const d of desired) desiredByName.set(d.name, [...(desiredByName.get(d.name) ?? []), d]);
    for (const [name, records] of desiredByName) {
        const wantsCname = records.some((r) => r.type === "CNAME");
        for (const rrset of zone.at(name)) {
            const type = rrset.Type;
            const setIdentifier = rrset.SetIdentifier;
            if (desiredKeys.has(recordKey(name, type, setIdentifier)) || set.isDeleted(name, type, setIdentifier)) continue;
            if (!wantsCname && type !== "CNAME") continue;
            // another set identifier's CNAME beside our routed CNAME: one record set group, not a clash
            if (wantsCname && type === "CNAME" && setIdentifier !== undefined) continue;
            const own = ownershipOf(zone, name, type, registries, setIdentifier);
            const blocking = wantsCname ? `${name} CNAME cannot coexist with ${name} ${type}` : `${name} ${records.map((r) => r.type).join("/")} cannot coexist with ${name} CNAME`;
            if (own.kind !== "owned") {
                const why = own.kind === "absent" ? "" : `, which ${describeOwnership(own, owner)}`;
                conflicts.push({ name, type, reason: `${blocking}${why}` });
            } else if (!deletable(own.marker)) {
                conflicts.push({ name, type, reason: `${blocking}, which another Route53RecordSync of owner "${owner}" holds (${INSTANCE_LABEL}=${own.marker.labels?.[INSTANCE_LABEL]})` });
            } else if (!deletes) {
                conflicts.push({ name, type, reason: `${blocking}; removing our ${name} ${type} needs policy "sync" (policy is "${policy}")` });
            } else {
                deleteWithMarkers(name, type, own.rrset, setIdentifier);
            }
        }
    }

    // 3b. the sets of one name and type that remain after the request share one routing policy
    for (const c of routingConflicts(zone, desired, set.isDeleted)) conflicts.push(c);

    // 4. a legacy marker goes once nothing is left at its name
    if (deletes) {
        cleanUpLegacyMarkers(zone, registries, set);
    }

    return { conflicts, groups: set.groups(), counts: set.counts() };
}

const CROSS_TYPE = ["A", "AAAA", "CNAME"];

const describeSet = (name: string, type: string, r: RoutingFields): string =>
    r.setIdentifier === undefined ? `${name} ${type} (simple)` : `${name} ${type} setIdentifier ${r.setIdentifier} (${policyOf(r)}${r.failover ? ` ${r.failover}` : ""}${r.region ? ` ${r.region}` : ""})`;

/**
 * Route53 keeps one routing policy per name and type: every set left at a desired record's name
 * and type after the request (another owner's included) must use the desired record's policy, and
 * failover roles and latency regions may not repeat. Sets this request deletes do not count, so a
 * name moves between simple and routed records, or between policies, in one request.
 */
function routingConflicts(zone: LiveZone, desired: readonly NormalizedRecord[], isDeleted: (name: string, type: string, setIdentifier?: string) => boolean): Conflict[] {
    const out: Conflict[] = [];
    for (const d of desired) {
        for (const rrset of zone.get(d.name, d.type)) {
            if (rrset.SetIdentifier === d.setIdentifier || isDeleted(d.name, d.type, rrset.SetIdentifier)) continue;
            if (desired.some((o) => o.name === d.name && o.type === d.type && o.setIdentifier === rrset.SetIdentifier)) continue;
            const live = fromRrset(rrset);
            const clash =
                policyOf(live) !== policyOf(d)
                    ? "Route53 allows one routing policy per name and type"
                    : d.failover !== undefined && live.failover === d.failover
                      ? `both are failover ${d.failover}`
                      : d.region !== undefined && live.region === d.region
                        ? `both route region ${d.region}`
                        : undefined;
            if (clash) out.push({ name: d.name, type: d.type, reason: `${describeSet(d.name, d.type, d)} cannot be written beside ${describeSet(d.name, d.type, live)}: ${clash}` });
        }
    }
    return out;
}

/**
 * ExternalDNS's planner creates a record at a name only when every A, AAAA and CNAME already there
 * belongs to its owner. (CNAME pairs are refused by the coexistence rule below with their own message.)
 */
function crossTypeBlockers(zone: LiveZone, d: NormalizedRecord, registries: Registries, owner: string): string[] {
    const blockers: string[] = [];
    for (const rrset of zone.at(d.name)) {
        if (rrset.Type === d.type || !CROSS_TYPE.includes(rrset.Type) || rrset.SetIdentifier !== undefined) continue;
        if (rrset.Type === "CNAME" || d.type === "CNAME") continue;
        const own = ownershipOf(zone, d.name, rrset.Type, registries);
        if (own.kind !== "owned") blockers.push(`${d.name} ${rrset.Type} ${describeOwnership(own, owner)}`);
    }
    return blockers;
}

/** A marker needs rewriting when it names an earlier owner, another instance or resource, or is (not) encrypted. */
function markerOutdated(marker: MarkerRecord, wanted: MarkerLabels, resourceSet: boolean, encrypted: boolean): boolean {
    const labels = marker.labels ?? {};
    return (
        labels[OWNER_LABEL] !== wanted[OWNER_LABEL] ||
        labels[INSTANCE_LABEL] !== wanted[INSTANCE_LABEL] ||
        (resourceSet && labels[RESOURCE_LABEL] !== wanted[RESOURCE_LABEL]) ||
        encrypted !== (marker.nonce !== undefined)
    );
}

function cleanUpLegacyMarkers(zone: LiveZone, registries: Registries, set: ReturnType<typeof changeSet>): void {
    for (const name of set.deletedNames()) {
        for (const legacy of ourLegacyMarkers(zone, name, registries)) {
            if (markerHolder(legacy, registries) === "other") continue;
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

/** The registry of checked inputs. */
export function registryOf(inputs: Pick<NormalizedInputs, "ownerId" | "txtPrefix" | "txtSuffix" | "txtWildcardReplacement">): Registries["current"] {
    return {
        ownerId: inputs.ownerId,
        txtPrefix: inputs.txtPrefix,
        txtSuffix: inputs.txtSuffix ?? "",
        wildcardReplacement: inputs.txtWildcardReplacement ?? "",
    };
}

/** Stands for the instance id a create generates (same length), where none exists yet (synth). */
export const NEW_INSTANCE_PLACEHOLDER = "new-instance";

/**
 * The plan of a first sync into a zone that holds none of these records (synth, benchmarks).
 * `instance` is the instance id the markers carry (a placeholder of the real length by default,
 * so request sizes are the real ones).
 */
export function planForEmptyZone(inputs: NormalizedInputs, instance: string = NEW_INSTANCE_PLACEHOLDER, encode?: MarkerEncoder): Plan {
    return planChanges({
        zone: indexZone(inputs.zoneName, []),
        desired: inputs.records,
        previous: [],
        registries: { current: registryOf(inputs), instance },
        policy: inputs.policy,
        legacyAliasMarkers: inputs.markerCompat === "pre-v0.22",
        encode,
        encrypted: encode !== undefined,
    });
}
