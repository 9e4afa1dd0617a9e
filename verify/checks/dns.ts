import { causeOf, fail, HopRow, pass } from "../hop";
import type { ResolveA } from "../resolver";

/** What each resolver error means for a user looking at a hostname that should point at the ALB. */
const dnsCauses: Record<string, string> = {
    ENOTFOUND: "NXDOMAIN: the name does not exist (record not synced, or the zone is not delegated to Route53)",
    ENODATA: "the name exists but has no A record",
    ESERVFAIL: "SERVFAIL from the resolver (broken delegation or DNSSEC)",
    EREFUSED: "the resolver refused the query",
    ETIMEOUT: "the resolver did not answer",
    ECONNREFUSED: "the resolver refused the connection",
};

/** One row per hostname: its A answers, or why there are none. */
export async function checkDns(hostnames: readonly string[], resolve: ResolveA): Promise<HopRow[]> {
    return Promise.all(
        hostnames.map(async (host) => {
            try {
                const addresses = await resolve(host);
                return addresses.length > 0 ? pass("dns", host, `A ${addresses.join(", ")}`) : fail("dns", host, dnsCauses.ENODATA);
            } catch (e) {
                const code = (e as NodeJS.ErrnoException).code;
                return fail("dns", host, (code && dnsCauses[code]) ?? causeOf(e));
            }
        }),
    );
}
