/**
 * The Kubernetes object a `kubernetes:` resource of a mock run would apply.
 */
import { MockResource } from "./mockCloud";

export function withoutInternals(inputs: Record<string, any>): Record<string, any> {
    return Object.fromEntries(Object.entries(inputs).filter(([k]) => !k.startsWith("__")));
}

/** The Kubernetes object a `kubernetes:` resource would apply, or undefined for providers and Helm releases. */
export interface Manifest {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
    readonly [field: string]: unknown;
}

export function manifestOf(r: MockResource): Manifest | undefined {
    if (!r.type.startsWith("kubernetes:") || r.type === "kubernetes:helm.sh/v3:Release") {
        return undefined;
    }
    const { apiVersion, kind, metadata, ...rest } = withoutInternals(r.inputs);
    if (!apiVersion || !kind) {
        return undefined;
    }
    return { apiVersion, kind, metadata: { name: r.name, ...metadata }, ...rest };
}

