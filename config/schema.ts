/**
 * THE stack config: every key this program reads, with its type, default,
 * rule and description. Everything else derives from this one table: the
 * strict reader (unknown keys are errors at every level), the typed view
 * (config.ts), Pulumi.yaml's `config:` declarations and the README's config
 * reference (`npm run docs:config` regenerates both; a test fails when they
 * are stale).
 *
 * Adding a key is one edit here: e.g. `markerCompat: flag({ default: false,
 * description: "…" })` inside `dns`. Fields shared with a dynamic provider
 * take their rule from providers/shared/rules, so config and the provider's
 * check cannot disagree.
 */
import * as pulumi from "@pulumi/pulumi";
import { subnetLayout } from "../components/subnets";
import { PROMETHEUS_SERVICE } from "../components/mesh/istio";
import { MIN_ADMIN_PASSWORD_LENGTH, monitoringProblems } from "../components/monitoring/settings";
import { integerRule, oneOfRule, Rule } from "../providers/shared/rules/rule";
import { ASSUME_ROLE_ARN, EXTERNAL_ID, MARKER_COMPAT, OWNER_ID, POLICY, TXT_ENCRYPTION_KEY, TXT_PREFIX, TXT_SUFFIX, ZONE_ID, normalizeZoneId } from "../providers/shared/rules/dns";
import * as traffic from "../providers/shared/rules/traffic";
import { AZURE_CLIENT_SECRET, GOOGLE_SERVICE_ACCOUNT_KEY, AZURE_GUID, AZURE_RESOURCE_GROUP, AZURE_SUBSCRIPTION_ID, DNS_PROVIDERS, GOOGLE_MANAGED_ZONE, GOOGLE_PROJECT } from "../providers/shared/rules/dnsBackends";
import * as fromCheck from "./providerRules";
import { MARKER_COMPATS, POLICIES } from "../providers/dns/types";
import { MAX_SET_IDENTIFIER_LENGTH, MAX_WEIGHT } from "../providers/dns/routing";
import { STATIC_RECORDS, StaticRecord, staticRecordsProblem } from "./dnsRecords";
import {
    ACM_CERTIFICATE_ARN,
    acmArnRegion,
    ALB_GROUP_NAME,
    APP_NAMESPACE,
    AWS_REGION,
    cidrContains,
    cidrsOverlap,
    EKS_CLUSTER_NAME,
    HOSTNAME,
    IMAGE,
    INSTANCE_TYPE,
    KUBECONFIG,
    KUBERNETES_MINOR,
    parseCidr,
    PROMQL_OR_EMPTY,
    SEMVER,
    TIME_ZONE,
    VPC_CIDR,
} from "./formats";
import { Check, choice, Node, decimal, derived, flag, group, integer, list, mapped, optionalDecimal, optionalGroup, optionalText, text } from "./nodes";

/** A hostname inside the domain: `<label>.<domain>` by default. */
function hostnameIn(label: string, description: string) {
    return text({ description, rule: HOSTNAME, default: derived(`${label}.<domain>`, (_env, _siblings, root) => `${label}.${root.domain}`) });
}

/** Grafana accepts any admin password; this program wants a real one. The value is never shown. */
const ADMIN_PASSWORD: Rule = {
    rule: `must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`,
    test: (v) => typeof v === "string" && v.length >= MIN_ADMIN_PASSWORD_LENGTH,
};

/** An integer count in [min, max]. */
const count = (min: number, max: number, fallback: number, description: string) => integer({ rule: integerRule(min, max), default: fallback, description });

