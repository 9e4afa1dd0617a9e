/**
 * DnsRecordSyncProvider: Route53RecordSync's record-sync core (validate, registry, ownership,
 * plan — the same ExternalDNS TXT registry, per-instance labels and compare-and-swap handover)
 * driving an Azure DNS or Google Cloud DNS zone through the backend clients.
 *
 * Each create/update/delete plans from the LIVE zone. A change the backend refuses because the
 * zone moved on since it was read (`LiveStateChangedError`: Azure 412 on an etag, Cloud DNS
 * 409/412/404) makes the call read and plan again (at most MAX_ROUNDS). Any failure after a write
 * was sent throws the SDK's partial-state error with the state re-read live, so the engine records
 * what now exists. Google applies one atomic change per batch; Azure writes record set by record
 * set in the order `azurePhases` gives (markers cover their records at every instant).
 *
 * Serialized into the state by Pulumi: only pure functions are captured; the cloud SDKs are
 * required inside the backend clients at call time.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createAzureDnsClient } from "./azure/client";
import type { BackendRecordSet, DnsBackendClient } from "./backend";
import { errorMessage } from "./backend";
import { azurePhases, indexLive, toChangeSet, toRrsetOf } from "./backendAdapter";
import type { LiveIndex } from "./backendAdapter";
import type { BackendCredentials, BackendInput, BackendSyncInputs } from "./backendInputs";
import { checkBackendInputs } from "./backendInputs";
import type { BatchLimits } from "./batches";
import { packBatches } from "./batches";
import { diffState } from "./diff";
import { createGoogleDnsClient } from "./google/client";
import { withoutDot } from "./names";
import type { Registries } from "./ownership";
import { heldKeysInZone, indexZone, namesToRead, ownedView } from "./ownership";
import type { Conflict, Plan } from "./plan";
import { planChanges, registryOf } from "./plan";
import { recordKey } from "./records";
import { INSTANCE_ID_LENGTH } from "./registry";
import type { Key } from "./state";
import { hasRecordList, markerCodec, previousRegistry, stateHeldKeys, stateInstance, stateRegistries } from "./state";
import type { ChangeCounts, NormalizedRecord, Policy } from "./types";
import { containsUnknown } from "./validate";
import { partialStateError } from "../shared/partialState";

type Props = Record<string, unknown>;

const MAX_ROUNDS = 3;
const NO_CHANGES: ChangeCounts = { create: 0, upsert: 0, delete: 0 };

/** Google's per-change rrdata budget; Azure writes sets one by one, so only the count matters. */
const MAX_VALUE_CHARS_PER_CHANGE = 100_000;

function validInputs(raw: unknown): BackendSyncInputs {
    const { inputs, failures } = checkBackendInputs(raw);
    if (failures.length > 0) throw new Error(`DnsRecordSync: invalid inputs:\n${failures.map((f) => `  - ${f.reason}`).join("\n")}`);
    if (containsUnknown(inputs)) throw new Error("DnsRecordSync: inputs still contain unknown values");
    return inputs as unknown as BackendSyncInputs;
}

/** Counts calls around a backend client. */
interface CountingBackend {
    readonly client: DnsBackendClient;
    readonly calls: () => { read: number; change: number };
    listZone(): Promise<BackendRecordSet[]>;
    listNames(names: readonly string[]): Promise<BackendRecordSet[]>;
}

/** The backend client for a zone; the clients require their SDK modules on first call, never at module load. */
export function openBackend(backend: BackendInput, credentials: BackendCredentials | undefined, zoneName: string): CountingBackend {
    let client: DnsBackendClient;
    if (backend.kind === "azure") {
        const secret = credentials?.clientSecret ? { tenantId: String(credentials.tenantId), clientId: String(credentials.clientId), clientSecret: credentials.clientSecret } : undefined;
        client = createAzureDnsClient({
            subscriptionId: backend.subscriptionId,
            resourceGroup: backend.resourceGroup,
            zoneName,
            clientSecret: secret,
            endpoint: backend.endpoint,
            authorityHost: backend.authorityHost,
            disableInstanceDiscovery: backend.disableInstanceDiscovery,
        });
    } else {
        client = createGoogleDnsClient({
            project: backend.project,
            managedZone: backend.managedZone,
            zoneName,
            serviceAccountKey: credentials?.serviceAccountKey,
            apiEndpoint: backend.apiEndpoint,
            tokenEndpoint: backend.tokenEndpoint,
            pollIntervalMs: backend.pollIntervalMs,
        });
    }
    let read = 0;
    let change = 0;
    const pages = (n: number) => Math.max(1, Math.ceil(n / client.limits.listPageSize));
    return {
        client: {
            ...client,
            listZone: client.listZone,
            listNames: client.listNames,
            apply: async (c) => {
                const report = await client.apply(c);
                change += report.writeRequests;
                return report;
            },
        },
        calls: () => ({ read, change }),
        async listZone() {
            const sets = await client.listZone();
            read += pages(sets.length);
            return sets;
        },
        async listNames(names) {
            read += names.length * client.limits.readCallsPerName;
            return client.listNames(names);
        },
    };
}

