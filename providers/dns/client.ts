/**
 * The thin Route53 client of the sync: zone lookup, listings and change requests, nothing else.
 *
 * - The SDK is required inside `createRoute53Api` (never captured by the serialized provider), and
 *   a new client is built per provider operation, so AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_ROUTE_53,
 *   profiles and roles are read from the environment at call time (standard SDK chain).
 * - Retries: SDK v3 `adaptive` mode (Throttling and PriorRequestNotComplete are throttling errors
 *   to it, 5xx and dropped connections transient ones), 8 attempts unless AWS_MAX_ATTEMPTS says
 *   otherwise.
 * - Rate cap: every attempt waits for a process-wide slot, 4 per second by default, below
 *   Route53's 5 requests/second per account. `EIM_ROUTE53_MAX_RPS` overrides it (tests against
 *   moto raise it); `EIM_ROUTE53_CALL_LOG=<file>` appends one line per call to the file (see
 *   `callLogLine`), so tests can count calls even through the dynamic-provider host.
 */
import { appendFileSync } from "fs";
import type * as Route53Sdk from "@aws-sdk/client-route-53";
import type { ApiCallCounts, Change, Rrset } from "./types";
import { normalizeDomain, normalizeListedName } from "./names";

export const DEFAULT_MAX_RPS = 4;
export const DEFAULT_MAX_ATTEMPTS = 8;
const MAX_PAGES = 1000;
const NAME_PAGE_SIZE = 20;

export interface ResolvedZone {
    readonly zoneId: string;
    readonly zoneName: string;
    /** ResourceRecordSetCount as Route53 reports it. */
    readonly recordCount: number;
}

export interface Route53Api {
    /** Finds the hosted zone (by pinned id, or by name and privateness) and its record count. */
    resolveZone(zoneName: string, zoneId: string | undefined, privateZone: boolean): Promise<ResolvedZone>;
    /** Every record set of the zone. */
    listZone(zoneId: string): Promise<Rrset[]>;
    /** The record sets at the given (normalized) names, one listing per name. */
    listNames(zoneId: string, names: readonly string[]): Promise<Rrset[]>;
    /** Submits one ChangeBatch; returns the change id. */
    change(zoneId: string, changes: readonly Change[], comment: string): Promise<string>;
    /** Calls made so far, by kind. */
    calls(): ApiCallCounts;
    destroy(): void;
}

const ZONE_NOT_FOUND = "ZoneNotFound";

/** An error for a hosted zone that does not exist; callers decide whether that is fatal. */
function zoneNotFound(message: string): Error {
    const err = new Error(message);
    err.name = ZONE_NOT_FOUND;
    return err;
}

/**
 * A change request the SDK retried and Route53 then refused as invalid: the
 * usual cause is an earlier attempt that was applied but whose response was
 * lost, so the retry finds its CREATEs done. Re-planning from the live zone
 * tells the two apart.
 */
export function mayHaveBeenApplied(err: unknown): boolean {
    const { code, attempts } = (err ?? {}) as { code?: string; attempts?: number };
    return code === "InvalidChangeBatch" && (attempts ?? 1) > 1;
}

/**
 * False only when Route53 answered that it refused the request (a 4xx other than throttling):
 * a 5xx, a dropped connection or a timeout may have been applied before the answer was lost.
 */
export function mayHaveApplied(err: unknown): boolean {
    const { status, code } = (err ?? {}) as { status?: number; code?: string };
    return status === undefined || status >= 500 || code === "Throttling" || code === "PriorRequestNotComplete";
}

export function isZoneNotFound(err: unknown): boolean {
    return err instanceof Error && err.name === ZONE_NOT_FOUND;
}

