/**
 * A strict in-memory model of one Route53 hosted zone, enforcing the rules the real service
 * applies to ChangeResourceRecordSets (and that moto does not): changes are validated in order and
 * atomically, CREATE needs an absent set, DELETE must repeat the set exactly, no name may hold a
 * CNAME next to another set, no CNAME at the apex, no TTL on an alias, request size limits.
 */
import { fits, groupCost, ROUTE53_LIMITS } from "../../../providers/dns/batches";
import { isInZone, normalizeListedName } from "../../../providers/dns/names";
import type { Change, Rrset } from "../../../providers/dns/types";

const key = (r: Rrset): string => `${normalizeListedName(r.Name)} ${r.Type}`;

function sameRrset(a: Rrset, b: Rrset): boolean {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(r: Rrset): unknown {
    return {
        name: normalizeListedName(r.Name),
        type: r.Type,
        ttl: r.AliasTarget ? undefined : r.TTL,
        values: r.ResourceRecords?.map((v) => v.Value),
        alias: r.AliasTarget && { z: r.AliasTarget.HostedZoneId, d: normalizeListedName(r.AliasTarget.DNSName), e: r.AliasTarget.EvaluateTargetHealth },
    };
}

export class ZoneModel {
    private sets = new Map<string, Rrset>();
    readonly requests: Change[][] = [];

    constructor(
        readonly zoneName: string,
        initial: readonly Rrset[] = [],
    ) {
        for (const r of initial) this.sets.set(key(r), r);
    }

    list(): Rrset[] {
        return [...this.sets.values()];
    }

    get(name: string, type: string): Rrset | undefined {
        return this.sets.get(`${name} ${type}`);
    }

    /** Applies one request atomically; throws (and changes nothing) when Route53 would reject it. */
    apply(changes: readonly Change[]): void {
        if (!fits(groupCost(changes), ROUTE53_LIMITS)) {
            throw new Error(`request exceeds Route53 limits: ${JSON.stringify(groupCost(changes))}`);
        }
        const next = new Map(this.sets);
        for (const { action, rrset } of changes) {
            const name = normalizeListedName(rrset.Name);
            const k = key(rrset);
            if (!isInZone(name, this.zoneName)) throw new Error(`${name} is not permitted in zone ${this.zoneName}`);
            if (rrset.AliasTarget && rrset.TTL !== undefined) throw new Error(`${k}: alias with TTL`);
            if (!rrset.AliasTarget && (rrset.TTL === undefined || (rrset.ResourceRecords ?? []).length === 0)) throw new Error(`${k}: plain set without TTL or values`);
            if (rrset.Type === "CNAME" && name === this.zoneName && action !== "DELETE") throw new Error(`${k}: CNAME at apex`);
            if (action === "CREATE") {
                if (next.has(k)) throw new Error(`${k}: CREATE of an existing set`);
                next.set(k, rrset);
            } else if (action === "UPSERT") {
                next.set(k, rrset);
            } else {
                const existing = next.get(k);
                if (!existing || !sameRrset(existing, rrset)) throw new Error(`${k}: DELETE does not match the existing set`);
                next.delete(k);
            }
            const atName = [...next.values()].filter((r) => normalizeListedName(r.Name) === name);
            if (atName.some((r) => r.Type === "CNAME") && atName.length > 1) {
                throw new Error(`${name}: CNAME next to ${atName.map((r) => r.Type).join(", ")} after ${action} ${k}`);
            }
        }
        this.sets = next;
        this.requests.push([...changes]);
    }
}
