/**
 * Reads what `pulumi stack export` writes (apitype.UntypedDeployment: version
 * 3, or 4 with features, and a DeploymentV3 with `resources[]` of urn, type,
 * id, inputs and outputs) so synth can run the dynamic resources' check and
 * diff against the last deployment, as `pulumi preview` does.
 *
 * Secrets in an export are `{"4dabf18193072939515e22adb298388d":
 * "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "…"}`, or with
 * `--show-secrets` `{…, "plaintext": "<JSON>"}`. Plaintext is decoded.
 * Ciphertext needs the stack's secrets provider, which synth does not have:
 * such a property is recorded as undecryptable and, where the program sets
 * the same property, replaced by the program's value (so it reads as
 * unchanged). For this program that is only the TrafficSplit's kubeconfig,
 * which neither check (the step rule reads the last weight) nor diff's
 * routing comparison needs.
 */
import * as fs from "fs";

/** The SDK's and the engine's signature key and secret signature (resource.SigKey, resource.SecretSig). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface PriorResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly id: string;
    readonly inputs: Record<string, unknown>;
    readonly outputs: Record<string, unknown>;
    /** Top-level properties that held ciphertext (in inputs or outputs). */
    readonly undecryptable: readonly string[];
}

export interface PriorState {
    readonly file: string;
    readonly stack: string;
    readonly project: string;
    readonly resources: readonly PriorResource[];
    find(type: string, name: string): PriorResource | undefined;
}

export class StateFileError extends Error {}

/** A marker for a secret synth cannot decrypt. */
export const UNDECRYPTABLE = Symbol("undecryptable secret");

function decode(value: unknown, found: { ciphertext: boolean }): unknown {
    if (Array.isArray(value)) {
        return value.map((v) => decode(v, found));
    }
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            if (typeof obj.plaintext === "string") {
                return decode(JSON.parse(obj.plaintext), found);
            }
            found.ciphertext = true;
            return UNDECRYPTABLE;
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, decode(v, found)]));
    }
    return value;
}

function decodeProps(props: unknown, undecryptable: Set<string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries((props ?? {}) as Record<string, unknown>)) {
        const found = { ciphertext: false };
        out[key] = decode(value, found);
        if (found.ciphertext) {
            undecryptable.add(key);
        }
    }
    return out;
}

/** urn:pulumi:<stack>::<project>::<parent types $>type::<name> */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } | undefined {
    const match = /^urn:pulumi:([^:]+)::([^:]+)::(.+?)::(.+)$/.exec(urn);
    if (!match) return undefined;
    const types = match[3].split("$");
    return { stack: match[1], project: match[2], type: types[types.length - 1], name: match[4] };
}

export function parseState(text: string, file = "state"): PriorState {
    let doc: { version?: unknown; deployment?: { resources?: unknown } };
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new StateFileError(`${file}: not JSON (${(e as Error).message}); expected what \`pulumi stack export\` writes`);
    }
    if (doc.version !== 3 && doc.version !== 4) {
        throw new StateFileError(`${file}: deployment version ${JSON.stringify(doc.version)}; expected 3 or 4, as \`pulumi stack export\` writes`);
    }
    const raw = doc.deployment?.resources ?? [];
    if (!Array.isArray(raw)) {
        throw new StateFileError(`${file}: deployment.resources must be a list`);
    }
    const resources: PriorResource[] = [];
    let stack = "";
    let project = "";
    for (const [i, r] of raw.entries()) {
        const urn = typeof r?.urn === "string" ? parseUrn(r.urn) : undefined;
        if (!urn || typeof r.type !== "string") {
            throw new StateFileError(`${file}: deployment.resources[${i}] has no valid urn and type`);
        }
        if (r.delete === true) {
            continue; // pending deletion of a replaced resource, not the live one
        }
        stack = urn.stack;
        project = urn.project;
        const undecryptable = new Set<string>();
        resources.push({
            urn: r.urn,
            type: r.type,
            name: urn.name,
            id: typeof r.id === "string" ? r.id : "",
            inputs: decodeProps(r.inputs, undecryptable),
            outputs: decodeProps(r.outputs, undecryptable),
            undecryptable: [...undecryptable].sort(),
        });
    }
    return { file, stack, project, resources, find: (type, name) => resources.find((r) => r.type === type && r.name === name) };
}

export function readStateFile(file: string): PriorState {
    if (!fs.existsSync(file)) {
        throw new StateFileError(`${file}: no such file (write one with \`pulumi stack export --file ${file}\`)`);
    }
    return parseState(fs.readFileSync(file, "utf8"), file);
}

/** Replaces undecryptable secrets with the program's value of the same property (so they read as unchanged). */
export function withSecretsFrom(props: Record<string, unknown>, program: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v === UNDECRYPTABLE ? program[k] : v]));
}
