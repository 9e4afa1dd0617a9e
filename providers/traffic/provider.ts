/**
 * TrafficSplitProvider: the dynamic-provider glue. The rules live in pure
 * modules (`check`, `weights`, `render`, `specDiff`, `gate`); this file only
 * sequences them around the cluster, which it reaches through the one
 * `TrafficRouterApi` interface.
 *
 * Writes: every create/update is one GET and one write (POST when missing,
 * else PUT with the read resourceVersion, so a concurrent change makes the
 * API server answer 409 instead of being overwritten blindly); on 409 (or a
 * 404 between the two) it re-reads and retries, at most MAX_WRITE_ATTEMPTS times.
 *
 * Failed analysis: the previous VirtualService is written back and the
 * operation fails with the measured numbers. For an update, failing is all it
 * takes: the engine keeps the old state, so the next preview shows the change
 * again. A create has no old state to keep; it fails as a *partial* create
 * (an error carrying `id` and `properties`), which the engine records as the
 * resource with those outputs: the VirtualService that now exists, at the
 * previous split 100/0 (`appliedCanaryWeight` 0). The next `pulumi up` then
 * updates it and runs the gate again. Deleting the object instead would leave
 * the service with no VirtualService at all, routing by pod count, i.e.
 * sending canary pods their share of traffic: the opposite of a rollback.
 * (The engine keeps the new *inputs* of a partial create, and `check` only
 * sees inputs, so that one retry is not held to `maxStep` from 0; the gate
 * still guards it.)
 */
import * as pulumi from "@pulumi/pulumi";
import { checkTrafficSplit, parsePrometheusTarget } from "./check";
import { queryErrorRate, runAnalysis } from "./gate";
import { connectKube, isKubeApiError, TrafficRouterApi } from "./kubeClient";
import * as log from "./log";
import { isManagedByUs, MANAGED_BY_LABEL, MANAGER, parseLiveWeights, renderSpec, renderVirtualService } from "./render";
import { diffFields, formatDrift } from "./specDiff";
import { KubeObject, TrafficSplitInputs, TrafficSplitOutputs } from "./types";
import { formatSplit, isRaise, isWeight, lastAppliedWeight, MAX_WEIGHT } from "./weights";

/** Bound on GET+write rounds when the API server keeps answering 409 Conflict. */
export const MAX_WRITE_ATTEMPTS = 5;

/** Opens the cluster API for a kubeconfig; tests may pass another implementation. */
export type Connect = (kubeconfig: string) => TrafficRouterApi;

type Props = Record<string, unknown>;

function withoutProvider(props: Props): Props {
    const { __provider: _provider, ...rest } = props;
    return rest;
}

function vsName(obj: { namespace?: string; name?: string }): string {
    return `VirtualService ${obj.namespace ?? "?"}/${obj.name ?? "?"}`;
}

function requireKubeconfig(props: Partial<TrafficSplitInputs>): string {
    if (typeof props.kubeconfig !== "string" || props.kubeconfig.length === 0) {
        throw new Error("kubeconfig: missing from the resource's inputs/state; set it and run `pulumi up` again");
    }
    return props.kubeconfig;
}

/** The desired object, carrying over the live object's resourceVersion and the metadata others own. */
function onTopOf(desired: KubeObject, live: KubeObject): KubeObject {
    const m = live.metadata;
    return {
        ...desired,
        metadata: {
            ...desired.metadata,
            resourceVersion: m.resourceVersion,
            labels: { ...m.labels, ...desired.metadata.labels },
            annotations: { ...m.annotations, ...desired.metadata.annotations },
            ...(m.finalizers ? { finalizers: m.finalizers } : {}),
            ...(m.ownerReferences ? { ownerReferences: m.ownerReferences } : {}),
        },
    };
}

interface WriteOptions {
    /** The spec we last applied; a live spec that differs was changed by someone else. */
    readonly expectedSpec?: Props;
    /** Creating: an existing object must carry our managed-by label to be taken over. */
    readonly creating?: boolean;
    /** A live object already in hand (after our own write), saving the first GET. */
    readonly known?: KubeObject;
}