const cluster = group(
    {
        name: text({ description: "EKS cluster name", rule: EKS_CLUSTER_NAME, default: derived("eim-<stack>", (env) => `eim-${env.stack}`) }),
        version: text({ description: "Kubernetes minor version", rule: KUBERNETES_MINOR, default: "1.33" }),
        nodeInstanceType: text({ description: "EC2 instance type of the managed node group", rule: INSTANCE_TYPE, default: "t3.large" }),
        minNodes: count(0, 100, 2, "node group minimum size"),
        desiredNodes: count(0, 100, 2, "node group desired size"),
        maxNodes: count(1, 100, 4, "node group maximum size"),
        vpcCidr: text({ description: "IPv4 CIDR of the VPC, split into a public and a private subnet per AZ", rule: VPC_CIDR, default: "10.0.0.0/16" }),
        availabilityZoneCount: count(2, 6, 2, "availability zones with a public and a private subnet each"),
        kubeconfig: mapped(
            optionalText({ description: "kubeconfig of an existing cluster (secret): set it and no AWS cluster is created", rule: KUBECONFIG, secret: true }),
            (k) => (k === undefined ? undefined : pulumi.secret(k)),
        ),
    },
    {
        description: "EKS cluster, its VPC and node group; or an existing cluster from a kubeconfig",
        checks: [
            {
                key: "minNodes",
                rule: "at most cluster.maxNodes",
                uses: ["minNodes", "maxNodes"],
                test: (c) => (c.minNodes > c.maxNodes ? `must not exceed cluster.maxNodes (${c.maxNodes})` : undefined),
            },
            {
                key: "desiredNodes",
                rule: "between cluster.minNodes and cluster.maxNodes",
                uses: ["minNodes", "desiredNodes", "maxNodes"],
                test: (c) =>
                    c.desiredNodes < c.minNodes || c.desiredNodes > c.maxNodes ? `must be between cluster.minNodes (${c.minNodes}) and cluster.maxNodes (${c.maxNodes})` : undefined,
            },
            {
                key: "vpcCidr",
                rule: "every subnet lies inside the VPC, none overlaps another",
                uses: ["vpcCidr", "availabilityZoneCount"],
                test: (c) => subnetsProblem(c.vpcCidr, c.availabilityZoneCount),
            },
            {
                key: "kubeconfig",
                rule: "stored encrypted (pulumi config set --secret --path cluster.kubeconfig …)",
                uses: ["kubeconfig"],
                warning: true,
                test: (c, env) =>
                    c.kubeconfig !== undefined && !env.isSecret("cluster")
                        ? "is stored in plain text in the stack file; store it encrypted: pulumi config set --secret --path cluster.kubeconfig \"$(cat kubeconfig)\""
                        : undefined,
            },
        ],
    },
);

/** The subnet arithmetic must stay inside the VPC (components/subnets.ts); undefined when it does. */
function subnetsProblem(vpcCidr: string, zones: number): string | undefined {
    const vpc = parseCidr(vpcCidr)!;
    const layout = subnetLayout(vpcCidr, zones);
    const subnets = [...layout.public, ...layout.private].map((s) => ({ text: s, cidr: parseCidr(s)! }));
    const outside = subnets.find((s) => !cidrContains(vpc, s.cidr));
    if (outside) return `gives subnet ${outside.text} outside the VPC`;
    const overlap = subnets.find((a, i) => subnets.some((b, j) => j > i && cidrsOverlap(a.cidr, b.cidr)));
    return overlap ? `gives overlapping subnets (${overlap.text})` : undefined;
}

const SET_IDENTIFIER: Rule = {
    rule: `must be a Route53 set identifier of 1 to ${MAX_SET_IDENTIFIER_LENGTH} characters`,
    test: (v) => typeof v === "string" && v.length >= 1 && v.length <= MAX_SET_IDENTIFIER_LENGTH,
};

