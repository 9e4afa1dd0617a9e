/**
 * Route53RecordSyncProvider: the glue between Pulumi's dynamic-provider protocol and the pure
 * modules (validate, ownership, plan, batches). Every create/update/delete plans from the LIVE
 * zone, so a re-run after any failure continues from what Route53 actually holds.
 *
 * Lifecycle rules (see README "What each Pulumi operation does"):
 * - each resource instance gets an id on create (`instanceId`), written into every marker it holds;
 *   it deletes only records whose marker still names it, read in the same call, with DELETEs that
 *   repeat the exact live values, so a takeover in between makes the request fail as a whole and
 *   the call plans again from the live zone;
 * - a create or update that may have changed anything before failing throws the SDK's
 *   partial-state error carrying the live state, so the engine records what now exists;
 * - refresh reports a gone zone as gone (empty id); delete finds what it holds from a full listing
 *   of the zone, so thin, old or interrupted states leave nothing behind.
 *
 * Pulumi serializes this class and everything it references into the state; it captures only
 * pure functions. The AWS SDK is required inside `createRoute53Api` at call time.
 */
import type * as pulumi from "@pulumi/pulumi";
import { packBatches } from "./batches";
import type { ResolvedZone, Route53Api } from "./client";
import { createRoute53Api, isZoneNotFound, mayHaveApplied, mayHaveBeenApplied } from "./client";
import { diffState } from "./diff";
import { normalizeListedName, withoutDot } from "./names";
import type { Registries } from "./ownership";
import { heldKeysInZone, indexZone, namesToRead, ownedView } from "./ownership";
import type { Conflict, Plan } from "./plan";
import { planChanges, registryOf } from "./plan";
import type { StateDelta } from "./delta";
import { stateDelta, withLiveNames } from "./delta";
import { chooseReadStrategy } from "./readStrategy";
import { isManagedType, keyFields, keyOf, resolveSameZoneAliases } from "./records";
import type { Registry } from "./registry";
import { INSTANCE_ID_LENGTH } from "./registry";
import type { Key } from "./state";
import { hasRecordList, markerCodec, previousRegistry, stateHeldKeys, stateInstance, stateRegistries } from "./state";
import type { ChangeCounts, NormalizedInputs, NormalizedRecord, RecordSyncOutputs, Rrset } from "./types";
import { weightStepFailures } from "./routing";
import { checkInputs, containsUnknown } from "./validate";
import { partialStateError } from "../shared/partialState";

type Props = Record<string, unknown>;

/** Rounds of read → plan → apply when a request is refused because the zone changed under it. */
const MAX_ROUNDS = 3;

/** Checked inputs, or an error naming every problem (for create/update called without check). */
function validInputs(raw: unknown): NormalizedInputs {
    const { inputs, failures } = checkInputs(raw);
    if (failures.length > 0) {
        throw new Error(`Route53RecordSync: invalid inputs:\n${failures.map((f) => `  - ${f.reason}`).join("\n")}`);
    }
    if (containsUnknown(inputs)) {
        throw new Error("Route53RecordSync: inputs still contain unknown values");
    }
    return inputs as unknown as NormalizedInputs;
}

/** A new instance id: random lower-case hex. */
export function newInstanceId(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto: typeof import("crypto") = require("crypto");
    return crypto.randomBytes(INSTANCE_ID_LENGTH / 2).toString("hex");
}

/** The zone a state was synced into, or undefined when it no longer exists. */
async function stateZone(api: Route53Api, state: Props): Promise<ResolvedZone | undefined> {
    try {
        return await api.resolveZone(String(state.zoneName), typeof state.zoneId === "string" ? state.zoneId : undefined, state.privateZone === true);
    } catch (err) {
        if (isZoneNotFound(err)) return undefined;
        throw err;
    }
}

function fqdnsOf(records: readonly NormalizedRecord[]): string[] {
    return [...new Set(records.map((r) => withoutDot(r.name)))];
}

function unionKeys(...lists: ReadonlyArray<readonly Key[]>): Key[] {
    const out = new Map<string, Key>();
    for (const k of lists.flat()) out.set(keyOf(k), keyFields(k));
    return [...out.values()];
}

