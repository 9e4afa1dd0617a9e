import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MarkerCompat, Policy, renderSyncPolicy, Route53RecordSync } from "../providers/dns";
import type { Route53RecordArgs } from "../providers/dns/resource";
import { normalizeDomain, normalizeRecordName, withoutDot } from "../providers/dns/names";

/** A DNS name that should point at a load balancer (an ALB created for an Ingress). */
export interface DnsRecordRequest {
    /** FQDN inside the domain, e.g. "app.example.com". */
    readonly hostname: pulumi.Input<string>;
    /** The ALB's DNS name, e.g. "k8s-app-1234.us-east-1.elb.amazonaws.com". */
    readonly aliasTarget: pulumi.Input<string>;
    /** The ALB's canonical hosted zone id; inferred from `aliasTarget` when omitted. */
    readonly aliasHostedZoneId?: pulumi.Input<string>;
    /** Written into the ownership marker, e.g. "ingress/default/app". */
    readonly resource?: string;
}

export interface DnsArgs {
    /** The public hosted zone's domain, e.g. "example.com". */
    readonly domain: pulumi.Input<string>;
    /** Pins the hosted zone; when absent the public zone named `domain` is looked up. */
    readonly zoneId?: pulumi.Input<string>;
    /** TXT registry owner id; the caller's default is "<project>-<stack>". */
    readonly ownerId: pulumi.Input<string>;
    /** "sync" (default), "upsert-only" (never delete) or "create-only" (never change existing records). */
    readonly policy?: pulumi.Input<Policy>;
    /** Prefix of the TXT marker names (ExternalDNS's --txt-prefix); default "". */
    readonly txtPrefix?: pulumi.Input<string>;
    /** Suffix of the TXT marker names (ExternalDNS's --txt-suffix); exclusive with txtPrefix. */
    readonly txtSuffix?: pulumi.Input<string>;
    /** "v0.22" (default) or "pre-v0.22": also keep the `cname-` marker older ExternalDNS reads for alias A records. */
    readonly markerCompat?: pulumi.Input<MarkerCompat>;
    /** ExternalDNS's --txt-encrypt-aes-key (secret): markers are written encrypted when set. */
    readonly txtEncryptionKey?: pulumi.Input<string>;
    /** One alias A record per request (evaluateTargetHealth on). */
    readonly records: DnsRecordRequest[];
    /**
     * Records passed through as they are (annotated Services and Ingresses,
     * `dns.records`), with the names they hold: known in preview, when the
     * records may still wait on a load balancer's status.
     */
    readonly passThrough?: { readonly records: pulumi.Input<Route53RecordArgs[]>; readonly names: pulumi.Input<string[]> };
}

/**
 * Hosted zone lookup plus one Route53RecordSync that keeps alias A records (and their
 * ExternalDNS-compatible ownership markers) pointing at the load balancers.
 */
export class Dns extends pulumi.ComponentResource {
    /** The record names, without trailing dot. */
    public readonly fqdns: pulumi.Output<string[]>;
    /** The hosted zone the records live in. */
    public readonly zoneId: pulumi.Output<string>;
    /** Least-privilege IAM policy (JSON) for the identity that runs the sync. */
    public readonly syncPolicyJson: pulumi.Output<string>;
    public readonly recordSync: Route53RecordSync;

    constructor(name: string, args: DnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-ingress-mesh:index:Dns", name, {}, opts);

        const requested: Route53RecordArgs[] = args.records.map((r) => ({
            name: r.hostname,
            type: "A" as const,
            alias: { dnsName: r.aliasTarget, hostedZoneId: r.aliasHostedZoneId, evaluateTargetHealth: true },
            ...(r.resource === undefined ? {} : { resource: r.resource }),
        }));
        const lookedUp = args.zoneId === undefined;
        const zoneId = lookedUp ? aws.route53.getZoneOutput({ name: args.domain, privateZone: false }, { parent: this }).zoneId : pulumi.output(args.zoneId as pulumi.Input<string>);

        this.recordSync = new Route53RecordSync(
            `${name}-records`,
            {
                zoneName: args.domain,
                zoneId,
                ownerId: args.ownerId,
                policy: args.policy,
                txtPrefix: args.txtPrefix,
                txtSuffix: args.txtSuffix,
                markerCompat: args.markerCompat,
                txtEncryptionKey: args.txtEncryptionKey === undefined ? undefined : pulumi.secret(args.txtEncryptionKey),
                records: pulumi.output(args.passThrough?.records ?? []).apply((more) => [...requested, ...(more as Route53RecordArgs[])]),
            },
            { parent: this },
        );

        // Known at preview time (the sync's own outputs are not, on first creation).
        const names = pulumi.all([args.domain, ...args.records.map((r) => r.hostname)]).apply(([domain, ...hostnames]) => recordNames(domain, hostnames));
        const allNames = pulumi.all([args.domain, names, args.passThrough?.names ?? []]).apply(([domain, list, more]) => [...list, ...recordNames(domain, more)]);
        this.fqdns = allNames.apply((list) => [...new Set(list.map(withoutDot))]);
        this.zoneId = zoneId;
        const typed = pulumi
            .all([args.domain, names, pulumi.output(args.passThrough?.records ?? [])])
            .apply(([domain, list, more]) => [
                ...list.map((n) => ({ name: n, type: "A" })),
                ...(more as Array<{ name: string; type: string }>).flatMap((r) => recordNames(domain, [r.name]).map((n) => ({ name: n, type: r.type }))),
            ]);
        this.syncPolicyJson = pulumi.all([zoneId, args.domain, args.txtPrefix, args.txtSuffix, typed]).apply(([id, domain, txtPrefix, txtSuffix, list]) =>
            renderSyncPolicy({ zoneId: id, zoneName: domain, txtPrefix, txtSuffix, records: list, lookupZoneByName: lookedUp }),
        );

        this.registerOutputs({ fqdns: this.fqdns, zoneId: this.zoneId, syncPolicyJson: this.syncPolicyJson });
    }
}

/** Normalized record names (trailing dot); names the sync's check will reject are left out. */
export function recordNames(domain: string, hostnames: readonly string[]): string[] {
    const zone = normalizeDomain(domain);
    if (!zone.ok) return [];
    return hostnames.map((h) => normalizeRecordName(h, zone.name)).flatMap((r) => (r.ok ? [r.name] : []));
}