/** Requests per second allowed by EIM_ROUTE53_MAX_RPS (default 4; "unlimited" disables the cap). */
export function maxRequestsPerSecond(env: Record<string, string | undefined> = process.env): number {
    const raw = env.EIM_ROUTE53_MAX_RPS;
    if (raw === undefined || raw.trim() === "") return DEFAULT_MAX_RPS;
    if (raw.trim() === "unlimited") return Infinity;
    const value = Number(raw);
    if (!(value > 0) || !Number.isFinite(value)) {
        throw new Error(`EIM_ROUTE53_MAX_RPS must be a number > 0 or "unlimited", got ${JSON.stringify(raw)}`);
    }
    return value;
}

interface SlotState {
    next: number;
}

/**
 * Waits for the next request slot. The state lives on globalThis, so every Route53RecordSync in
 * the process (Pulumi runs resources in parallel) shares one cap: at most one request every
 * 1/rps seconds, hence never more than rps + 1 in any one-second window. Resolves at the
 * slot's time and returns it.
 */
export async function acquireRequestSlot(now: () => number = Date.now): Promise<number> {
    const rps = maxRequestsPerSecond();
    if (rps === Infinity) return now();
    const key = Symbol.for("eks-ingress-mesh/route53-request-slot");
    const registry = globalThis as unknown as Record<symbol, SlotState | undefined>;
    const state = registry[key] ?? (registry[key] = { next: 0 });
    const t = now();
    const at = Math.max(t, state.next);
    state.next = at + 1000 / rps;
    if (at > t) {
        await new Promise((resolve) => setTimeout(resolve, at - t));
    }
    return at;
}

/**
 * One line per call for EIM_ROUTE53_CALL_LOG: the action, and for change requests every change in
 * order, e.g. `ChangeResourceRecordSets DELETE www.example.com. CNAME|CREATE www.example.com. A`.
 */
export function callLogLine(command: string, input: unknown): string {
    const action = command.replace(/Command$/, "");
    const changes = (input as { ChangeBatch?: { Changes?: Array<{ Action?: string; ResourceRecordSet?: { Name?: string; Type?: string } }> } })?.ChangeBatch?.Changes;
    return changes ? `${action} ${changes.map((c) => `${c.Action} ${c.ResourceRecordSet?.Name} ${c.ResourceRecordSet?.Type}`).join("|")}` : action;
}

function describeError(err: unknown): string {
    if (err instanceof Error) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        return `${err.name}${status ? ` (HTTP ${status})` : ""}: ${err.message}`;
    }
    return String(err);
}

function toRrset(r: Route53Sdk.ResourceRecordSet): Rrset {
    return {
        Name: r.Name ?? "",
        Type: r.Type ?? "",
        ...(r.TTL === undefined ? {} : { TTL: r.TTL }),
        ...(r.ResourceRecords ? { ResourceRecords: r.ResourceRecords.map((v) => ({ Value: v.Value ?? "" })) } : {}),
        ...(r.AliasTarget
            ? { AliasTarget: { HostedZoneId: r.AliasTarget.HostedZoneId ?? "", DNSName: r.AliasTarget.DNSName ?? "", EvaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth === true } }
            : {}),
        ...(r.SetIdentifier === undefined ? {} : { SetIdentifier: r.SetIdentifier }),
    };
}