async function readLive(api: Route53Api, zone: ResolvedZone, keys: readonly Key[], registries: Registries): Promise<Rrset[]> {
    const names = namesToRead(keys, zone.zoneName, registries);
    const strategy = chooseReadStrategy(zone.recordCount, names.length);
    return strategy.kind === "zone" ? api.listZone(zone.zoneId) : api.listNames(zone.zoneId, names);
}

/**
 * The first round of an incremental update: the zone as the previous state says it is at the
 * changed names, with the names where a record is to be created read live (and, when something
 * already lives there, the markers deciding who owns it).
 */
async function readAssumed(api: Route53Api, zone: ResolvedZone, delta: StateDelta, registries: Registries): Promise<Rrset[]> {
    if (delta.namesToRead.length === 0) return delta.assumed;
    if (chooseReadStrategy(zone.recordCount, delta.namesToRead.length).kind === "zone") return api.listZone(zone.zoneId);
    const live = await api.listNames(zone.zoneId, delta.namesToRead);
    const found = live.filter((r) => isManagedType(r.Type)).map((r) => ({ name: normalizeListedName(r.Name), type: r.Type }));
    const markers = namesToRead(found, zone.zoneName, registries).filter((n) => !delta.namesToRead.includes(n));
    const more = markers.length > 0 ? await api.listNames(zone.zoneId, markers) : [];
    return withLiveNames(delta.assumed, [...live, ...more], [...delta.namesToRead, ...markers]);
}

/**
 * How an update starts (EIM_ROUTE53_UPDATE_PLAN, read at call time): `state` (default) sends the
 * compare-and-swap request planned from the previous state and reads only when Route53 refuses
 * it; `read-first` reads the changed names first (one call per name) and plans from those reads.
 * Both touch only the changed names; the benchmark measures both (README "DNS benchmark").
 */
export function updatePlanMode(env: Record<string, string | undefined> = process.env): "state" | "read-first" {
    const raw = (env.EIM_ROUTE53_UPDATE_PLAN ?? "").trim();
    if (raw === "" || raw === "state") return "state";
    if (raw === "read-first") return "read-first";
    throw new Error(`EIM_ROUTE53_UPDATE_PLAN must be "state" or "read-first", got ${JSON.stringify(raw)}`);
}

/**
 * Whether an update may plan from its previous state: same zone, same marker naming and owner,
 * an instance id, a record list, plain markers written the default way (an encrypted marker's
 * nonce and the pre-v0.22 extra markers are not in the state) and no half-done migration.
 */
function incrementalEligible(inputs: NormalizedInputs, olds: Props, registries: Registries): boolean {
    return (
        hasRecordList(olds) &&
        stateInstance(olds) !== undefined &&
        olds.migratingFrom === undefined &&
        registries.previous !== undefined &&
        sameRegistry(registries.previous, registries.current) &&
        inputs.txtEncryptionKey === undefined &&
        (olds.txtEncryptionKey === undefined || olds.txtEncryptionKey === "") &&
        inputs.markerCompat !== "pre-v0.22" &&
        olds.markerCompat !== "pre-v0.22"
    );
}

function conflictMessage(zone: ResolvedZone, owner: string, conflicts: readonly Conflict[], applied: number): string {
    const lines = conflicts.map((c) => `  - ${c.reason}`).join("\n");
    const what = applied === 0 ? "nothing was changed" : `${applied} request(s) applied before the zone changed under this sync; nothing more was changed`;
    return (
        `Route53RecordSync: ${conflicts.length} conflict(s) in zone ${zone.zoneName} (${zone.zoneId}) for owner "${owner}"; ${what}:\n${lines}\n` +
        `Records without this owner's ExternalDNS TXT marker are never modified or deleted. Remove them, hand them over ` +
        `(marker "heritage=external-dns,external-dns/owner=${owner}"), or leave them out of records.`
    );
}

const NO_CHANGES: ChangeCounts = { create: 0, upsert: 0, delete: 0 };

/**
 * Why a run stopped early, and whether anything may have been written before. A plain Error with
 * a flag, not a subclass: Pulumi's closure serializer turns `super(message)` into a call that
 * leaves an Error subclass without its message.
 */
type SyncFailure = Error & { readonly syncFailure: true; readonly mayHaveChanged: boolean };

function syncFailure(message: string, mayHaveChanged: boolean): SyncFailure {
    return Object.assign(new Error(message), { syncFailure: true as const, mayHaveChanged });
}