/** One GET and one write; re-read and retry on 409 Conflict / 404, bounded. */
async function writeVirtualService(api: TrafficRouterApi, desired: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const { namespace = "", name = "" } = desired.metadata;
    const what = vsName(desired.metadata);
    let known = opts.known;
    let reportedDrift = false;
    for (let attempt = 1; ; attempt++) {
        const live = known ?? (await api.getVirtualService(namespace, name));
        known = undefined;
        try {
            if (!live) {
                if (!opts.creating) {
                    log.warn(`${what} was deleted outside Pulumi; recreating it`);
                }
                return await api.createVirtualService(desired);
            }
            if (opts.creating) {
                if (!isManagedByUs(live)) {
                    throw new Error(
                        `${what} already exists and is not managed by ${MANAGER} (no label ${MANAGED_BY_LABEL}=${MANAGER}); ` +
                            `delete it, or add that label to let this stack take it over`,
                    );
                }
                log.warn(`${what} already exists with label ${MANAGED_BY_LABEL}=${MANAGER}; taking it over`);
            } else if (opts.expectedSpec && !reportedDrift) {
                const drift = diffFields(opts.expectedSpec, live.spec);
                if (drift.length > 0) {
                    log.warn(`${what} was changed outside Pulumi: ${formatDrift(drift)}; restoring the declared spec`);
                    reportedDrift = true;
                }
            }
            return await api.replaceVirtualService(onTopOf(desired, live));
        } catch (err) {
            const retryable = isKubeApiError(err, 409) || isKubeApiError(err, 404);
            if (!retryable) {
                throw err;
            }
            if (attempt >= MAX_WRITE_ATTEMPTS) {
                throw new Error(`${what}: gave up after ${attempt} attempts, it kept changing between read and write (last: ${(err as Error).message})`);
            }
        }
    }
}

function outputs(inputs: TrafficSplitInputs, written: KubeObject, applied: number, previous: number): TrafficSplitOutputs {
    return {
        ...(withoutProvider(inputs as unknown as Props) as unknown as TrafficSplitInputs),
        stableWeight: MAX_WEIGHT - applied,
        appliedCanaryWeight: applied,
        previousCanaryWeight: previous,
        resourceVersion: written.metadata.resourceVersion ?? "",
    };
}

export class TrafficSplitProvider implements pulumi.dynamic.ResourceProvider {
    constructor(private readonly connect: Connect = connectKube) {}