const dns = group(
    {
        ownerId: text({ description: "TXT registry owner (one per stack and cluster)", rule: OWNER_ID, default: derived("<project>-<stack>", (env) => `${env.project}-${env.stack}`) }),
        policy: choice(POLICIES, { description: "sync | upsert-only (never delete) | create-only (never change existing records)", rule: POLICY, default: "sync" }),
        zoneId: mapped(optionalText({ description: "pins the hosted zone (skips the lookup by domain)", rule: ZONE_ID }), (z) => (z === undefined ? undefined : normalizeZoneId(z))),
        txtPrefix: text({ description: "prefix of the TXT marker names (ExternalDNS --txt-prefix)", rule: TXT_PREFIX, default: "" }),
        txtSuffix: text({ description: "suffix of the TXT marker names (ExternalDNS --txt-suffix); exclusive with txtPrefix", rule: TXT_SUFFIX, default: "" }),
        markerCompat: choice(MARKER_COMPATS, {
            description: "v0.22 | pre-v0.22: also write the cname- marker ExternalDNS releases before v0.22 read for alias A records",
            rule: MARKER_COMPAT,
            default: "v0.22",
        }),
        txtEncryptionKey: mapped(
            optionalText({ description: "AES key (secret) that encrypts the TXT markers as ExternalDNS --txt-encrypt-aes-key does", rule: TXT_ENCRYPTION_KEY, secret: true }),
            (k) => (k === undefined || k === "" ? undefined : pulumi.secret(k)),
        ),
        records: list<StaticRecord>({ description: "static records (A, AAAA, CNAME, TXT), owned like the rest, e.g. a domain-verification TXT", rule: STATIC_RECORDS }),
        setIdentifier: optionalText({ description: "cluster canary: this stack's hostnames become weighted alias records with this set identifier (e.g. blue)", rule: SET_IDENTIFIER }),
        weight: integer({ description: "cluster canary: weight of this stack's records (0..255; with dns.setIdentifier)", rule: integerRule(0, MAX_WEIGHT), default: 100 }),
        maxWeightStep: integer({ description: "cluster canary: largest dns.weight change per update", rule: integerRule(1, MAX_WEIGHT), default: MAX_WEIGHT }),
        assumeRoleArn: optionalText({ description: "IAM role the record sync assumes for a hosted zone in another account (route53)", rule: ASSUME_ROLE_ARN }),
        externalId: optionalText({ description: "ExternalId the assumed role's trust policy requires", rule: EXTERNAL_ID }),
        provider: choice(DNS_PROVIDERS, { description: "route53 | azure | google: where the zone lives", rule: oneOfRule(DNS_PROVIDERS), default: "route53" }),
        azure: optionalGroup(
            {
                subscriptionId: text({ description: "subscription of the DNS zone", rule: AZURE_SUBSCRIPTION_ID }),
                resourceGroup: text({ description: "resource group of the DNS zone", rule: AZURE_RESOURCE_GROUP }),
                tenantId: optionalText({ description: "client secret login: Entra ID tenant (else DefaultAzureCredential)", rule: AZURE_GUID }),
                clientId: optionalText({ description: "client secret login: application (client) id", rule: AZURE_GUID }),
                clientSecret: mapped(optionalText({ description: "client secret login: the secret (secret)", rule: AZURE_CLIENT_SECRET, secret: true }), (k) => (k === undefined ? undefined : pulumi.secret(k))),
            },
            {
                description: "Azure DNS zone (dns.provider azure)",
                checks: [
                    {
                        key: "clientSecret",
                        rule: "tenantId, clientId and clientSecret are set together",
                        uses: ["tenantId", "clientId", "clientSecret"],
                        test: (a) => {
                            const set = (["tenantId", "clientId", "clientSecret"] as const).filter((k) => a[k] !== undefined);
                            return set.length === 0 || set.length === 3 ? undefined : `a client secret login needs dns.azure.tenantId, clientId and clientSecret (set: ${set.join(", ")})`;
                        },
                    },
                ],
            },
        ),
        google: optionalGroup(
            {
                project: text({ description: "project of the Cloud DNS managed zone", rule: GOOGLE_PROJECT }),
                managedZone: text({ description: "Cloud DNS managed zone name (not its DNS name)", rule: GOOGLE_MANAGED_ZONE }),
                serviceAccountKey: mapped(optionalText({ description: "service-account key file JSON (secret; else Application Default Credentials)", rule: GOOGLE_SERVICE_ACCOUNT_KEY, secret: true }), (k) =>
                    k === undefined ? undefined : pulumi.secret(k),
                ),
            },
            { description: "Google Cloud DNS managed zone (dns.provider google)" },
        ),
    },
    {
        description: "DNS record sync (ExternalDNS-compatible TXT registry) in Route53, Azure DNS or Google Cloud DNS",
        checks: [
            {
                key: "setIdentifier",
                rule: "dns.setIdentifier (weighted records) only with route53",
                uses: ["setIdentifier", "provider"],
                test: (d) => (d.setIdentifier !== undefined && d.provider !== "route53" ? `is "${d.setIdentifier}" with provider ${d.provider}; weighted records exist only in Route53 (remove dns.setIdentifier)` : undefined),
            },
            {
                key: "provider",
                rule: "dns.azure is set for azure, dns.google for google; zoneId only for route53",
                uses: ["provider", "azure", "google", "zoneId"],
                test: (d) => {
                    if (d.provider === "azure" && d.azure === undefined) return "is azure: set dns.azure.subscriptionId and dns.azure.resourceGroup";
                    if (d.provider === "google" && d.google === undefined) return "is google: set dns.google.project and dns.google.managedZone";
                    const misplaced = [
                        d.provider !== "azure" && d.azure !== undefined ? "dns.azure" : undefined,
                        d.provider !== "google" && d.google !== undefined ? "dns.google" : undefined,
                        d.provider !== "route53" && d.zoneId !== undefined ? "dns.zoneId" : undefined,
                        d.provider !== "route53" && d.assumeRoleArn !== undefined ? "dns.assumeRoleArn" : undefined,
                    ].filter((k) => k !== undefined);
                    return misplaced.length === 0 ? undefined : `is ${d.provider}: ${misplaced.join(", ")} would be ignored; remove ${misplaced.length === 1 ? "it" : "them"}`;
                },
            },
            {
                key: "azure",
                rule: "credentials stored encrypted (pulumi config set --secret --path dns.azure.clientSecret …)",
                uses: ["azure", "google"],
                warning: true,
                test: (d, env) =>
                    (d.azure?.clientSecret !== undefined || d.google?.serviceAccountKey !== undefined) && !env.isSecret("dns")
                        ? `${d.azure?.clientSecret !== undefined ? "dns.azure.clientSecret" : "dns.google.serviceAccountKey"} is stored in plain text in the stack file; store it encrypted: pulumi config set --secret --path ${d.azure?.clientSecret !== undefined ? "dns.azure.clientSecret" : "dns.google.serviceAccountKey"} …`
                        : undefined,
            },
            {
                key: "externalId",
                rule: "only with dns.assumeRoleArn",
                uses: ["assumeRoleArn", "externalId"],
                test: (d) => (d.externalId !== undefined && d.assumeRoleArn === undefined ? "is only used with dns.assumeRoleArn; set both or neither" : undefined),
            },
            {
                key: "txtSuffix",
                rule: "exclusive with dns.txtPrefix (as in ExternalDNS)",
                uses: ["txtPrefix", "txtSuffix"],
                test: (d) => (d.txtPrefix !== "" && d.txtSuffix !== "" ? `txtPrefix and txtSuffix are mutually exclusive, as in ExternalDNS; set one of them (dns.txtPrefix is "${d.txtPrefix}")` : undefined),
            },
            {
                key: "txtEncryptionKey",
                rule: "stored encrypted (pulumi config set --secret --path dns.txtEncryptionKey …)",
                uses: ["txtEncryptionKey"],
                warning: true,
                test: (d, env) =>
                    d.txtEncryptionKey !== undefined && !env.isSecret("dns") ? "is stored in plain text in the stack file; store it encrypted: pulumi config set --secret --path dns.txtEncryptionKey <key>" : undefined,
            },
        ],
    },
);

