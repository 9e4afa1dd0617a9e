/**
 * From one annotated Service or Ingress to the records Route53RecordSync
 * should hold (pure), as ExternalDNS's service and ingress sources plus its
 * AWS provider would write them:
 * - targets: the `target` annotation, else every address in
 *   status.loadBalancer.ingress (IP and hostname);
 * - an IPv4 target gives an A record, IPv6 an AAAA record (TTL from the
 *   annotation, default 300);
 * - a hostname target gives an alias A record when it is a known AWS
 *   endpoint (ALB, NLB, CloudFront…) or `alias` is "true", else a CNAME.
 *   Alias records carry no TTL and evaluate target health unless
 *   `aws-evaluate-target-health` is "false".
 * The ownership marker's `resource` label names the object
 * (`service/<ns>/<name>`, `ingress/<ns>/<name>`).
 */
import { isIPv4, isIPv6 } from "net";
import { inferAliasZone } from "../../providers/dns/aliasZones";
import { isInZone, normalizeDomain } from "../../providers/dns/names";
import type { RecordType } from "../../providers/dns/types";
import { HOSTNAME_ANNOTATION, parseSourceAnnotations } from "./annotations";

export type SourceKind = "service" | "ingress";

export interface LoadBalancerStatus {
    readonly loadBalancer?: { readonly ingress?: ReadonlyArray<{ readonly hostname?: string; readonly ip?: string }> };
}

/** What the sources read from a Service or Ingress. */
export interface SourceObject {
    readonly kind: SourceKind;
    readonly namespace: string;
    readonly name: string;
    readonly annotations?: Readonly<Record<string, string>>;
    /** A Service's spec.type (default ClusterIP); unused for an Ingress. */
    readonly serviceType?: string;
    readonly status?: LoadBalancerStatus;
}

/** A plain Route53RecordSync record input. */
export interface SourceRecord {
    readonly name: string;
    readonly type: RecordType;
    readonly ttl?: number;
    readonly values?: string[];
    readonly alias?: { readonly dnsName: string; readonly evaluateTargetHealth: boolean };
    readonly resource: string;
}

export interface SourceResult {
    readonly records: SourceRecord[];
    /** Each names the object. */
    readonly problems: string[];
}

/** The marker label of an object, e.g. "service/kube-system/kube-ops-view". */
export const sourceLabel = (o: Pick<SourceObject, "kind" | "namespace" | "name">): string => `${o.kind}/${o.namespace}/${o.name}`;

/** The normalized (trailing-dot) names an object asks for; problems for names outside the domain. */
export function sourceHostnames(o: SourceObject, domain: string): SourceResult & { readonly names: string[] } {
    const label = sourceLabel(o);
    const parsed = parseSourceAnnotations(o.annotations);
    if (!parsed.ok) return { names: [], records: [], problems: parsed.problems.map((p) => `${label}: ${p}`) };
    if (parsed.value === undefined) return { names: [], records: [], problems: [] };
    const zone = normalizeDomain(domain);
    const names: string[] = [];
    const problems: string[] = [];
    for (const hostname of parsed.value.hostnames) {
        const name = normalizeDomain(hostname, true);
        if (!name.ok) {
            problems.push(`${label}: ${HOSTNAME_ANNOTATION} "${hostname}" ${name.reason}`);
        } else if (!zone.ok || !isInZone(name.name, zone.name)) {
            problems.push(`${label}: ${HOSTNAME_ANNOTATION} "${hostname}" is outside the domain ${domain}; only names inside it can be published`);
        } else {
            names.push(name.name);
        }
    }
    return { names: [...new Set(names)], records: [], problems };
}

function statusTargets(status: LoadBalancerStatus | undefined): string[] {
    return (status?.loadBalancer?.ingress ?? []).flatMap((i) => [i.ip, i.hostname]).filter((t): t is string => typeof t === "string" && t !== "");
}

/** The records an object asks for (none when it carries no hostname annotation). */
export function sourceRecords(o: SourceObject, domain: string): SourceResult {
    const label = sourceLabel(o);
    const hostnames = sourceHostnames(o, domain);
    const parsed = parseSourceAnnotations(o.annotations);
    if (!parsed.ok || parsed.value === undefined) return { records: [], problems: hostnames.problems };
    const problems = [...hostnames.problems];
    if (o.kind === "service" && o.serviceType !== "LoadBalancer") {
        problems.push(`${label}: ${HOSTNAME_ANNOTATION} is set on a Service of type ${o.serviceType ?? "ClusterIP"}; only LoadBalancer Services get records`);
        return { records: [], problems };
    }
    const a = parsed.value;
    const targets = [...new Set(a.targets.length > 0 ? a.targets : statusTargets(o.status))];
    if (targets.length === 0) {
        problems.push(
            `${label}: has ${HOSTNAME_ANNOTATION} but no load balancer address in status.loadBalancer.ingress; ` +
                `see why with: kubectl -n ${o.namespace} describe ${o.kind} ${o.name} and kubectl -n kube-system logs deploy/aws-load-balancer-controller`,
        );
        return { records: [], problems };
    }
    const v4 = targets.filter((t) => isIPv4(t));
    const v6 = targets.filter((t) => isIPv6(t));
    const hosts = targets.filter((t) => !isIPv4(t) && !isIPv6(t));
    if (hosts.length > 0 && v4.length + v6.length > 0) {
        problems.push(`${label}: targets mix hostnames (${hosts.join(", ")}) and IP addresses (${[...v4, ...v6].join(", ")}); a name can hold either an alias/CNAME or A/AAAA records, not both`);
    }
    if (hosts.length > 1) {
        problems.push(`${label}: ${hosts.length} hostname targets (${hosts.join(", ")}); an alias or CNAME record points at exactly one`);
    }
    if (problems.length > 0) return { records: [], problems };

    const resource = label;
    const ttl = a.ttl === undefined ? {} : { ttl: a.ttl };
    const records: SourceRecord[] = hostnames.names.flatMap((name): SourceRecord[] => {
        if (hosts.length === 1) {
            const target = hosts[0];
            if (a.alias || inferAliasZone(target)?.hostedZoneId !== undefined) {
                return [{ name, type: "A", alias: { dnsName: target, evaluateTargetHealth: a.evaluateTargetHealth ?? true }, resource }];
            }
            return [{ name, type: "CNAME", ...ttl, values: [target], resource }];
        }
        return [
            ...(v4.length > 0 ? [{ name, type: "A" as const, ...ttl, values: v4, resource }] : []),
            ...(v6.length > 0 ? [{ name, type: "AAAA" as const, ...ttl, values: v6, resource }] : []),
        ];
    });
    return { records, problems: [] };
}
