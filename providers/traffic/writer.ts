/**
 * Writing the VirtualService: one GET and one write (POST when missing, else
 * PUT with the read resourceVersion, so a concurrent change makes the API
 * server answer 409 instead of being overwritten blindly); on 409 (or a 404
 * between the two) it re-reads and retries, at most MAX_WRITE_ATTEMPTS times.
 * Every attempt re-checks ownership against the object it just read, so a
 * takeover between two attempts is never overwritten.
 */
import { isKubeApiError, TrafficRouterApi } from "./kubeClient";
import * as log from "./log";
import { OWNERSHIP_KEYS } from "./ownership";
import { WEIGHT_ANNOTATION } from "./render";
import { diffFields, formatDrift } from "./specDiff";
import { KubeObject } from "./types";

/** Bound on GET+write rounds when the API server keeps answering 409 Conflict. */
export const MAX_WRITE_ATTEMPTS = 5;

export function vsName(obj: { namespace?: string; name?: string }): string {
    return `VirtualService ${obj.namespace ?? "?"}/${obj.name ?? "?"}`;
}

/**
 * Keys this provider writes in full: whatever the live object has under them
 * is replaced, not merged. (An array: Pulumi's closure serializer does not
 * carry a Set's contents into the serialized provider.)
 */
const OWN_KEYS: readonly string[] = [...OWNERSHIP_KEYS, WEIGHT_ANNOTATION];

function othersOnly(map: Readonly<Record<string, string>> | undefined): Record<string, string> {
    return Object.fromEntries(Object.entries(map ?? {}).filter(([k]) => !OWN_KEYS.includes(k)));
}

/** The desired object, carrying over the live object's resourceVersion and the metadata others own. */
export function onTopOf(desired: KubeObject, live: KubeObject): KubeObject {
    const m = live.metadata;
    return {
        ...desired,
        metadata: {
            ...desired.metadata,
            resourceVersion: m.resourceVersion,
            labels: { ...othersOnly(m.labels), ...desired.metadata.labels },
            annotations: { ...othersOnly(m.annotations), ...desired.metadata.annotations },
            ...(m.finalizers ? { finalizers: m.finalizers } : {}),
            ...(m.ownerReferences ? { ownerReferences: m.ownerReferences } : {}),
        },
    };
}

export interface WriteOptions {
    /** Why the live object must not be written over (someone else's), or undefined to go ahead. */
    readonly refusal: (live: KubeObject) => string | undefined;
    /** The spec we last applied; a live spec that differs was changed by someone else (reported once). */
    readonly expectedSpec?: Readonly<Record<string, unknown>>;
    /** Creating: a missing object is expected, not news. */
    readonly creating?: boolean;
    /** A live object already in hand (after our own write), saving the first GET. */
    readonly known?: KubeObject;
}

export interface Written {
    /** The object as the API server stored it. */
    readonly written: KubeObject;
    /** The live object the write replaced; undefined when it created the object. */
    readonly found?: KubeObject;
}

/** Whether `live` is exactly what `desired` asked for: our marks and our spec. */
function isWrittenAsDesired(live: KubeObject | undefined, desired: KubeObject): live is KubeObject {
    if (!live) {
        return false;
    }
    const annotations = live.metadata.annotations ?? {};
    const ours = Object.entries(desired.metadata.annotations ?? {}).every(([k, v]) => annotations[k] === v);
    return ours && diffFields(desired.spec, live.spec, "spec", 1).length === 0;
}

/**
 * A write whose response never came (connection dropped, timeout) may have
 * been applied. Read the object back: if it is exactly what we wrote, the
 * write happened; otherwise report the original error.
 */
async function confirmLostWrite(api: TrafficRouterApi, desired: KubeObject, err: unknown): Promise<KubeObject> {
    if (isKubeApiError(err)) {
        throw err;
    }
    const { namespace = "", name = "" } = desired.metadata;
    const live = await api.getVirtualService(namespace, name).catch(() => undefined);
    if (isWrittenAsDesired(live, desired)) {
        log.warn(`${vsName(desired.metadata)}: the API server's answer was lost, but the object reads back as written; going on`);
        return live;
    }
    throw err;
}

/** One GET and one write; re-read and retry on 409 Conflict / 404, bounded. */
export async function writeVirtualService(api: TrafficRouterApi, desired: KubeObject, opts: WriteOptions): Promise<Written> {
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
                return { written: await api.createVirtualService(desired).catch((err) => confirmLostWrite(api, desired, err)) };
            }
            const refusal = opts.refusal(live);
            if (refusal !== undefined) {
                throw new Error(`${what} ${refusal}`);
            }
            if (opts.expectedSpec && !reportedDrift) {
                const drift = diffFields(opts.expectedSpec, live.spec);
                if (drift.length > 0) {
                    log.warn(`${what} was changed outside Pulumi: ${formatDrift(drift)}; restoring the declared spec`);
                    reportedDrift = true;
                }
            }
            const next = onTopOf(desired, live);
            return { written: await api.replaceVirtualService(next).catch((err) => confirmLostWrite(api, next, err)), found: live };
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
