/**
 * Cloud DNS limits the client and the core plan against (Cloud DNS "Quotas and limits"; the
 * quota names are those of the Cloud DNS API's project quotas).
 */
import type { BackendLimits } from "../backend";

export const GOOGLE_DNS_LIMITS: BackendLimits = {
    // rrsetAdditionsPerChange and rrsetDeletionsPerChange: 1000 each by default.
    maxRecordSetsPerChange: 1000,
    // rrdatasPerRrset: 100.
    maxValuesPerRecordSet: 100,
    // What the client asks for per resourceRecordSets.list page.
    listPageSize: 500,
    // resourceRecordSets.list with `name` returns every type at that name in one call.
    readCallsPerName: 1,
    atomicChanges: true,
};

/** totalRrdataSizePerChange: the rrdata bytes one change may carry. */
export const GOOGLE_MAX_RRDATA_BYTES_PER_CHANGE = 100_000;