function isSyncFailure(err: unknown): err is SyncFailure {
    return err instanceof Error && (err as Partial<SyncFailure>).syncFailure === true;
}

interface Applied {
    readonly changeIds: string[];
    /** Requests sent, failed ones included (a failed request may still have been applied). */
    readonly sent: number;
    /** Set when a request was refused in a way a fresh plan from the live zone may resolve. */
    readonly replanAfter?: Error;
}

/**
 * Sends a plan's requests in order. A request Route53 refuses as invalid was planned from a read
 * that is no longer true (another writer took a marker over, or an earlier attempt of a retried
 * request was applied): the caller plans again. Any other failure stops here.
 */
async function applyPlan(api: Route53Api, zone: ResolvedZone, plan: Plan, owner: string): Promise<Applied> {
    const batches = packBatches(plan.groups);
    const changeIds: string[] = [];
    for (let i = 0; i < batches.length; i++) {
        const comment = `eks-ingress-mesh Route53RecordSync owner=${owner} ${i + 1}/${batches.length}`.slice(0, 256);
        try {
            changeIds.push(await api.change(zone.zoneId, batches[i], comment));
        } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            const failure = new Error(
                `Route53RecordSync: change request ${i + 1} of ${batches.length} for zone ${zone.zoneName} (${zone.zoneId}) failed: ${message}\n` +
                    `${i} request(s) were applied, each complete with its ownership markers; running the update again continues from the live zone.`,
            );
            if (mayHaveBeenApplied(err)) return { changeIds, sent: i + 1, replanAfter: failure };
            // refused on its first attempt: Route53 applied nothing of it (a request is atomic)
            if ((err as { code?: string }).code === "InvalidChangeBatch") return { changeIds, sent: i, replanAfter: failure };
            throw syncFailure(failure.message, i > 0 || mayHaveApplied(err));
        }
    }
    return { changeIds, sent: batches.length };
}

interface SyncContext {
    readonly api: Route53Api;
    readonly zone: ResolvedZone;
    readonly registries: Registries;
    readonly owner: string;
    readonly encode?: Parameters<typeof planChanges>[0]["encode"];
    readonly encrypted: boolean;
    readonly legacyAliasMarkers: boolean;
    /** Reads the live records the plan needs (targeted or whole zone). */
    readonly read: () => Promise<Rrset[]>;
    /**
     * The first round's zone when it is planned from the previous state (a compare-and-swap
     * request: applied only if nothing drifted, else refused whole and planned again from `read`).
     */
    readonly assume?: () => Promise<Rrset[]>;
}

/**
 * Read → plan → apply until a plan applies completely (at most MAX_ROUNDS). Returns the change ids
 * and the first plan's counts; throws SyncFailure, saying whether anything may have changed.
 */
async function converge(
    ctx: SyncContext,
    desired: readonly NormalizedRecord[],
    previousOf: (live: readonly Rrset[]) => readonly Key[],
    policy: NormalizedInputs["policy"],
): Promise<{ changeIds: string[]; counts: ChangeCounts }> {
    const changeIds: string[] = [];
    let counts: ChangeCounts = NO_CHANGES;
    let sent = 0;
    try {
        const rounds = MAX_ROUNDS + (ctx.assume ? 1 : 0);
        for (let round = 1; ; round++) {
            const fromState = round === 1 && ctx.assume !== undefined;
            const live = fromState && ctx.assume ? await ctx.assume() : await ctx.read();
            const plan = planChanges({
                zone: indexZone(ctx.zone.zoneName, live),
                desired,
                previous: previousOf(live),
                registries: ctx.registries,
                policy,
                encode: ctx.encode,
                encrypted: ctx.encrypted,
                legacyAliasMarkers: ctx.legacyAliasMarkers,
            });
            // a refused compare-and-swap request wrote nothing: the counts are the re-plan's
            if (round === 1 || (ctx.assume && round === 2 && sent === 0)) counts = plan.counts;
            if (plan.conflicts.length > 0) {
                throw syncFailure(conflictMessage(ctx.zone, ctx.owner, plan.conflicts, changeIds.length), sent > 0);
            }
            const applied = await applyPlan(ctx.api, ctx.zone, plan, ctx.owner);
            sent += applied.sent;
            changeIds.push(...applied.changeIds);
            if (!applied.replanAfter) return { changeIds, counts };
            if (round >= rounds) throw syncFailure(applied.replanAfter.message, true);
        }
    } catch (err) {
        if (isSyncFailure(err)) throw sent > 0 && !err.mayHaveChanged ? syncFailure(err.message, true) : err;
        throw syncFailure(err instanceof Error ? err.message : String(err), sent > 0);
    }
}

