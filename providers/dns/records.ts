/**
 * Conversions between normalized records and Route53 record sets, and the one definition of
 * "the same record" used by planning, refresh and diff.
 */
import { normalizeListedName } from "./names";
import { routingOfRrset, routingRrsetFields, sameRouting } from "./routing";
import type { NormalizedAlias, NormalizedRecord, RecordType, Rrset } from "./types";
import { RECORD_TYPES } from "./types";
import { canonicalLiveValue } from "./values";

/** Identity of a record set: normalized name, type and (routing policies) set identifier. */
export function recordKey(name: string, type: string, setIdentifier?: string): string {
    return setIdentifier === undefined ? `${name} ${type}` : `${name} ${type} ${setIdentifier}`;
}

/** A record set's identity as stored in state (`claims`) and passed between plan steps. */
export interface RecordSetKey {
    readonly name: string;
    readonly type: string;
    readonly setIdentifier?: string;
}

/** `recordKey` of anything carrying a name, type and optional set identifier. */
export function keyOf(k: RecordSetKey): string {
    return recordKey(k.name, k.type, k.setIdentifier);
}

/** Just the identity fields of a record or key (a set identifier only when there is one). */
export function keyFields(k: RecordSetKey): RecordSetKey {
    return k.setIdentifier === undefined ? { name: k.name, type: k.type } : { name: k.name, type: k.type, setIdentifier: k.setIdentifier };
}

/** A normalized record in its Route53 shape, ready for CREATE or UPSERT. */
export function toRrset(record: NormalizedRecord): Rrset {
    if (record.alias) {
        return {
            Name: record.name,
            Type: record.type,
            AliasTarget: {
                DNSName: record.alias.dnsName,
                HostedZoneId: record.alias.hostedZoneId ?? "",
                EvaluateTargetHealth: record.alias.evaluateTargetHealth,
            },
            ...routingRrsetFields(record),
        };
    }
    return {
        Name: record.name,
        Type: record.type,
        TTL: record.ttl,
        ResourceRecords: (record.values ?? []).map((Value) => ({ Value })),
        ...routingRrsetFields(record),
    };
}

/**
 * A listed record set in normalized form (name unescaped and lower-case, values canonical and
 * sorted, alias name lower-case with trailing dot). `resource` is not part of a record set.
 */
export function fromRrset(rrset: Rrset): NormalizedRecord {
    const name = normalizeListedName(rrset.Name);
    const type = rrset.Type as RecordType;
    if (rrset.AliasTarget) {
        return {
            name,
            type,
            alias: {
                dnsName: normalizeListedName(rrset.AliasTarget.DNSName),
                hostedZoneId: rrset.AliasTarget.HostedZoneId,
                evaluateTargetHealth: rrset.AliasTarget.EvaluateTargetHealth === true,
            },
            ...routingOfRrset(rrset),
        };
    }
    return {
        name,
        type,
        ttl: rrset.TTL,
        values: (rrset.ResourceRecords ?? []).map((r) => canonicalLiveValue(rrset.Type, r.Value)).sort(),
        ...routingOfRrset(rrset),
    };
}

function sameAlias(a: NormalizedAlias, b: NormalizedAlias): boolean {
    return (
        a.dnsName === b.dnsName &&
        (a.hostedZoneId ?? "").toUpperCase() === (b.hostedZoneId ?? "").toUpperCase() &&
        a.evaluateTargetHealth === b.evaluateTargetHealth
    );
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
    return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** True when both describe the same record data (TTL, values or alias, routing policy); `resource` is ignored. */
export function sameRecordData(a: NormalizedRecord, b: NormalizedRecord): boolean {
    if (a.name !== b.name || a.type !== b.type || !sameRouting(a, b)) {
        return false;
    }
    if (a.alias || b.alias) {
        return a.alias !== undefined && b.alias !== undefined && sameAlias(a.alias, b.alias);
    }
    return a.ttl === b.ttl && sameValues(a.values ?? [], b.values ?? []);
}

/**
 * True when `observed` satisfies `desired`: same data and, when the desired record names a
 * resource, the same resource. An unset desired resource accepts whatever the marker says, so
 * adopting ExternalDNS's records does not rewrite their markers.
 */
export function satisfies(observed: NormalizedRecord, desired: NormalizedRecord): boolean {
    return sameRecordData(observed, desired) && (desired.resource === undefined || desired.resource === observed.resource);
}

/** Fills in the zone's own id for aliases to names inside the managed zone. */
export function resolveSameZoneAliases(records: readonly NormalizedRecord[], zoneId: string): NormalizedRecord[] {
    return records.map((r) => (r.alias && r.alias.hostedZoneId === undefined ? { ...r, alias: { ...r.alias, hostedZoneId: zoneId } } : r));
}

/** True for the types this provider manages. */
export function isManagedType(type: string): type is RecordType {
    return (RECORD_TYPES as readonly string[]).includes(type);
}