const ingress = group(
    {
        scheme: choice(["internet-facing", "internal"] as const, { description: "ALB scheme", rule: oneOfRule(["internet-facing", "internal"]), default: "internet-facing" }),
        certificateArn: optionalText({ description: "ACM certificate in the stack's region; adds the HTTPS listener", rule: ACM_CERTIFICATE_ARN }),
        sslRedirect: flag({ description: "redirect HTTP to HTTPS", default: derived("true when certificateArn is set", (_env, siblings) => siblings.certificateArn !== undefined) }),
        groupName: text({ description: "ALB group: one load balancer for every Ingress of the group", rule: ALB_GROUP_NAME, default: derived("<project>", (env) => env.project) }),
        controllerChartVersion: text({ description: "aws-load-balancer-controller chart version", rule: SEMVER, default: "1.13.4" }),
    },
    {
        description: "ALB ingress (AWS Load Balancer Controller, IP targets)",
        checks: [
            {
                key: "sslRedirect",
                rule: "needs ingress.certificateArn",
                uses: ["sslRedirect", "certificateArn"],
                test: (i) => (i.sslRedirect && !i.certificateArn ? "needs ingress.certificateArn (an HTTPS listener to redirect to)" : undefined),
            },
        ],
    },
);

const mesh = group(
    {
        istioVersion: text({ description: "Istio release (pins the base, istiod and gateway charts)", rule: SEMVER, default: "1.27.1" }),
        mtls: choice(["STRICT", "PERMISSIVE"] as const, { description: "mTLS mode of the app namespace", rule: oneOfRule(["STRICT", "PERMISSIVE"]), default: "STRICT" }),
        prometheus: group({ enabled: flag({ description: "install Prometheus (needed by canary.analysis)", default: false }) }, { description: "Prometheus for the canary gate" }),
    },
    { description: "Istio service mesh" },
);

