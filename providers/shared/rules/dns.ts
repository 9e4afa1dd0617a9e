/**
 * Rules for the DNS fields (pure), shared by the stack config (`dns.*`) and
 * Route53RecordSync's `check`: the TXT registry owner id, the marker prefix,
 * a pinned hosted zone id and the sync policy.
 */
import { FORBIDDEN_LABEL_CHARS } from "../../dns/registry";
import { parseEncryptionKey } from "../../dns/markerCrypto";
import { MARKER_COMPATS, POLICIES } from "../../dns/types";
import { oneOfRule, Rule } from "./rule";

/** Why a registry label value (owner id, resource) cannot go into a marker; undefined when it can. */
export function labelProblem(value: string): string | undefined {
    if (value === "") return "must not be empty";
    if (FORBIDDEN_LABEL_CHARS.test(value)) return `must not contain commas, quotes, backslashes or white space (got "${value}")`;
    return undefined;
}

export const OWNER_ID: Rule = {
    rule: "must be a non-empty TXT registry owner id without commas, quotes, backslashes or white space",
    test: (v) => typeof v === "string" && labelProblem(v) === undefined,
};

/** ExternalDNS's --txt-prefix: a-z, 0-9, "-", "_", "%{record_type}" and single dots, not leading. */
export const TXT_PREFIX_PATTERN = /^(?:[a-z0-9_-]|%\{record_type\}|\.(?!\.))*$/;

export function isTxtPrefix(value: string): boolean {
    const prefix = value.toLowerCase();
    return TXT_PREFIX_PATTERN.test(prefix) && !prefix.startsWith(".");
}

export const TXT_PREFIX: Rule = {
    rule: 'may only contain a-z, 0-9, "-", "_", "%{record_type}" and single dots (not leading)',
    test: (v) => typeof v === "string" && isTxtPrefix(v),
};

/** ExternalDNS's --txt-suffix: the prefix's characters, single dots, not trailing. */
export function isTxtSuffix(value: string): boolean {
    const suffix = value.toLowerCase();
    return TXT_PREFIX_PATTERN.test(suffix) && !suffix.endsWith(".");
}

export const TXT_SUFFIX: Rule = {
    rule: 'may only contain a-z, 0-9, "-", "_", "%{record_type}" and single dots (not trailing)',
    test: (v) => typeof v === "string" && isTxtSuffix(v),
};

export const MARKER_COMPAT = oneOfRule(MARKER_COMPATS);

/** ExternalDNS's --txt-encrypt-aes-key: 32 bytes, plain or base64. The value is never shown. */
export const TXT_ENCRYPTION_KEY: Rule = {
    rule: "must be 32 bytes long, as plain text or base64 (ExternalDNS's --txt-encrypt-aes-key)",
    test: (v) => typeof v === "string" && !("error" in parseEncryptionKey(v)),
};

/** An IAM role ARN of any partition, with an optional path: the role the sync assumes for a zone in another account. */
export const ASSUME_ROLE_ARN: Rule = {
    rule: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/dns-admin",
    test: (v) => typeof v === "string" && /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(v),
};

/** STS AssumeRole's ExternalId: 2-1224 characters of [\w+=,.@:/-]. */
export const EXTERNAL_ID: Rule = {
    rule: 'must be 2-1224 letters, digits or "+=,.@:/-_" (STS AssumeRole ExternalId)',
    test: (v) => typeof v === "string" && /^[\w+=,.@:/-]{2,1224}$/.test(v),
};

export const ZONE_ID_PATTERN = /^[A-Z0-9]{1,32}$/;

/** Strips a "/hostedzone/" prefix and upper-cases a zone id. */
export function normalizeZoneId(raw: string): string {
    return raw.trim().replace(/^\/?hostedzone\//i, "").toUpperCase();
}

export const ZONE_ID: Rule = {
    rule: 'must be a Route53 hosted zone id such as "Z0123456789ABCDEFGHIJ"',
    test: (v) => typeof v === "string" && ZONE_ID_PATTERN.test(normalizeZoneId(v)),
};

export const POLICY = oneOfRule(POLICIES);
