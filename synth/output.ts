/**
 * Turns a mock program run into what `npm run synth` shows and writes: the
 * resource tree, resources.json, one YAML per Kubernetes object or Helm
 * release, and the dynamic resources' plans (DNS records, traffic weights).
 * Secrets are redacted before anything is printed or written.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { MockResource, ProgramRun } from "./mockCloud";
import { dynamicPlanOf } from "./plans";
import { Manifest, manifestOf, withoutInternals } from "./manifest";
import { validateManifest } from "./validateManifest";


export const redacted = "[secret]";

/**
 * Copies a value with every string that holds a secret redacted: values that
 * were secret inputs or secret stack outputs of the run (at least 8
 * characters, so short common words are not hidden). Field names do not
 * matter: the EnvoyFilter's `token_bucket` is a rate limit, not a token.
 */
export function redact(value: unknown, secrets: readonly string[] = []): unknown {
    if (typeof value === "string") {
        return secrets.some((s) => s.length >= 8 && value.includes(s)) ? redacted : value;
    }
    if (Array.isArray(value)) {
        return value.map((v) => redact(v, secrets));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secrets)]));
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

/** The identity the API server keys objects by: group, kind, namespace, name. */
function identityOf(m: Manifest): string {
    const group = m.apiVersion.includes("/") ? m.apiVersion.split("/")[0] : "core";
    return `${m.kind}.${group} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ""}${m.metadata.name}`;
}

/** Two resources writing one Kubernetes object would overwrite each other: fail, naming both. */
function assertUniqueIdentities(objects: readonly { manifest: Manifest; owner: MockResource }[]): void {
    const seen = new Map<string, MockResource>();
    const clashes: string[] = [];
    for (const { manifest, owner } of objects) {
        const id = identityOf(manifest);
        const first = seen.get(id);
        if (first) {
            clashes.push(`${id} is declared by both ${first.type} "${first.name}" and ${owner.type} "${owner.name}"`);
        } else {
            seen.set(id, owner);
        }
    }
    if (clashes.length > 0) {
        throw new pulumi.RunError(`two Kubernetes objects with one identity (the second would overwrite the first):\n${clashes.map((c) => `  - ${c}`).join("\n")}`);
    }
}

export interface SynthSummary {
    readonly manifests: number;
    readonly helmReleases: number;
}

/** Writes out/<stack>/ and validates every Kubernetes object; throws naming the first invalid one. */
export function writeSynthOutput(run: ProgramRun, outDir: string): SynthSummary {
    const secrets = [...run.secretValues];
    // Everything is validated before anything is written: a bad object leaves no partial out/<stack>/.
    const objects: { manifest: Manifest; owner: MockResource }[] = [];
    for (const r of run.resources) {
        const manifest = manifestOf(r);
        if (manifest) {
            objects.push({ manifest, owner: r });
        }
        if (typeof r.inputs.__provider === "string") {
            dynamicPlanOf(r)?.manifests.forEach((m) => objects.push({ manifest: m, owner: r }));
        }
    }
    objects.forEach((o) => validateManifest(o.manifest));
    assertUniqueIdentities(objects);

    fs.rmSync(outDir, { recursive: true, force: true });
    const manifestDir = path.join(outDir, "manifests");
    fs.mkdirSync(manifestDir, { recursive: true });
    const write = (file: string, value: unknown) =>
        fs.writeFileSync(file, file.endsWith(".json") ? `${JSON.stringify(value, null, 2)}\n` : yaml.dump(value, { noRefs: true, lineWidth: 120 }));

    const files = new Set<string>();
    for (const { manifest } of objects) {
        // Same kind and name in two API groups (an Istio and a Gateway API Gateway): the group tells the files apart.
        let file = fileName(manifest.kind, manifest.metadata.namespace, manifest.metadata.name);
        if (files.has(file)) {
            file = fileName(identityOf(manifest).split(" ")[0], manifest.metadata.namespace, manifest.metadata.name);
        }
        files.add(file);
        write(path.join(manifestDir, file), redact(manifest, secrets));
    }
    let helmReleases = 0;
    for (const r of run.resources) {
        const release = helmReleaseOf(r);
        if (release) {
            write(path.join(manifestDir, fileName("HelmRelease", release.namespace, release.name)), redact(release, secrets));
            helmReleases++;
        }
        if (typeof r.inputs.__provider === "string") {
            write(path.join(outDir, `${r.name}.json`), redact(withoutInternals(r.state), secrets));
            const plan = dynamicPlanOf(r);
            if (plan) {
                write(path.join(outDir, `${r.name}.plan.json`), redact(plan.summary, secrets));
            }
        }
    }
    const manifests = objects.length;

    write(
        path.join(outDir, "resources.json"),
        run.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, id: r.id, inputs: redact(withoutInternals(r.inputs), secrets) })),
    );
    write(path.join(outDir, "outputs.json"), redact(run.outputs, secrets));
    return { manifests, helmReleases };
}