const app = group(
    {
        hostname: hostnameIn("app", "public hostname of the demo app"),
        namespace: text({ description: "namespace of the demo app (sidecar injection on)", rule: APP_NAMESPACE, default: "demo" }),
        stableImage: text({ description: "image of the stable version", rule: IMAGE, default: "nginx:1.27-alpine" }),
        canaryImage: text({ description: "image of the canary version", rule: IMAGE, default: "nginx:1.28-alpine" }),
        replicas: count(0, 100, 2, "pods per version"),
    },
    { description: "the demo app (stable and canary)" },
);

const canary = group(
    {
        weight: integer({ description: "percent of traffic to the canary", rule: fromCheck.WEIGHT, default: 0 }),
        maxStep: integer({ description: "largest weight change per update", rule: fromCheck.MAX_STEP, default: 100 }),
        force: flag({ description: "allow one step larger than maxStep", default: false }),
        header: mapped(
            group(
                {
                    enabled: flag({ description: "route requests with the header to the canary", default: true }),
                    name: text({ description: "header name", rule: fromCheck.HEADER_NAME, default: "x-canary" }),
                    value: text({ description: "header value", rule: fromCheck.HEADER_VALUE, default: "always" }),
                },
                { description: "requests with this header always reach the canary" },
            ),
            (h) => (h.enabled ? { name: h.name.toLowerCase(), value: h.value } : undefined),
        ),
        analysis: optionalGroup(
            {
                query: text({ description: "PromQL returning the canary's error rate (0..1); empty = Istio's request metrics", rule: PROMQL_OR_EMPTY, default: "" }),
                maxErrorRate: decimal({ description: "largest tolerated error rate", rule: fromCheck.MAX_ERROR_RATE, default: 0.05 }),
                bakeSeconds: integer({ description: "how long a raised weight must stay healthy", rule: fromCheck.BAKE_SECONDS, default: 300 }),
                intervalSeconds: integer({ description: "seconds between measurements", rule: fromCheck.INTERVAL_SECONDS, default: 30 }),
                minRequests: integer({ description: "fewest canary requests a measurement window needs to be judged (0 judges every window)", rule: fromCheck.MIN_REQUESTS, default: 20 }),
                maxLatencyMs: optionalDecimal({ description: "largest tolerated canary p99 latency in ms per window (Istio's request duration histogram); unset = latency not judged", rule: fromCheck.MAX_LATENCY_MS }),
            },
            {
                description: "metric gate after a raise, with automatic rollback (needs mesh.prometheus.enabled)",
                checks: [
                    {
                        key: "bakeSeconds",
                        rule: "at least canary.analysis.intervalSeconds",
                        uses: ["bakeSeconds", "intervalSeconds"],
                        test: (a) => traffic.bakeCoversInterval(a.bakeSeconds, a.intervalSeconds),
                    },
                ],
            },
        ),
    },
    { description: "canary traffic shifting (TrafficSplit)" },
);

const duration = (rule: Rule, fallback: string, description: string) => text({ description, rule, default: fallback });
const percent = (rule: Rule, description: string) => decimal({ description, rule, default: 0 });

