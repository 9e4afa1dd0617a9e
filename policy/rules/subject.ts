/**
 * What every rule looks at: a resource's type, name, URN and properties, as
 * `@pulumi/policy` hands them to a policy (`ResourceValidationArgs` and
 * `PolicyResource` both have this shape), plus the helpers the rules share.
 * Pure: rules are tested with plain objects.
 */
import { Secret } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";

export { show } from "../../configReader";

export interface PolicySubject {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Readonly<Record<string, unknown>>;
}

/** A stack-level subject also carries the options the engine reports. */
export interface StackPolicySubject extends PolicySubject {
    readonly opts?: { readonly additionalSecretOutputs?: readonly string[] };
}

/** A violation of a stack-level rule, attributed to one resource. */
export interface StackViolation {
    readonly urn: string;
    readonly message: string;
}

/** `kubernetes:networking.k8s.io/v1:Ingress "ingress-app" (urn:…)`: how every message names a resource. */
export function describeResource(subject: PolicySubject): string {
    return `${subject.type} "${subject.name}" (${subject.urn})`;
}

/** One message format for every rule: the rule, the resource, the problem and the fix. */
export function violation(rule: string, subject: PolicySubject, problem: string): string {
    return `[${rule}] ${describeResource(subject)}: ${problem}`;
}

/** The stack of a URN `urn:pulumi:<stack>::<project>::<type>::<name>`; undefined for anything else. */
export function stackOfUrn(urn: string): string | undefined {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    return match?.[1];
}

/** "prod", "production", "prod-eu", "eu-prod": the stacks the production rules apply to. */
export function isProductionStack(stack: string | undefined): boolean {
    return stack !== undefined && /(^|[-_.])(prod|production)([-_.]|$)/i.test(stack);
}


/** True for a value the engine holds as a secret: a `@pulumi/policy` Secret or a wire-format secret. */
export function isSecretValue(value: unknown): boolean {
    if (value instanceof Secret) {
        return true;
    }
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** The plain value inside a secret wrapper (or the value itself). */
export function unwrapSecret(value: unknown): unknown {
    if (value instanceof Secret) {
        return value.value;
    }
    if (isSecretValue(value)) {
        return (value as Record<string, unknown>).value;
    }
    return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `props.a.b.c`, unwrapping secrets on the way; undefined when any step is missing. */
export function pathValue(props: Readonly<Record<string, unknown>>, ...path: string[]): unknown {
    let current: unknown = props;
    for (const key of path) {
        current = unwrapSecret(current);
        if (!isRecord(current)) {
            return undefined;
        }
        current = current[key];
    }
    return unwrapSecret(current);
}

/** Dynamic-provider resources (`pulumi-nodejs:dynamic:Resource`, `pulumi-nodejs:dynamic/<module>:<Type>`). */
export function isDynamicResource(type: string): boolean {
    return type === "pulumi-nodejs:dynamic:Resource" || type.startsWith("pulumi-nodejs:dynamic/");
}

/**
 * One of this program's dynamic resources: by its type token, or, for state
 * written under the SDK's generic token, by the inputs only it has.
 */
export function isDynamicKind(subject: PolicySubject, typeName: string, identifyingProps: readonly string[]): boolean {
    if (!isDynamicResource(subject.type)) {
        return false;
    }
    return subject.type.endsWith(`:${typeName}`) || identifyingProps.every((prop) => prop in subject.props);
}
