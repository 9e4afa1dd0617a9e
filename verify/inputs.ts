/**
 * What verify checks, read from a stack's outputs (`pulumi stack output
 * --json`): the hostnames (`fqdns`), the URLs (`urls.app`,
 * `urls["kube-ops-view"]`, `urls.kiali`, `urls.grafana`) and the configured
 * canary weight (`canaryWeight`).
 * Bad or missing outputs are a usage error naming the output key.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { show } from "../configReader";
import { GRAFANA_HEALTH_PATH } from "../components/monitoring/grafana";
import { KIALI_HEALTH_PATH } from "../components/monitoring/kiali";

/** The monitoring tools' health endpoints (no login needed; the ALB health-checks the same paths), by route name. */
const MONITORING_HEALTH: Readonly<Record<string, string>> = { kiali: KIALI_HEALTH_PATH, grafana: GRAFANA_HEALTH_PATH };

export interface VerifyTarget {
    /** Every hostname the stack publishes in DNS. */
    readonly hostnames: string[];
    readonly appUrl: string;
    /** Undefined when kube-ops-view is disabled. */
    readonly kubeOpsViewUrl?: string;
    /** Health URLs of the monitoring tools the stack publishes (Kiali, Grafana); empty when none. */
    readonly monitoringUrls?: readonly string[];
    /** 0..100 */
    readonly canaryWeight: number;
    /** The ALB's DNS name when known without Route53 (the Ingress status, in --kubeconfig mode). */
    readonly albDnsName?: string;
}

export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}

function url(value: unknown, key: string): string {
    if (typeof value !== "string" || !/^https?:\/\//.test(value)) {
        throw new InputError(`stack output ${key}: must be an http:// or https:// URL; got ${show(value)}`);
    }
    try {
        new URL(value);
    } catch {
        throw new InputError(`stack output ${key}: not a valid URL; got ${show(value)}`);
    }
    return value;
}

/** Validates `pulumi stack output --json` as parsed JSON. */
export function targetFromOutputs(outputs: unknown): VerifyTarget {
    if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) {
        throw new InputError(`stack outputs: must be a JSON object as \`pulumi stack output --json\` prints; got ${show(outputs)}`);
    }
    const o = outputs as Record<string, unknown>;
    const urls = o.urls;
    if (typeof urls !== "object" || urls === null || Array.isArray(urls)) {
        throw new InputError(`stack output urls: must be an object of route name → URL (with an "app" entry); got ${show(urls)}`);
    }
    const routes = urls as Record<string, unknown>;
    const appUrl = url(routes.app, "urls.app");
    const kubeOpsViewUrl = routes["kube-ops-view"] === undefined ? undefined : url(routes["kube-ops-view"], 'urls["kube-ops-view"]');
    const monitoringUrls = Object.entries(MONITORING_HEALTH)
        .filter(([name]) => routes[name] !== undefined)
        .map(([name, health]) => new URL(health, url(routes[name], `urls.${name}`)).toString());

    const weight = o.canaryWeight;
    if (typeof weight !== "number" || !Number.isInteger(weight) || weight < 0 || weight > 100) {
        throw new InputError(`stack output canaryWeight: must be an integer 0..100; got ${show(weight)}`);
    }

    let hostnames: string[];
    if (o.fqdns === undefined) {
        hostnames = Object.values(routes).map((u) => new URL(String(u)).hostname);
    } else if (Array.isArray(o.fqdns) && o.fqdns.every((h) => typeof h === "string" && h.length > 0)) {
        hostnames = o.fqdns as string[];
    } else {
        throw new InputError(`stack output fqdns: must be a list of hostnames; got ${show(o.fqdns)}`);
    }
    hostnames = [...new Set(hostnames.map((h) => h.toLowerCase().replace(/\.$/, "")))];
    if (hostnames.length === 0) {
        throw new InputError("stack output fqdns: is empty; the stack publishes no hostname to check");
    }
    return { hostnames, appUrl, kubeOpsViewUrl, monitoringUrls, canaryWeight: weight };
}

/** The `kubeconfig` output (secret), when the stack exports one. Never printed. */
export function kubeconfigFromOutputs(outputs: unknown): string | undefined {
    const value = typeof outputs === "object" && outputs !== null ? (outputs as Record<string, unknown>).kubeconfig : undefined;
    // Without --show-secrets the CLI prints "[secret]": no kubeconfig then.
    if (typeof value === "string" && value.trim() && value !== "[secret]") return value;
    // pulumi-eks exports the kubeconfig as an object; any kubeconfig is also valid JSON-as-YAML.
    if (typeof value === "object" && value !== null) return JSON.stringify(value);
    return undefined;
}

export function readOutputsFile(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(`--outputs ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new InputError(`--outputs ${file}: not JSON (${(e as Error).message}); write it with \`pulumi stack output --json > ${file}\``);
    }
}

/**
 * Asks the Pulumi CLI. --show-secrets because the outputs may hold the
 * kubeconfig; verify keeps them in memory and never prints them.
 */
export function readOutputsFromPulumi(stack: string, pulumiBinary = "pulumi"): unknown {
    const result = spawnSync(pulumiBinary, ["stack", "output", "--json", "--show-secrets", "--stack", stack], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.error) {
        const code = (result.error as NodeJS.ErrnoException).code;
        throw new InputError(
            code === "ENOENT"
                ? `--stack ${stack}: the Pulumi CLI is not installed here; write the outputs elsewhere with \`pulumi stack output --json --stack ${stack} > outputs.json\` and pass --outputs outputs.json`
                : `--stack ${stack}: running pulumi failed (${result.error.message})`,
        );
    }
    if (result.status !== 0) {
        throw new InputError(`--stack ${stack}: \`pulumi stack output\` exited with ${result.status}: ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
    }
    try {
        return JSON.parse(result.stdout);
    } catch (e) {
        throw new InputError(`--stack ${stack}: \`pulumi stack output --json\` printed something that is not JSON (${(e as Error).message})`);
    }
}