const resilience = group(
    {
        circuitBreaker: group(
            {
                maxConnections: count(1, 1_000_000, 100, "TCP connections per endpoint"),
                http1MaxPendingRequests: count(1, 1_000_000, 100, "queued requests"),
                maxRequestsPerConnection: count(0, 1_000_000, 0, "requests per connection (0 = unlimited)"),
                consecutive5xxErrors: count(1, 1000, 5, "5xx answers before an endpoint is ejected"),
                interval: duration(traffic.ISTIO_DURATION, "10s", "outlier detection sweep interval"),
                baseEjectionTime: duration(traffic.ISTIO_DURATION, "30s", "minimum ejection time"),
                maxEjectionPercent: count(0, 100, 50, "largest share of endpoints ejected"),
            },
            { description: "DestinationRule connection pool and outlier detection" },
        ),
        retries: group(
            {
                attempts: integer({ description: "retries per request (0 = off)", rule: fromCheck.RETRY_ATTEMPTS, default: 2 }),
                perTryTimeout: duration(fromCheck.PER_TRY_TIMEOUT, "2s", "timeout per attempt"),
                retryOn: text({ description: "Envoy retry conditions", rule: fromCheck.RETRY_ON, default: "gateway-error,connect-failure,refused-stream" }),
            },
            { description: "VirtualService retries" },
        ),
        timeout: duration(fromCheck.TIMEOUT, "10s", "whole-request timeout"),
        faultInjection: group(
            {
                delay: optionalGroup(
                    { fixedDelay: duration(fromCheck.FIXED_DELAY, "1s", "injected delay"), percent: percent(fromCheck.DELAY_PERCENT, "percent of requests delayed") },
                    { description: "fault injection: delay" },
                ),
                abort: optionalGroup(
                    { httpStatus: integer({ description: "status of aborted requests", rule: fromCheck.ABORT_STATUS, default: 503 }), percent: percent(fromCheck.ABORT_PERCENT, "percent of requests aborted") },
                    { description: "fault injection: abort" },
                ),
            },
            { description: "VirtualService fault injection (off unless a percent is above 0)" },
        ),
        rateLimit: group(
            {
                maxTokens: count(1, 1_000_000, 100, "token bucket size"),
                tokensPerFill: count(1, 1_000_000, 100, "tokens added per fill"),
                fillInterval: duration(traffic.FILL_INTERVAL, "1s", "refill interval (Envoy's minimum is 50ms)"),
            },
            { description: "Envoy local rate limit on the app's sidecars" },
        ),
    },
    { description: "Istio resilience policies" },
);

export const KUBE_OPS_VIEW_EXPOSE = ["ingress", "service"] as const;

const kubeOpsView = group(
    {
        enabled: flag({ description: "install kube-ops-view", default: true }),
        hostname: hostnameIn("kubeopsview", "public hostname of kube-ops-view"),
        timezone: text({ description: "TZ of the kube-ops-view pod", rule: TIME_ZONE, default: "UTC" }),
        expose: choice(KUBE_OPS_VIEW_EXPOSE, { description: "ingress: on the shared ALB | service: its own NLB (LoadBalancer Service, IP targets, port 8080)", rule: oneOfRule(KUBE_OPS_VIEW_EXPOSE), default: "ingress" }),
    },
    { description: "kube-ops-view dashboard" },
);

const monitoringTool = <E extends Record<string, Node<unknown>> = Record<never, never>>(title: string, extra: E = {} as E) =>
    group(
        {
            enabled: flag({ description: `install ${title} in istio-system (needs mesh.prometheus.enabled)`, default: false }),
            hostname: optionalText({ description: `hostname of ${title} on the shared ALB (HTTPS or an internal ALB only); unset = internal only (kubectl port-forward)`, rule: HOSTNAME }),
            ...extra,
        },
        { description: `${title} (monitoring)` },
    );

const monitoring = group(
    {
        kiali: monitoringTool("Kiali"),
        grafana: monitoringTool("Grafana", {
            adminPassword: mapped(
                optionalText({ description: "Grafana admin password (secret); unset = the chart generates one (Secret istio-system/grafana)", rule: ADMIN_PASSWORD, secret: true }),
                (p) => (p === undefined ? undefined : pulumi.secret(p)),
            ),
        }),
    },
    {
        description: "Kiali and Grafana on the mesh's Prometheus",
        checks: [
            {
                key: "grafana.adminPassword",
                rule: "stored encrypted (pulumi config set --secret --path monitoring.grafana.adminPassword …)",
                uses: ["grafana.adminPassword"],
                warning: true,
                test: (m, env) =>
                    m.grafana.adminPassword !== undefined && !env.isSecret("monitoring")
                        ? "is stored in plain text in the stack file; store it encrypted: pulumi config set --secret --path monitoring.grafana.adminPassword <password>"
                        : undefined,
            },
        ],
    },
);

