/**
 * Route53RecordSyncProvider: the glue between Pulumi's dynamic-provider protocol and the pure
 * modules (validate, ownership, plan, batches). Every create/update/delete plans from the LIVE
 * zone, so a re-run after any failure continues from what Route53 actually holds.
 *
 * Pulumi serializes this class and everything it references into the state; it captures only
 * pure functions. The AWS SDK is required inside `createRoute53Api` at call time.
 */
import type * as pulumi from "@pulumi/pulumi";
import { packBatches } from "./batches";
import type { ResolvedZone, Route53Api } from "./client";
import { createRoute53Api, isZoneNotFound, mayHaveBeenApplied } from "./client";
import { diffState } from "./diff";
import { withoutDot } from "./names";
import type { Registries } from "./ownership";
import { indexZone, namesToRead, ownedRecords } from "./ownership";
import type { Conflict, Plan } from "./plan";
import { planChanges } from "./plan";
import { chooseReadStrategy } from "./readStrategy";
import { isManagedType, resolveSameZoneAliases } from "./records";
import type { ChangeCounts, NormalizedInputs, NormalizedRecord, RecordSyncOutputs, Rrset } from "./types";
import { checkInputs, containsUnknown } from "./validate";

type Props = Record<string, unknown>;
type Key = { readonly name: string; readonly type: string };

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

/** The records of a state written by this or an earlier version (tolerates missing fields). */
function stateKeys(state: Props): Key[] {
    const records = Array.isArray(state.records) ? state.records : [];
    return records.filter((r): r is Key => r !== null && typeof r === "object" && typeof r.name === "string" && isManagedType(r.type));
}

function stateRegistry(state: Props): Registries["current"] | undefined {
    return typeof state.ownerId === "string" ? { ownerId: state.ownerId, txtPrefix: typeof state.txtPrefix === "string" ? state.txtPrefix : "" } : undefined;
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

async function readLive(api: Route53Api, zone: ResolvedZone, keys: readonly Key[], registries: Registries): Promise<Rrset[]> {
    const names = namesToRead(keys, zone.zoneName, registries);
    const strategy = chooseReadStrategy(zone.recordCount, names.length);
    return strategy.kind === "zone" ? api.listZone(zone.zoneId) : api.listNames(zone.zoneId, names);
}

function conflictError(zone: ResolvedZone, owner: string, conflicts: readonly Conflict[]): Error {
    const lines = conflicts.map((c) => `  - ${c.reason}`).join("\n");
    return new Error(
        `Route53RecordSync: ${conflicts.length} conflict(s) in zone ${zone.zoneName} (${zone.zoneId}) for owner "${owner}"; nothing was changed:\n${lines}\n` +
            `Records without this owner's ExternalDNS TXT marker are never modified or deleted. Remove them, hand them over ` +
            `(marker "heritage=external-dns,external-dns/owner=${owner}"), or leave them out of records.`,
    );
}

const NO_CHANGES: ChangeCounts = { create: 0, upsert: 0, delete: 0 };

interface Applied {
    readonly changeIds: string[];
    /** Set when a request failed in a way that a fresh plan from the live zone may resolve. */
    readonly retryFrom?: Error;
}

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
            if (mayHaveBeenApplied(err)) {
                return { changeIds, retryFrom: failure };
            }
            throw failure;
        }
    }
    return { changeIds };
}