/** The role the inputs or a state (read and delete get only the state) name for a zone in another account. */
function assumedRole(props: { readonly assumeRoleArn?: unknown; readonly externalId?: unknown }): { assumeRoleArn?: string; externalId?: string } {
    return {
        ...(typeof props.assumeRoleArn === "string" ? { assumeRoleArn: props.assumeRoleArn } : {}),
        ...(typeof props.externalId === "string" ? { externalId: props.externalId } : {}),
    };
}

/** Brings the zone to `inputs`; `olds` is the previous state on update, `id` its id. */
async function syncZone(inputs: NormalizedInputs, raw: Props, olds: Props | undefined, id: string | undefined): Promise<RecordSyncOutputs> {
    const api = await createRoute53Api(assumedRole(inputs));
    try {
        const sameZone = olds !== undefined && olds.zoneName === inputs.zoneName && (olds.privateZone ?? false) === inputs.privateZone;
        const pinned = inputs.zoneId ?? (sameZone && typeof olds.zoneId === "string" ? olds.zoneId : undefined);
        const zone = await api.resolveZone(inputs.zoneName, pinned, inputs.privateZone);
        const desired = resolveSameZoneAliases(inputs.records, zone.zoneId);
        const instanceId = (olds && stateInstance(olds)) ?? newInstanceId();
        const codec = markerCodec(inputs.txtEncryptionKey, olds?.txtEncryptionKey);
        const registries: Registries = {
            current: registryOf(inputs),
            previous: olds ? previousRegistry(olds) : undefined,
            instance: instanceId,
            decode: codec.decode,
        };
        const previous = olds && sameZone ? stateHeldKeys(olds) : [];
        const readKeys = unionKeys(desired, previous);
        // an update plans from what changed since the previous state; create, a zone move and
        // states that cannot say what they wrote read every name they concern
        const delta = olds && sameZone && incrementalEligible(inputs, olds, registries) ? stateDelta(olds, zone.zoneName, desired, registries, inputs.policy) : undefined;
        const ctx: SyncContext = {
            api,
            zone,
            registries,
            owner: inputs.ownerId,
            encode: codec.encode,
            encrypted: codec.encrypted,
            legacyAliasMarkers: inputs.markerCompat === "pre-v0.22",
            read: () => readLive(api, zone, delta ? delta.keys : readKeys, registries),
            ...(delta && updatePlanMode() === "state" ? { assume: () => readAssumed(api, zone, delta, registries) } : {}),
        };
        const base = { ...inputs, zoneId: zone.zoneId, instanceId };
        try {
            const { changeIds, counts } = delta
                ? await converge(ctx, delta.desired, () => delta.previous, inputs.policy)
                : await converge(ctx, desired, () => previous, inputs.policy);
            // under upsert-only / create-only, records left out stay held by this instance
            const kept = inputs.policy === "sync" ? [] : previous;
            return {
                ...base,
                records: desired,
                fqdns: fqdnsOf(desired),
                changeIds,
                changeCounts: counts,
                apiCalls: api.calls(),
                claims: unionKeys(desired, kept),
            };
        } catch (err) {
            if (!(isSyncFailure(err)) || !err.mayHaveChanged) throw isSyncFailure(err) ? new Error(err.message) : err;
            // the engine records this as the resource's state: the live truth, not the plan
            const state = await liveState(ctx, readKeys).catch(() => ({
                records: olds && sameZone ? (Array.isArray(olds.records) ? (olds.records as NormalizedRecord[]) : []) : [],
                claims: readKeys,
            }));
            // a half-done owner id / naming migration: the old registry's markers stay this resource's
            const migrating = registries.previous && !sameRegistry(registries.previous, registries.current) ? { migratingFrom: registries.previous } : {};
            const properties = { ...base, ...state, ...migrating, fqdns: fqdnsOf(state.records), changeIds: [], changeCounts: NO_CHANGES, apiCalls: api.calls() };
            throw partialStateError(
                `${err.message}\nThe state now records what this resource holds in the zone; the next "pulumi up" continues from there and "pulumi destroy" removes it.`,
                id ?? `${zone.zoneId}/${inputs.ownerId}`,
                properties,
                raw,
            );
        }
    } finally {
        api.destroy();
    }
}