function stripZonePrefix(id: string): string {
    return id.replace(/^\/?hostedzone\//, "");
}

/** Route53 in another account: the role to assume (with STS AssumeRole, from the SDK's default chain) and its external id. */
export interface Route53AssumeRole {
    readonly assumeRoleArn?: string;
    readonly externalId?: string;
}

/** Builds a client for one provider operation. */
export async function createRoute53Api(options: Route53AssumeRole = {}): Promise<Route53Api> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk: typeof Route53Sdk = require("@aws-sdk/client-route-53");
    const counts = { read: 0, change: 0 };
    const callLog = process.env.EIM_ROUTE53_CALL_LOG;
    const maxAttempts = Number(process.env.AWS_MAX_ATTEMPTS) || DEFAULT_MAX_ATTEMPTS;
    maxRequestsPerSecond(); // fail fast on a malformed setting

    const credentials = options.assumeRoleArn ? assumedRoleCredentials(options.assumeRoleArn, options.externalId) : undefined;
    const build = (region?: string): Route53Sdk.Route53Client =>
        new sdk.Route53Client({ retryMode: "adaptive", maxAttempts, ...(region ? { region } : {}), ...(credentials ? { credentials } : {}) });
    let client = build();
    // Route53 is global; without a configured region, sign for us-east-1 rather than fail.
    try {
        await client.config.region();
    } catch {
        client.destroy();
        client = build("us-east-1");
    }
    client.middlewareStack.add(
        (next, context) => async (args) => {
            const command = context.commandName ?? "unknown";
            if (command === "ChangeResourceRecordSetsCommand") counts.change++;
            else counts.read++;
            if (callLog) appendFileSync(callLog, `${callLogLine(command, args.input)}\n`);
            return next(args);
        },
        { step: "initialize", name: "eimRoute53CallCounter" },
    );
    // inside the retry loop, so every attempt (retries included) takes a slot
    const rateCap = ((next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        await acquireRequestSlot();
        return next(args);
    }) as unknown as Parameters<typeof client.middlewareStack.addRelativeTo>[0];
    client.middlewareStack.addRelativeTo(rateCap, { relation: "after", toMiddleware: "retryMiddleware", name: "eimRoute53RateCap" });

    const send = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
        try {
            return await call();
        } catch (err) {
            if (err instanceof Error && err.name === "NoSuchHostedZone") throw zoneNotFound(`Route53 ${what}: ${describeError(err)}`);
            // Keep what callers need to judge the failure: the error code and how many attempts the SDK made.
            const metadata = (err as { $metadata?: { attempts?: number; httpStatusCode?: number } }).$metadata;
            throw Object.assign(new Error(`Route53 ${what} failed: ${describeError(err)}`), {
                code: err instanceof Error ? err.name : "Unknown",
                attempts: metadata?.attempts ?? 1,
                status: metadata?.httpStatusCode,
            });
        }
    };

    const listPages = async (zoneId: string, start: { name?: string; type?: string }, pageSize: number, keep: (name: string) => "keep" | "skip" | "stop"): Promise<Rrset[]> => {
        const result: Rrset[] = [];
        let name = start.name;
        let type = start.type;
        let identifier: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
            const out = await send(`ListResourceRecordSets (zone ${zoneId})`, () =>
                client.send(
                    new sdk.ListResourceRecordSetsCommand({
                        HostedZoneId: zoneId,
                        MaxItems: pageSize,
                        ...(name ? { StartRecordName: name } : {}),
                        ...(name && type ? { StartRecordType: type as Route53Sdk.RRType } : {}),
                        ...(name && identifier ? { StartRecordIdentifier: identifier } : {}),
                    }),
                ),
            );
            for (const r of out.ResourceRecordSets ?? []) {
                const verdict = keep(normalizeListedName(r.Name ?? ""));
                if (verdict === "stop") return result;
                if (verdict === "keep") result.push(toRrset(r));
            }
            if (!out.IsTruncated || !out.NextRecordName) return result;
            if (keep(normalizeListedName(out.NextRecordName)) === "stop") return result;
            name = out.NextRecordName;
            type = out.NextRecordType;
            identifier = out.NextRecordIdentifier;
        }
        throw new Error(`Route53 ListResourceRecordSets (zone ${zoneId}): more than ${MAX_PAGES} pages`);
    };

    return {
        async resolveZone(zoneName, zoneId, privateZone) {
            const kind = privateZone ? "private" : "public";
            if (zoneId) {
                const out = await send(`GetHostedZone ${zoneId}`, () => client.send(new sdk.GetHostedZoneCommand({ Id: zoneId })));
                const zone = out.HostedZone;
                const actual = normalizeDomain(zone?.Name ?? "");
                if (!zone || !actual.ok || actual.name !== zoneName) {
                    throw new Error(`hosted zone ${zoneId} is "${zone?.Name ?? "?"}", not "${zoneName}" (zoneId and zoneName must name the same zone)`);
                }
                if ((zone.Config?.PrivateZone ?? false) !== privateZone) {
                    throw new Error(`hosted zone ${zoneId} (${zoneName}) is not a ${kind} zone (set privateZone: ${!privateZone})`);
                }
                return { zoneId: stripZonePrefix(zone.Id ?? zoneId), zoneName, recordCount: zone.ResourceRecordSetCount ?? 0 };
            }
            const matches: Route53Sdk.HostedZone[] = [];
            let dnsName: string | undefined = zoneName;
            let hostedZoneId: string | undefined;
            for (let page = 0; page < MAX_PAGES && dnsName; page++) {
                const out = await send(`ListHostedZonesByName ${zoneName}`, () =>
                    client.send(new sdk.ListHostedZonesByNameCommand({ DNSName: dnsName, HostedZoneId: hostedZoneId, MaxItems: 100 })),
                );
                const zones = out.HostedZones ?? [];
                const same = zones.filter((z) => normalizeListedName(z.Name ?? "") === zoneName);
                matches.push(...same.filter((z) => (z.Config?.PrivateZone ?? false) === privateZone));
                // results are sorted by name: stop once they move past ours
                if (!out.IsTruncated || same.length < zones.length) break;
                dnsName = out.NextDNSName;
                hostedZoneId = out.NextHostedZoneId;
            }
            if (matches.length === 0) {
                throw zoneNotFound(`no ${kind} hosted zone named ${zoneName} was found (check zoneName and privateZone, or pin zoneId)`);
            }
            if (matches.length > 1) {
                throw new Error(`${matches.length} ${kind} hosted zones are named ${zoneName} (${matches.map((z) => stripZonePrefix(z.Id ?? "")).join(", ")}); pin one with zoneId`);
            }
            const zone = matches[0];
            return { zoneId: stripZonePrefix(zone.Id ?? ""), zoneName, recordCount: zone.ResourceRecordSetCount ?? 0 };
        },

        listZone(zoneId) {
            return listPages(zoneId, {}, 300, () => "keep");
        },

        async listNames(zoneId, names) {
            const result: Rrset[] = [];
            for (const name of names) {
                result.push(...(await listPages(zoneId, { name }, NAME_PAGE_SIZE, (listed) => (listed === name ? "keep" : "stop"))));
            }
            return result;
        },

        async change(zoneId, changes, comment) {
            const out = await send(`ChangeResourceRecordSets (zone ${zoneId}, ${changes.length} changes)`, () =>
                client.send(
                    new sdk.ChangeResourceRecordSetsCommand({
                        HostedZoneId: zoneId,
                        ChangeBatch: {
                            Comment: comment,
                            Changes: changes.map((c) => ({ Action: c.action, ResourceRecordSet: c.rrset as Route53Sdk.ResourceRecordSet })),
                        },
                    }),
                ),
            );
            return out.ChangeInfo?.Id ?? "";
        },

        calls: () => ({ ...counts }),
        destroy: () => client.destroy(),
    };
}

/**
 * Temporary credentials of `roleArn` (STS AssumeRole signed with the default credential chain:
 * static keys, profile, IRSA / web identity, instance role), refreshed before they expire.
 */
function assumedRoleCredentials(roleArn: string, externalId: string | undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const providers: typeof import("@aws-sdk/credential-providers") = require("@aws-sdk/credential-providers");
    return providers.fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: "eks-ingress-mesh-record-sync", ...(externalId ? { ExternalId: externalId } : {}) },
        // STS is regional; without a configured region the global endpoint's region signs
        clientConfig: { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1" },
    });
}
