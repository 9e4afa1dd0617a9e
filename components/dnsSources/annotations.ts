/**
 * ExternalDNS's annotations on a Service or Ingress, parsed the way its
 * sources do (source/annotations in kubernetes-sigs/external-dns): the
 * hostname and target lists are comma-separated with every space removed
 * and trailing dots dropped from targets; the TTL is whole seconds or a Go
 * duration ("600", "10m", "1.5s" → 1); `alias` counts only when exactly
 * "true". Unlike ExternalDNS, which logs a bad TTL and carries on with the
 * default, a bad value here is an error naming the object: a plan that
 * silently differs from what the annotation says is worse than a refusal.
 */

/** The prefix this program documents and writes. */
export const ANNOTATION_PREFIX = "external-dns.alpha.kubernetes.io/";
/** ExternalDNS ≥ 0.19's default prefix; read as a synonym. */
export const NEW_ANNOTATION_PREFIX = "external-dns.kubernetes.io/";

export const HOSTNAME_ANNOTATION = `${ANNOTATION_PREFIX}hostname`;

/** Routing-policy keys that Route53RecordSync cannot express yet (issue 13's second part). */
const ROUTING_POLICY_KEYS = ["set-identifier", "aws-weight", "aws-failover", "aws-region", "aws-health-check-id", "aws-geolocation-continent-code", "aws-geolocation-country-code", "aws-geolocation-subdivision-code", "aws-geoproximity-region", "aws-multi-value-answer"];

export const TTL_MIN = 1;
export const TTL_MAX = 2147483647;

export interface SourceAnnotations {
    /** Names to publish, as written (normalized later against the zone). */
    readonly hostnames: string[];
    /** Whole seconds; undefined when the annotation is absent. */
    readonly ttl?: number;
    /** The `target` annotation's values; empty when absent (then the status gives the targets). */
    readonly targets: string[];
    /** `alias: "true"`: a hostname target becomes an alias A record even when it is not a known AWS endpoint. */
    readonly alias: boolean;
    /** `aws-evaluate-target-health`; undefined when absent. */
    readonly evaluateTargetHealth?: boolean;
}

export type ParsedAnnotations = { readonly ok: true; readonly value?: SourceAnnotations } | { readonly ok: false; readonly problems: string[] };

/** ExternalDNS's SplitHostnameAnnotation: all spaces removed, split at commas, empty items kept out. */
export function splitList(value: string): string[] {
    return value
        .replace(/ /g, "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
}

const GO_DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, "μs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** ExternalDNS's parseTTL: a Go duration ("10m", "1h30m", "1.5s") or an integer of seconds; undefined when neither. */
export function parseTtl(value: string): number | undefined {
    if (value === "0") return 0;
    if (GO_DURATION.test(value)) {
        const sign = value.startsWith("-") ? -1 : 1;
        let seconds = 0;
        for (const m of value.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
            seconds += Number(m[1]) * GO_UNIT_SECONDS[m[2]];
        }
        return sign * Math.trunc(seconds);
    }
    return /^[-+]?\d+$/.test(value) ? Number(value) : undefined;
}

/** One annotation under either prefix; both set to different values is an error. */
function read(annotations: Readonly<Record<string, string>>, key: string, problems: string[]): string | undefined {
    const old = annotations[`${ANNOTATION_PREFIX}${key}`];
    const current = annotations[`${NEW_ANNOTATION_PREFIX}${key}`];
    if (old !== undefined && current !== undefined && old !== current) {
        problems.push(`${ANNOTATION_PREFIX}${key} (${JSON.stringify(old)}) and ${NEW_ANNOTATION_PREFIX}${key} (${JSON.stringify(current)}) disagree; keep one`);
    }
    return old ?? current;
}

/**
 * The DNS wishes of one object; `value` is undefined when it carries no
 * hostname annotation (it is then not a source). Problems are phrased
 * without the object's name; the caller prefixes it.
 */
export function parseSourceAnnotations(annotations: Readonly<Record<string, string>> | undefined): ParsedAnnotations {
    const all = annotations ?? {};
    const problems: string[] = [];
    const hostnameValue = read(all, "hostname", problems);
    if (hostnameValue === undefined) {
        return problems.length > 0 ? { ok: false, problems } : { ok: true };
    }
    const hostnames = splitList(hostnameValue);
    if (hostnames.length === 0) {
        problems.push(`${HOSTNAME_ANNOTATION} names no hostname (got ${JSON.stringify(hostnameValue)}); remove the annotation or list names separated by commas`);
    }

    let ttl: number | undefined;
    const ttlValue = read(all, "ttl", problems);
    if (ttlValue !== undefined) {
        ttl = parseTtl(ttlValue);
        if (ttl === undefined || ttl < TTL_MIN || ttl > TTL_MAX) {
            problems.push(`${ANNOTATION_PREFIX}ttl ${JSON.stringify(ttlValue)} must be whole seconds or a Go duration ("60", "5m") between ${TTL_MIN} and ${TTL_MAX} seconds`);
        }
    }

    const targetValue = read(all, "target", problems);
    const targets = targetValue === undefined ? [] : splitList(targetValue).map((t) => t.replace(/\.$/, ""));

    const alias = read(all, "alias", problems) === "true";

    let evaluateTargetHealth: boolean | undefined;
    const evaluate = read(all, "aws-evaluate-target-health", problems);
    if (evaluate !== undefined) {
        if (evaluate !== "true" && evaluate !== "false") {
            problems.push(`${ANNOTATION_PREFIX}aws-evaluate-target-health must be "true" or "false", got ${JSON.stringify(evaluate)}`);
        }
        evaluateTargetHealth = evaluate === "true";
    }

    for (const key of ROUTING_POLICY_KEYS) {
        const value = read(all, key, problems);
        if (value !== undefined) {
            problems.push(
                `${ANNOTATION_PREFIX}${key} (routing policies) is not supported yet: Route53RecordSync writes simple records only, so the record would lose its policy; remove the annotation`,
            );
        }
    }

    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { hostnames, ...(ttl === undefined ? {} : { ttl }), targets, alias, ...(evaluateTargetHealth === undefined ? {} : { evaluateTargetHealth }) } };
}
