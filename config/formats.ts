/**
 * Formats only the stack config has (pure): IPv4 CIDRs, IANA time zones, AWS
 * regions and instance types as the installed @pulumi/aws knows them, ACM
 * certificate ARNs, kubeconfigs, container images and versions. Fields that
 * also reach a provider use the shared rules in providers/shared/rules.
 */
import { Region } from "@pulumi/aws/types/enums";
import { ec2 } from "@pulumi/aws/types/enums";
import * as yaml from "js-yaml";
import { REGION_ALIAS_ZONES } from "../providers/dns/aliasZones";
import { didYouMean, patternRule, Rule } from "../providers/shared/rules/rule";
import { GATEWAY_NAMESPACE, ISTIO_NAMESPACE } from "../components/mesh/istio";
import { NAMESPACE } from "./providerRules";

// ---- IPv4 CIDR -------------------------------------------------------------

export interface Cidr {
    /** Network address as an unsigned 32-bit integer. */
    readonly base: number;
    readonly prefix: number;
}

const OCTET = /^(0|[1-9]\d{0,2})$/;

/** Parses "a.b.c.d/p" with decimal octets 0..255 (no leading zeros) and p 0..32; undefined otherwise. */
export function parseCidr(value: string): Cidr | undefined {
    const match = /^([^/]+)\/(\d{1,2})$/.exec(value);
    if (!match) return undefined;
    const octets = match[1].split(".");
    if (octets.length !== 4 || !octets.every((o) => OCTET.test(o) && Number(o) <= 255)) return undefined;
    const prefix = Number(match[2]);
    if (prefix > 32) return undefined;
    return { base: octets.reduce((acc, o) => acc * 256 + Number(o), 0), prefix };
}

export function formatCidr(c: Cidr): string {
    return `${[24, 16, 8, 0].map((s) => Math.floor(c.base / 2 ** s) % 256).join(".")}/${c.prefix}`;
}

const blockSize = (c: Cidr) => 2 ** (32 - c.prefix);

/** The CIDR with its host bits cleared. */
export function networkOf(c: Cidr): Cidr {
    return { base: c.base - (c.base % blockSize(c)), prefix: c.prefix };
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
    return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + blockSize(inner) <= outer.base + blockSize(outer);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    return a.base < b.base + blockSize(b) && b.base < a.base + blockSize(a);
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c)!);

/** A VPC CIDR: /16../24 (16 subnets of at least /28 each), host bits zero, in RFC 1918 private space. */
export const VPC_CIDR: Rule = {
    rule: "must be a private (RFC 1918) IPv4 CIDR from /16 to /24 with its host bits zero, e.g. 10.0.0.0/16",
    test: (v) => {
        const c = typeof v === "string" ? parseCidr(v) : undefined;
        return c !== undefined && c.prefix >= 16 && c.prefix <= 24 && networkOf(c).base === c.base && PRIVATE_RANGES.some((r) => cidrContains(r, c));
    },
    hint: (v) => {
        const c = typeof v === "string" ? parseCidr(v) : undefined;
        if (c === undefined) return "octets are 0-255, the prefix follows a slash";
        if (networkOf(c).base !== c.base) return `host bits are set; did you mean ${formatCidr(networkOf(c))}?`;
        if (c.prefix < 16 || c.prefix > 24) return "the VPC is split into 16 subnets of at least /28";
        return "10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16";
    },
};

// ---- time zones ------------------------------------------------------------

const CANONICAL_ZONES: readonly string[] = [...Intl.supportedValuesOf("timeZone"), "UTC"];

/**
 * An IANA time zone name as the pod's TZ needs it: one ICU knows (canonical
 * names and tzdata's aliases such as "Asia/Calcutta" or "US/Pacific"),
 * spelled with its exact case (tzdata is a case-sensitive file tree), and not
 * a UTC offset or an abbreviation such as "KST".
 */
export function isTimeZone(value: string): boolean {
    if (CANONICAL_ZONES.includes(value)) return true;
    if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z0-9][A-Za-z0-9_+-]*)*$/.test(value)) return false;
    try {
        const resolved = new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
        // Case-insensitive matches resolve to their canonical spelling; demand it.
        return resolved.toLowerCase() !== value.toLowerCase() || resolved === value;
    } catch {
        return false;
    }
}

export const TIME_ZONE: Rule = {
    rule: 'must be an IANA time zone name such as "Asia/Seoul" or "UTC" (not an abbreviation such as KST)',
    test: (v) => typeof v === "string" && isTimeZone(v),
    hint: (v) => didYouMean(v, CANONICAL_ZONES),
};

// ---- AWS -------------------------------------------------------------------

/** The partition of a region name, as AWS names partitions. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    if (region.startsWith("us-isof-")) return "aws-iso-f";
    if (region.startsWith("eu-isoe-")) return "aws-iso-e";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("eusc-")) return "aws-eusc";
    return "aws";
}

/**
 * Regions this program can deploy to: the ones the installed @pulumi/aws
 * knows, in the `aws` partition (the program writes arn:aws: ARNs), with a
 * published ALB hosted zone id (the DNS alias needs it).
 */
export const AWS_REGIONS: readonly string[] = Object.values(Region).filter((r) => partitionOf(r) === "aws" && REGION_ALIAS_ZONES[r]?.elb !== undefined);

