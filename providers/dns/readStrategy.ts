/**
 * How to read the live state with the fewest calls: list the whole zone (300 record sets a page)
 * or read each relevant name with its own ListResourceRecordSets starting at that name.
 */

/** Route53 returns at most 300 record sets per ListResourceRecordSets page. */
export const ZONE_PAGE_SIZE = 300;

export interface ReadStrategy {
    readonly kind: "zone" | "names";
    /** Expected ListResourceRecordSets calls (a name with many record sets may need one more). */
    readonly calls: number;
}

/** Picks the cheaper strategy; ties go to listing the zone (one consistent paging pass). */
export function chooseReadStrategy(zoneRecordCount: number, nameCount: number): ReadStrategy {
    const zoneCalls = Math.max(1, Math.ceil(zoneRecordCount / ZONE_PAGE_SIZE));
    return nameCount < zoneCalls ? { kind: "names", calls: nameCount } : { kind: "zone", calls: zoneCalls };
}
