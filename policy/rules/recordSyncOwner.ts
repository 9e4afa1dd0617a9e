/**
 * Every Route53RecordSync names its TXT-registry owner. The owner id is what
 * stops two stacks (or this program and an ExternalDNS) from changing each
 * other's records; an empty one would own nothing, and ExternalDNS's default
 * owner "default" would be shared with any ExternalDNS left at its defaults.
 */
import { isDynamicKind, PolicySubject, pathValue, show, violation } from "./subject";

export const RECORD_SYNC_OWNER_RULE = "record-sync-owner-id";

/** ExternalDNS's `--txt-owner-id` default. */
export const EXTERNAL_DNS_DEFAULT_OWNER = "default";

/** The Route53RecordSync dynamic resource, recognised by its inputs. */
export function isRoute53RecordSync(subject: PolicySubject): boolean {
    return isDynamicKind(subject, "Route53RecordSync", ["zoneName", "records"]);
}

export function recordSyncOwnerViolations(subject: PolicySubject): string[] {
    if (!isRoute53RecordSync(subject)) {
        return [];
    }
    const ownerId = pathValue(subject.props, "ownerId");
    if (typeof ownerId !== "string" || ownerId.trim() === "") {
        return [violation(RECORD_SYNC_OWNER_RULE, subject, `ownerId must be a non-empty TXT registry owner id (dns.ownerId); got ${show(ownerId)}`)];
    }
    if (ownerId.trim() === EXTERNAL_DNS_DEFAULT_OWNER) {
        return [
            violation(
                RECORD_SYNC_OWNER_RULE,
                subject,
                `ownerId "${EXTERNAL_DNS_DEFAULT_OWNER}" is ExternalDNS's default owner, so an ExternalDNS left at its defaults would treat these records as its own; set dns.ownerId to an id unique to this stack`,
            ),
        ];
    }
    return [];
}