export function backendZoneKey(backend: BackendInput): string {
    return backend.kind === "azure" ? `azure/${backend.subscriptionId}/${backend.resourceGroup}` : `google/${backend.project}/${backend.managedZone}`;
}

function sameZone(olds: Props, inputs: BackendSyncInputs): boolean {
    const old = olds.backend as BackendInput | undefined;
    return olds.zoneName === inputs.zoneName && old !== undefined && backendZoneKey(old) === backendZoneKey(inputs.backend);
}

function newInstanceId(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto: typeof import("crypto") = require("crypto");
    return crypto.randomBytes(INSTANCE_ID_LENGTH / 2).toString("hex");
}

function unionKeys(...lists: ReadonlyArray<readonly Key[]>): Key[] {
    const out = new Map<string, Key>();
    for (const k of lists.flat()) out.set(recordKey(k.name, k.type), { name: k.name, type: k.type });
    return [...out.values()];
}

const fqdnsOf = (records: readonly NormalizedRecord[]): string[] => [...new Set(records.map((r) => withoutDot(r.name)))];

type Failure = Error & { readonly syncFailure: true; readonly mayHaveChanged: boolean };
const failure = (message: string, mayHaveChanged: boolean): Failure => Object.assign(new Error(message), { syncFailure: true as const, mayHaveChanged });
const isFailure = (e: unknown): e is Failure => e instanceof Error && (e as Partial<Failure>).syncFailure === true;
const isLiveStateChanged = (e: unknown): boolean => (e as { code?: string } | null)?.code === "LiveStateChanged";
const appliedBy = (e: unknown): number => Number((e as { applied?: number } | null)?.applied ?? 0);

interface Ctx {
    readonly api: CountingBackend;
    readonly where: string;
    readonly registries: Registries;
    readonly owner: string;
    readonly encode?: Parameters<typeof planChanges>[0]["encode"];
    readonly encrypted: boolean;
    readonly read: () => Promise<BackendRecordSet[]>;
}

function conflictMessage(ctx: Ctx, conflicts: readonly Conflict[], sent: number): string {
    const what = sent === 0 ? "nothing was changed" : `${sent} change(s) applied before the zone changed under this sync; nothing more was changed`;
    return (
        `DnsRecordSync: ${conflicts.length} conflict(s) in ${ctx.where} for owner "${ctx.owner}"; ${what}:\n${conflicts.map((c) => `  - ${c.reason}`).join("\n")}\n` +
        `Records without this owner's ExternalDNS TXT marker are never modified or deleted. Remove them, hand them over ` +
        `(marker "heritage=external-dns,external-dns/owner=${ctx.owner}"), or leave them out of records.`
    );
}

/** Applies a plan: per batch one atomic change (Google) or the Azure phases. Returns the writes sent. */
async function applyPlan(ctx: Ctx, plan: Plan, live: LiveIndex): Promise<{ sent: number; replan?: Error }> {
    const { limits } = ctx.api.client;
    const batchLimits: BatchLimits = { maxRecords: limits.maxRecordSetsPerChange, maxValueChars: MAX_VALUE_CHARS_PER_CHANGE };
    const steps = packBatches(plan.groups, batchLimits).flatMap((batch) => (limits.atomicChanges ? [batch] : azurePhases(batch, ctx.registries.decode)));
    let sent = 0;
    for (let i = 0; i < steps.length; i++) {
        try {
            const report = await ctx.api.client.apply(toChangeSet(steps[i], live));
            sent += Math.max(1, report.writeRequests);
        } catch (err) {
            const message = errorMessage(err);
            const text = `DnsRecordSync: change ${i + 1} of ${steps.length} in ${ctx.where} failed: ${message}\nRunning the update again continues from the live zone.`;
            if (isLiveStateChanged(err)) return { sent: sent + 1, replan: new Error(text) };
            throw failure(text, sent > 0 || appliedBy(err) > 0);
        }
    }
    return { sent };
}

