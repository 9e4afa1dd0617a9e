/**
 * The one typed, validated view of stack config. `loadStackConfig` is pure (a
 * raw key → value map in, a typed config or a ConfigError out) so every rule
 * is unit-tested without a Pulumi runtime; `readStackConfig` feeds it from the
 * running stack. Keys in messages are the paths users type in
 * `pulumi config set --path <key> <value>`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, ConfigReader, show } from "./configReader";

export { ConfigError } from "./configReader";

export const projectName = "eks-ingress-mesh";

export type DnsPolicy = "sync" | "upsert-only" | "create-only";
export type MtlsMode = "STRICT" | "PERMISSIVE";
export type IngressScheme = "internet-facing" | "internal";

export interface ClusterConfig {
    readonly name: string;
    readonly version: string;
    readonly nodeInstanceType: string;
    readonly minNodes: number;
    readonly desiredNodes: number;
    readonly maxNodes: number;
    readonly vpcCidr: string;
    readonly availabilityZoneCount: number;
    /** Set when the stack targets an existing cluster; always a secret. */
    readonly kubeconfig?: pulumi.Output<string>;
}

export interface DnsConfig {
    readonly ownerId: string;
    readonly policy: DnsPolicy;
    readonly zoneId?: string;
    readonly txtPrefix: string;
}

export interface IngressConfig {
    readonly scheme: IngressScheme;
    readonly certificateArn?: string;
    readonly sslRedirect: boolean;
    readonly groupName: string;
    readonly controllerChartVersion: string;
}

export interface MeshConfig {
    readonly istioVersion: string;
    readonly mtls: MtlsMode;
    readonly prometheus: { readonly enabled: boolean };
}

export interface AppConfig {
    readonly hostname: string;
    readonly namespace: string;
    readonly stableImage: string;
    readonly canaryImage: string;
    readonly replicas: number;
}

export interface AnalysisConfig {
    /** PromQL returning the canary's error rate (0..1); empty selects the mesh layer's Istio-metrics query. */
    readonly query: string;
    readonly maxErrorRate: number;
    readonly bakeSeconds: number;
    readonly intervalSeconds: number;
    /** Fewest canary requests a measurement window needs to be judged; 0 judges every window. */
    readonly minRequests: number;
}

export interface CanaryConfig {
    readonly weight: number;
    readonly maxStep: number;
    readonly force: boolean;
    readonly header?: { readonly name: string; readonly value: string };
    readonly analysis?: AnalysisConfig;
}

export interface ResilienceConfig {
    readonly circuitBreaker: {
        readonly maxConnections: number;
        readonly http1MaxPendingRequests: number;
        readonly maxRequestsPerConnection: number;
        readonly consecutive5xxErrors: number;
        readonly interval: string;
        readonly baseEjectionTime: string;
        readonly maxEjectionPercent: number;
    };
    readonly retries: { readonly attempts: number; readonly perTryTimeout: string; readonly retryOn: string };
    readonly timeout: string;
    readonly faultInjection: {
        readonly delay?: { readonly fixedDelay: string; readonly percent: number };
        readonly abort?: { readonly httpStatus: number; readonly percent: number };
    };
    readonly rateLimit: { readonly maxTokens: number; readonly tokensPerFill: number; readonly fillInterval: string };
}

export interface KubeOpsViewConfig {
    readonly enabled: boolean;
    readonly hostname: string;
    readonly timezone: string;
}

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    readonly region: string;
    readonly domain: string;
    readonly cluster: ClusterConfig;
    readonly dns: DnsConfig;
    readonly ingress: IngressConfig;
    readonly mesh: MeshConfig;
    readonly app: AppConfig;
    readonly canary: CanaryConfig;
    readonly resilience: ResilienceConfig;
    readonly kubeOpsView: KubeOpsViewConfig;
}

/** The top-level keys this program reads, each under the project's namespace. */
export const configKeys = [
    "domain",
    "cluster",
    "dns",
    "ingress",
    "mesh",
    "app",
    "canary",
    "resilience",
    "kubeOpsView",
] as const;

