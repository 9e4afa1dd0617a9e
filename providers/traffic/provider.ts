/**
 * TrafficSplitProvider: the dynamic-provider glue. The rules live in pure
 * modules (`check`, `weights`, `render`, `ownership`, `specDiff`, `gate`);
 * this file only sequences them around the cluster, which it reaches through
 * the one `TrafficRouterApi` interface, writing through `writer.ts`.
 *
 * Ownership (ownership.ts): every create marks the VirtualService with a new
 * instance id (output `instanceId`); update, read and delete act only on an
 * object that carries their own mark, so after `pulumi up --replace` or a
 * rename without an alias (create of the new resource first, delete of the
 * old one after) the old resource's delete leaves the object the new one took
 * over, and another stack's object is never touched.
 *
 * After a failure, the state tells the truth:
 * - nothing written yet (write refused or rejected): a plain error, nothing changed;
 * - a raise the gate turned down on an *update*, rolled back: a plain error.
 *   The rollback writes back the previous object exactly as the old state
 *   describes it (spec, weights and owner marks), so the old state the engine
 *   keeps is the truth, and the next preview shows the raise again;
 * - a turned-down raise on a *create*, rolled back: a partial-state error
 *   (providers/shared/partialState.ts) recording the object that now exists
 *   at the weight it was restored to (100/0, or the weight found when taking
 *   an object over). Deleting it instead would leave the service without a
 *   VirtualService, routing by pod count, i.e. sending the canary pods their
 *   share of traffic: the opposite of a rollback;
 * - a rollback that itself failed, on a create or an update: a partial-state
 *   error recording the raised weight that is live, so the next `up` starts
 *   from it and `destroy` knows the object exists.
 * (The engine keeps the new *inputs* of a partial failure, and `check` only
 * sees inputs, so the one retry after it is held to `maxStep` from the
 * requested weight; the gate still guards it.)
 *
 * The gate's "not enough traffic" (inconclusive) outcome is kept on a first
 * deploy, where there is neither an earlier verified weight to return to nor
 * any traffic yet to protect, and halts a later raise (rolled back, failed,
 * saying why), as Flagger halts advancement without metrics.
 */
import * as pulumi from "@pulumi/pulumi";
import { partialStateError } from "../shared/partialState";
import { checkTrafficSplit, parsePrometheusTarget, PrometheusTarget } from "./check";
import { GateVerdict, prometheusProbe, runAnalysis } from "./gate";
import { connectKube, isKubeApiError, TrafficRouterApi } from "./kubeClient";
import * as log from "./log";
import { Identity, ownershipOf, ownsLive, takeOverRefusal } from "./ownership";
import { parseLiveWeights, renderSpec, renderVirtualService, WEIGHT_ANNOTATION } from "./render";
import { diffFields, formatDrift } from "./specDiff";
import { KubeObject, Owner, TrafficSplitInputs, TrafficSplitOutputs } from "./types";
import { formatSplit, isRaise, isWeight, lastAppliedWeight, MAX_WEIGHT } from "./weights";
import { MAX_WRITE_ATTEMPTS, vsName, writeVirtualService } from "./writer";

export { MAX_WRITE_ATTEMPTS };

/** Opens the cluster API for a kubeconfig; tests may pass another implementation. */
export type Connect = (kubeconfig: string) => TrafficRouterApi;

type Props = Record<string, unknown>;

function withoutProvider(props: Props): Props {
    const { __provider: _provider, ...rest } = props;
    return rest;
}

function requireKubeconfig(props: Partial<TrafficSplitInputs>): string {
    if (typeof props.kubeconfig !== "string" || props.kubeconfig.length === 0) {
        throw new Error("kubeconfig: missing from the resource's inputs/state; set it and run `pulumi up` again");
    }
    return props.kubeconfig;
}

function newInstanceId(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto: typeof import("crypto") = require("crypto");
    return crypto.randomUUID();
}

function stateInstance(props: Props): string | undefined {
    return typeof props.instanceId === "string" && props.instanceId !== "" ? props.instanceId : undefined;
}

