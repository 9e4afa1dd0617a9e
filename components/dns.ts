import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MarkerCompat, Policy, renderSyncPolicy, Route53RecordSync } from "../providers/dns";
import type { Route53RecordArgs } from "../providers/dns/resource";
import { azureDnsRoleDefinition } from "../providers/dns/azure/roleDefinition";
import { DnsRecordArgs, DnsRecordSync } from "../providers/dns/dnsRecordSync";
import { googleDnsCustomRole } from "../providers/dns/google/iamRole";
import { normalizeDomain, normalizeRecordName, withoutDot } from "../providers/dns/names";
import type { DnsProviderKind } from "../providers/shared/rules/dnsBackends";

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
    /** Route53 only: largest change of a weighted record's weight per update (the cluster canary's step limit). */
    readonly maxWeightStep?: pulumi.Input<number>;
    /** One alias A record per request in Route53 (evaluateTargetHealth on); one CNAME per request in Azure DNS and Cloud DNS. */
    readonly records: DnsRecordRequest[];
    /**
     * Records passed through as they are (annotated Services and Ingresses,
     * `dns.records`), with the names they hold: known in preview, when the
     * records may still wait on a load balancer's status.
     */
    readonly passThrough?: { readonly records: pulumi.Input<Route53RecordArgs[]>; readonly names: pulumi.Input<string[]> };
    /** Route53 in another account: the role the record sync assumes, and the ExternalId its trust policy requires. */
    readonly assumeRole?: { readonly roleArn: pulumi.Input<string>; readonly externalId?: pulumi.Input<string> };
    /** Where the zone lives; default "route53". */
    readonly provider?: DnsProviderKind;
    /** Azure DNS zone; `tenantId`/`clientId`/`clientSecret` (secret) log in with a client secret, else DefaultAzureCredential. */
    readonly azure?: { subscriptionId: string; resourceGroup: string; tenantId?: string; clientId?: string; clientSecret?: pulumi.Input<string> };
    /** Cloud DNS managed zone; `serviceAccountKey` (secret) is a key file's JSON, else Application Default Credentials. */
    readonly google?: { project: string; managedZone: string; serviceAccountKey?: pulumi.Input<string> };
}

/**
 * The record sync for the stack's zone: in Route53, a hosted zone lookup plus one
 * Route53RecordSync keeping alias A records pointing at the load balancers; in Azure DNS or Cloud
 * DNS, one DnsRecordSync keeping CNAMEs to them. Both write ExternalDNS-compatible ownership markers.
 */
export class Dns extends pulumi.ComponentResource {
    /** The record names, without trailing dot. */
    public readonly fqdns: pulumi.Output<string[]>;
    /** Route53: the hosted zone the records live in; Azure: the zone's ARM id; Google: the managed zone's resource name. */
    public readonly zoneId: pulumi.Output<string>;
    /** The least-privilege permission (JSON) the identity running the sync needs: a Route53 IAM policy, an Azure custom role definition or a Google IAM custom role and its binding. */
    public readonly syncPolicyJson: pulumi.Output<string>;
    public readonly recordSync: Route53RecordSync | DnsRecordSync;