    async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
        return checkTrafficSplit(olds, news);
    }

    async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
        const replaces = ["namespace", "name"].filter((k) => olds[k] !== news[k]);
        if (replaces.length > 0) {
            return { changes: true, replaces, deleteBeforeReplace: false };
        }
        return { changes: olds.kubeconfig !== news.kubeconfig || routingChanged(olds, news) };
    }

    async create(inputs: TrafficSplitInputs): Promise<pulumi.dynamic.CreateResult> {
        const api = this.connect(requireKubeconfig(inputs));
        const desired = renderVirtualService(inputs, inputs.canaryWeight);
        const id = `${inputs.namespace}/${inputs.name}`;
        let written = await writeVirtualService(api, desired, { creating: true });
        log.info(`${vsName(inputs)}: routing ${formatSplit(inputs.canaryWeight)} (stable/canary)`);
        // Before the first create nothing was sent to the canary through us: the previous split is 100/0.
        const previous = 0;
        const failure = await this.gate(api, inputs, previous, written, renderVirtualService(inputs, previous));
        if (failure) {
            written = failure.restored;
            const properties = { ...outputs(inputs, written, previous, previous), __provider: (inputs as unknown as Props).__provider };
            throw Object.assign(new Error(failure.message), { id, properties, reasons: [failure.message] });
        }
        return { id, outs: outputs(inputs, written, inputs.canaryWeight, previous) };
    }

    async update(id: string, olds: Props, news: TrafficSplitInputs): Promise<pulumi.dynamic.UpdateResult> {
        if (olds.namespace !== news.namespace || olds.name !== news.name) {
            throw new Error(`${vsName(news)}: namespace and name cannot change in place (was ${id}); the resource must be replaced`);
        }
        const api = this.connect(requireKubeconfig(news));
        const previous = lastAppliedWeight(olds);
        const previousObject = renderPrevious(olds, news, previous ?? 0);
        const desired = renderVirtualService(news, news.canaryWeight);
        const written = await writeVirtualService(api, desired, {
            expectedSpec: previous === undefined ? undefined : previousObject.spec,
        });
        log.info(`${vsName(news)}: routing ${formatSplit(news.canaryWeight)} (stable/canary), was ${previous === undefined ? "unknown" : formatSplit(previous)}`);
        const failure = await this.gate(api, news, previous ?? 0, written, previousObject);
        if (failure) {
            // Failing the update keeps the old state, and with it the previous weight.
            throw new Error(failure.message);
        }
        return { outs: outputs(news, written, news.canaryWeight, previous ?? news.canaryWeight) };
    }

    async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
        const [idNamespace, idName] = id.split("/");
        const namespace = typeof props.namespace === "string" ? props.namespace : idNamespace;
        const name = typeof props.name === "string" ? props.name : idName;
        const api = this.connect(requireKubeconfig(props as Partial<TrafficSplitInputs>));
        const live = await api.getVirtualService(namespace, name);
        if (!live) {
            // An empty id tells the engine the resource is gone.
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

    async delete(id: string, props: Props): Promise<void> {
        const [idNamespace, idName] = id.split("/");
        const namespace = typeof props.namespace === "string" ? props.namespace : idNamespace;
        const name = typeof props.name === "string" ? props.name : idName;
        const api = this.connect(requireKubeconfig(props as Partial<TrafficSplitInputs>));
        if (!(await api.deleteVirtualService(namespace, name))) {
            log.info(`${vsName({ namespace, name })} was already gone`);
        }
    }

    /**
     * Runs the analysis gate when the weight rose and `analysis` is set; on a
     * bad verdict writes `restore` back and returns the failure to report.
     */
    private async gate(
        api: TrafficRouterApi,
        inputs: TrafficSplitInputs,
        previous: number,
        written: KubeObject,
        restore: KubeObject,
    ): Promise<{ message: string; restored: KubeObject } | undefined> {
        const analysis = inputs.analysis;
        if (!analysis || !isRaise(previous, inputs.canaryWeight)) {
            return undefined;
        }
        const target = parsePrometheusTarget(analysis.prometheus);
        if (!target) {
            throw new Error(`canary.analysis.prometheus: must be "namespace/service:port"; got ${JSON.stringify(analysis.prometheus)}`);
        }
        log.info(
            `${vsName(inputs)}: canary weight raised ${previous} -> ${inputs.canaryWeight}; baking ${analysis.bakeSeconds}s, ` +
                `measuring every ${analysis.intervalSeconds}s against maxErrorRate ${analysis.maxErrorRate}`,
        );
        const timeoutMs = Math.min(10_000, Math.max(1000, analysis.intervalSeconds * 1000));
        const verdict = await runAnalysis(analysis, () => queryErrorRate(api, target, analysis.query, timeoutMs), log.info);
        if (verdict.healthy) {
            log.info(`${vsName(inputs)}: canary healthy for ${analysis.bakeSeconds}s at ${formatSplit(inputs.canaryWeight)}`);
            return undefined;
        }
        const split = formatSplit(previous);
        try {
            const restored = await writeVirtualService(api, restore, { expectedSpec: written.spec, known: written });
            log.warn(`${vsName(inputs)}: ${verdict.reason}; rolled back to ${split}`);
            return { message: `${verdict.reason}; rolled back to ${split}`, restored };
        } catch (err) {
            throw new Error(
                `${verdict.reason}; rollback to ${split} FAILED (${err instanceof Error ? err.message : String(err)}); ` +
                    `${vsName(inputs)} may still send ${inputs.canaryWeight}% to the canary`,
            );
        }
    }
}

/**
 * The VirtualService as it was before this update: the old inputs at the old
 * applied weight. State from older versions that cannot be rendered falls back
 * to the new spec at the old weight.
 */
function renderPrevious(olds: Props, news: TrafficSplitInputs, previous: number): KubeObject {
    try {
        return renderVirtualService(olds as unknown as TrafficSplitInputs, previous);
    } catch {
        return renderVirtualService(news, previous);
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