/** Read → plan → apply until a plan applies completely. */
async function converge(ctx: Ctx, desired: readonly NormalizedRecord[], previousOf: (live: readonly BackendRecordSet[]) => readonly Key[], policy: Policy, legacyAliasMarkers: boolean): Promise<ChangeCounts> {
    let counts = NO_CHANGES;
    let sent = 0;
    try {
        for (let round = 1; ; round++) {
            const live = await ctx.read();
            const zone = indexZone(ctx.api.client.zoneName, live.map(toRrsetOf));
            const plan = planChanges({ zone, desired, previous: previousOf(live), registries: ctx.registries, policy, encode: ctx.encode, encrypted: ctx.encrypted, legacyAliasMarkers });
            if (round === 1) counts = plan.counts;
            if (plan.conflicts.length > 0) throw failure(conflictMessage(ctx, plan.conflicts, sent), sent > 0);
            const applied = await applyPlan(ctx, plan, indexLive(live));
            sent += applied.sent;
            if (!applied.replan) return counts;
            if (round >= MAX_ROUNDS) throw failure(applied.replan.message, true);
        }
    } catch (err) {
        if (isFailure(err)) throw sent > 0 && !err.mayHaveChanged ? failure(err.message, true) : err;
        throw failure(errorMessage(err), sent > 0);
    }
}

function describeZone(backend: BackendInput, zoneName: string): string {
    return backend.kind === "azure" ? `Azure DNS zone ${zoneName} (resource group ${backend.resourceGroup})` : `Cloud DNS managed zone ${backend.managedZone} (${zoneName}, project ${backend.project})`;
}

function readerFor(api: CountingBackend, zoneName: string, keys: readonly Key[], registries: Registries): () => Promise<BackendRecordSet[]> {
    const names = namesToRead(keys, zoneName, registries);
    return () => api.listNames(names.map((n) => (n.endsWith(".") ? n : `${n}.`)));
}

async function syncZone(inputs: BackendSyncInputs, raw: Props, olds: Props | undefined, id: string | undefined): Promise<Props> {
    const api = openBackend(inputs.backend, inputs.credentials, inputs.zoneName);
    const same = olds !== undefined && sameZone(olds, inputs);
    const instanceId = (olds && stateInstance(olds)) ?? newInstanceId();
    const codec = markerCodec(inputs.txtEncryptionKey, olds?.txtEncryptionKey);
    const registries: Registries = { current: registryOf(inputs), previous: olds ? previousRegistry(olds) : undefined, instance: instanceId, decode: codec.decode };
    const previous = olds && same ? stateHeldKeys(olds) : [];
    const readKeys = unionKeys(inputs.records, previous);
    const ctx: Ctx = {
        api,
        where: describeZone(inputs.backend, inputs.zoneName),
        registries,
        owner: inputs.ownerId,
        encode: codec.encode,
        encrypted: codec.encrypted,
        read: readerFor(api, inputs.zoneName, readKeys, registries),
    };
    const base = { ...inputs, instanceId };
    try {
        const counts = await converge(ctx, inputs.records, () => previous, inputs.policy, inputs.markerCompat === "pre-v0.22");
        const kept = inputs.policy === "sync" ? [] : previous;
        return { ...base, records: inputs.records, fqdns: fqdnsOf(inputs.records), changeCounts: counts, apiCalls: api.calls(), claims: unionKeys(inputs.records, kept) };
    } catch (err) {
        if (!isFailure(err) || !err.mayHaveChanged) throw isFailure(err) ? new Error(err.message) : err;
        const state = await liveState(ctx, readKeys).catch(() => ({ records: olds && same && Array.isArray(olds.records) ? (olds.records as NormalizedRecord[]) : [], claims: readKeys }));
        const migrating = registries.previous && JSON.stringify(registries.previous) !== JSON.stringify(registries.current) ? { migratingFrom: registries.previous } : {};
        const properties = { ...base, ...state, ...migrating, fqdns: fqdnsOf(state.records), changeCounts: NO_CHANGES, apiCalls: api.calls() };
        throw partialStateError(
            `${err.message}\nThe state now records what this resource holds in the zone; the next "pulumi up" continues from there and "pulumi destroy" removes it.`,
            id ?? `${backendZoneKey(inputs.backend)}/${inputs.zoneName}/${inputs.ownerId}`,
            properties,
            raw,
        );
    }
}

