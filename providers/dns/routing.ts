/**
 * Routing policies (weighted, failover, latency) of Route53 record sets: the per-record rules of
 * `check`, the rules between record sets that share a name and type, and the mapping to and from
 * the Route53 API's fields. Pure.
 */
import type { FailoverRole, RoutingFields, Rrset } from "./types";
import { FAILOVER_ROLES } from "./types";
import { UNKNOWN } from "../shared/check";

export const ROUTING_FIELDS = ["setIdentifier", "weight", "failover", "region", "healthCheckId"] as const;
/** The fields that choose the policy; a routed record sets exactly one. */
const POLICY_FIELDS = ["weight", "failover", "region"] as const;
/** "other" = a set identifier with a policy this provider does not write (geolocation, multivalue…). */
export type RoutingPolicyKind = "simple" | "weighted" | "failover" | "latency" | "other";

export const MAX_WEIGHT = 255;
/** Route53's SetIdentifier limit. */
export const MAX_SET_IDENTIFIER_LENGTH = 128;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
/** Route53 health check ids are UUIDs. */
const HEALTH_CHECK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Report = (field: string, reason: string, rule: string) => void;

const given = (value: unknown): boolean => value !== undefined && value !== null;

/** The policy a record's fields choose. */
export function policyOf(r: RoutingFields): RoutingPolicyKind {
    if (r.weight !== undefined) return "weighted";
    if (r.failover !== undefined) return "failover";
    if (r.region !== undefined) return "latency";
    return r.setIdentifier === undefined ? "simple" : "other";
}

/**
 * Validates the routing fields of one raw record. Returns the normalized fields (empty for a
 * simple record); reports every broken rule through `report` (field, reason, rule).
 */
export function checkRouting(raw: Readonly<Record<string, unknown>>, report: Report): RoutingFields {
    const out: { -readonly [K in keyof RoutingFields]: RoutingFields[K] } = {};
    const policies = POLICY_FIELDS.filter((f) => given(raw[f]));
    const setId = raw.setIdentifier;
    if (!given(setId)) {
        for (const f of [...policies, ...(given(raw.healthCheckId) ? ["healthCheckId"] : [])]) {
            report(f, `${f} needs a setIdentifier (a routing-policy record set is identified by it)`, "routing-needs-set-identifier");
        }
        return out;
    }
    if (setId === UNKNOWN) {
        out.setIdentifier = setId;
    } else if (typeof setId !== "string" || setId.length === 0 || setId.length > MAX_SET_IDENTIFIER_LENGTH) {
        report("setIdentifier", `setIdentifier must be a string of 1 to ${MAX_SET_IDENTIFIER_LENGTH} characters, got ${JSON.stringify(setId)}`, "set-identifier");
    } else {
        out.setIdentifier = setId;
    }
    if (policies.length !== 1) {
        const got = policies.length === 0 ? "none" : policies.join(" and ");
        report("setIdentifier", `a record with a setIdentifier needs exactly one of weight, failover or region (got ${got})`, "routing-policy-one-of");
    }
    const { weight, failover, region, healthCheckId } = raw;
    if (given(weight)) {
        if (weight === UNKNOWN) out.weight = weight as unknown as number;
        else if (typeof weight !== "number" || !Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) {
            report("weight", `weight must be an integer from 0 to ${MAX_WEIGHT}, got ${JSON.stringify(weight)}`, "weight-range");
        } else out.weight = weight;
    }
    if (given(failover)) {
        const role = typeof failover === "string" ? failover.toUpperCase() : failover;
        if (failover === UNKNOWN) out.failover = failover as FailoverRole;
        else if (!(FAILOVER_ROLES as readonly unknown[]).includes(role)) {
            report("failover", `failover must be one of ${FAILOVER_ROLES.join(", ")}, got ${JSON.stringify(failover)}`, "failover-role");
        } else out.failover = role as FailoverRole;
    }
    if (given(region)) {
        if (region === UNKNOWN) out.region = region as string;
        else if (typeof region !== "string" || !REGION.test(region)) {
            report("region", `region must be an AWS region name such as "us-east-1", got ${JSON.stringify(region)}`, "latency-region");
        } else out.region = region;
    }
    if (given(healthCheckId)) {
        const id = typeof healthCheckId === "string" ? healthCheckId.toLowerCase() : healthCheckId;
        if (healthCheckId === UNKNOWN) out.healthCheckId = healthCheckId as string;
        else if (typeof id !== "string" || !HEALTH_CHECK_ID.test(id)) {
            report("healthCheckId", `healthCheckId must be a Route53 health check id (a UUID), got ${JSON.stringify(healthCheckId)}`, "health-check-id");
        } else out.healthCheckId = id;
    }
    return out;
}

/** One record set of a (name, type) group, for the rules between record sets. */
export interface RoutedMember {
    readonly index: number;
    readonly routing: RoutingFields;
}

/**
 * Route53's rules between the record sets of one name and type: all simple (then only one) or all
 * routed with the same policy, set identifiers unique, one PRIMARY and one SECONDARY at most, one
 * set per latency region. Returns [index of the offending record, reason, rule] triples.
 */
