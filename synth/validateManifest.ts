/**
 * Validates a Kubernetes or Istio object against its OpenAPI schema with
 * kubernetes-models / @kubernetes-models/istio. Those packages are ESM-only
 * and export no `require` condition, so each group/version module is loaded
 * by file path (Node ≥ 22 can `require` an ES module synchronously).
 */
import * as fs from "fs";
import * as path from "path";

interface Validatable {
    validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

const packageDirs = new Map<string, string>();

function packageDir(name: string): string {
    let dir = packageDirs.get(name);
    if (dir === undefined) {
        const found = (require.resolve.paths(name) ?? []).map((p) => path.join(p, name)).find((p) => fs.existsSync(path.join(p, "package.json")));
        if (found === undefined) {
            throw new Error(`validateManifest: package ${name} is not installed`);
        }
        dir = found;
        packageDirs.set(name, dir);
    }
    return dir;
}

/** The module file holding the models of one apiVersion, or undefined when no package covers it. */
function moduleFor(apiVersion: string): string | undefined {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
    if (!/^[a-z0-9.-]*$/.test(group) || !/^v[0-9a-z]+$/.test(version)) {
        return undefined;
    }
    const file = group.endsWith(".istio.io")
        ? path.join(packageDir("@kubernetes-models/istio"), group, version, "index.js")
        : path.join(packageDir("kubernetes-models"), group, version, "index.js");
    return fs.existsSync(file) ? file : undefined;
}

function modelClass(apiVersion: string, kind: string): ModelClass | undefined {
    const file = moduleFor(apiVersion);
    if (file === undefined) {
        return undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const models = require(file) as Record<string, unknown>;
    const model = models[kind];
    return typeof model === "function" ? (model as ModelClass) : undefined;
}

/**
 * Throws an Error naming the object's kind and name and every schema
 * violation; throws "no schema for …" for a kind neither package models.
 */
export function validateManifest(obj: { apiVersion: string; kind: string }): void {
    const meta = (obj as { metadata?: { name?: string; namespace?: string } }).metadata;
    const name = meta?.namespace ? `${meta.namespace}/${meta?.name}` : String(meta?.name);
    const Model = modelClass(obj.apiVersion, obj.kind);
    if (Model === undefined) {
        throw new Error(`no schema for ${obj.apiVersion} ${obj.kind} (${name})`);
    }
    // A JSON round trip drops undefined fields, which Pulumi inputs often carry and the schemas reject.
    const data = JSON.parse(JSON.stringify(obj)) as unknown;
    try {
        new Model(data).validate();
    } catch (e) {
        throw new Error(`${obj.kind} ${name} does not match the ${obj.apiVersion} schema: ${e instanceof Error ? e.message : String(e)}`);
    }
}
