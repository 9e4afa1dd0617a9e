/**
 * Shared shapes of the Route53RecordSync provider. Pure declarations only: every other module in
 * providers/dns imports from here, and nothing here touches the network.
 */

/** Record types the provider manages. */
export const RECORD_TYPES = ["A", "AAAA", "CNAME", "TXT"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** How far the provider may go when the live zone differs from the desired records. */
export const POLICIES = ["sync", "upsert-only", "create-only"] as const;
export type Policy = (typeof POLICIES)[number];

/**
 * Which ExternalDNS releases must see our ownership of alias A records: "v0.22" writes only the
 * `a-` marker ExternalDNS ≥ 0.22 reads; "pre-v0.22" also keeps the `cname-` marker that every
 * earlier release wrote and read for alias A records.
 */
export const MARKER_COMPATS = ["v0.22", "pre-v0.22"] as const;
export type MarkerCompat = (typeof MARKER_COMPATS)[number];
export const DEFAULT_MARKER_COMPAT: MarkerCompat = "v0.22";

export const DEFAULT_TTL = 300;

/** Route53 failover roles. */
export const FAILOVER_ROLES = ["PRIMARY", "SECONDARY"] as const;
export type FailoverRole = (typeof FAILOVER_ROLES)[number];

/**
 * A routing policy of a record set (DESIGN.md's record fields): a set identifier with exactly one
 * of weight, failover or (latency) region, and an optional health check.
 */
export interface RoutingFields {
    readonly setIdentifier?: string;
    /** Weighted routing, 0..255. */
    readonly weight?: number;
    readonly failover?: FailoverRole;
    /** Latency routing: the AWS region the target runs in. */
    readonly region?: string;
    readonly healthCheckId?: string;
}
export const DEFAULT_POLICY: Policy = "sync";

/** An alias target as the user writes it. */
export interface AliasInput {
    /** DNS name of the target, e.g. an ALB's `my-alb-123.us-east-1.elb.amazonaws.com`. */
    readonly dnsName: string;
    /** Hosted zone of the target; inferred for well-known AWS endpoints when omitted. */
    readonly hostedZoneId?: string;
    /** Default false. */
    readonly evaluateTargetHealth?: boolean;
}

/** One record as the user writes it. */
export interface RecordInput extends RoutingFields {
    /** FQDN (with or without trailing dot), a single relative label, or "@" for the apex. */
    readonly name: string;
    readonly type: RecordType;
    /** Default 300; not allowed with `alias`. */
    readonly ttl?: number;
    /** Plain record values; mutually exclusive with `alias`. */
    readonly values?: string[];
    readonly alias?: AliasInput;
    /** Written into the TXT ownership marker, e.g. "ingress/default/app". */
    readonly resource?: string;
}

/** The inputs of a Route53RecordSync, as DESIGN.md fixes them. */
export interface RecordSyncInputs {
    readonly zoneName: string;
    readonly zoneId?: string;
    readonly privateZone?: boolean;
    readonly ownerId: string;
    readonly txtPrefix?: string;
    readonly policy?: Policy;
    readonly records: RecordInput[];
    /** ExternalDNS's --txt-suffix; mutually exclusive with txtPrefix. */
    readonly txtSuffix?: string;
    /** ExternalDNS's --txt-wildcard-replacement. */
    readonly txtWildcardReplacement?: string;
    /** Default "v0.22". */
    readonly markerCompat?: MarkerCompat;
    /** ExternalDNS's --txt-encrypt-aes-key (32 bytes, plain or base64); set = markers encrypted. Secret. */
    readonly txtEncryptionKey?: string;
    /** Largest change of a weighted set's weight per update (1..255); unset = any. */
    readonly maxWeightStep?: number;
    /** Role assumed (STS AssumeRole, default credential chain) for a hosted zone in another account. */
    readonly assumeRoleArn?: string;
    /** ExternalId the role's trust policy requires. */
    readonly externalId?: string;
}

/** A normalized alias target: lower-case FQDN with trailing dot, zone id always known. */
export interface NormalizedAlias {
    readonly dnsName: string;
    /**
     * Absent only when the target lies in the managed zone itself: the zone's own id is filled in
     * once the zone is resolved (see `resolveSameZoneAliases`).
     */
    readonly hostedZoneId?: string;
    readonly evaluateTargetHealth: boolean;
}

/**
 * A record after `check`: name is a lower-case ASCII FQDN with trailing dot, values are in
 * canonical Route53 form and sorted, exactly one of `values`/`alias` is set, `ttl` only with values.
 */
export interface NormalizedRecord extends RoutingFields {
    readonly name: string;
    readonly type: RecordType;
    readonly ttl?: number;
    readonly values?: string[];
    readonly alias?: NormalizedAlias;
    readonly resource?: string;
}

/** The inputs after `check`. */
export interface NormalizedInputs {
    readonly zoneName: string;
    readonly zoneId?: string;
    readonly privateZone: boolean;
    readonly ownerId: string;
    readonly txtPrefix: string;
    readonly policy: Policy;
    readonly records: NormalizedRecord[];
    readonly txtSuffix: string;
    readonly txtWildcardReplacement: string;
    readonly markerCompat: MarkerCompat;
    readonly txtEncryptionKey?: string;
    readonly maxWeightStep?: number;
    readonly assumeRoleArn?: string;
    readonly externalId?: string;
}

/** Route53 call counts of one provider operation. */
export interface ApiCallCounts {
    readonly read: number;
    readonly change: number;
}

/** Number of Change elements submitted, by action. */
export interface ChangeCounts {
    readonly create: number;
    readonly upsert: number;
    readonly delete: number;
}

/** What create/update/read return as the resource's state. */
export interface RecordSyncOutputs extends NormalizedInputs {
    /** The resolved hosted zone id (without the "/hostedzone/" prefix). */
    readonly zoneId: string;
    /** The managed record names without trailing dot, de-duplicated, in input order. */
    readonly fqdns: string[];
    /** Route53 change ids of the last create/update, one per submitted batch. */
    readonly changeIds: string[];
    readonly changeCounts: ChangeCounts;
    readonly apiCalls: ApiCallCounts;
    /**
     * This resource instance's id, written into every marker it holds (`eim-instance`); generated
     * on create (or on the first update of a state written before it existed) and kept for life.
     */
    readonly instanceId: string;
    /** Every (name, type) this instance holds a marker for, including markers whose record was deleted by hand. */
    readonly claims: Array<{ name: string; type: string }>;
    /** Only in the partial state of a failed owner id / naming change: the registry being migrated from. */
    readonly migratingFrom?: { ownerId: string; txtPrefix: string; txtSuffix?: string; wildcardReplacement?: string };
}

/**
 * A resource record set in the Route53 API's own shape (the subset this provider reads and
 * writes). Declared here so pure modules never import the SDK.
 */
export interface Rrset {
    readonly Name: string;
    readonly Type: string;
    readonly TTL?: number;
    readonly ResourceRecords?: ReadonlyArray<{ readonly Value: string }>;
    readonly AliasTarget?: {
        readonly HostedZoneId: string;
        readonly DNSName: string;
        readonly EvaluateTargetHealth: boolean;
    };
    readonly SetIdentifier?: string;
    readonly Weight?: number;
    readonly Failover?: string;
    readonly Region?: string;
    readonly HealthCheckId?: string;
}

export type ChangeAction = "CREATE" | "UPSERT" | "DELETE";

/** One element of a ChangeBatch. */
export interface Change {
    readonly action: ChangeAction;
    readonly rrset: Rrset;
}
