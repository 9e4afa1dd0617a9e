/**
 * DNS name normalization, shared by validation, the TXT registry, planning and the IAM policy.
 * Canonical form everywhere: lower-case ASCII (IDN labels in punycode), absolute, trailing dot.
 */
import { domainToASCII } from "url";

/** Longest name in presentation form without the trailing dot (255 octets on the wire). */
export const MAX_NAME_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;

export type NameResult =
    | { readonly ok: true; readonly name: string }
    | { readonly ok: false; readonly rule: string; readonly reason: string };

const LABEL_CHARS = /^[a-z0-9_-]+$/;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

function fail(rule: string, reason: string): NameResult {
    return { ok: false, rule, reason };
}

function normalizeLabel(label: string, index: number, allowWildcard: boolean): NameResult {
    if (label === "") {
        return fail("empty-label", "has an empty label (two dots in a row or a leading dot)");
    }
    if (label === "*") {
        return allowWildcard && index === 0
            ? { ok: true, name: label }
            : fail("wildcard-position", `"*" is only allowed as the whole leftmost label`);
    }
    let ascii = label.toLowerCase();
    if (!ASCII.test(label)) {
        ascii = domainToASCII(label);
        if (ascii === "") {
            return fail("invalid-idn", `label "${label}" is not a valid internationalized domain label`);
        }
    }
    if (!LABEL_CHARS.test(ascii)) {
        return fail("invalid-characters", `label "${label}" may only contain a-z, 0-9, "-" and "_"`);
    }
    if (ascii.length > MAX_LABEL_LENGTH) {
        return fail("label-too-long", `label "${ascii}" is ${ascii.length} characters; the limit is ${MAX_LABEL_LENGTH}`);
    }
    return { ok: true, name: ascii };
}

/**
 * Normalizes an absolute domain name ("Example.COM", "example.com.", "bücher.de").
 * `allowWildcard` permits "*" as the leftmost label.
 */
export function normalizeDomain(raw: string, allowWildcard = false): NameResult {
    const trimmed = raw.trim();
    const body = trimmed.endsWith(".") ? trimmed.slice(0, -1) : trimmed;
    if (body === "") {
        return fail("empty-name", "is empty");
    }
    const labels: string[] = [];
    const parts = body.split(".");
    for (let i = 0; i < parts.length; i++) {
        const label = normalizeLabel(parts[i], i, allowWildcard);
        if (!label.ok) {
            return label;
        }
        labels.push(label.name);
    }
    const name = labels.join(".");
    if (name.length > MAX_NAME_LENGTH) {
        return fail("name-too-long", `is ${name.length} characters; the limit is ${MAX_NAME_LENGTH}`);
    }
    return { ok: true, name: `${name}.` };
}

/** True when `name` is `zone` or a name below it (both normalized). */
export function isInZone(name: string, zone: string): boolean {
    return name === zone || name.endsWith(`.${zone}`);
}

/**
 * Resolves a record name against its zone: "@" is the apex, a name without any dot is relative
 * to the zone, anything else is an FQDN that must lie inside the zone.
 */
export function normalizeRecordName(raw: string, zone: string): NameResult {
    const trimmed = raw.trim();
    if (trimmed === "@") {
        return { ok: true, name: zone };
    }
    const relative = trimmed !== "" && !trimmed.includes(".");
    const result = normalizeDomain(relative ? `${trimmed}.${zone}` : trimmed, true);
    if (!result.ok) {
        return result;
    }
    if (!isInZone(result.name, zone)) {
        return fail("outside-zone", `"${result.name}" is not inside zone "${zone}" (use an FQDN ending in ${zone} or a single relative label)`);
    }
    return result;
}

/** Drops the trailing dot: "app.example.com." → "app.example.com". */
export function withoutDot(name: string): string {
    return name.endsWith(".") ? name.slice(0, -1) : name;
}

/**
 * Normalizes a name as ListResourceRecordSets returns it: octal escapes such as `\052` for "*"
 * are decoded, case is folded, a trailing dot is guaranteed.
 */
export function normalizeListedName(name: string): string {
    const decoded = name.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
    const lower = decoded.toLowerCase();
    return lower.endsWith(".") ? lower : `${lower}.`;
}

/**
 * The form IAM's `route53:ChangeResourceRecordSetsNormalizedRecordNames` condition expects:
 * lower case, no trailing dot, every character other than a-z, 0-9, "-", "_" and "." written
 * as a three-digit octal escape (so "*" becomes `\052`).
 */
export function iamNormalizedName(name: string): string {
    return withoutDot(name.toLowerCase()).replace(/[^a-z0-9_.-]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}
