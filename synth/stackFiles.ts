/**
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI combines
 * them for a program: project-level defaults first, stack values over them.
 * Encrypted (`secure:`) values cannot be decrypted offline; they become a
 * placeholder and their key is reported as secret.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ENCRYPTED_OFFLINE } from "../configReader";

export const projectRoot = path.resolve(__dirname, "..");

export interface ConfigDeclaration {
    readonly type?: string;
    readonly description?: string;
    readonly default?: unknown;
    readonly secret?: boolean;
    readonly items?: unknown;
}

export interface ProjectFile {
    readonly name: string;
    readonly runtime: unknown;
    readonly description?: string;
    readonly config: Record<string, ConfigDeclaration>;
}

export interface StackConfigFile {
    /** Keys as the program sees them: without the project prefix; other namespaces (aws:) kept. */
    readonly config: Record<string, unknown>;
    readonly secretKeys: string[];
}

/** Encrypted (`secure:`) values cannot be decrypted offline; config skips its format check for them. */
export const secretPlaceholder = ENCRYPTED_OFFLINE;

export function readProjectFile(root = projectRoot): ProjectFile {
    return yaml.load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

export function stackNames(root = projectRoot): string[] {
    return fs
        .readdirSync(root)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

function isSecure(value: unknown): boolean {
    return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces encrypted values, at any depth, with the placeholder; true when any was found. */
function stripSecure(value: unknown): { value: unknown; secret: boolean } {
    if (isSecure(value)) {
        return { value: secretPlaceholder, secret: true };
    }
    if (Array.isArray(value)) {
        const items = value.map(stripSecure);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (typeof value === "object" && value !== null) {
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            const stripped = stripSecure(v);
            out[k] = stripped.value;
            secret = secret || stripped.secret;
        }
        return { value: out, secret };
    }
    return { value, secret: false };
}

/** The config a program run for `stack` would see; stack files live in `stackDir` (Pulumi's stackConfigDir). */
export function readStackConfigFile(stack: string, stackDir = projectRoot): StackConfigFile {
    const project = readProjectFile();
    const file = path.join(stackDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack file ${file} (stacks there: ${stackNames(stackDir).join(", ") || "none"})`);
    }
    const stackFile = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        if (declaration && typeof declaration === "object" && "default" in declaration) {
            config[key] = declaration.default;
        }
    }
    for (const [fullKey, raw] of Object.entries(stackFile.config ?? {})) {
        const key = fullKey.startsWith(`${project.name}:`) ? fullKey.slice(project.name.length + 1) : fullKey;
        const { value, secret } = stripSecure(raw);
        config[key] = value;
        if (secret) {
            secretKeys.push(key);
        }
    }
    return { config, secretKeys };
}