    constructor(name: string, args: DnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-ingress-mesh:index:Dns", name, {}, opts);

        const requested: Route53RecordArgs[] = args.records.map((r) => ({
            name: r.hostname,
            type: "A" as const,
            alias: { dnsName: r.aliasTarget, hostedZoneId: r.aliasHostedZoneId, evaluateTargetHealth: true },
            ...(r.resource === undefined ? {} : { resource: r.resource }),
        }));
        const records = pulumi.all([requested, args.passThrough?.records ?? []]).apply(([own, more]) => [...own, ...more]);

        // Known at preview time (the sync's own outputs are not, on first creation).
        const names = pulumi.all([args.domain, ...args.records.map((r) => r.hostname)]).apply(([domain, ...hostnames]) => recordNames(domain, hostnames));
        const allNames = pulumi.all([args.domain, names, args.passThrough?.names ?? []]).apply(([domain, list, more]) => [...list, ...recordNames(domain, more)]);
        this.fqdns = allNames.apply((list) => [...new Set(list.map(withoutDot))]);
        const registry = {
            zoneName: args.domain,
            ownerId: args.ownerId,
            policy: args.policy,
            txtPrefix: args.txtPrefix,
            txtSuffix: args.txtSuffix,
            markerCompat: args.markerCompat,
            txtEncryptionKey: args.txtEncryptionKey === undefined ? undefined : pulumi.secret(args.txtEncryptionKey),
        };
        const provider = args.provider ?? "route53";

        if (provider === "route53") {
            const lookedUp = args.zoneId === undefined;
            const role = args.assumeRole ? { assumeRoleArn: args.assumeRole.roleArn, externalId: args.assumeRole.externalId } : {};
            // A zone in another account is not visible to this stack's AWS provider: the sync finds it by name through the assumed role.
            const pinned = !lookedUp
                ? pulumi.output(args.zoneId as pulumi.Input<string>)
                : args.assumeRole
                  ? undefined
                  : aws.route53.getZoneOutput({ name: args.domain, privateZone: false }, { parent: this }).zoneId;
            const sync = new Route53RecordSync(`${name}-records`, { ...registry, ...role, zoneId: pinned, records, ...(args.maxWeightStep === undefined ? {} : { maxWeightStep: args.maxWeightStep }) }, { parent: this });
            this.recordSync = sync;
            const zoneId = pinned ?? sync.zoneId;
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
        } else {
            const backend = backendOf(provider, args);
            // Outside AWS there is no alias to a foreign name: a CNAME to the load balancer (the apex is refused by the sync's check, naming the record).
            this.recordSync = new DnsRecordSync(
                `${name}-records`,
                { ...registry, backend: backend.backend, credentials: backend.credentials, records: records.apply((list) => list.map(withoutAlias)) },
                { parent: this },
            );
            this.zoneId = pulumi.output(args.domain).apply(backend.zoneId);
            this.syncPolicyJson = pulumi.output(args.domain).apply((domain) => JSON.stringify(backend.permission(domain), null, 2));
        }

        this.registerOutputs({ fqdns: this.fqdns, zoneId: this.zoneId, syncPolicyJson: this.syncPolicyJson });
    }
}

/** The DnsRecordSync backend, credentials and permission document of `dns.provider` azure or google. */
/** A record as Azure DNS and Cloud DNS can hold it: an alias becomes a CNAME to its target. */
function withoutAlias(r: pulumi.Unwrap<Route53RecordArgs>): pulumi.Unwrap<DnsRecordArgs> {
    const common = { name: r.name, ...(r.ttl === undefined ? {} : { ttl: r.ttl }), ...(r.resource === undefined ? {} : { resource: r.resource }) };
    return r.alias ? { ...common, type: "CNAME", values: [r.alias.dnsName] } : { ...common, type: r.type, values: r.values ?? [] };
}

function backendOf(provider: "azure" | "google", args: DnsArgs) {
    if (provider === "azure") {
        const a = args.azure;
        if (!a) throw new Error('dns.provider is "azure": set dns.azure.subscriptionId and dns.azure.resourceGroup');
        return {
            backend: { kind: "azure" as const, subscriptionId: a.subscriptionId, resourceGroup: a.resourceGroup },
            credentials: a.clientSecret === undefined ? undefined : { tenantId: a.tenantId, clientId: a.clientId, clientSecret: a.clientSecret },
            zoneId: (domain: string) => azureDnsRoleDefinition(a.subscriptionId, a.resourceGroup, domain).AssignableScopes[0],
            permission: (domain: string): object => azureDnsRoleDefinition(a.subscriptionId, a.resourceGroup, domain),
        };
    }
    const g = args.google;
    if (!g) throw new Error('dns.provider is "google": set dns.google.project and dns.google.managedZone');
    return {
        backend: { kind: "google" as const, project: g.project, managedZone: g.managedZone },
        credentials: g.serviceAccountKey === undefined ? undefined : { serviceAccountKey: g.serviceAccountKey },
        zoneId: () => googleDnsCustomRole(g.project, g.managedZone).resource,
        permission: (): object => googleDnsCustomRole(g.project, g.managedZone),
    };
}

/** Normalized record names (trailing dot); names the sync's check will reject are left out. */
export function recordNames(domain: string, hostnames: readonly string[]): string[] {
    const zone = normalizeDomain(domain);
    if (!zone.ok) return [];
    return hostnames.map((h) => normalizeRecordName(h, zone.name)).flatMap((r) => (r.ok ? [r.name] : []));
}
