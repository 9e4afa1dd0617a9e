/**
 * Renders the Istio VirtualService a TrafficSplit owns (pure), and reads the
 * weights back out of a live one. The provider owns the whole spec: hosts,
 * gateways, the optional header-match route to the canary, the weighted route,
 * retries, timeout and fault injection.
 */
import { Identity, MANAGED_BY_LABEL, MANAGER, ownershipMetadata } from "./ownership";
import { KubeObject, TrafficSplitInputs } from "./types";
import { splitWeights, Weights } from "./weights";

export { MANAGED_BY_LABEL, MANAGER };

export const VS_GROUP = "networking.istio.io";
export const VS_VERSION = "v1";
export const VS_PLURAL = "virtualservices";
export const VS_KIND = "VirtualService";

/** The canary weight this program last wrote, for people reading the object with kubectl. */
export const WEIGHT_ANNOTATION = "eks-ingress-mesh/canary-weight";

/** Route names, so a reader (and `parseLiveWeights`) can tell the routes apart. */
export const HEADER_ROUTE = "canary-header";
export const WEIGHTED_ROUTE = "weighted";

export const DEFAULT_STABLE_SUBSET = "stable";
export const DEFAULT_CANARY_SUBSET = "canary";

type Json = Record<string, unknown>;

function destination(inputs: TrafficSplitInputs, subset: string): Json {
    return {
        host: inputs.destination,
        subset,
        ...(inputs.port !== undefined ? { port: { number: inputs.port } } : {}),
    };
}

/** Retries, timeout and fault injection apply to every route of the service alike. */
function resilience(inputs: TrafficSplitInputs): Json {
    const out: Json = {};
    if (inputs.retries) {
        const { attempts, perTryTimeout, retryOn } = inputs.retries;
        out.retries = { attempts, perTryTimeout, ...(retryOn !== undefined ? { retryOn } : {}) };
    }
    if (inputs.timeout !== undefined) {
        out.timeout = inputs.timeout;
    }
    const fault: Json = {};
    if (inputs.fault?.delay) {
        fault.delay = { fixedDelay: inputs.fault.delay.fixedDelay, percentage: { value: inputs.fault.delay.percent } };
    }
    if (inputs.fault?.abort) {
        fault.abort = { httpStatus: inputs.fault.abort.httpStatus, percentage: { value: inputs.fault.abort.percent } };
    }
    if (Object.keys(fault).length > 0) {
        out.fault = fault;
    }
    return out;
}

/** The spec for `canaryWeight`; the object's other fields come from `renderVirtualService`. */
export function renderSpec(inputs: TrafficSplitInputs, canaryWeight: number): Json {
    const weights = splitWeights(canaryWeight);
    const stableSubset = inputs.stableSubset ?? DEFAULT_STABLE_SUBSET;
    const canarySubset = inputs.canarySubset ?? DEFAULT_CANARY_SUBSET;
    const shared = resilience(inputs);
    const http: Json[] = [];
    if (inputs.canaryHeader) {
        http.push({
            name: HEADER_ROUTE,
            match: [{ headers: { [inputs.canaryHeader.name]: { exact: inputs.canaryHeader.value } } }],
            route: [{ destination: destination(inputs, canarySubset) }],
            ...shared,
        });
    }
    http.push({
        name: WEIGHTED_ROUTE,
        route: [
            { destination: destination(inputs, stableSubset), weight: weights.stable },
            { destination: destination(inputs, canarySubset), weight: weights.canary },
        ],
        ...shared,
    });
    return {
        hosts: [...inputs.hosts],
        ...(inputs.gateways && inputs.gateways.length > 0 ? { gateways: [...inputs.gateways] } : {}),
        http,
    };
}

/**
 * The full VirtualService for `canaryWeight` (no resourceVersion: the writer
 * adds it), marked as owned by `identity` (see ownership.ts); without one,
 * marked as the provider did before owner marks existed.
 */
export function renderVirtualService(inputs: TrafficSplitInputs, canaryWeight: number, identity?: Identity): KubeObject {
    const ownership = ownershipMetadata(identity);
    return {
        apiVersion: `${VS_GROUP}/${VS_VERSION}`,
        kind: VS_KIND,
        metadata: {
            name: inputs.name,
            namespace: inputs.namespace,
            labels: { [MANAGED_BY_LABEL]: MANAGER, ...ownership.labels },
            annotations: { [WEIGHT_ANNOTATION]: String(canaryWeight), ...ownership.annotations },
        },
        spec: renderSpec(inputs, canaryWeight),
    };
}

function asArray(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function field(value: unknown, key: string): unknown {
    return typeof value === "object" && value !== null ? (value as Json)[key] : undefined;
}

/**
 * The stable and canary weights a live spec routes, read from the route named
 * `weighted` (else the last route without a match). Istio's rule applies: a
 * lone destination without a weight gets 100, others without one get 0.
 * Undefined when the spec has no such route at all.
 */
export function parseLiveWeights(spec: unknown, stableSubset = DEFAULT_STABLE_SUBSET, canarySubset = DEFAULT_CANARY_SUBSET): Weights | undefined {
    const http = asArray(field(spec, "http"));
    const weighted =
        http.find((r) => field(r, "name") === WEIGHTED_ROUTE) ?? [...http].reverse().find((r) => asArray(field(r, "match")).length === 0);
    if (weighted === undefined) {
        return undefined;
    }
    const routes = asArray(field(weighted, "route"));
    let stable = 0;
    let canary = 0;
    for (const r of routes) {
        const raw = field(r, "weight");
        const weight = typeof raw === "number" ? raw : routes.length === 1 ? 100 : 0;
        const subset = field(field(r, "destination"), "subset");
        if (subset === stableSubset) {
            stable += weight;
        } else if (subset === canarySubset) {
            canary += weight;
        }
    }
    return { stable, canary };
}
