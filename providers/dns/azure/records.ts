/**
 * Azure DNS record sets (the @azure/arm-dns model, api-version 2018-05-01) ↔ backend-neutral
 * record sets. Pure: no SDK import, so it is testable without a server.
 */
import type { RecordSet } from "@azure/arm-dns";
import { absoluteName, BackendRecordSet, BackendWritableType, fqdn, txtStrings, txtValue } from "../backend";

/** The record type of a listed set: the API reports `Microsoft.Network/dnszones/A`. */
export function azureRecordType(type: string | undefined): string {
    const last = (type ?? "").split("/").pop() ?? "";
    return last.toUpperCase();
}

/** Values in the neutral form (see BackendRecordSet) of whatever records the set holds. */
function azureValues(set: RecordSet, type: string): string[] {
    switch (type) {
        case "A":
            return (set.aRecords ?? []).map((r) => r.ipv4Address ?? "");
        case "AAAA":
            return (set.aaaaRecords ?? []).map((r) => r.ipv6Address ?? "");
        case "CNAME":
            return set.cnameRecord?.cname ? [fqdn(set.cnameRecord.cname)] : [];
        case "TXT":
            return (set.txtRecords ?? []).map((r) => txtValue(r.value ?? []));
        case "NS":
            return (set.nsRecords ?? []).map((r) => fqdn(r.nsdname ?? ""));
        case "MX":
            return (set.mxRecords ?? []).map((r) => `${r.preference} ${fqdn(r.exchange ?? "")}`);
        case "PTR":
            return (set.ptrRecords ?? []).map((r) => fqdn(r.ptrdname ?? ""));
        case "SRV":
            return (set.srvRecords ?? []).map((r) => `${r.priority} ${r.weight} ${r.port} ${fqdn(r.target ?? "")}`);
        case "CAA":
            return (set.caaRecords ?? []).map((r) => `${r.flags} ${r.tag} "${r.value}"`);
        case "SOA": {
            const s = set.soaRecord;
            return s ? [`${s.host} ${s.email} ${s.serialNumber} ${s.refreshTime} ${s.retryTime} ${s.expireTime} ${s.minimumTtl}`] : [];
        }
        default:
            return [];
    }
}

/** A record set as Azure returns it → the neutral shape (name made absolute, etag kept). */
export function fromAzureRecordSet(set: RecordSet, zoneName: string): BackendRecordSet {
    const type = azureRecordType(set.type);
    return {
        name: set.fqdn ? fqdn(set.fqdn) : absoluteName(set.name ?? "@", zoneName),
        type,
        ttl: set.ttl ?? 0,
        values: azureValues(set, type),
        ...(set.etag ? { etag: set.etag } : {}),
    };
}

/** The body of a createOrUpdate (PUT) for a neutral record set of a writable type. */
export function toAzureRecordSet(set: BackendRecordSet): RecordSet {
    const type = set.type as BackendWritableType;
    switch (type) {
        case "A":
            return { ttl: set.ttl, aRecords: set.values.map((ipv4Address) => ({ ipv4Address })) };
        case "AAAA":
            return { ttl: set.ttl, aaaaRecords: set.values.map((ipv6Address) => ({ ipv6Address })) };
        case "CNAME":
            // Azure stores CNAME targets without the trailing dot and returns them that way.
            return { ttl: set.ttl, cnameRecord: { cname: set.values[0].replace(/\.$/, "") } };
        case "TXT":
            return { ttl: set.ttl, txtRecords: set.values.map((v) => ({ value: txtStrings(v) })) };
        default:
            throw new Error(`Azure DNS backend writes only A, AAAA, CNAME and TXT record sets, not ${set.type} (${set.name})`);
    }
}
