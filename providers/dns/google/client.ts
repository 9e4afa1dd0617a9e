/**
 * The Google Cloud DNS backend's API layer: @google-cloud/dns (Cloud DNS API v1) with
 * google-auth-library underneath. The only module in providers/dns/google that talks to Google.
 * SDK modules are required inside functions (dynamic-provider hygiene).
 *
 * Semantics of `apply`: one `changes.create` carrying every addition and deletion, which Cloud DNS
 * applies atomically — all of it or nothing. Each deletion must match the live record set exactly
 * (name, type, ttl, rrdatas), else 412 conditionNotMet (404 notFound when it is gone); an
 * addition that already exists is 409 alreadyExists: all three become LiveStateChangedError
 * ("re-plan"), with nothing applied. The change is then polled (`changes.get`) until its status
 * is `done`, backing off from `pollIntervalMs`.
 */
import type { DNS } from "@google-cloud/dns";
import {
    BackendApplyReport,
    BackendChangeSet,
    BackendRecordSet,
    checkChange,
    DnsBackendClient,
    DnsBackendError,
    fqdn,
} from "../backend";
import { googleError, liveStateChangedReason } from "./errors";
import { GOOGLE_DNS_LIMITS, GOOGLE_MAX_RRDATA_BYTES_PER_CHANGE } from "./limits";
import { parseServiceAccountKey } from "./serviceAccountKey";

/** The token URL google-auth-library always uses for a service account's JWT bearer grant. */
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

export interface GoogleDnsClientOptions {
    readonly project: string;
    /** The managed zone's resource name (`dns.google.managedZone`), not its DNS name. */
    readonly managedZone: string;
    /** The zone's DNS name, e.g. `example.com.`. */
    readonly zoneName: string;
    /** A service-account key file's JSON (secret input). Without it, Application Default Credentials. */
    readonly serviceAccountKey?: string;
    /** `host[:port]` of the Cloud DNS API; default dns.googleapis.com (tests: the loopback double). */
    readonly apiEndpoint?: string;
    /**
     * OAuth token URL for the service-account grant (tests: the double's). google-auth-library
     * hard-codes https://oauth2.googleapis.com/token, so requests to it are redirected here.
     */
    readonly tokenEndpoint?: string;
    /** First wait between change status polls; doubles up to 10 s. Default 1000. */
    readonly pollIntervalMs?: number;
    /** Give up waiting for `done` after this long. Default 300000. */
    readonly pollTimeoutMs?: number;
}

interface RawRecordSet {
    readonly name?: string;
    readonly type?: string;
    readonly ttl?: number;
    readonly rrdatas?: string[];
}

interface ChangeMetadata {
    readonly id?: string;
    readonly status?: string;
}

function fromGoogle(r: RawRecordSet): BackendRecordSet {
    const type = (r.type ?? "").toUpperCase();
    const values = (r.rrdatas ?? []).map((v) => (type === "CNAME" ? fqdn(v) : v));
    return { name: fqdn(r.name ?? ""), type, ttl: r.ttl ?? 0, values };
}

function sdkClient(options: GoogleDnsClientOptions): DNS {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DNS: Client }: typeof import("@google-cloud/dns") = require("@google-cloud/dns");
    const key = options.serviceAccountKey === undefined ? undefined : parseServiceAccountKey(options.serviceAccountKey);
    return new Client({
        projectId: options.project,
        ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
        // Without `credentials`, google-auth-library's Application Default Credentials apply:
        // GOOGLE_APPLICATION_CREDENTIALS (a key, or workload identity federation from AWS),
        // gcloud's user credentials, or the metadata server.
        ...(key ? { credentials: { client_email: key.client_email, private_key: key.private_key } } : {}),
    });
}

