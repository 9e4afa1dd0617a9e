/**
 * Offline policy evaluation: runs a Pulumi program under the project's mocks
 * (synth/mockCloud.ts) and hands the pack's policies what the engine would
 * hold after `pulumi up` — every resource's inputs and outputs, component and
 * stack outputs — with secrets still marked. The engine's own policy host
 * strips secret markers (pulumi/pulumi-policy#241); here they survive, so
 * `no-plaintext-secrets` can tell a secret kubeconfig from a leaked one.
 *
 * Secretness is taken from the program's real Outputs: a resource property is
 * secret when its input was (the engine carries that over to the output of the
 * same name) or it is listed in additionalSecretOutputs; a component's or the
 * stack's output when its Output is.
 */
import * as pulumi from "@pulumi/pulumi";
import { Secret } from "@pulumi/policy";
import { ProgramRun, RunOptions, runUnderMocks, settle } from "../synth/mockCloud";
import { EvaluatedResource, evaluatePolicies, Evaluation } from "./evaluate";

const STACK_TYPE = "pulumi:pulumi:Stack";

export interface OfflineRun {
    readonly run: ProgramRun;
    /** Every resource (stack, components, custom resources) as the policies see it. */
    readonly resources: EvaluatedResource[];
    readonly evaluation: Evaluation;
}

interface Capture {
    /** `type::name` → top-level property names whose input was secret. */
    readonly secretProps: Map<string, Set<string>>;
    readonly additionalSecretOutputs: Map<string, string[]>;
    /** `type::name` → the Outputs a component registered. */
    readonly componentOutputs: Map<string, Record<string, unknown>>;
    readonly pending: Promise<void>[];
}

function markSecret(capture: Capture, key: string, prop: string): void {
    const set = capture.secretProps.get(key) ?? new Set<string>();
    set.add(prop);
    capture.secretProps.set(key, set);
}

/** Whether a value (an Output, or plain data with Outputs inside) is secret. */
function secretness(value: unknown): Promise<boolean> {
    return pulumi.isSecret(pulumi.output(value as pulumi.Input<unknown>));
}

/** Wraps the program so every registration and its secretness is recorded. */
function capturing(program: () => unknown, capture: Capture): { program: () => Promise<unknown>; restore: () => void } {
    const componentPrototype = pulumi.ComponentResource.prototype as unknown as {
        registerOutputs(this: { __pulumiType?: string; __name?: string }, outputs?: unknown): void;
    };
    const original = componentPrototype.registerOutputs;
    componentPrototype.registerOutputs = function (outputs?: unknown) {
        if (outputs && typeof outputs === "object" && this.__pulumiType && this.__name) {
            capture.componentOutputs.set(`${this.__pulumiType}::${this.__name}`, outputs as Record<string, unknown>);
        }
        return original.call(this, outputs);
    };
    const wrapped = async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            const key = `${args.type}::${args.name}`;
            capture.additionalSecretOutputs.set(key, [...((args.opts as pulumi.CustomResourceOptions).additionalSecretOutputs ?? [])]);
            for (const [prop, value] of Object.entries(args.props ?? {})) {
                capture.pending.push(
                    secretness(value).then((secret) => {
                        if (secret) {
                            markSecret(capture, key, prop);
                        }
                    }),
                );
            }
            return undefined;
        });
        return program();
    };
    return { program: wrapped, restore: () => (componentPrototype.registerOutputs = original) };
}

function wrap(props: Record<string, unknown>, secret: (prop: string) => boolean): Record<string, unknown> {
    return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, secret(k) ? new Secret(v) : v]));
}

async function resolveOutputs(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(outputs)) {
        const plain = await settle(value as pulumi.Input<unknown>);
        if (plain !== undefined) {
            resolved[key] = (await secretness(value)) ? new Secret(plain) : plain;
        }
    }
    return resolved;
}

/**
 * Runs `program` (a Pulumi program function, e.g. `require("./index")`) under
 * the mocks and evaluates the policy pack over the result.
 */
export async function evaluateProgram(program: () => unknown, options: RunOptions): Promise<OfflineRun> {
    const capture: Capture = { secretProps: new Map(), additionalSecretOutputs: new Map(), componentOutputs: new Map(), pending: [] };
    let stackOutputs: unknown;
    const { program: wrapped, restore } = capturing(async () => {
        stackOutputs = await program();
        return stackOutputs;
    }, capture);
    let run: ProgramRun;
    try {
        run = await runUnderMocks(wrapped, options);
        await Promise.all(capture.pending);
    } finally {
        restore();
    }

    const project = options.project ?? "eks-ingress-mesh";
    const stack = options.stack ?? "test";
    const stackName = `${project}-${stack}`;
    // The stack resource's properties are the program's outputs.
    const resources: EvaluatedResource[] = [
        {
            type: STACK_TYPE,
            name: stackName,
            urn: `urn:pulumi:${stack}::${project}::${STACK_TYPE}::${stackName}`,
            props: await resolveOutputs((stackOutputs ?? {}) as Record<string, unknown>),
        },
    ];
    for (const r of run.resources.filter((x) => x.type !== STACK_TYPE)) {
        const key = `${r.type}::${r.name}`;
        const additionalSecretOutputs = capture.additionalSecretOutputs.get(key) ?? [];
        const secretInputs = capture.secretProps.get(key) ?? new Set<string>();
        const registered = capture.componentOutputs.get(key);
        const props = registered
            ? { ...wrap(r.state, (p) => secretInputs.has(p)), ...(await resolveOutputs(registered)) }
            : wrap(r.state, (p) => secretInputs.has(p) || additionalSecretOutputs.includes(p));
        resources.push({ type: r.type, name: r.name, urn: r.urn, props, additionalSecretOutputs, parent: r.parent });
    }
    return { run, resources, evaluation: await evaluatePolicies(resources) };
}