export function checkRoutedGroup(members: readonly RoutedMember[]): Array<[number, string, string]> {
    const out: Array<[number, string, string]> = [];
    if (members.length < 2) return out;
    const [first] = members;
    const firstPolicy = policyOf(first.routing);
    const seen = new Map<string, number>();
    for (const m of members.slice(1)) {
        const policy = policyOf(m.routing);
        if (policy === "simple" && firstPolicy === "simple") {
            out.push([m.index, `duplicates records[${first.index}] (same name and type)`, "duplicate-record"]);
        } else if (policy !== firstPolicy) {
            out.push([m.index, `is ${policy} but records[${first.index}] with the same name and type is ${firstPolicy}; Route53 requires one routing policy per name and type`, "routing-policy-mixed"]);
        }
    }
    for (const m of members) {
        const r = m.routing;
        const keys: Array<[string, string]> = [
            [`setIdentifier ${r.setIdentifier}`, "duplicate-set-identifier"],
            ...(r.failover ? [[`failover ${r.failover}`, "failover-role-twice"] as [string, string]] : []),
            ...(r.region ? [[`region ${r.region}`, "latency-region-twice"] as [string, string]] : []),
        ];
        for (const [key, rule] of keys) {
            if (r.setIdentifier === undefined || key.includes(UNKNOWN)) continue;
            const earlier = seen.get(key);
            if (earlier !== undefined) out.push([m.index, `has the same ${key} as records[${earlier}] (same name and type)`, rule]);
            else seen.set(key, m.index);
        }
    }
    return out;
}

/** The Route53 fields of a record's routing policy (nothing for a simple record). */
export function routingRrsetFields(r: RoutingFields): Partial<Rrset> {
    if (r.setIdentifier === undefined) return {};
    return {
        SetIdentifier: r.setIdentifier,
        ...(r.weight === undefined ? {} : { Weight: r.weight }),
        ...(r.failover === undefined ? {} : { Failover: r.failover }),
        ...(r.region === undefined ? {} : { Region: r.region }),
        ...(r.healthCheckId === undefined ? {} : { HealthCheckId: r.healthCheckId }),
    };
}

/** A listed record set's routing policy in normalized form. */
export function routingOfRrset(rrset: Rrset): RoutingFields {
    if (rrset.SetIdentifier === undefined) return {};
    return {
        setIdentifier: rrset.SetIdentifier,
        ...(rrset.Weight === undefined ? {} : { weight: rrset.Weight }),
        ...(rrset.Failover === undefined ? {} : { failover: rrset.Failover as FailoverRole }),
        ...(rrset.Region === undefined ? {} : { region: rrset.Region }),
        ...(rrset.HealthCheckId === undefined ? {} : { healthCheckId: rrset.HealthCheckId.toLowerCase() }),
    };
}

/** True when both carry the same routing policy (all five fields). */
export function sameRouting(a: RoutingFields, b: RoutingFields): boolean {
    return ROUTING_FIELDS.every((f) => a[f] === b[f]);
}

/**
 * ExternalDNS's TXT registry gives a marker the set identifier and provider-specific properties of
 * the record it owns (registry/txt.go: `WithSetIdentifier(r.SetIdentifier)`, `ProviderSpecific =
 * r.ProviderSpecific`), so its AWS provider writes the marker as a routed TXT set with the same
 * SetIdentifier, Weight/Failover/Region and HealthCheckId. A simple record's marker stays simple.
 */
export function routedMarker(marker: Rrset, owned: RoutingFields): Rrset {
    return { ...marker, ...routingRrsetFields(owned) };
}

/** Failures for routed records where the backend has no routing policies (Azure DNS, Cloud DNS), reported by `check`. */
export function routedRecordRefusals(rawRecords: unknown, why: string): Array<{ property: string; reason: string }> {
    if (!Array.isArray(rawRecords)) return [];
    const out: Array<{ property: string; reason: string }> = [];
    rawRecords.forEach((r: unknown, i: number) => {
        if (typeof r !== "object" || r === null) return;
        const fields = ROUTING_FIELDS.filter((f) => given((r as Record<string, unknown>)[f]));
        if (fields.length === 0) return;
        const name = typeof (r as { name?: unknown }).name === "string" ? (r as { name: string }).name : "?";
        out.push({ property: `records[${i}].${fields[0]}`, reason: `records[${i}] (${name}): ${fields.join(", ")}: ${why} [rule: routing-policy-unsupported]` });
    });
    return out;
}

export const isWeightStep = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= MAX_WEIGHT;

/**
 * The cluster canary's step limit: a weighted set's weight moves at most `maxStep` from the
 * weight in the previous inputs (what the last update applied; `check` gets them as `olds`). New
 * sets and sets whose previous inputs are unknown are not limited. Failures name the record, both
 * weights and the next allowed weight.
 */
export function weightStepFailures(olds: unknown, records: unknown, maxStep: unknown): Array<{ property: string; reason: string }> {
    if (!isWeightStep(maxStep) || !Array.isArray(records)) return [];
    const oldRecords = typeof olds === "object" && olds !== null && Array.isArray((olds as { records?: unknown }).records) ? ((olds as { records: unknown[] }).records as RoutedRecordLike[]) : [];
    const out: Array<{ property: string; reason: string }> = [];
    (records as RoutedRecordLike[]).forEach((r, i) => {
        if (typeof r?.weight !== "number" || r.setIdentifier === undefined) return;
        const old = oldRecords.find((o) => o && o.name === r.name && o.type === r.type && o.setIdentifier === r.setIdentifier);
        if (typeof old?.weight !== "number" || Math.abs(r.weight - old.weight) <= maxStep) return;
        const next = old.weight + Math.sign(r.weight - old.weight) * maxStep;
        out.push({
            property: `records[${i}].weight`,
            reason: `records[${i}] (${r.name} ${r.type} ${r.setIdentifier}): moving the weight from ${old.weight} to ${r.weight} is a step of ${Math.abs(r.weight - old.weight)}, more than maxWeightStep ${maxStep}; set ${next} now and move on in later updates [rule: weight-step]`,
        });
    });
    return out;
}

interface RoutedRecordLike {
    readonly name?: string;
    readonly type?: string;
    readonly setIdentifier?: string;
    readonly weight?: unknown;
}
