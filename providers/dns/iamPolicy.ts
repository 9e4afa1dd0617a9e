/**
 * The least-privilege IAM policy for running the sync: record changes limited to the managed
 * names (and their TXT markers) and types in one hosted zone.
 */
import { iamNormalizedName, normalizeDomain } from "./names";
import { markerCandidates } from "./registry";
import { normalizeZoneId } from "./validate";

export interface SyncPolicyInput {
    readonly zoneId: string;
    readonly zoneName: string;
    /** Normalized managed records (names with trailing dot). */
    readonly records: ReadonlyArray<{ readonly name: string; readonly type: string }>;
    readonly txtPrefix?: string;
    readonly txtSuffix?: string;
    readonly txtWildcardReplacement?: string;
    /** The zone is found by name (no pinned zoneId): needs route53:ListHostedZonesByName. */
    readonly lookupZoneByName?: boolean;
    /** "aws" unless the zone lives in aws-cn or aws-us-gov. */
    readonly partition?: string;
}

interface Statement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Action: string[];
    readonly Resource: string | string[];
    readonly Condition?: Record<string, Record<string, string[]>>;
}

/**
 * Renders the policy document as JSON. Record names in the condition are IAM-normalized (lower
 * case, no trailing dot, `*` as `\052`); the types are the managed ones plus TXT for the markers.
 * A record whose type changes must still be deletable under its old type, so render the policy
 * for the union of old and new records during such a change.
 */
export function renderSyncPolicy(input: SyncPolicyInput): string {
    const zoneId = normalizeZoneId(input.zoneId);
    const zone = normalizeDomain(input.zoneName);
    if (!zone.ok) {
        throw new Error(`renderSyncPolicy: zoneName "${input.zoneName}" ${zone.reason}`);
    }
    const naming = { txtPrefix: input.txtPrefix ?? "", txtSuffix: input.txtSuffix ?? "", wildcardReplacement: input.txtWildcardReplacement ?? "" };
    const names = new Set<string>();
    const types = new Set<string>(["TXT"]);
    for (const { name, type } of input.records) {
        names.add(iamNormalizedName(name));
        // every marker location the sync writes or cleans up: its own, ExternalDNS's older ones
        // (cname- of alias A, the legacy one removed with the last record at its name), moved apex ones
        for (const candidate of markerCandidates(naming, name, type, zone.name, type === "A")) {
            names.add(iamNormalizedName(candidate.name));
        }
        types.add(type);
    }
    const zoneArn = `arn:${input.partition ?? "aws"}:route53:::hostedzone/${zoneId}`;
    const statements: Statement[] = [
        {
            Sid: "ChangeManagedRecords",
            Effect: "Allow",
            Action: ["route53:ChangeResourceRecordSets"],
            Resource: zoneArn,
            Condition: {
                "ForAllValues:StringEquals": {
                    "route53:ChangeResourceRecordSetsNormalizedRecordNames": [...names].sort(),
                    "route53:ChangeResourceRecordSetsRecordTypes": [...types].sort(),
                },
            },
        },
        {
            Sid: "ReadZone",
            Effect: "Allow",
            Action: ["route53:GetHostedZone", "route53:ListResourceRecordSets"],
            Resource: zoneArn,
        },
    ];
    if (input.lookupZoneByName) {
        // ListHostedZonesByName supports no resource-level permissions: the resource must be "*".
        // (GetChange, likewise unscoped, is not needed: the sync does not wait for INSYNC.)
        statements.push({ Sid: "FindZoneByName", Effect: "Allow", Action: ["route53:ListHostedZonesByName"], Resource: "*" });
    }
    return JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);
}