function ownerOf(props: Props): Owner | undefined {
    const o = props.owner as Partial<Owner> | undefined;
    return o && typeof o.project === "string" && typeof o.stack === "string" && typeof o.resource === "string" ? (o as Owner) : undefined;
}

/** The namespace and name of the VirtualService a state or id names (thin or older state falls back to the id). */
function locate(id: string, props: Props): { namespace: string; name: string } {
    const [idNamespace = "", idName = ""] = id.split("/");
    return {
        namespace: typeof props.namespace === "string" ? props.namespace : idNamespace,
        name: typeof props.name === "string" ? props.name : idName,
    };
}

function message(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

function outputs(inputs: TrafficSplitInputs, written: KubeObject, applied: number, previous: number, instanceId: string, analysisResult: string): TrafficSplitOutputs {
    return {
        ...(withoutProvider(inputs as unknown as Props) as unknown as TrafficSplitInputs),
        stableWeight: MAX_WEIGHT - applied,
        appliedCanaryWeight: applied,
        previousCanaryWeight: previous,
        resourceVersion: written.metadata.resourceVersion ?? "",
        instanceId,
        analysisResult,
    };
}

/** Prometheus of `analysis`, checked before anything is written. */
function analysisTarget(inputs: TrafficSplitInputs): PrometheusTarget | undefined {
    if (!inputs.analysis) {
        return undefined;
    }
    const target = parsePrometheusTarget(inputs.analysis.prometheus);
    if (!target) {
        throw new Error(`canary.analysis.prometheus: must be "namespace/service:port"; got ${JSON.stringify(inputs.analysis.prometheus)}`);
    }
    return target;
}

/** The canary weight a live object routes, when its weights are whole (sum to 100); else 0. */
function liveCanaryWeight(live: KubeObject, inputs: TrafficSplitInputs): number {
    const weights = parseLiveWeights(live.spec, inputs.stableSubset, inputs.canarySubset);
    return weights && weights.stable + weights.canary === MAX_WEIGHT && isWeight(weights.canary) ? weights.canary : 0;
}

/** A found object, marked as ours: what a failed takeover restores. */
function foundAsOurs(found: KubeObject, ours: KubeObject): KubeObject {
    return {
        apiVersion: ours.apiVersion,
        kind: ours.kind,
        metadata: {
            name: ours.metadata.name,
            namespace: ours.metadata.namespace,
            labels: { ...found.metadata.labels, ...ours.metadata.labels },
            annotations: { ...found.metadata.annotations, ...ours.metadata.annotations, ...weightAnnotationOf(found) },
        },
        spec: found.spec,
    };
}

function weightAnnotationOf(obj: KubeObject): Record<string, string> {
    const weight = obj.metadata.annotations?.[WEIGHT_ANNOTATION];
    return weight === undefined ? {} : { [WEIGHT_ANNOTATION]: weight };
}

type GateOutcome =
    | { readonly kind: "kept"; readonly result: string }
    | { readonly kind: "rolledBack"; readonly message: string; readonly restored: KubeObject }
    | { readonly kind: "rollbackFailed"; readonly message: string };

interface GateRun {
    readonly inputs: TrafficSplitInputs;
    readonly target: PrometheusTarget | undefined;
    readonly previous: number;
    /** The object our raise wrote. */
    readonly written: KubeObject;
    /** What a rollback writes. */
    readonly restore: KubeObject;
    /** Our instance mark: a rollback writes only over an object still carrying it. */
    readonly instance: string;
    /** No VirtualService existed before: an inconclusive bake keeps the weight. */
    readonly firstDeploy: boolean;
}

export class TrafficSplitProvider implements pulumi.dynamic.ResourceProvider {
    constructor(private readonly connect: Connect = connectKube) {}

    async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
        return checkTrafficSplit(olds, news);
    }

    async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
        const replaces = ["namespace", "name"].filter((k) => olds[k] !== news[k]);
        if (replaces.length > 0) {
            // Create-before-delete: the new VirtualService routes before the old one goes, and the
            // instance marks keep the old resource's delete off whatever the new one took over.
            return { changes: true, replaces, deleteBeforeReplace: false };
        }
        return { changes: olds.kubeconfig !== news.kubeconfig || routingChanged(olds, news) || ownerChanged(olds, news) };
    }

    async create(inputs: TrafficSplitInputs): Promise<pulumi.dynamic.CreateResult> {
        const target = analysisTarget(inputs);
        const api = this.connect(requireKubeconfig(inputs));
        const id = `${inputs.namespace}/${inputs.name}`;
        const identity: Identity = { owner: inputs.owner, instance: newInstanceId() };
        const desired = renderVirtualService(inputs, inputs.canaryWeight, identity);
        const { written, found } = await writeVirtualService(api, desired, { creating: true, refusal: (live) => takeOverRefusal(live, inputs.owner) });
        if (found) {
            log.warn(
                `${vsName(inputs)} already existed, owned by ${ownershipOf(found).description}; this resource took it over ` +
                    `(after a replacement or a rename, the old resource's delete leaves it)`,
            );
        }
        const previous = found ? liveCanaryWeight(found, inputs) : 0;
        log.info(`${vsName(inputs)}: routing ${formatSplit(inputs.canaryWeight)} (stable/canary)${found ? `, was ${formatSplit(previous)}` : ""}`);
        const restore = found ? foundAsOurs(found, desired) : renderVirtualService(inputs, 0, identity);
        const outcome = await this.gate(api, { inputs, target, previous, written, restore, instance: identity.instance, firstDeploy: !found });
        switch (outcome.kind) {
            case "kept":
                return { id, outs: outputs(inputs, written, inputs.canaryWeight, previous, identity.instance, outcome.result) };
            case "rolledBack":
                throw partialStateError(outcome.message, id, outputs(inputs, outcome.restored, previous, previous, identity.instance, outcome.message), inputs as unknown as Props);
            case "rollbackFailed":
                throw partialStateError(outcome.message, id, outputs(inputs, written, inputs.canaryWeight, previous, identity.instance, outcome.message), inputs as unknown as Props);
        }
    }

    async update(id: string, olds: Props, news: TrafficSplitInputs): Promise<pulumi.dynamic.UpdateResult> {
        if (olds.namespace !== news.namespace || olds.name !== news.name) {
            throw new Error(`${vsName(news)}: namespace and name cannot change in place (was ${id}); the resource must be replaced`);
        }
        const target = analysisTarget(news);
        const api = this.connect(requireKubeconfig(news));
        const ownInstance = stateInstance(olds);
        const previous = lastAppliedWeight(olds);
        // State from before instance marks: this update gives the object its mark (and the state its instanceId).
        const identity: Identity = { owner: news.owner ?? ownerOf(olds), instance: ownInstance ?? newInstanceId() };
        const oldIdentity: Identity | undefined = ownInstance ? { owner: ownerOf(olds), instance: ownInstance } : undefined;
        const previousObject = renderPrevious(olds, news, previous ?? 0, oldIdentity);
        const { written } = await writeVirtualService(api, renderVirtualService(news, news.canaryWeight, identity), {
            expectedSpec: previous === undefined ? undefined : previousObject.spec,
            refusal: (live) => notOursAnyMore(live, ownInstance),
        });
        log.info(`${vsName(news)}: routing ${formatSplit(news.canaryWeight)} (stable/canary), was ${previous === undefined ? "unknown" : formatSplit(previous)}`);
        const outcome = await this.gate(api, { inputs: news, target, previous: previous ?? 0, written, restore: previousObject, instance: identity.instance, firstDeploy: false });
        switch (outcome.kind) {
            case "kept":
                return { outs: outputs(news, written, news.canaryWeight, previous ?? news.canaryWeight, identity.instance, outcome.result) };
            case "rolledBack":
                // The previous object is back, marks included: the old state the engine keeps is the truth.
                throw new Error(outcome.message);
            case "rollbackFailed":
                throw partialStateError(outcome.message, id, outputs(news, written, news.canaryWeight, previous ?? 0, identity.instance, outcome.message), news as unknown as Props);
        }
    }

    async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
        const { namespace, name } = locate(id, props);
        const api = this.connect(requireKubeconfig(props as Partial<TrafficSplitInputs>));
        const live = await api.getVirtualService(namespace, name);
        // An empty id tells the engine the resource is gone.
        if (!live) {
            return { id: "", props: {} };
        }
        if (!ownsLive(live, stateInstance(props))) {
            log.warn(`${vsName({ namespace, name })} exists but belongs to ${ownershipOf(live).description} now; this resource reads as gone`);
            return { id: "", props: {} };
        }
        const inputs = props as unknown as TrafficSplitInputs;
        const weights = parseLiveWeights(live.spec, inputs.stableSubset, inputs.canarySubset);
        if (!weights) {
            log.warn(`${vsName({ namespace, name })} has no weighted route any more; the next update restores it`);
        }
        const recorded = lastAppliedWeight(props);
        if (recorded !== undefined) {
            try {
                const drift = diffFields(renderSpec(inputs, recorded), live.spec);
                if (drift.length > 0) {
                    log.warn(`${vsName({ namespace, name })} differs from what Pulumi applied: ${formatDrift(drift)}`);
                }
            } catch {
                // Unrenderable old state: nothing reliable to compare with.
            }
        }
        return {
            id,
            props: {
                ...withoutProvider(props),
                stableWeight: weights?.stable ?? 0,
                appliedCanaryWeight: weights?.canary ?? 0,
                resourceVersion: live.metadata.resourceVersion ?? "",
            },
        };
    }

    /**
     * Deletes the VirtualService only while it carries this resource's mark,
     * with the API server's preconditions on its uid and resourceVersion, so
     * a takeover between the check and the delete makes the delete fail
     * (409) and the check run again instead of deleting someone else's object.
     */
    async delete(id: string, props: Props): Promise<void> {
        const { namespace, name } = locate(id, props);
        const what = vsName({ namespace, name });
        const api = this.connect(requireKubeconfig(props as Partial<TrafficSplitInputs>));
        for (let attempt = 1; ; attempt++) {
            const live = await api.getVirtualService(namespace, name);
            if (!live) {
                log.info(`${what} was already gone`);
                return;
            }
            if (!ownsLive(live, stateInstance(props))) {
                log.info(`${what} belongs to ${ownershipOf(live).description} now; leaving it`);
                return;
            }
            try {
                if (!(await api.deleteVirtualService(namespace, name, { uid: live.metadata.uid, resourceVersion: live.metadata.resourceVersion }))) {
                    log.info(`${what} was already gone`);
                }
                return;
            } catch (err) {
                if (!isKubeApiError(err, 409) || attempt >= MAX_WRITE_ATTEMPTS) {
                    throw err;
                }
            }
        }
    }

    /**
     * Runs the analysis gate when the weight rose and `analysis` is set; when
     * the canary fails it (or a raise cannot be judged), writes `restore` back.
     */
    private async gate(api: TrafficRouterApi, run: GateRun): Promise<GateOutcome> {
        const { inputs, target, previous, written, restore, instance, firstDeploy } = run;
        const analysis = inputs.analysis;
        const what = vsName(inputs);
        if (!analysis || !target) {
            return { kind: "kept", result: "not run: no canary.analysis" };
        }
        if (!isRaise(previous, inputs.canaryWeight)) {
            return { kind: "kept", result: `not run: the canary weight did not rise (${previous} -> ${inputs.canaryWeight})` };
        }
        log.info(
            `${what}: canary weight raised ${previous} -> ${inputs.canaryWeight}; baking ${analysis.bakeSeconds}s, ` +
                `measuring every ${analysis.intervalSeconds}s against maxErrorRate ${analysis.maxErrorRate}` +
                (analysis.latencyQuery && analysis.maxLatencyMs !== undefined ? ` and maxLatencyMs ${analysis.maxLatencyMs}ms (p99)` : "") +
                (analysis.requestsQuery ? `, judging windows with at least ${analysis.minRequests ?? 0} canary requests` : ""),
        );
        const timeoutMs = Math.min(10_000, Math.max(1000, analysis.intervalSeconds * 1000));
        let verdict: GateVerdict;
        try {
            verdict = await runAnalysis(analysis, prometheusProbe(api, target, analysis, timeoutMs), log.info);
        } catch (err) {
            verdict = { outcome: "failed", reason: `canary analysis stopped: ${message(err)}`, atSeconds: 0, measurements: [] };
        }
        if (verdict.outcome === "passed") {
            log.info(`${what}: canary healthy for ${analysis.bakeSeconds}s at ${formatSplit(inputs.canaryWeight)} (${verdict.summary})`);
            return { kind: "kept", result: verdict.summary };
        }
        if (verdict.outcome === "inconclusive" && firstDeploy) {
            const result = `${verdict.reason}; first deploy: kept ${formatSplit(inputs.canaryWeight)} unverified (the gate judges the next raise)`;
            log.warn(`${what}: ${result}`);
            return { kind: "kept", result: result.replace(/^canary analysis inconclusive: /, "inconclusive: ") };
        }
        const split = formatSplit(previous);
        try {
            const { written: restored } = await writeVirtualService(api, restore, {
                expectedSpec: written.spec,
                known: written,
                refusal: (live) => (ownsLive(live, instance) ? undefined : `was taken over by ${ownershipOf(live).description} during the bake; not rolling it back`),
            });
            log.warn(`${what}: ${verdict.reason}; rolled back to ${split}`);
            return { kind: "rolledBack", message: `${verdict.reason}; rolled back to ${split}`, restored };
        } catch (err) {
            return {
                kind: "rollbackFailed",
                message: `${verdict.reason}; rollback to ${split} FAILED (${message(err)}); ${what} may still send ${inputs.canaryWeight}% to the canary`,
            };
        }
    }
}

