/**
 * Turns a mock program run into what `npm run synth` shows and writes: the
 * resource tree, resources.json, one YAML per Kubernetes object or Helm
 * release, and the dynamic resources' plans (DNS records, traffic weights).
 * Secrets are redacted before anything is printed or written.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { MockResource, ProgramRun } from "./mockCloud";
import { dynamicPlanOf } from "./plans";
import { Manifest, manifestOf, withoutInternals } from "./manifest";
import { validateManifest } from "./validateManifest";


export const redacted = "[secret]";
/** What an Output turns into when serialized as JSON: never a value synth may write. */
export const OUTPUT_PLACEHOLDER = "Calling [toJSON] on an [Output<T>]";
const secretKey = /kubeconfig|password|token|secret|privateKey/i;

/** Copies a value with every secret-looking field and every known secret string redacted. */
export function redact(value: unknown, secrets: readonly string[] = []): unknown {
    if (typeof value === "string") {
        return secrets.some((s) => s.length >= 8 && value.includes(s)) ? redacted : value;
    }
    if (Array.isArray(value)) {
        return value.map((v) => redact(v, secrets));
    }
    if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            out[k] = secretKey.test(k) && v !== undefined && v !== null && v !== "" ? redacted : redact(v, secrets);
        }
        return out;
    }
    return value;
}

function keyOf(r: Pick<MockResource, "type" | "name">): string {
    return `${r.type}::${r.name}`;
}

/** The resource tree; Helm releases show their chart, dynamic resources their plan in one line. */
export function renderTree(resources: readonly MockResource[]): string {
    const children = new Map<string | undefined, MockResource[]>();
    for (const r of resources) {
        if (r.type === "pulumi:pulumi:Stack") {
            continue;
        }
        const siblings = children.get(r.parent) ?? [];
        siblings.push(r);
        children.set(r.parent, siblings);
    }
    const lines: string[] = [];
    const walk = (parent: string | undefined, indent: string) => {
        const items = (children.get(parent) ?? []).sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
        items.forEach((r, i) => {
            const last = i === items.length - 1;
            const label = typeof r.inputs.__provider === "string" ? dynamicPlanOf(r)?.label : helmReleaseOf(r) && `chart ${r.inputs.chart} ${r.inputs.version}`;
            lines.push(`${indent}${last ? "└─ " : "├─ "}${r.type}  ${r.name}${label ? `  (${label})` : ""}`);
            walk(keyOf(r), indent + (last ? "   " : "│  "));
        });
    };
    const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    lines.push(stack ? `pulumi:pulumi:Stack  ${stack.name}` : "(stack)");
    walk(undefined, "");
    return lines.join("\n");
}

function helmReleaseOf(r: MockResource): Record<string, any> | undefined {
    if (r.type !== "kubernetes:helm.sh/v3:Release") {
        return undefined;
    }
    const { chart, version, repositoryOpts, namespace, name, values, createNamespace } = r.inputs;
    return { kind: "HelmRelease", name: name ?? r.name, namespace, chart, version, repository: repositoryOpts?.repo, createNamespace, values };
}

function fileName(kind: string, namespace: string | undefined, name: string): string {
    return `${[kind, namespace, name].filter(Boolean).join("-")}.yaml`.toLowerCase().replace(/[^a-z0-9.-]/g, "_");
}

export interface SynthSummary {
    readonly manifests: number;
    readonly helmReleases: number;
}

/** Writes out/<stack>/ and validates every Kubernetes object; throws naming the first invalid one. */
export function writeSynthOutput(run: ProgramRun, outDir: string): SynthSummary {
    const secrets = [...run.secretValues];
    fs.rmSync(outDir, { recursive: true, force: true });
    const manifestDir = path.join(outDir, "manifests");
    fs.mkdirSync(manifestDir, { recursive: true });
    const write = (file: string, value: unknown) => {
        const text = file.endsWith(".json") ? `${JSON.stringify(value, null, 2)}\n` : yaml.dump(value, { noRefs: true, lineWidth: 120 });
        if (text.includes(OUTPUT_PLACEHOLDER)) {
            throw new Error(`synth: ${path.relative(outDir, file)} would hold an Output's placeholder text ("${OUTPUT_PLACEHOLDER}…") instead of a value`);
        }
        fs.writeFileSync(file, text);
    };

    let manifests = 0;
    let helmReleases = 0;
    const writeManifest = (manifest: Manifest) => {
        validateManifest(manifest);
        write(path.join(manifestDir, fileName(manifest.kind, manifest.metadata.namespace, manifest.metadata.name)), redact(manifest, secrets));
        manifests++;
    };
    for (const r of run.resources) {
        const manifest = manifestOf(r);
        if (manifest) {
            writeManifest(manifest);
        }
        const release = helmReleaseOf(r);
        if (release) {
            write(path.join(manifestDir, fileName("HelmRelease", release.namespace, release.name)), redact(release, secrets));
            helmReleases++;
        }
        if (typeof r.inputs.__provider === "string") {
            write(path.join(outDir, `${r.name}.json`), redact(withoutInternals(r.state), secrets));
            const plan = dynamicPlanOf(r);
            plan?.manifests.forEach(writeManifest);
            if (plan) {
                write(path.join(outDir, `${r.name}.plan.json`), redact(plan.summary, secrets));
            }
        }
    }

    write(
        path.join(outDir, "resources.json"),
        run.resources.map((r) => ({
            type: r.type,
            name: r.name,
            parent: r.parent,
            id: r.id,
            inputs: redact(withoutInternals(r.inputs), secrets),
            // What the engine orders this resource after (type::name), as its RegisterResource request said.
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
            provider: r.provider,
        })),
    );
    write(path.join(outDir, "outputs.json"), redact(run.outputs, secrets));
    return { manifests, helmReleases };
}
