/**
 * Who owns a VirtualService (pure). The labels name the program, the stack
 * and the resource; an annotation carries the resource *instance* that wrote
 * it last, new for every create:
 *
 *   labels:       app.kubernetes.io/managed-by: eks-ingress-mesh
 *                 eks-ingress-mesh/project:     eks-ingress-mesh
 *                 eks-ingress-mesh/stack:       dev
 *                 eks-ingress-mesh/resource:    mesh-traffic-split
 *   annotations:  eks-ingress-mesh/owner:       eks-ingress-mesh/dev/mesh-traffic-split
 *                 eks-ingress-mesh/instance:    7d0c…  (the resource's `instanceId` output)
 *
 * The rules, which no order of engine operations can break:
 * - update, read and delete act only on an object that carries their own
 *   instance mark (state from before the mark existed: an object with only
 *   the program label, as that version wrote it);
 * - a create takes over an existing object only when its labels name this
 *   project and stack (the resource may differ: a rename without an alias,
 *   or `--replace`, hands the object from the old resource to the new one),
 *   and writes its own mark, so the old resource's delete then leaves it;
 * - an object of another stack, one with only the program label, or one
 *   without it, is never taken over.
 */
import { KubeObject, Owner } from "./types";

export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGER = "eks-ingress-mesh";
export const PROJECT_LABEL = "eks-ingress-mesh/project";
export const STACK_LABEL = "eks-ingress-mesh/stack";
export const RESOURCE_LABEL = "eks-ingress-mesh/resource";
export const OWNER_ANNOTATION = "eks-ingress-mesh/owner";
export const INSTANCE_ANNOTATION = "eks-ingress-mesh/instance";

/** The labels and annotations ownership writes; a writer replaces all of them at once. */
export const OWNERSHIP_KEYS: readonly string[] = [PROJECT_LABEL, STACK_LABEL, RESOURCE_LABEL, OWNER_ANNOTATION, INSTANCE_ANNOTATION];

/** The owner and instance a write marks the object with; undefined = as the provider wrote before marks existed. */
export interface Identity {
    readonly owner?: Owner;
    readonly instance: string;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * `text` as a Kubernetes label value (at most 63 characters of
 * [A-Za-z0-9._-], alphanumeric at both ends): unchanged when it already is
 * one, else cleaned and suffixed with a hash of the original so two
 * different names never share a value.
 */
export function labelValue(text: string): string {
    if (text.length <= 63 && LABEL_VALUE.test(text)) {
        return text;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto: typeof import("crypto") = require("crypto");
    const hash = crypto.createHash("sha256").update(text).digest("hex").slice(0, 10);
    const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "").slice(0, 52);
    return cleaned ? `${cleaned}-${hash}` : hash;
}

export function ownerText(owner: Owner): string {
    return `${owner.project}/${owner.stack}/${owner.resource}`;
}

/** The ownership labels and annotations for a write (without the program label and the weight annotation). */
export function ownershipMetadata(identity: Identity | undefined): { labels: Record<string, string>; annotations: Record<string, string> } {
    if (!identity) {
        return { labels: {}, annotations: {} };
    }
    const { owner, instance } = identity;
    return {
        labels: owner ? { [PROJECT_LABEL]: labelValue(owner.project), [STACK_LABEL]: labelValue(owner.stack), [RESOURCE_LABEL]: labelValue(owner.resource) } : {},
        annotations: { ...(owner ? { [OWNER_ANNOTATION]: ownerText(owner) } : {}), [INSTANCE_ANNOTATION]: instance },
    };
}

/** What a live object says about its owner. */
export interface LiveOwnership {
    /** Carries `app.kubernetes.io/managed-by: eks-ingress-mesh`. */
    readonly managed: boolean;
    readonly project?: string;
    readonly stack?: string;
    readonly resource?: string;
    readonly instance?: string;
    /** "stack eks-ingress-mesh/dev (resource mesh-traffic-split)", for messages. */
    readonly description: string;
}

export function ownershipOf(obj: KubeObject): LiveOwnership {
    const labels = obj.metadata.labels ?? {};
    const annotations = obj.metadata.annotations ?? {};
    const managed = labels[MANAGED_BY_LABEL] === MANAGER;
    const [project, stack, resource] = [labels[PROJECT_LABEL], labels[STACK_LABEL], labels[RESOURCE_LABEL]];
    const instance = annotations[INSTANCE_ANNOTATION];
    // The annotation spells the names in full where a label had to be shortened.
    const full = /^([^/]+)\/([^/]+)\/(.+)$/.exec(annotations[OWNER_ANNOTATION] ?? "");
    const description =
        project !== undefined && stack !== undefined
            ? `stack ${full ? `${full[1]}/${full[2]}` : `${project}/${stack}`} (resource ${full ? full[3] : (resource ?? "?")})`
            : managed
              ? `an unknown stack (only the label ${MANAGED_BY_LABEL}=${MANAGER})`
              : "no stack of this program";
    return { managed, project, stack, resource, instance, description };
}

/**
 * Whether the resource instance `stateInstance` owns the live object, for
 * update, read and delete. State written before instance marks existed owns
 * an object that carries only the program label, as that version left it.
 */
export function ownsLive(live: KubeObject, stateInstance: string | undefined): boolean {
    const o = ownershipOf(live);
    if (stateInstance !== undefined) {
        return o.instance === stateInstance;
    }
    return o.managed && o.instance === undefined && o.stack === undefined;
}

/** Whether a create may take over an existing object: undefined if so, else why not. */
export function takeOverRefusal(live: KubeObject, owner: Owner | undefined): string | undefined {
    const o = ownershipOf(live);
    const adopt = owner
        ? `kubectl label virtualservice -n ${live.metadata.namespace ?? "?"} ${live.metadata.name ?? "?"} ` +
          `${MANAGED_BY_LABEL}=${MANAGER} ${PROJECT_LABEL}=${labelValue(owner.project)} ${STACK_LABEL}=${labelValue(owner.stack)} ${RESOURCE_LABEL}=${labelValue(owner.resource)} --overwrite`
        : "";
    if (!o.managed) {
        return (
            `already exists and is not managed by ${MANAGER} (no label ${MANAGED_BY_LABEL}=${MANAGER}); ` +
            (owner ? `delete it, or hand it to this stack with: ${adopt}` : "delete it")
        );
    }
    if (o.stack === undefined || o.project === undefined) {
        return (
            `already exists and carries only the label ${MANAGED_BY_LABEL}=${MANAGER}, which does not say which stack it belongs to` +
            (owner ? `; if it is this stack's, hand it over with: ${adopt}` : "")
        );
    }
    if (!owner) {
        return `already exists and belongs to ${o.description}; this TrafficSplit has no owner input, so it takes over nothing`;
    }
    if (o.project !== labelValue(owner.project) || o.stack !== labelValue(owner.stack)) {
        return `already exists and belongs to ${o.description}; a stack never takes over another stack's VirtualService`;
    }
    return undefined;
}
