/**
 * The Route53 hop: each hostname's A record in its hosted zone must be an
 * alias, and the alias target names the ALB the next hops inspect (this is
 * how verify finds the load balancer without a Kubernetes client).
 */
import { HostedZone, ListHostedZonesCommand, ListResourceRecordSetsCommand, ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { causeOf, fail, HopRow, pass } from "../hop";

export interface AliasResult {
    readonly rows: HopRow[];
    /** Distinct alias targets (normalized DNS names), in hostname order. */
    readonly aliasTargets: string[];
}

/** Lower case, no trailing dot, no `dualstack.` prefix: the form ELBv2 reports as DNSName. */
export function normalizeAliasTarget(dnsName: string): string {
    return dnsName.toLowerCase().replace(/\.$/, "").replace(/^dualstack\./, "");
}

const withoutDot = (name: string) => name.toLowerCase().replace(/\.$/, "");

async function listZones(route53: Route53Client): Promise<HostedZone[]> {
    const zones: HostedZone[] = [];
    let marker: string | undefined;
    do {
        const page = await route53.send(new ListHostedZonesCommand({ Marker: marker }));
        zones.push(...(page.HostedZones ?? []));
        marker = page.IsTruncated ? page.NextMarker : undefined;
    } while (marker);
    return zones;
}

/** The most specific zone containing `host`; a public zone wins over a private one of the same name. */
export function zoneFor(host: string, zones: readonly HostedZone[]): HostedZone | undefined {
    const name = withoutDot(host);
    const containing = zones.filter((z) => {
        const zone = withoutDot(z.Name ?? "");
        return name === zone || name.endsWith(`.${zone}`);
    });
    containing.sort(
        (a, b) => withoutDot(b.Name ?? "").length - withoutDot(a.Name ?? "").length || Number(!!a.Config?.PrivateZone) - Number(!!b.Config?.PrivateZone),
    );
    return containing[0];
}

/**
 * Verdict for the A record set(s) found at a hostname; `expectedAlb` (the
 * Ingress status's ALB, when known) catches an alias left on an old ALB.
 */
export function aliasRow(host: string, zone: HostedZone, records: readonly ResourceRecordSet[], expectedAlb?: string): HopRow {
    const zoneLabel = `zone ${withoutDot(zone.Name ?? "")} (${(zone.Id ?? "").replace("/hostedzone/", "")})`;
    if (records.length === 0) {
        return fail("route53", host, `no A record in ${zoneLabel}: the record sync has not written it (see pulumi up's Route53RecordSync)`);
    }
    const plain = records.filter((r) => !r.AliasTarget);
    if (plain.length > 0) {
        const values = plain.flatMap((r) => r.ResourceRecords?.map((v) => v.Value) ?? []).join(", ");
        return fail("route53", host, `A record in ${zoneLabel} holds plain values (${values}), not an alias to the ALB`);
    }
    const targets = [...new Set(records.map((r) => normalizeAliasTarget(r.AliasTarget!.DNSName ?? "")))];
    if (expectedAlb && !targets.includes(normalizeAliasTarget(expectedAlb))) {
        return fail("route53", host, `alias → ${targets.join(", ")}, but the Ingress's ALB is ${normalizeAliasTarget(expectedAlb)}: the record is stale`);
    }
    return pass("route53", host, `alias → ${targets.join(", ")} in ${zoneLabel}`);
}

export async function checkAliases(hostnames: readonly string[], route53: Route53Client, expectedAlb?: string): Promise<AliasResult> {
    let zones: HostedZone[];
    try {
        zones = await listZones(route53);
    } catch (e) {
        return { rows: hostnames.map((h) => fail("route53", h, `cannot list hosted zones: ${causeOf(e)}`)), aliasTargets: [] };
    }
    const rows: HopRow[] = [];
    const aliasTargets: string[] = [];
    for (const host of hostnames) {
        const zone = zoneFor(host, zones);
        if (!zone) {
            rows.push(fail("route53", host, "no hosted zone in this account contains this name"));
            continue;
        }
        try {
            const page = await route53.send(
                new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id, StartRecordName: host, StartRecordType: "A", MaxItems: 20 }),
            );
            const records = (page.ResourceRecordSets ?? []).filter((r) => r.Type === "A" && withoutDot(r.Name ?? "") === withoutDot(host));
            const row = aliasRow(host, zone, records, expectedAlb);
            rows.push(row);
            if (row.verdict === "pass") {
                for (const r of records) {
                    const target = normalizeAliasTarget(r.AliasTarget!.DNSName ?? "");
                    if (!aliasTargets.includes(target)) aliasTargets.push(target);
                }
            }
        } catch (e) {
            rows.push(fail("route53", host, `cannot read the record: ${causeOf(e)}`));
        }
    }
    return { rows, aliasTargets };
}
