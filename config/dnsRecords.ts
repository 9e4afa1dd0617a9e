/**
 * `dns.records`: static records from stack config (e.g. a domain-verification
 * TXT). Judged by Route53RecordSync's own check (providers/dns/validate.ts),
 * so a record valid in config is exactly one the sync accepts.
 */
import { checkInputs } from "../providers/dns/validate";
import { RECORD_TYPES, RecordType } from "../providers/dns/types";
import { Rule } from "../providers/shared/rules/rule";

export interface StaticRecord {
    readonly name: string;
    readonly type: RecordType;
    readonly ttl?: number;
    readonly values: string[];
}

/** The marker's `resource` label of every static record. */
export const STATIC_RECORDS_RESOURCE = "config/dns.records";

const FIELDS = ["name", "type", "ttl", "values"];

const isRecordShape = (r: unknown): boolean =>
    typeof r === "object" &&
    r !== null &&
    !Array.isArray(r) &&
    Object.keys(r).every((k) => FIELDS.includes(k)) &&
    typeof (r as { name?: unknown }).name === "string" &&
    RECORD_TYPES.includes((r as { type?: unknown }).type as RecordType) &&
    Array.isArray((r as { values?: unknown }).values);

export const STATIC_RECORDS: Rule = {
    rule: `must be a list of { name, type: ${RECORD_TYPES.join("|")}, ttl?, values: [..] } (alias and routing-policy records are not configurable here)`,
    test: (v) => Array.isArray(v) && v.every(isRecordShape),
};

/** The sync's check failures for the records in `domain`, one message, or undefined when they pass. */
export function staticRecordsProblem(records: readonly StaticRecord[], domain: string): string | undefined {
    const outcome = checkInputs({ zoneName: domain, ownerId: "config-check", records: records.map((r) => ({ ...r, resource: STATIC_RECORDS_RESOURCE })) });
    const failures = outcome.failures ?? [];
    return failures.length === 0 ? undefined : failures.map((f) => `dns.${f.reason}`).join("; ");
}

/** Record inputs of the sync, marked as coming from stack config. */
export function staticRecordInputs(records: readonly StaticRecord[]): Array<StaticRecord & { resource: string }> {
    return records.map((r) => ({ ...r, values: [...r.values], resource: STATIC_RECORDS_RESOURCE }));
}