/**
 * The monitoring rules that involve other sections, in the monitoring
 * layer's own words (components/monitoring/settings.ts), plus: a published
 * hostname lies inside the domain and is no other route's.
 */
function monitoringCheck(tool: "kiali" | "grafana", field: "enabled" | "hostname"): Check {
    const key = `monitoring.${tool}.${field}`;
    return {
        key,
        rule: field === "enabled" ? "needs mesh.prometheus.enabled" : "inside domain, its own hostname; on an internet-facing ALB only with ingress.certificateArn",
        uses: [key, "mesh.prometheus.enabled", "ingress.scheme", "ingress.certificateArn", "domain", "app.hostname", "kubeOpsView.hostname", "monitoring.kiali.hostname"],
        test: (c) => {
            const own = monitoringProblems(c.monitoring, c.mesh.prometheus.enabled ? PROMETHEUS_SERVICE : undefined, c.ingress).find((p) => p.startsWith(`${key}: `));
            if (own !== undefined) return own.slice(key.length + 2);
            const host: string | undefined = c.monitoring[tool].hostname;
            if (field === "enabled" || !c.monitoring[tool].enabled || host === undefined) return undefined;
            const taken = [["app.hostname", c.app.hostname], ...(c.kubeOpsView.enabled ? [["kubeOpsView.hostname", c.kubeOpsView.hostname]] : [])].find(([, h]) => h === host);
            return insideDomain(host, c.domain) ?? (taken ? `must differ from ${taken[0]}` : undefined);
        },
    };
}

/** Hostnames must be inside the domain; undefined when `hostname` is. */
function insideDomain(hostname: string, domain: string): string | undefined {
    return hostname === domain || hostname.endsWith(`.${domain}`) ? undefined : `must be inside the domain ${domain}`;
}

export const schema = group(
    {
        "aws:region": text({ description: "AWS region of the stack (the AWS provider's own key)", rule: AWS_REGION, default: "ap-northeast-2" }),
        domain: text({ description: "public Route53 hosted zone the program serves, e.g. example.com", rule: HOSTNAME }),
        cluster,
        dns,
        ingress,
        mesh,
        app,
        canary,
        resilience,
        kubeOpsView,
        monitoring,
    },
    {
        description: "stack config",
        checks: [
            { key: "app.hostname", rule: "inside domain", uses: ["app.hostname", "domain"], test: (c) => insideDomain(c.app.hostname, c.domain) },
            {
                key: "kubeOpsView.hostname",
                rule: "inside domain, different from app.hostname",
                uses: ["kubeOpsView.hostname", "domain", "app.hostname"],
                test: (c) =>
                    insideDomain(c.kubeOpsView.hostname, c.domain) ??
                    (c.kubeOpsView.enabled && c.kubeOpsView.hostname === c.app.hostname ? "must differ from app.hostname" : undefined),
            },
            { key: "dns.records", rule: "accepted by Route53RecordSync's check in the domain", uses: ["dns.records", "domain"], test: (c) => staticRecordsProblem(c.dns.records, c.domain) },
            {
                key: "canary.analysis",
                rule: "needs mesh.prometheus.enabled",
                uses: ["canary.analysis", "mesh.prometheus.enabled"],
                test: (c) => (c.canary.analysis && !c.mesh.prometheus.enabled ? "needs Prometheus: set mesh.prometheus.enabled to true, or remove canary.analysis" : undefined),
            },
            ...(["kiali", "grafana"] as const).flatMap((tool) => [monitoringCheck(tool, "enabled"), monitoringCheck(tool, "hostname")]),
            {
                key: "ingress.certificateArn",
                rule: "in the stack's region (aws:region)",
                uses: ["ingress.certificateArn", "aws:region"],
                test: (c) => {
                    const region = c.ingress.certificateArn ? acmArnRegion(c.ingress.certificateArn) : undefined;
                    return region !== undefined && region !== c["aws:region"]
                        ? `must be a certificate in the stack's region ${c["aws:region"]} (an ALB can only use ACM certificates of its own region)`
                        : undefined;
                },
            },
        ],
    },
);