const dnsLabel = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
/** A lower-case DNS name of at least two labels, each 1–63 letters, digits or inner hyphens. */
const dnsName = new RegExp(`^(?=.{1,253}$)(${dnsLabel}\\.)+${dnsLabel}$`);
const dnsNameRule = "must be a DNS name: lower-case labels of 1-63 letters, digits and inner hyphens, separated by dots";
const acmArn = /^arn:aws(-[a-z]+)*:acm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/;
const semver = /^\d+\.\d+\.\d+$/;
const image = /^[a-z0-9]+([._/:@-][a-zA-Z0-9]+)*$/;
const region = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** A hostname inside the domain; the derived default needs no check of its own (the domain has one). */
function hostnameIn(reader: ConfigReader, field: string, fallback: string, domain: string): string {
    if (!reader.has(field)) {
        return fallback;
    }
    const hostname = reader.matching(field, undefined, dnsName, dnsNameRule) ?? fallback;
    if (dnsName.test(hostname) && dnsName.test(domain) && hostname !== domain && !hostname.endsWith(`.${domain}`)) {
        reader.fail(field, `must be inside the domain ${domain}`, hostname);
    }
    return hostname;
}

function readCluster(c: ConfigReader, stack: string, kubeconfig: string | undefined): ClusterConfig {
    const minNodes = c.integer("minNodes", 2, 0, 100);
    const maxNodes = c.integer("maxNodes", 4, 1, 100);
    const desiredNodes = c.integer("desiredNodes", 2, 0, 100);
    if (minNodes > maxNodes) {
        c.fail("minNodes", `must not exceed cluster.maxNodes (${maxNodes})`, minNodes);
    }
    if (desiredNodes < minNodes || desiredNodes > maxNodes) {
        c.fail("desiredNodes", `must be between cluster.minNodes (${minNodes}) and cluster.maxNodes (${maxNodes})`, desiredNodes);
    }
    if (kubeconfig !== undefined && kubeconfig.trim() === "") {
        c.fail("kubeconfig", "must be a kubeconfig document when set (pulumi config set --secret --path cluster.kubeconfig)", "");
    }
    return {
        name: c.matching("name", `eim-${stack}`, /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,99}$/, "must be an EKS cluster name: 1-100 letters, digits, hyphens and underscores")!,
        version: c.matching("version", "1.33", /^1\.\d{2}$/, 'must be a Kubernetes minor version such as "1.33"')!,
        nodeInstanceType: c.matching("nodeInstanceType", "t3.large", /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as "t3.large"')!,
        minNodes,
        desiredNodes,
        maxNodes,
        vpcCidr: c.matching("vpcCidr", "10.0.0.0/16", /^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/, "must be an IPv4 CIDR from /16 to /24")!,
        availabilityZoneCount: c.integer("availabilityZoneCount", 2, 2, 6),
        kubeconfig: kubeconfig ? pulumi.secret(kubeconfig) : undefined,
    };
}

function readCanary(c: ConfigReader, prometheusEnabled: boolean): CanaryConfig {
    const weight = c.integer("weight", 0, 0, 100);
    const maxStep = c.integer("maxStep", 100, 1, 100);
    const force = c.boolean("force", false);
    const h = c.object("header");
    const header = h.boolean("enabled", true)
        ? {
              name: h.matching("name", "x-canary", /^[a-z0-9-]+$/, "must be a lower-case HTTP header name")!,
              value: h.string("value", "always"),
          }
        : undefined;
    let analysis: AnalysisConfig | undefined;
    if (c.has("analysis")) {
        const a = c.object("analysis");
        const intervalSeconds = a.integer("intervalSeconds", 30, 1, 3600);
        const bakeSeconds = a.integer("bakeSeconds", 300, 1, 86_400);
        if (bakeSeconds < intervalSeconds) {
            a.fail("bakeSeconds", `must be at least canary.analysis.intervalSeconds (${intervalSeconds})`, bakeSeconds);
        }
        if (!prometheusEnabled) {
            a.fail("query", "needs Prometheus: set mesh.prometheus.enabled to true, or remove canary.analysis", a.raw("query"));
        }
        analysis = {
            query: a.string("query", ""),
            maxErrorRate: a.number("maxErrorRate", 0.05, { min: 0, max: 1 }),
            bakeSeconds,
            intervalSeconds,
            minRequests: a.integer("minRequests", 20, 0, 1_000_000),
        };
    }
    return { weight, maxStep, force, header, analysis };
}