function sameRegistry(a: Registry, b: Registry): boolean {
    return a.ownerId === b.ownerId && a.txtPrefix === b.txtPrefix && (a.txtSuffix ?? "") === (b.txtSuffix ?? "") && (a.wildcardReplacement ?? "") === (b.wildcardReplacement ?? "");
}

/** What this instance holds among `keys`, read live. */
async function liveState(ctx: SyncContext, keys: readonly Key[]): Promise<{ records: NormalizedRecord[]; claims: Key[] }> {
    const live = await readLive(ctx.api, ctx.zone, keys, ctx.registries);
    const view = ownedView(indexZone(ctx.zone.zoneName, live), keys, ctx.registries);
    return { records: view.records, claims: view.claims };
}

/** Implements Route53RecordSync; constructible without arguments (it carries no state). */
export class Route53RecordSyncProvider implements pulumi.dynamic.ResourceProvider {
    async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
        const { inputs, failures } = checkInputs(news);
        if (failures.length > 0) return { inputs, failures };
        return { inputs, failures: weightStepFailures(olds, inputs.records, inputs.maxWeightStep) };
    }

    /**
     * Never deleteBeforeReplace: the new instance takes the records over (rewriting their markers)
     * before the old one's delete runs, and that delete leaves alone what it no longer holds, so a
     * replacement in the same zone has no gap in DNS; across zones the two sets never overlap.
     */
    async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
        const { changes, replaces } = diffState(olds, news);
        return { changes, replaces, deleteBeforeReplace: false };
    }

    async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
        const outs = await syncZone(validInputs(inputs), inputs, undefined, undefined);
        return { id: `${outs.zoneId}/${outs.ownerId}`, outs };
    }

    async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: await syncZone(validInputs(news), news, olds, id) };
    }

    /**
     * Reports the live records this instance holds; missing or disowned ones drop out (their
     * markers stay listed in `claims` so the next update or delete removes them). A hosted zone
     * that no longer exists reads as deleted (empty id).
     */
    async read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult> {
        const state = props ?? {};
        const registries = stateRegistries(state);
        if (typeof state.zoneName !== "string" || !registries) {
            return { id, props: state };
        }
        const api = await createRoute53Api(assumedRole(state));
        try {
            const zone = await stateZone(api, state);
            if (!zone) return { id: "", props: {} };
            const keys = stateHeldKeys(state);
            const live = await readLive(api, zone, keys, registries);
            const view = ownedView(indexZone(zone.zoneName, live), keys, registries);
            return {
                id,
                props: { ...state, zoneId: zone.zoneId, records: view.records, claims: view.claims, fqdns: fqdnsOf(view.records), changeIds: [], changeCounts: NO_CHANGES, apiCalls: api.calls() },
            };
        } finally {
            api.destroy();
        }
    }

    /**
     * Removes what this instance still holds, found from a full listing of the zone: the records
     * and markers its state lists, every marker naming its instance, and (for a state without a
     * record list) every unlabelled marker of its owner. Anything else stays untouched.
     */
    async delete(_id: string, props: Props): Promise<void> {
        const registries = stateRegistries(props);
        if (typeof props.zoneName !== "string" || !registries) {
            return; // without an owner id nothing in any zone can be attributed to this state
        }
        const api = await createRoute53Api(assumedRole(props));
        try {
            const zone = await stateZone(api, props);
            if (!zone) return; // the zone and everything in it are gone
            const thin = !hasRecordList(props);
            const listed = stateHeldKeys(props);
            const ctx: SyncContext = {
                api,
                zone,
                registries,
                owner: registries.current.ownerId,
                encrypted: false,
                legacyAliasMarkers: false,
                read: () => api.listZone(zone.zoneId),
            };
            const held = (live: readonly Rrset[]): Key[] => unionKeys(listed, heldKeysInZone(indexZone(zone.zoneName, live), registries, thin));
            await converge(ctx, [], held, "sync").catch((err: unknown) => {
                throw isSyncFailure(err) ? new Error(`${err.message}\nThe resource stays in the state; run "pulumi destroy" again.`) : err;
            });
        } finally {
            api.destroy();
        }
    }
}
