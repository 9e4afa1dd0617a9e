/**
 * Runs every hop check in request order and returns the rows. Each check is
 * a small function of its peers (resolver, HTTP probe, AWS clients), so
 * tests drive this with loopback servers and moto.
 */
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Route53Client } from "@aws-sdk/client-route-53";
import { checkDns } from "./checks/dns";
import { checkGateway, checkReachable } from "./checks/http";
import { checkLoadBalancers } from "./checks/loadBalancer";
import { checkRateLimit } from "./checks/rateLimit";
import { checkAliases } from "./checks/route53";
import { checkSplit, liveWeightRow } from "./checks/split";
import type { LiveFacts } from "./cluster";
import { HopKind, HopRow, skip } from "./hop";
import type { VerifyTarget } from "./inputs";
import type { Probe } from "./probe";
import type { ResolveA } from "./resolver";

export interface VerifyPlan {
    readonly target: VerifyTarget;
    readonly region: string;
    readonly split: { readonly requests: number; readonly perSecond: number; readonly concurrency: number; readonly alpha: number };
    readonly burst: { readonly count: number; readonly concurrency: number; readonly sizing: string };
}

export interface VerifyPeers {
    readonly resolve: ResolveA;
    readonly probe: Probe;
    /** Both absent: the AWS hops are skipped (--skip-aws). */
    readonly aws?: { readonly route53: Route53Client; readonly elb: ElasticLoadBalancingV2Client };
    /** Cross-checks from the cluster (stack outputs holding a kubeconfig): the Ingress's ALB, the live weight. */
    readonly readCluster?: () => Promise<LiveFacts>;
}

export type Progress = (line: string) => void;

export async function verify(plan: VerifyPlan, peers: VerifyPeers, progress: Progress = () => {}): Promise<HopRow[]> {
    const rows: HopRow[] = [];
    const record = (...found: HopRow[]) => {
        for (const row of found) {
            progress(`  ${row.verdict.toUpperCase()} ${row.target === "-" ? "" : `${row.target}: `}${row.detail}`);
        }
        rows.push(...found);
        return found;
    };
    const step = async (hop: HopKind, what: string, run: () => Promise<HopRow[]>) => {
        progress(`${hop}: ${what}`);
        return record(...(await run()));
    };
    const { target } = plan;

    let facts: LiveFacts | undefined;
    let clusterRow: HopRow | undefined;
    if (peers.readCluster) {
        progress("cluster: reading the app Ingress and VirtualService (stack output kubeconfig)");
        try {
            facts = await peers.readCluster();
            clusterRow = liveWeightRow(facts.virtualService, facts.canary, target.canaryWeight);
        } catch (e) {
            // The API server may be private to the VPC: the outside hops still tell a lot.
            clusterRow = skip("split", "VirtualService", `live weight not read: ${e instanceof Error ? e.message : String(e)}`);
        }
    }
    const expectedAlb = target.albDnsName ?? facts?.albDnsName;

    await step("dns", `resolving ${target.hostnames.join(", ")}`, () => checkDns(target.hostnames, peers.resolve));

    if (peers.aws) {
        const { route53, elb } = peers.aws;
        let aliasTargets: string[] = [];
        await step("route53", "reading the alias records", async () => {
            const result = await checkAliases(target.hostnames, route53, expectedAlb);
            aliasTargets = result.aliasTargets;
            return result.rows;
        });
        // The Ingress status's ALB, when known, is checked even if no alias leads to it.
        const albs = expectedAlb && !aliasTargets.includes(expectedAlb) ? [expectedAlb, ...aliasTargets] : aliasTargets;
        await step("alb", `the load balancer and its target groups in ${plan.region}`, async () =>
            albs.length > 0 ? checkLoadBalancers(albs, elb, plan.region) : [skip("alb", "-", "no alias record names a load balancer")],
        );
    } else {
        record(skip("route53", "-", "--skip-aws"), skip("alb", "-", "--skip-aws"), skip("targets", "-", "--skip-aws"));
    }

    const [gateway] = await step("gateway", `GET ${target.appUrl}`, async () => [await checkGateway(target.appUrl, peers.probe)]);
    const appReachable = gateway.verdict === "pass";
    const blocked = (hop: HopKind) => skip(hop, target.appUrl, "not measured: the gateway hop failed");

    if (clusterRow) {
        record(clusterRow);
    }
    await step("split", `${plan.split.requests} requests at most ${plan.split.perSecond}/s, canary weight ${target.canaryWeight}%`, async () => [
        appReachable
            ? await checkSplit(target.appUrl, target.canaryWeight, peers.probe, {
                  ...plan.split,
                  onProgress: (done, count) => progress(`  split: ${done}/${count}`),
              })
            : blocked("split"),
    ]);

    await step("kube-ops-view", target.kubeOpsViewUrl ? `GET ${target.kubeOpsViewUrl}` : "not exposed", async () => [
        await checkReachable("kube-ops-view", target.kubeOpsViewUrl, peers.probe, "no urls[\"kube-ops-view\"] output (kubeOpsView.enabled is false)"),
    ]);

    // Only when the stack publishes Kiali or Grafana: their health endpoints answer without a login.
    for (const healthUrl of target.monitoringUrls ?? []) {
        await step("monitoring", `GET ${healthUrl}`, async () => [await checkReachable("monitoring", healthUrl, peers.probe, "")]);
    }

    // Last: the burst empties the token buckets, which would spoil any measurement after it.
    await step("rate-limit", `a burst of ${plan.burst.count} concurrent requests`, async () => [
        appReachable
            ? await checkRateLimit(
                  target.appUrl,
                  peers.probe,
                  { count: plan.burst.count, concurrency: plan.burst.concurrency, onProgress: (done, count) => progress(`  burst: ${done}/${count}`) },
                  plan.burst.sizing,
              )
            : blocked("rate-limit"),
    ]);
    return rows;
}
