/**
 * `diff`: what an update would change, per record, and which input changes force a replacement
 * (the zone itself). Pure; compares the previous outputs (possibly refreshed from the live zone)
 * with the new, checked inputs.
 */
import { keyFields, keyOf, resolveSameZoneAliases, satisfies } from "./records";
import type { NormalizedRecord } from "./types";
import { DEFAULT_MARKER_COMPAT, DEFAULT_POLICY } from "./types";
import { containsUnknown, normalizeZoneId } from "./validate";

export interface RecordChange {
    readonly name: string;
    readonly type: string;
    /** Only for a routed record set. */
    readonly setIdentifier?: string;
    readonly kind: "add" | "update" | "remove";
}

export interface StateDiff {
    readonly changes: boolean;
    /** Top-level properties that force a replacement. */
    readonly replaces: string[];
    readonly records: RecordChange[];
}

function asRecords(value: unknown): NormalizedRecord[] {
    return Array.isArray(value) ? (value.filter((r) => r && typeof r === "object" && typeof r.name === "string" && typeof r.type === "string") as NormalizedRecord[]) : [];
}

/** Per-record differences between the records in state and the desired records. */
export function diffRecords(olds: readonly NormalizedRecord[], news: readonly NormalizedRecord[]): RecordChange[] {
    const oldByKey = new Map(olds.map((r) => [keyOf(r), r]));
    const newKeys = new Set(news.map((r) => keyOf(r)));
    const changes: RecordChange[] = [];
    for (const r of news) {
        const old = oldByKey.get(keyOf(r));
        if (!old) changes.push({ ...keyFields(r), kind: "add" });
        else if (!satisfies(old, r)) changes.push({ ...keyFields(r), kind: "update" });
    }
    for (const r of olds) {
        if (!newKeys.has(keyOf(r))) changes.push({ ...keyFields(r), kind: "remove" });
    }
    return changes;
}

/**
 * Compares state (`olds`, the outputs of the last create/update/read; older versions may lack
 * fields, which then mean what they meant before they existed) with checked inputs (`news`). A
 * different zone name, privateZone flag or pinned zone id means a different hosted zone, so the
 * resource is replaced (the new zone is written first, then the old zone's records are removed).
 * A state without a zone id (written before it was recorded) is not compared with a pinned id:
 * the update resolves the pinned zone and checks that it is the zone of that name.
 */
export function diffState(olds: Record<string, unknown>, news: Record<string, unknown>): StateDiff {
    const replaces: string[] = [];
    if (olds.zoneName !== news.zoneName) replaces.push("zoneName");
    if ((olds.privateZone ?? false) !== (news.privateZone ?? false)) replaces.push("privateZone");
    const pinned = news.zoneId;
    if (pinned !== undefined && pinned !== null && olds.zoneId !== undefined && olds.zoneId !== null) {
        if (typeof pinned !== "string" || typeof olds.zoneId !== "string" || normalizeZoneId(pinned) !== normalizeZoneId(olds.zoneId)) replaces.push("zoneId");
    }
    if (containsUnknown(news.records)) {
        return { changes: true, replaces, records: [] };
    }
    const zoneId = typeof olds.zoneId === "string" ? olds.zoneId : "";
    const newRecords = resolveSameZoneAliases(asRecords(news.records), zoneId);
    const records = diffRecords(asRecords(olds.records), newRecords);
    // markers this instance still holds for records gone by hand and no longer wanted: an update removes them
    if ((news.policy ?? DEFAULT_POLICY) === "sync") {
        const listed = new Set([...asRecords(olds.records), ...newRecords].map((r) => keyOf(r)));
        for (const c of asRecords(olds.claims)) {
            if (!listed.has(keyOf(c))) records.push({ ...keyFields(c), kind: "remove" });
        }
    }
    const text = (v: unknown, fallback: string): unknown => (v === undefined || v === null ? fallback : v);
    const settingsChanged =
        olds.ownerId !== news.ownerId ||
        text(olds.txtPrefix, "") !== text(news.txtPrefix, "") ||
        text(olds.policy, DEFAULT_POLICY) !== text(news.policy, DEFAULT_POLICY) ||
        text(olds.txtSuffix, "") !== text(news.txtSuffix, "") ||
        text(olds.txtWildcardReplacement, "") !== text(news.txtWildcardReplacement, "") ||
        text(olds.markerCompat, DEFAULT_MARKER_COMPAT) !== text(news.markerCompat, DEFAULT_MARKER_COMPAT) ||
        text(olds.txtEncryptionKey, "") !== text(news.txtEncryptionKey, "") ||
        text(olds.assumeRoleArn, "") !== text(news.assumeRoleArn, "") ||
        text(olds.externalId, "") !== text(news.externalId, "");
    return { changes: replaces.length > 0 || records.length > 0 || settingsChanged, replaces, records };
}
