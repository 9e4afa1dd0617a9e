/**
 * The Azure DNS backend's API layer: @azure/arm-dns (api-version 2018-05-01) with @azure/identity.
 * The only module in providers/dns/azure that talks to Azure. SDK modules are required inside
 * functions, so nothing native is captured when a dynamic provider is serialized.
 *
 * Semantics of `apply` (Azure has no multi-record-set transaction):
 * - deletions of a name+type that is not also added → DELETE with `If-Match: <etag>`;
 * - additions whose name+type is also deleted (a replacement) → PUT with `If-Match: <etag>` of
 *   the deleted set; other additions → PUT with `If-None-Match: *` (create only);
 * - a deletion without an etag is first read (GET) and must match ttl and values exactly, so a
 *   deletion means the same as in Cloud DNS;
 * - pure deletions run first (so a CNAME can replace other types at a name), then the writes,
 *   each phase with bounded concurrency; the first failure stops new requests;
 * - 412 (etag) → LiveStateChangedError; 409 (CNAME beside other record sets) → "CnameConflict";
 *   429 and 5xx are retried by the SDK's pipeline (honouring Retry-After) up to `maxRetries`.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { DnsManagementClient, RecordSet } from "@azure/arm-dns";
import {
    BackendApplyReport,
    BackendChangeSet,
    BackendRecordSet,
    checkChange,
    DnsBackendClient,
    DnsBackendError,
    fqdn,
    LiveStateChangedError,
    recordSetKey,
    relativeName,
    sameRecordData,
} from "../backend";
import { runBounded } from "./bounded";
import { AZURE_DEFAULT_CONCURRENCY, AZURE_DEFAULT_MAX_RETRIES, AZURE_DNS_LIMITS } from "./limits";
import { fromAzureRecordSet, toAzureRecordSet } from "./records";
import { azureError, isNotFound, isPreconditionFailed } from "./errors";

export const AZURE_RESOURCE_MANAGER = "https://management.azure.com";

/** A service principal's client secret (secret config). Without it, DefaultAzureCredential is used. */
export interface AzureClientSecret {
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret: string;
}

export interface AzureDnsClientOptions {
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    /** The DNS zone's name, with or without the trailing dot. */
    readonly zoneName: string;
    readonly clientSecret?: AzureClientSecret;
    /** Resource Manager endpoint; default https://management.azure.com (tests: the loopback double). */
    readonly endpoint?: string;
    /** Entra ID authority host; default the public cloud's (tests: the loopback double). */
    readonly authorityHost?: string;
    /**
     * Skip MSAL's instance discovery (a call to login.microsoftonline.com): needed for an
     * authority host that is not a Microsoft cloud, such as a test double.
     */
    readonly disableInstanceDiscovery?: boolean;
    readonly concurrency?: number;
    readonly maxRetries?: number;
    /** First retry delay; the SDK doubles it each time unless Retry-After says otherwise. */
    readonly retryDelayInMs?: number;
}

/** The credential: a client secret when given (secret input), else DefaultAzureCredential. */
export function azureCredential(options: AzureDnsClientOptions): TokenCredential {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const identity: typeof import("@azure/identity") = require("@azure/identity");
    const authority = {
        ...(options.authorityHost ? { authorityHost: options.authorityHost } : {}),
        ...(options.disableInstanceDiscovery ? { disableInstanceDiscovery: true } : {}),
    };
    if (options.clientSecret) {
        const { tenantId, clientId, clientSecret } = options.clientSecret;
        return new identity.ClientSecretCredential(tenantId, clientId, clientSecret, authority);
    }
    // Environment (client secret or certificate), workload identity (AKS/EKS federation),
    // managed identity, then developer logins, in the SDK's documented order.
    return new identity.DefaultAzureCredential(authority);
}

function sdkClient(options: AzureDnsClientOptions, credential: TokenCredential): DnsManagementClient {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DnsManagementClient: Client }: typeof import("@azure/arm-dns") = require("@azure/arm-dns");
    const endpoint = (options.endpoint ?? AZURE_RESOURCE_MANAGER).replace(/\/$/, "");
    return new Client(credential, options.subscriptionId, {
        endpoint,
        $host: endpoint,
        // The token is always for Resource Manager, whatever host serves it.
        credentialScopes: [`${AZURE_RESOURCE_MANAGER}/.default`],
        retryOptions: {
            maxRetries: options.maxRetries ?? AZURE_DEFAULT_MAX_RETRIES,
            retryDelayInMs: options.retryDelayInMs ?? 800,
            maxRetryDelayInMs: 60_000,
        },
    });
}

