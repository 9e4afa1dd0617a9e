/** Kubernetes object-name rules (pure), shared by the stack config and the providers' checks. */
import { patternRule } from "./rule";

/** RFC 1123 label: namespaces, Service names. */
export const DNS_LABEL = patternRule(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label (lower-case letters, digits, '-', at most 63)", 63);

/** RFC 1123 subdomain: most other object names. */
export const DNS_SUBDOMAIN = patternRule(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    "must be a DNS-1123 subdomain (lower-case letters, digits, '-', '.', at most 253)",
    253,
);
