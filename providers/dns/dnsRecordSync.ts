/**
 * DnsRecordSync: Route53RecordSync's record sync (ExternalDNS TXT registry, ownership, plan) for a
 * zone in Azure DNS or Google Cloud DNS. Same inputs as Route53RecordSync minus the Route53-only
 * ones (zoneId, privateZone, alias records), plus `backend` and secret `credentials`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BackendKind } from "./backendInputs";
import { DnsRecordSyncProvider } from "./backendSync";
import type { ApiCallCounts, ChangeCounts, MarkerCompat, NormalizedRecord, Policy } from "./types";

export interface DnsBackendArgs {
    readonly kind: pulumi.Input<BackendKind>;
    /** Azure: the zone's subscription and resource group. */
    readonly subscriptionId?: pulumi.Input<string>;
    readonly resourceGroup?: pulumi.Input<string>;
    /** Azure: Resource Manager and Entra ID endpoints (sovereign clouds, tests). */
    readonly endpoint?: pulumi.Input<string>;
    readonly authorityHost?: pulumi.Input<string>;
    readonly disableInstanceDiscovery?: pulumi.Input<boolean>;
    /** Google: the managed zone's project and name. */
    readonly project?: pulumi.Input<string>;
    readonly managedZone?: pulumi.Input<string>;
    /** Google: `host:port` of the Cloud DNS API and the OAuth token URL (private endpoints, tests). */
    readonly apiEndpoint?: pulumi.Input<string>;
    readonly tokenEndpoint?: pulumi.Input<string>;
    readonly pollIntervalMs?: pulumi.Input<number>;
}

/** Secret; absent = DefaultAzureCredential / Application Default Credentials. */
export interface DnsBackendCredentialsArgs {
    readonly tenantId?: pulumi.Input<string>;
    readonly clientId?: pulumi.Input<string>;
    readonly clientSecret?: pulumi.Input<string>;
    readonly serviceAccountKey?: pulumi.Input<string>;
}

export interface DnsRecordArgs {
    /** FQDN inside the zone or a single relative label; a CNAME cannot be at the apex. */
    readonly name: pulumi.Input<string>;
    readonly type: pulumi.Input<"A" | "AAAA" | "CNAME" | "TXT">;
    readonly ttl?: pulumi.Input<number>;
    readonly values: pulumi.Input<pulumi.Input<string>[]>;
    readonly resource?: pulumi.Input<string>;
}

export interface DnsRecordSyncArgs {
    readonly backend: pulumi.Input<DnsBackendArgs>;
    /** Each field is made secret (in inputs, state and outputs). */
    readonly credentials?: DnsBackendCredentialsArgs;
    /** The zone's domain, e.g. "example.com". */
    readonly zoneName: pulumi.Input<string>;
    readonly ownerId: pulumi.Input<string>;
    readonly txtPrefix?: pulumi.Input<string>;
    readonly txtSuffix?: pulumi.Input<string>;
    readonly txtWildcardReplacement?: pulumi.Input<string>;
    readonly policy?: pulumi.Input<Policy>;
    readonly markerCompat?: pulumi.Input<MarkerCompat>;
    readonly txtEncryptionKey?: pulumi.Input<string>;
    readonly records: pulumi.Input<pulumi.Input<DnsRecordArgs>[]>;
}

export class DnsRecordSync extends pulumi.dynamic.Resource {
    public readonly zoneName!: pulumi.Output<string>;
    public readonly ownerId!: pulumi.Output<string>;
    public readonly records!: pulumi.Output<NormalizedRecord[]>;
    public readonly fqdns!: pulumi.Output<string[]>;
    public readonly changeCounts!: pulumi.Output<ChangeCounts>;
    public readonly apiCalls!: pulumi.Output<ApiCallCounts>;
    public readonly instanceId!: pulumi.Output<string>;
    public readonly claims!: pulumi.Output<Array<{ name: string; type: string }>>;

    constructor(name: string, args: DnsRecordSyncArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            new DnsRecordSyncProvider(),
            name,
            {
                ...args,
                credentials: args.credentials === undefined ? undefined : secretFields(args.credentials),
                fqdns: undefined,
                changeCounts: undefined,
                apiCalls: undefined,
                instanceId: undefined,
                claims: undefined,
            },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "credentials", "txtEncryptionKey"] },
            "eks-ingress-mesh",
            "DnsRecordSync",
        );
    }
}

/** Every set field wrapped as a secret (a secret object would hide its strings from redaction by value). */
function secretFields(credentials: DnsBackendCredentialsArgs): DnsBackendCredentialsArgs {
    return Object.fromEntries(Object.entries(credentials).filter(([, v]) => v !== undefined).map(([k, v]) => [k, pulumi.secret(v as pulumi.Input<string>)]));
}