async function liveState(ctx: Ctx, keys: readonly Key[]): Promise<{ records: NormalizedRecord[]; claims: Key[] }> {
    const live = await ctx.read();
    const view = ownedView(indexZone(ctx.api.client.zoneName, live.map(toRrsetOf)), keys, ctx.registries);
    return { records: view.records, claims: view.claims };
}

const isZoneGone = (e: unknown): boolean => (e as { status?: number } | null)?.status === 404;

/** Implements DnsRecordSync (Azure DNS, Google Cloud DNS); constructible without arguments. */
export class DnsRecordSyncProvider implements pulumi.dynamic.ResourceProvider {
    async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
        return checkBackendInputs(news);
    }

    /** Another zone (zone name, or the backend's subscription/resource group, project/managed zone) is a replacement; never delete-first (see Route53RecordSyncProvider.diff). */
    async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
        const { changes, replaces } = diffState(olds, news);
        const oldBackend = olds.backend as BackendInput | undefined;
        const newBackend = news.backend as BackendInput | undefined;
        const keyOf = (b: BackendInput | undefined) => (b && !containsUnknown(b) ? backendZoneKey(b) : undefined);
        if (keyOf(oldBackend) !== keyOf(newBackend) && !containsUnknown(newBackend)) replaces.push("backend");
        const moved = JSON.stringify(oldBackend) !== JSON.stringify(newBackend) || JSON.stringify(olds.credentials ?? null) !== JSON.stringify(news.credentials ?? null);
        return { changes: changes || replaces.length > 0 || moved, replaces, deleteBeforeReplace: false };
    }

    async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
        const checked = validInputs(inputs);
        const outs = await syncZone(checked, inputs, undefined, undefined);
        return { id: `${backendZoneKey(checked.backend)}/${checked.zoneName}/${checked.ownerId}`, outs };
    }

    async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: await syncZone(validInputs(news), news, olds, id) };
    }

    /** Live records this instance holds; a zone that no longer exists reads as deleted. */
    async read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult> {
        const state = props ?? {};
        const registries = stateRegistries(state);
        if (typeof state.zoneName !== "string" || !registries || typeof state.backend !== "object") return { id, props: state };
        const api = openBackend(state.backend as BackendInput, state.credentials as BackendCredentials | undefined, state.zoneName);
        try {
            const keys = stateHeldKeys(state);
            const live = await readerFor(api, state.zoneName, keys, registries)();
            const view = ownedView(indexZone(api.client.zoneName, live.map(toRrsetOf)), keys, registries);
            return { id, props: { ...state, records: view.records, claims: view.claims, fqdns: fqdnsOf(view.records), changeCounts: NO_CHANGES, apiCalls: api.calls() } };
        } catch (err) {
            if (isZoneGone(err)) return { id: "", props: {} };
            throw new Error(`DnsRecordSync: reading ${describeZone(state.backend as BackendInput, state.zoneName)} failed: ${errorMessage(err)}`);
        }
    }

    /** Removes what this instance holds, found from a full listing of the zone; anything else stays. */
    async delete(_id: string, props: Props): Promise<void> {
        const registries = stateRegistries(props);
        if (typeof props.zoneName !== "string" || !registries || typeof props.backend !== "object") return;
        const backend = props.backend as BackendInput;
        const api = openBackend(backend, props.credentials as BackendCredentials | undefined, props.zoneName);
        const thin = !hasRecordList(props);
        const listed = stateHeldKeys(props);
        const ctx: Ctx = { api, where: describeZone(backend, props.zoneName), registries, owner: registries.current.ownerId, encrypted: false, read: () => api.listZone() };
        const zoneName = api.client.zoneName;
        const held = (live: readonly BackendRecordSet[]): Key[] => unionKeys(listed, heldKeysInZone(indexZone(zoneName, live.map(toRrsetOf)), registries, thin));
        try {
            await converge(ctx, [], held, "sync", false);
        } catch (err) {
            if (isFailure(err) && /not found \(404\)/.test(err.message) && !err.mayHaveChanged) return; // the zone and everything in it are gone
            throw isFailure(err) ? new Error(`${err.message}\nThe resource stays in the state; run "pulumi destroy" again.`) : err;
        }
    }
}
