/**
 * Packs change groups into ChangeResourceRecordSets requests within Route53's limits: at most
 * 1000 ResourceRecord elements and 32000 characters of Value per request, UPSERT counted twice.
 * A group (a record, its marker and anything that must change with them) never spans two
 * requests, so every request is self-contained and a failure between requests leaves a zone
 * that the next run simply continues from.
 */
import type { Change, Rrset } from "./types";

export interface BatchLimits {
    readonly maxRecords: number;
    readonly maxValueChars: number;
}

export const ROUTE53_LIMITS: BatchLimits = { maxRecords: 1000, maxValueChars: 32000 };

/** What a request costs against the limits. */
export interface BatchCost {
    readonly records: number;
    readonly valueChars: number;
}

/**
 * An alias set has no ResourceRecord element; it is counted as one so that a batch of aliases
 * stays bounded as well.
 */
export function rrsetCost(rrset: Rrset): BatchCost {
    const values = rrset.ResourceRecords ?? [];
    return {
        records: Math.max(values.length, 1),
        valueChars: values.reduce((sum, r) => sum + r.Value.length, 0),
    };
}

export function changeCost(change: Change): BatchCost {
    const cost = rrsetCost(change.rrset);
    const factor = change.action === "UPSERT" ? 2 : 1;
    return { records: cost.records * factor, valueChars: cost.valueChars * factor };
}

export function groupCost(changes: readonly Change[]): BatchCost {
    return changes.map(changeCost).reduce((a, b) => ({ records: a.records + b.records, valueChars: a.valueChars + b.valueChars }), { records: 0, valueChars: 0 });
}

export function fits(cost: BatchCost, limits: BatchLimits): boolean {
    return cost.records <= limits.maxRecords && cost.valueChars <= limits.maxValueChars;
}

const ACTION_ORDER: Record<Change["action"], number> = { DELETE: 0, UPSERT: 1, CREATE: 2 };

/**
 * Orders a request's changes DELETE, UPSERT, CREATE (stable otherwise): Route53 validates the
 * changes in order, so a record set that changes type or alias-ness is deleted before its
 * replacement is created, and a CNAME is only created after what it replaces is gone.
 */
export function orderChanges(changes: readonly Change[]): Change[] {
    return changes.map((c, i) => ({ c, i })).sort((a, b) => ACTION_ORDER[a.c.action] - ACTION_ORDER[b.c.action] || a.i - b.i).map((x) => x.c);
}

/**
 * First-fit packing of groups into requests. Throws if one group alone exceeds the limits
 * (validation keeps single records well below them).
 */
export function packBatches(groups: ReadonlyArray<readonly Change[]>, limits: BatchLimits = ROUTE53_LIMITS): Change[][] {
    const batches: { changes: Change[]; cost: BatchCost }[] = [];
    for (const group of groups) {
        if (group.length === 0) {
            continue;
        }
        const cost = groupCost(group);
        if (!fits(cost, limits)) {
            const first = group[0].rrset;
            throw new Error(
                `changes for ${first.Name} ${first.Type} need ${cost.records} records / ${cost.valueChars} value characters, ` +
                    `more than one Route53 request allows (${limits.maxRecords} / ${limits.maxValueChars})`,
            );
        }
        const target = batches.find((b) => fits({ records: b.cost.records + cost.records, valueChars: b.cost.valueChars + cost.valueChars }, limits));
        if (target) {
            target.changes.push(...group);
            target.cost = { records: target.cost.records + cost.records, valueChars: target.cost.valueChars + cost.valueChars };
        } else {
            batches.push({ changes: [...group], cost });
        }
    }
    return batches.map((b) => orderChanges(b.changes));
}

/** The fewest requests any packing needs for these changes: the binding one of Route53's two limits. */
export function minimumRequests(changes: readonly Change[], limits: BatchLimits = ROUTE53_LIMITS): number {
    const cost = groupCost(changes);
    return Math.max(Math.ceil(cost.records / limits.maxRecords), Math.ceil(cost.valueChars / limits.maxValueChars));
}