/** Why an update must not write over the live object: it no longer carries this resource's mark. */
function notOursAnyMore(live: KubeObject, ownInstance: string | undefined): string | undefined {
    if (ownsLive(live, ownInstance)) {
        return undefined;
    }
    return (
        `belongs to ${ownershipOf(live).description} now, not to this resource` +
        `${ownInstance ? ` (instance ${ownInstance})` : ""}; it is left alone. ` +
        "If two TrafficSplits in the program name this VirtualService, remove one; if this resource should own it again, `pulumi refresh` and `pulumi up`"
    );
}

/**
 * The VirtualService as it was before this update: the old inputs at the old
 * applied weight, with the old owner marks. State from older versions that
 * cannot be rendered falls back to the new spec at the old weight.
 */
function renderPrevious(olds: Props, news: TrafficSplitInputs, previous: number, identity: Identity | undefined): KubeObject {
    try {
        return renderVirtualService(olds as unknown as TrafficSplitInputs, previous, identity);
    } catch {
        return renderVirtualService(news, previous, identity);
    }
}

/** Whether the VirtualService for `news` differs from the one `olds` describes (or refresh found live). */
function routingChanged(olds: Props, news: Props): boolean {
    const applied = lastAppliedWeight(olds);
    if (applied === undefined || !isWeight(news.canaryWeight)) {
        return true;
    }
    // After a refresh that found the live weights off (e.g. 50/30), stable + canary no longer sum to 100.
    if (typeof olds.stableWeight === "number" && olds.stableWeight + applied !== MAX_WEIGHT) {
        return true;
    }
    try {
        const before = renderVirtualService(olds as unknown as TrafficSplitInputs, applied);
        const after = renderVirtualService(news as unknown as TrafficSplitInputs, news.canaryWeight);
        return diffFields(before, after, "", 1).length > 0;
    } catch {
        return true;
    }
}

/**
 * Whether the owner the labels name changed (a renamed stack). State from
 * before the owner input has none: adding it is no change by itself (the
 * labels follow with the next real update).
 */
function ownerChanged(olds: Props, news: Props): boolean {
    const before = ownerOf(olds);
    const after = ownerOf(news);
    return before !== undefined && JSON.stringify(before) !== JSON.stringify(after);
}
