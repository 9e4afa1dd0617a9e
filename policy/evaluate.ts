/**
 * Runs the pack's policies over resources outside the Pulumi engine, calling
 * each policy's own `validateResource` / `validateStack` with arguments shaped
 * like the ones `@pulumi/policy` builds. Used by the tests and by the offline
 * evaluation of a program run (./offline.ts).
 */
import type {
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { policies as packPolicies } from "./policies";

/** A resource as the evaluator sees it; props may hold `@pulumi/policy` Secret values. */
export interface EvaluatedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
    readonly additionalSecretOutputs?: readonly string[];
    readonly parent?: string;
}

export interface PolicyFinding {
    readonly policy: string;
    /** The resource the violation is about, when the policy named one. */
    readonly urn?: string;
    readonly message: string;
}

export interface Evaluation {
    readonly findings: PolicyFinding[];
    /** Policy name → reason, for policies that declared themselves not applicable. */
    readonly notApplicable: Record<string, string>;
}

class NotApplicable extends Error {
    constructor(readonly reason: string) {
        super(reason);
    }
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason ?? "not applicable");
}

function options(resource: EvaluatedResource): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [...(resource.additionalSecretOutputs ?? [])],
        parent: resource.parent,
    };
}

const noTypeChecks = {
    isType: () => false,
    asType: () => undefined,
};

export function resourceArgs(resource: EvaluatedResource): ResourceValidationArgs {
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: resource.props,
        opts: options(resource),
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
        ...noTypeChecks,
    };
}

export function stackArgs(resources: readonly EvaluatedResource[]): StackValidationArgs {
    const policyResources: PolicyResource[] = resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        opts: options(r),
        dependencies: [],
        propertyDependencies: {},
        ...noTypeChecks,
    }));
    return { resources: policyResources, stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable };
}

function isStackPolicy(policy: ResourceValidationPolicy | StackValidationPolicy): policy is StackValidationPolicy {
    return "validateStack" in policy && typeof policy.validateStack === "function";
}

/** Every violation the policies report for these resources. */
export async function evaluatePolicies(
    resources: readonly EvaluatedResource[],
    policies: ReadonlyArray<ResourceValidationPolicy | StackValidationPolicy> = packPolicies,
): Promise<Evaluation> {
    const findings: PolicyFinding[] = [];
    const skipped: Record<string, string> = {};
    for (const policy of policies) {
        const report =
            (urn?: string): ReportViolation =>
            (message: string, reportedUrn?: string) =>
                findings.push({ policy: policy.name, urn: reportedUrn ?? urn, message });
        try {
            if (isStackPolicy(policy)) {
                await policy.validateStack(stackArgs(resources), report());
                continue;
            }
            const validations = policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const resource of resources) {
                for (const validate of validations) {
                    try {
                        await validate(resourceArgs(resource), report(resource.urn));
                    } catch (e) {
                        if (!(e instanceof NotApplicable)) {
                            throw e;
                        }
                    }
                }
            }
        } catch (e) {
            if (e instanceof NotApplicable) {
                skipped[policy.name] = e.reason;
                continue;
            }
            throw e;
        }
    }
    return { findings, notApplicable: skipped };
}