export const AWS_REGION: Rule = {
    rule: 'must be an AWS region of the aws partition, e.g. "ap-northeast-2"',
    test: (v) => typeof v === "string" && AWS_REGIONS.includes(v),
    hint: (v) =>
        typeof v === "string" && partitionOf(v) !== "aws" && (Object.values(Region) as string[]).includes(v)
            ? `${v} is in the ${partitionOf(v)} partition; this program writes arn:aws: ARNs`
            : didYouMean(v, AWS_REGIONS),
};

/** EC2 instance types as the installed @pulumi/aws enumerates them. */
export const INSTANCE_TYPES: readonly string[] = Object.values(ec2.InstanceType);

export const INSTANCE_TYPE: Rule = {
    rule: 'must be an EC2 instance type @pulumi/aws knows, e.g. "t3.large"',
    test: (v) => typeof v === "string" && INSTANCE_TYPES.includes(v),
    hint: (v) => didYouMean(v, INSTANCE_TYPES),
};

const ACM_ARN = /^arn:(aws[a-z-]*):acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function acmArnRegion(arn: string): string | undefined {
    return ACM_ARN.exec(arn)?.[2];
}

export const ACM_CERTIFICATE_ARN = patternRule(ACM_ARN, "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)");

// ---- Kubernetes ------------------------------------------------------------

/** What is wrong with a kubeconfig document (never quoting it: it is a secret), or undefined. */
export function kubeconfigProblem(text: string): string | undefined {
    let doc: unknown;
    try {
        doc = yaml.load(text);
    } catch {
        return "does not parse as YAML or JSON";
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return "is not a kubeconfig document (an object with clusters, contexts and users)";
    const d = doc as Record<string, unknown>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- kubeconfig entries are free-form YAML
    const named = (list: unknown) => (Array.isArray(list) ? list.filter((e) => typeof e?.name === "string").map((e) => e as Record<string, any>) : []);
    const clusters = named(d.clusters);
    const contexts = named(d.contexts);
    const users = named(d.users);
    if (clusters.length === 0 || !clusters.some((c) => typeof c.cluster?.server === "string")) return "names no cluster with a server";
    if (contexts.length === 0) return "names no context";
    if (users.length === 0) return "names no user";
    const current = typeof d["current-context"] === "string" ? contexts.find((c) => c.name === d["current-context"]) : contexts.length === 1 ? contexts[0] : undefined;
    if (!current) return "has no current-context naming one of its contexts";
    if (!clusters.some((c) => c.name === current.context?.cluster)) return `its context ${current.name} names a cluster it does not define`;
    if (!users.some((u) => u.name === current.context?.user)) return `its context ${current.name} names a user it does not define`;
    return undefined;
}

export const KUBECONFIG: Rule = {
    rule: "must be a kubeconfig that names a cluster (with a server), a context and a user",
    test: (v) => typeof v === "string" && kubeconfigProblem(v) === undefined,
    hint: (v) => (typeof v === "string" ? kubeconfigProblem(v) : undefined),
};

/** Namespaces the app must not share: Kubernetes' own and the mesh's. */
export const RESERVED_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease", ISTIO_NAMESPACE, GATEWAY_NAMESPACE];

/** The app's namespace: what TrafficSplit's check takes (`namespace`), minus the reserved ones. */
export const APP_NAMESPACE: Rule = {
    rule: `${NAMESPACE.rule} other than ${RESERVED_NAMESPACES.join(", ")}`,
    test: (v) => NAMESPACE.test(v) && !RESERVED_NAMESPACES.includes(v as string),
    hint: (v) => (typeof v === "string" && RESERVED_NAMESPACES.includes(v) ? "the app namespace gets sidecar injection and a STRICT PeerAuthentication" : undefined),
};

const dnsLabel = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
/**
 * A host name every system it reaches accepts: Route53 (providers/dns/names),
 * the Kubernetes Ingress host and Istio hosts (DNS-1123, lower case), ACM.
 */
export const HOSTNAME = patternRule(
    new RegExp(`^(?=.{1,253}$)(${dnsLabel}\\.)+${dnsLabel}$`),
    "must be a DNS name: lower-case labels of 1-63 letters, digits and inner hyphens, separated by dots",
);

export const IMAGE = patternRule(/^[a-z0-9]+([._/:@-][a-zA-Z0-9]+)*$/, "must be a container image reference such as nginx:1.27-alpine");
export const SEMVER = patternRule(/^\d+\.\d+\.\d+$/, 'must be a version such as "1.27.1"');
export const KUBERNETES_MINOR = patternRule(/^1\.\d{2}$/, 'must be a Kubernetes minor version such as "1.33"');
export const EKS_CLUSTER_NAME = patternRule(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,99}$/, "must be an EKS cluster name: 1-100 letters, digits, hyphens and underscores");
export const ALB_GROUP_NAME = patternRule(/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/, "must be an ALB group name: 1-63 lower-case letters, digits, dots and hyphens");

/** A PromQL query, or empty for the built-in Istio-metrics query. */
export const PROMQL_OR_EMPTY: Rule = { rule: "must be a PromQL query string (empty selects the built-in Istio query)", test: (v) => typeof v === "string" };

