/**
 * Route53RecordSync: keeps a set of records in one Route53 hosted zone in sync, with ExternalDNS
 * TXT ownership markers. See DESIGN.md ("Route53RecordSync") for the behaviour.
 */
import * as pulumi from "@pulumi/pulumi";
import { Route53RecordSyncProvider } from "./provider";
import type { ApiCallCounts, ChangeCounts, MarkerCompat, NormalizedRecord, Policy, RecordType } from "./types";

/** An alias target; `hostedZoneId` is inferred for ALB/CLB, NLB, CloudFront, S3 website, API Gateway and Global Accelerator. */
export interface Route53AliasArgs {
    readonly dnsName: pulumi.Input<string>;
    readonly hostedZoneId?: pulumi.Input<string>;
    /** Default false. */
    readonly evaluateTargetHealth?: pulumi.Input<boolean>;
}

export interface Route53RecordArgs {
    /** FQDN inside the zone, a single relative label, or "@" for the apex. */
    readonly name: pulumi.Input<string>;
    readonly type: pulumi.Input<RecordType>;
    /** Default 300; not allowed with `alias`. */
    readonly ttl?: pulumi.Input<number>;
    /** Plain values; TXT values longer than 255 characters are split into several strings. */
    readonly values?: pulumi.Input<pulumi.Input<string>[]>;
    readonly alias?: pulumi.Input<Route53AliasArgs>;
    /** Written into the TXT marker, e.g. "ingress/default/app". */
    readonly resource?: pulumi.Input<string>;
    /** Routing policy: the set's identifier, with exactly one of weight (0..255), failover or (latency) region. */
    readonly setIdentifier?: pulumi.Input<string>;
    readonly weight?: pulumi.Input<number>;
    readonly failover?: pulumi.Input<"PRIMARY" | "SECONDARY">;
    readonly region?: pulumi.Input<string>;
    readonly healthCheckId?: pulumi.Input<string>;
}

export interface Route53RecordSyncArgs {
    /** The hosted zone's domain, e.g. "example.com". */
    readonly zoneName: pulumi.Input<string>;
    /** Pins the hosted zone and skips the lookup by name. */
    readonly zoneId?: pulumi.Input<string>;
    /** Default false. */
    readonly privateZone?: pulumi.Input<boolean>;
    /** TXT registry owner id (one per stack or cluster); records of other owners are never touched. */
    readonly ownerId: pulumi.Input<string>;
    /** Prefix of the TXT marker names; may contain "%{record_type}". Default "". */
    readonly txtPrefix?: pulumi.Input<string>;
    /** "sync" (default) creates, updates and deletes; "upsert-only" never deletes; "create-only" never changes existing records. */
    readonly policy?: pulumi.Input<Policy>;
    readonly records: pulumi.Input<pulumi.Input<Route53RecordArgs>[]>;
    /** Suffix of the TXT marker names (ExternalDNS's --txt-suffix); exclusive with txtPrefix. May contain "%{record_type}". */
    readonly txtSuffix?: pulumi.Input<string>;
    /** Replaces a leading "*" in marker names (ExternalDNS's --txt-wildcard-replacement). */
    readonly txtWildcardReplacement?: pulumi.Input<string>;
    /** "v0.22" (default) writes only the `a-` marker of alias A records; "pre-v0.22" also keeps the `cname-` marker older ExternalDNS releases read. */
    readonly markerCompat?: pulumi.Input<MarkerCompat>;
    /** ExternalDNS's --txt-encrypt-aes-key (32 bytes, plain or base64): markers are written encrypted. Kept secret in state. */
    readonly txtEncryptionKey?: pulumi.Input<string>;
    /** Largest weight change of a weighted set per update, against the last applied inputs (the cluster canary's step limit). */
    readonly maxWeightStep?: pulumi.Input<number>;
    /** IAM role to assume (STS AssumeRole with the default credential chain) for a hosted zone in another account. */
    readonly assumeRoleArn?: pulumi.Input<string>;
    /** ExternalId required by that role's trust policy. */
    readonly externalId?: pulumi.Input<string>;
}

export class Route53RecordSync extends pulumi.dynamic.Resource {
    public readonly zoneName!: pulumi.Output<string>;
    /** The resolved hosted zone id. */
    public readonly zoneId!: pulumi.Output<string>;
    public readonly privateZone!: pulumi.Output<boolean>;
    public readonly ownerId!: pulumi.Output<string>;
    public readonly txtPrefix!: pulumi.Output<string>;
    public readonly policy!: pulumi.Output<Policy>;
    /** The normalized records (FQDNs with trailing dot, canonical values, alias zone ids filled in). */
    public readonly records!: pulumi.Output<NormalizedRecord[]>;
    /** Record names without trailing dot. */
    public readonly fqdns!: pulumi.Output<string[]>;
    /** Route53 change ids of the last create/update. */
    public readonly changeIds!: pulumi.Output<string[]>;
    public readonly changeCounts!: pulumi.Output<ChangeCounts>;
    public readonly apiCalls!: pulumi.Output<ApiCallCounts>;
    /** This resource instance's id, written into every marker it holds (`external-dns/eim-instance`). */
    public readonly instanceId!: pulumi.Output<string>;
    /** Every record (name, type) this instance holds a marker for, including markers of records deleted by hand. */
    public readonly claims!: pulumi.Output<Array<{ name: string; type: string }>>;

    constructor(name: string, args: Route53RecordSyncArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            new Route53RecordSyncProvider(),
            name,
            { ...args, zoneId: args.zoneId, fqdns: undefined, changeIds: undefined, changeCounts: undefined, apiCalls: undefined, instanceId: undefined, claims: undefined },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "txtEncryptionKey"] },
            "eks-ingress-mesh",
            "Route53RecordSync",
        );
    }
}