/** Sends the auth client's token requests to `tokenEndpoint` instead of Google's. */
async function redirectTokenRequests(dns: DNS, tokenEndpoint: string): Promise<void> {
    const client = await dns.authClient.getClient();
    const transporter = (client as unknown as { transporter?: { interceptors?: { request: Set<unknown> } } }).transporter;
    if (!transporter?.interceptors) {
        throw new DnsBackendError("Google Cloud DNS", "TokenEndpointUnsupported", "tokenEndpoint is set but this credential type has no token transport to redirect");
    }
    transporter.interceptors.request.add({
        resolved: async (config: { url?: string | URL }) => {
            if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(tokenEndpoint);
            return config;
        },
    });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createGoogleDnsClient(options: GoogleDnsClientOptions): DnsBackendClient {
    const zoneName = fqdn(options.zoneName);
    let ready: Promise<DNS> | undefined;
    // Built on first use, never at construction or module load.
    const dns = (): Promise<DNS> =>
        (ready ??= (async () => {
            const client = sdkClient(options);
            if (options.tokenEndpoint) await redirectTokenRequests(client, options.tokenEndpoint);
            return client;
        })());
    const zone = async () => (await dns()).zone(options.managedZone);

    const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
        try {
            return await fn();
        } catch (e) {
            throw googleError(e, what);
        }
    };

    async function listPages(what: string, query: Record<string, unknown>): Promise<BackendRecordSet[]> {
        return call(what, async () => {
            const z = await zone();
            const sets: BackendRecordSet[] = [];
            let next: Record<string, unknown> | null = { ...query, maxResults: GOOGLE_DNS_LIMITS.listPageSize, autoPaginate: false };
            while (next) {
                const [records, nextQuery] = (await z.getRecords(next)) as unknown as [Array<{ metadata: RawRecordSet }>, Record<string, unknown> | null];
                sets.push(...records.map((r) => fromGoogle(r.metadata)));
                next = nextQuery;
            }
            return sets;
        });
    }

    const listZone = () => listPages(`list record sets of managed zone ${options.managedZone}`, {});

    async function listNames(names: readonly string[]): Promise<BackendRecordSet[]> {
        const found: BackendRecordSet[] = [];
        for (const name of [...new Set(names.map(fqdn))]) {
            found.push(...(await listPages(`read ${name}`, { name })));
        }
        return found;
    }

    async function apply(change: BackendChangeSet): Promise<BackendApplyReport> {
        checkChange("Google Cloud DNS", zoneName, GOOGLE_DNS_LIMITS, change);
        const rrdataBytes = [...change.additions, ...change.deletions].reduce((n, s) => n + s.values.reduce((m, v) => m + Buffer.byteLength(v), 0), 0);
        if (rrdataBytes > GOOGLE_MAX_RRDATA_BYTES_PER_CHANGE) {
            throw new DnsBackendError("Google Cloud DNS", "InvalidChange", `change refused before any call: ${rrdataBytes} rrdata bytes exceed the limit of ${GOOGLE_MAX_RRDATA_BYTES_PER_CHANGE} per change`);
        }
        if (change.additions.length === 0 && change.deletions.length === 0) {
            return { writeRequests: 0, pollRequests: 0 };
        }
        const z = await call("connect", zone);
        const toRecord = (s: BackendRecordSet) => z.record(s.type.toLowerCase(), { name: s.name, ttl: s.ttl, data: [...s.values] });
        let created: ChangeMetadata;
        try {
            const [, response] = (await z.createChange({ add: change.additions.map(toRecord), delete: change.deletions.map(toRecord) })) as unknown as [unknown, ChangeMetadata];
            created = response;
        } catch (e) {
            throw liveStateChangedReason(e) ?? googleError(e, "create change");
        }
        let status = created.status;
        let pollRequests = 0;
        let wait = options.pollIntervalMs ?? 1000;
        const deadline = Date.now() + (options.pollTimeoutMs ?? 300_000);
        while (status !== "done") {
            if (Date.now() + wait > deadline) {
                throw new DnsBackendError(
                    "Google Cloud DNS",
                    "ChangePending",
                    `change ${created.id} was accepted (applied atomically) but is still "${status}" after ${options.pollTimeoutMs ?? 300_000} ms; Cloud DNS finishes it on its own, a re-run verifies`,
                );
            }
            await sleep(wait);
            wait = Math.min(wait * 2, 10_000);
            pollRequests++;
            const [metadata] = (await call(`poll change ${created.id}`, () => z.change(created.id!).getMetadata())) as unknown as [ChangeMetadata];
            status = metadata.status;
        }
        return { writeRequests: 1, pollRequests };
    }

    return { backend: "google", zoneName, limits: GOOGLE_DNS_LIMITS, listZone, listNames, apply };
}