function readResilience(r: ConfigReader): ResilienceConfig {
    const cb = r.object("circuitBreaker");
    const retries = r.object("retries");
    const fault = r.object("faultInjection");
    const rate = r.object("rateLimit");
    const delay = fault.has("delay") ? fault.object("delay") : undefined;
    const abort = fault.has("abort") ? fault.object("abort") : undefined;
    return {
        circuitBreaker: {
            maxConnections: cb.integer("maxConnections", 100, 1, 1_000_000),
            http1MaxPendingRequests: cb.integer("http1MaxPendingRequests", 100, 1, 1_000_000),
            maxRequestsPerConnection: cb.integer("maxRequestsPerConnection", 0, 0, 1_000_000),
            consecutive5xxErrors: cb.integer("consecutive5xxErrors", 5, 1, 1000),
            interval: cb.duration("interval", "10s"),
            baseEjectionTime: cb.duration("baseEjectionTime", "30s"),
            maxEjectionPercent: cb.integer("maxEjectionPercent", 50, 0, 100),
        },
        retries: {
            attempts: retries.integer("attempts", 2, 0, 10),
            perTryTimeout: retries.duration("perTryTimeout", "2s"),
            retryOn: retries.matching(
                "retryOn",
                "gateway-error,connect-failure,refused-stream",
                /^[a-z0-9-]+(,[a-z0-9-]+)*$/,
                "must be a comma-separated list of Envoy retry conditions",
            )!,
        },
        timeout: r.duration("timeout", "10s"),
        faultInjection: {
            delay: delay && {
                fixedDelay: delay.duration("fixedDelay", "1s"),
                percent: delay.number("percent", 0, { min: 0, max: 100 }),
            },
            abort: abort && {
                httpStatus: abort.integer("httpStatus", 503, 200, 599),
                percent: abort.number("percent", 0, { min: 0, max: 100 }),
            },
        },
        rateLimit: {
            maxTokens: rate.integer("maxTokens", 100, 1, 1_000_000),
            tokensPerFill: rate.integer("tokensPerFill", 100, 1, 1_000_000),
            // Envoy refuses token buckets refilled more often than every 50ms.
            fillInterval: rate.duration("fillInterval", "1s", 50),
        },
    };
}

/**
 * Validates raw config values (objects as parsed from the stack file) and
 * returns the typed view, or throws one ConfigError naming every problem.
 */