/** Brings the zone to `inputs`; `olds` is the previous state on update. */
async function syncZone(inputs: NormalizedInputs, olds: Props | undefined): Promise<RecordSyncOutputs> {
    const api = await createRoute53Api();
    try {
        const sameZone = olds !== undefined && olds.zoneName === inputs.zoneName && (olds.privateZone ?? false) === inputs.privateZone;
        const pinned = inputs.zoneId ?? (sameZone && typeof olds.zoneId === "string" ? olds.zoneId : undefined);
        const zone = await api.resolveZone(inputs.zoneName, pinned, inputs.privateZone);
        const desired = resolveSameZoneAliases(inputs.records, zone.zoneId);
        const previousRegistry = olds ? stateRegistry(olds) : undefined;
        const registries: Registries = { current: { ownerId: inputs.ownerId, txtPrefix: inputs.txtPrefix }, previous: previousRegistry };
        const previous = olds && sameZone ? stateKeys(olds) : [];
        const changeIds: string[] = [];
        // What this sync changes: the first plan (a second one only finishes it).
        let changeCounts: ChangeCounts = NO_CHANGES;
        // A second round only when a retried request may already have been applied: plan again from the live zone.
        for (let round = 1; round <= 2; round++) {
            const live = await readLive(api, zone, [...desired, ...previous], registries);
            const plan = planChanges({ zone: indexZone(zone.zoneName, live), desired, previous, registries, policy: inputs.policy });
            if (round === 1) {
                changeCounts = plan.counts;
            }
            if (plan.conflicts.length > 0) {
                throw conflictError(zone, inputs.ownerId, plan.conflicts);
            }
            const applied = await applyPlan(api, zone, plan, inputs.ownerId);
            changeIds.push(...applied.changeIds);
            if (!applied.retryFrom) {
                break;
            }
            if (round === 2) {
                throw applied.retryFrom;
            }
        }
        return {
            ...inputs,
            zoneId: zone.zoneId,
            records: desired,
            fqdns: fqdnsOf(desired),
            changeIds,
            changeCounts,
            apiCalls: api.calls(),
        };
    } finally {
        api.destroy();
    }
}

/** Implements Route53RecordSync; constructible without arguments (it carries no state). */
export class Route53RecordSyncProvider implements pulumi.dynamic.ResourceProvider {
    async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
        const { inputs, failures } = checkInputs(news);
        return { inputs, failures };
    }

    async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
        const { changes, replaces } = diffState(olds, news);
        return { changes, replaces, deleteBeforeReplace: false };
    }

    async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
        const outs = await syncZone(validInputs(inputs), undefined);
        return { id: `${outs.zoneId}/${outs.ownerId}`, outs };
    }

    async update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: await syncZone(validInputs(news), olds) };
    }

    /** Reports the live, owned versions of the managed records; missing or disowned ones drop out. */
    async read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult> {
        const state = props ?? {};
        const registry = stateRegistry(state);
        if (typeof state.zoneName !== "string" || !registry) {
            return { id, props: state };
        }
        const api = await createRoute53Api();
        try {
            const zone = await stateZone(api, state);
            if (!zone) return { id, props: { ...state, records: [], fqdns: [] } };
            const registries: Registries = { current: registry };
            const keys = stateKeys(state);
            const live = await readLive(api, zone, keys, registries);
            const records = ownedRecords(indexZone(zone.zoneName, live), keys, registries);
            return { id, props: { ...state, zoneId: zone.zoneId, records, fqdns: fqdnsOf(records), changeIds: [], changeCounts: NO_CHANGES, apiCalls: api.calls() } };
        } finally {
            api.destroy();
        }
    }

    /** Removes the owned records of the state and their markers; anything else stays untouched. */
    async delete(_id: string, props: Props): Promise<void> {
        const registry = stateRegistry(props);
        const keys = stateKeys(props);
        if (typeof props.zoneName !== "string" || !registry || keys.length === 0) {
            return;
        }
        const api = await createRoute53Api();
        try {
            const zone = await stateZone(api, props);
            if (!zone) return; // the zone and everything in it are gone
            const registries: Registries = { current: registry };
            const live = await readLive(api, zone, keys, registries);
            const plan = planChanges({ zone: indexZone(zone.zoneName, live), desired: [], previous: keys, registries, policy: "sync" });
            await applyPlan(api, zone, plan, registry.ownerId);
        } finally {
            api.destroy();
        }
    }
}
