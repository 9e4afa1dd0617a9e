/**
 * What the stack's config file (Pulumi.<stack>.yaml) adds to the outputs:
 * the AWS region and the rate limit's size, so the burst is sized to empty
 * every app sidecar's token bucket. Read the way synth reads it; a missing
 * or invalid file leaves verify on its defaults.
 */
import { loadStackConfig } from "../config";
import { readStackConfigFile } from "../synth/stackFiles";

export interface StackSettings {
    readonly region: string;
    /** Where the app's VirtualService lives (app.namespace). */
    readonly appNamespace: string;
    /** Pods carrying the rate-limited sidecar: stable + canary replicas. */
    readonly appPods: number;
    readonly rateLimit: { readonly maxTokens: number; readonly tokensPerFill: number; readonly fillInterval: string };
}

export function readStackSettings(stack: string, stackDir?: string): StackSettings {
    const { config } = readStackConfigFile(stack, stackDir);
    const region = typeof config["aws:region"] === "string" ? config["aws:region"] : undefined;
    const loaded = loadStackConfig(config, { stack, region });
    return { region: loaded.region, appNamespace: loaded.app.namespace, appPods: loaded.app.replicas * 2, rateLimit: loaded.resilience.rateLimit };
}

export interface BurstSize {
    readonly count: number;
    /** How the burst was sized, for the table. */
    readonly sizing: string;
}

/** Three times what all buckets hold, so refills during the burst cannot absorb it. */
export function burstSize(settings: StackSettings | undefined, override?: number): BurstSize {
    if (!settings) {
        return override === undefined
            ? { count: 1000, sizing: "default size; pass --stack to size it from the stack's rate limit" }
            : { count: override, sizing: "--burst" };
    }
    const { maxTokens, tokensPerFill, fillInterval } = settings.rateLimit;
    const capacity = settings.appPods * maxTokens;
    const buckets = `${settings.appPods} pods × ${maxTokens} tokens = ${capacity}, each refilled ${tokensPerFill} per ${fillInterval}`;
    return override === undefined ? { count: Math.max(100, 3 * capacity), sizing: `3 × buckets of ${buckets}` } : { count: override, sizing: `--burst; buckets hold ${buckets}` };
}
