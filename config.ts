/**
 * The one typed, validated view of stack config. The keys, defaults and rules
 * live in config/schema.ts; the types below are inferred from it.
 * `loadStackConfig` is pure (raw key → value map in, typed config or one
 * ConfigError naming every problem out) so every rule is unit-tested without a
 * Pulumi runtime; `readStackConfig` feeds it from the running stack. Keys in
 * messages are the paths users type in `pulumi config set --path <key> <value>`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./configReader";
import { Infer, readConfig } from "./config/nodes";
import { schema } from "./config/schema";

export { ConfigError } from "./configReader";

export const projectName = "eks-ingress-mesh";

type Schema = Infer<typeof schema>;

export type StackConfig = Omit<Schema, "aws:region"> & {
    readonly project: string;
    readonly stack: string;
    /** `aws:region`. */
    readonly region: string;
};
export type ClusterConfig = StackConfig["cluster"];
export type DnsConfig = StackConfig["dns"];
export type IngressConfig = StackConfig["ingress"];
export type MeshConfig = StackConfig["mesh"];
export type AppConfig = StackConfig["app"];
export type CanaryConfig = StackConfig["canary"];
export type AnalysisConfig = NonNullable<CanaryConfig["analysis"]>;
export type ResilienceConfig = StackConfig["resilience"];
export type KubeOpsViewConfig = StackConfig["kubeOpsView"];
export type DnsPolicy = DnsConfig["policy"];
export type MtlsMode = MeshConfig["mtls"];
export type IngressScheme = IngressConfig["scheme"];

/** The top-level keys this program reads under the project's namespace. */
export const configKeys: readonly string[] = Object.keys(schema.fields).filter((k) => !k.includes(":"));

export interface ConfigContext {
    readonly project?: string;
    readonly stack: string;
    readonly region?: string;
    /** Top-level keys stored encrypted in the stack file. */
    readonly secretKeys?: readonly string[];
}

/** The typed config and the warnings (e.g. a plain-text kubeconfig); throws one ConfigError naming every problem. */
export function loadStackConfigWithWarnings(raw: Readonly<Record<string, unknown>>, context: ConfigContext): { config: StackConfig; warnings: string[] } {
    const project = context.project ?? projectName;
    const ours = Object.fromEntries(Object.entries(raw).filter(([k]) => !k.includes(":")));
    const region = context.region ?? (raw["aws:region"] as string | undefined);
    const reading = readConfig(schema, { ...ours, ...(region === undefined ? {} : { "aws:region": region }) }, {
        project,
        stack: context.stack,
        region: region ?? "",
        isSecret: (key) => context.secretKeys?.includes(key) ?? false,
    });
    if (reading.problems.length > 0) {
        throw new ConfigError(reading.problems, reading.warnings);
    }
    const { "aws:region": resolvedRegion, ...rest } = reading.value as Schema;
    return { config: { project, stack: context.stack, region: resolvedRegion, ...rest }, warnings: reading.warnings };
}

export function loadStackConfig(raw: Readonly<Record<string, unknown>>, context: ConfigContext): StackConfig {
    return loadStackConfigWithWarnings(raw, context).config;
}

/** Exported by the SDK's runtime (PULUMI_CONFIG_SECRET_KEYS), though missing from its typings. */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;

/** Parses one raw config string: objects and arrays are JSON, scalars stay strings. */
function parseRaw(value: string): unknown {
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return value;
        }
    }
    return value;
}

/**
 * Reads every key of the project's namespace from the running stack (so a
 * misspelled top-level key is reported, not ignored). Raw values are read
 * through the runtime rather than `pulumi.Config#getObject` so a secret nested
 * in an object (cluster.kubeconfig) is not logged about and is wrapped as a
 * secret right here, before any other code can see it.
 */
export function readStackConfig(): StackConfig {
    const project = pulumi.getProject();
    const raw: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (fullKey.startsWith(`${project}:`)) {
            const key = fullKey.slice(project.length + 1);
            raw[key] = parseRaw(value);
            if (isConfigSecret(fullKey)) {
                secretKeys.push(key);
            }
        }
    }
    try {
        const { config, warnings } = loadStackConfigWithWarnings(raw, { project, stack: pulumi.getStack(), region: pulumi.runtime.getConfig("aws:region"), secretKeys });
        warnings.forEach((w) => pulumi.log.warn(w));
        return config;
    } catch (e) {
        if (e instanceof ConfigError) {
            // RunError is reported by the engine as a plain message, without a stack trace.
            throw new pulumi.RunError(e.message);
        }
        throw e;
    }
}