export function loadStackConfig(
    raw: Readonly<Record<string, unknown>>,
    context: { project?: string; stack: string; region?: string },
): StackConfig {
    const problems: string[] = [];
    const root = new ConfigReader(raw as Record<string, unknown>, "", problems);
    const project = context.project ?? projectName;

    if (context.region !== undefined && !region.test(context.region)) {
        problems.push(`aws:region: must be an AWS region such as "ap-northeast-2"; got ${show(context.region)}`);
    }
    const domain = root.matching("domain", undefined, dnsName, dnsNameRule) ?? "";
    if (!root.has("domain")) {
        root.fail("domain", "is required (the public hosted zone, e.g. example.com)", undefined);
    }

    const clusterReader = root.object("cluster");
    const kubeconfig = clusterReader.optionalString("kubeconfig");
    const cluster = readCluster(clusterReader, context.stack, kubeconfig);

    const d = root.object("dns");
    const dns: DnsConfig = {
        ownerId: d.matching("ownerId", `${project}-${context.stack}`, /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, dots, hyphens or underscores")!,
        policy: d.oneOf<DnsPolicy>("policy", ["sync", "upsert-only", "create-only"], "sync"),
        zoneId: d.matching("zoneId", undefined, /^Z[A-Z0-9]{1,31}$/, 'must be a Route53 hosted zone id such as "Z0123456789ABCDEFGHIJ"'),
        txtPrefix: d.matching("txtPrefix", "", /^[a-z0-9-]*$/, "must be lower-case letters, digits and hyphens")!,
    };

    const i = root.object("ingress");
    const certificateArn = i.matching("certificateArn", undefined, acmArn, "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)");
    const ingress: IngressConfig = {
        scheme: i.oneOf<IngressScheme>("scheme", ["internet-facing", "internal"], "internet-facing"),
        certificateArn,
        sslRedirect: i.boolean("sslRedirect", certificateArn !== undefined),
        groupName: i.matching("groupName", project, /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/, "must be an ALB group name: 1-63 lower-case letters, digits, dots and hyphens")!,
        controllerChartVersion: i.matching("controllerChartVersion", "1.13.4", semver, 'must be a chart version such as "1.13.4"')!,
    };
    if (ingress.sslRedirect && !certificateArn) {
        i.fail("sslRedirect", "needs ingress.certificateArn (an HTTPS listener to redirect to)", true);
    }

    const m = root.object("mesh");
    const mesh: MeshConfig = {
        istioVersion: m.matching("istioVersion", "1.27.1", semver, 'must be an Istio release such as "1.27.1"')!,
        mtls: m.oneOf<MtlsMode>("mtls", ["STRICT", "PERMISSIVE"], "STRICT"),
        prometheus: { enabled: m.object("prometheus").boolean("enabled", false) },
    };

    const a = root.object("app");
    const app: AppConfig = {
        hostname: hostnameIn(a, "hostname", `app.${domain}`, domain),
        namespace: a.matching("namespace", "demo", /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a Kubernetes namespace name")!,
        stableImage: a.matching("stableImage", "nginx:1.27-alpine", image, "must be a container image reference")!,
        canaryImage: a.matching("canaryImage", "nginx:1.28-alpine", image, "must be a container image reference")!,
        replicas: a.integer("replicas", 2, 0, 100),
    };

    const canary = readCanary(root.object("canary"), mesh.prometheus.enabled);
    const resilience = readResilience(root.object("resilience"));

    const k = root.object("kubeOpsView");
    const kubeOpsView: KubeOpsViewConfig = {
        enabled: k.boolean("enabled", true),
        hostname: hostnameIn(k, "hostname", `kubeopsview.${domain}`, domain),
        timezone: k.matching("timezone", "UTC", /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'must be an IANA time zone such as "Asia/Seoul"')!,
    };
    if (kubeOpsView.enabled && kubeOpsView.hostname === app.hostname) {
        k.fail("hostname", "must differ from app.hostname", kubeOpsView.hostname);
    }

    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return {
        project,
        stack: context.stack,
        region: context.region ?? "ap-northeast-2",
        domain,
        cluster,
        dns,
        ingress,
        mesh,
        app,
        canary,
        resilience,
        kubeOpsView,
    };
}

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
 * Reads this program's keys from the running stack. Raw values are read
 * through the runtime rather than `pulumi.Config#getObject` so a secret nested
 * in an object (cluster.kubeconfig) is not logged about and is wrapped as a
 * secret right here, before any other code can see it.
 */
export function readStackConfig(): StackConfig {
    const raw: Record<string, unknown> = {};
    for (const key of configKeys) {
        const value = pulumi.runtime.getConfig(`${projectName}:${key}`);
        if (value !== undefined) {
            raw[key] = parseRaw(value);
        }
    }
    try {
        return loadStackConfig(raw, {
            project: pulumi.getProject(),
            stack: pulumi.getStack(),
            region: pulumi.runtime.getConfig("aws:region"),
        });
    } catch (e) {
        if (e instanceof ConfigError) {
            // RunError is reported by the engine as a plain message, without a stack trace.
            throw new pulumi.RunError(e.message);
        }
        throw e;
    }
}
