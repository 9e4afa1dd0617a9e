/**
 * Azure DNS limits the client and the core plan against (Azure subscription and service limits,
 * "Azure DNS limits": public zones).
 */
import type { BackendLimits } from "../backend";

export const AZURE_DNS_LIMITS: BackendLimits = {
    // Azure has no change batches: every record set is its own PUT or DELETE. The bound only
    // keeps one apply's duration predictable; the core may split larger plans.
    maxRecordSetsPerChange: 1000,
    // "Records per record set in public DNS zone: 20".
    maxValuesPerRecordSet: 20,
    // The list operations return up to 100 record sets per page when $top is not given.
    listPageSize: 100,
    // listNames GETs each writable type (A, AAAA, CNAME, TXT) at each name.
    readCallsPerName: 4,
    atomicChanges: false,
};

/** Record sets in flight at once; well below ARM's per-subscription write budget. */
export const AZURE_DEFAULT_CONCURRENCY = 4;
/** Retries of a throttled (429, honouring Retry-After) or failed (5xx, network) request. */
export const AZURE_DEFAULT_MAX_RETRIES = 5;