/** A live set to delete: its etag as read, or read now and checked against the planned values. */
async function liveEtag(client: DnsManagementClient, o: AzureDnsClientOptions, zone: string, planned: BackendRecordSet) {
    if (planned.etag) {
        return planned.etag;
    }
    let live: RecordSet;
    try {
        live = await client.recordSets.get(o.resourceGroup, zone, relativeName(planned.name, fqdn(zone)), planned.type as never);
    } catch (e) {
        if (isNotFound(e)) {
            throw new LiveStateChangedError("Azure DNS", [`${recordSetKey(planned)} no longer exists`], 0);
        }
        throw e;
    }
    if (!sameRecordData(fromAzureRecordSet(live, fqdn(zone)), planned)) {
        throw new LiveStateChangedError("Azure DNS", [`${recordSetKey(planned)} differs from the record set to delete`], 0);
    }
    return live.etag ?? "*";
}

export function createAzureDnsClient(options: AzureDnsClientOptions): DnsBackendClient {
    const zoneName = fqdn(options.zoneName);
    const zone = zoneName.slice(0, -1);
    const rg = options.resourceGroup;
    const concurrency = options.concurrency ?? AZURE_DEFAULT_CONCURRENCY;
    let cached: DnsManagementClient | undefined;
    // Built on first use, not at construction or module load (dynamic-provider hygiene).
    const client = (): DnsManagementClient => (cached ??= sdkClient(options, azureCredential(options)));

    const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
        try {
            return await fn();
        } catch (e) {
            throw azureError(e, what);
        }
    };

    async function listZone(): Promise<BackendRecordSet[]> {
        return call(`list record sets of zone ${zone}`, async () => {
            const sets: BackendRecordSet[] = [];
            const pages = client().recordSets.listAllByDnsZone(rg, zone, { top: AZURE_DNS_LIMITS.listPageSize }).byPage();
            for await (const page of pages) {
                sets.push(...page.map((s) => fromAzureRecordSet(s, zoneName)));
            }
            return sets;
        });
    }

    async function listNames(names: readonly string[]): Promise<BackendRecordSet[]> {
        const keys = [...new Set(names.map(fqdn))].flatMap((name) =>
            ["A", "AAAA", "CNAME", "TXT"].map((type) => ({ name, type })),
        );
        const found: BackendRecordSet[] = [];
        const { error } = await runBounded(keys, concurrency, async ({ name, type }) => {
            try {
                const live = await client().recordSets.get(rg, zone, relativeName(name, zoneName), type as never);
                found.push(fromAzureRecordSet(live, zoneName));
            } catch (e) {
                if (!isNotFound(e)) throw azureError(e, `read ${name} ${type}`);
            }
        });
        if (error) throw error;
        return found;
    }

    async function apply(change: BackendChangeSet): Promise<BackendApplyReport> {
        checkChange("Azure DNS", zoneName, AZURE_DNS_LIMITS, change);
        const deleted = new Map(change.deletions.map((d) => [recordSetKey(d), d]));
        const added = new Set(change.additions.map(recordSetKey));
        const pureDeletions = change.deletions.filter((d) => !added.has(recordSetKey(d)));
        let writeRequests = 0;
        let applied = 0;

        const remove = async (set: BackendRecordSet): Promise<void> => {
            const etag = await liveEtag(client(), options, zone, set);
            writeRequests++;
            await client().recordSets.delete(rg, zone, relativeName(set.name, zoneName), set.type as never, { ifMatch: etag });
        };
        const write = async (set: BackendRecordSet): Promise<void> => {
            const replaced = deleted.get(recordSetKey(set));
            const precondition = replaced
                ? { ifMatch: await liveEtag(client(), options, zone, replaced) }
                : { ifNoneMatch: "*" };
            writeRequests++;
            await client().recordSets.createOrUpdate(
                rg,
                zone,
                relativeName(set.name, zoneName),
                set.type as never,
                toAzureRecordSet(set),
                precondition,
            );
        };

        for (const [sets, op, verb] of [
            [pureDeletions, remove, "delete"],
            [change.additions, write, "write"],
        ] as const) {
            const result = await runBounded(sets, concurrency, async (set) => {
                try {
                    await op(set);
                } catch (e) {
                    if (e instanceof LiveStateChangedError) throw e;
                    if (isPreconditionFailed(e)) {
                        const why = verb === "write" && !deleted.has(recordSetKey(set)) ? "already exists" : "changed since it was read";
                        throw new LiveStateChangedError("Azure DNS", [`${recordSetKey(set)} ${why}`], 0);
                    }
                    throw azureError(e, `${verb} ${recordSetKey(set)}`);
                }
            });
            applied += result.succeeded;
            if (result.error) {
                throw withApplied(result.error, applied);
            }
        }
        return { writeRequests, pollRequests: 0 };
    }

    return { backend: "azure", zoneName, limits: AZURE_DNS_LIMITS, listZone, listNames, apply };
}

/** The same error, carrying how many record sets were written before it. */
function withApplied(error: unknown, applied: number): unknown {
    if (error instanceof LiveStateChangedError) {
        return new LiveStateChangedError(error.backend, error.conflicts, applied);
    }
    if (error instanceof DnsBackendError) {
        return new DnsBackendError("Azure DNS", error.code, `${error.message.replace(/^Azure DNS: /, "")} (${applied} record set(s) written before this)`, error.status, applied);
    }
    return error;
}
