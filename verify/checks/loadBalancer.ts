/**
 * The ALB hops: the alias target must be an active application load
 * balancer, and each of its target groups must be in IP mode (target type
 * `ip`, targets are pod IPs, not instances) with every registered target
 * healthy.
 */
import {
    DescribeLoadBalancersCommand,
    DescribeTargetGroupsCommand,
    DescribeTargetHealthCommand,
    ElasticLoadBalancingV2Client,
    LoadBalancer,
    TargetGroup,
    TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { isIP } from "net";
import { causeOf, fail, HopRow, pass } from "../hop";

/** Pure verdict on the ALB found (or not) for an alias target. */
export function loadBalancerRow(dnsName: string, lb: LoadBalancer | undefined, region: string): HopRow {
    if (!lb) {
        return fail("alb", dnsName, `no load balancer with this DNS name in ${region}: the alias points at a deleted ALB, or at another account or region`);
    }
    const state = lb.State?.Code ?? "unknown";
    if (lb.Type !== "application") {
        return fail("alb", dnsName, `${lb.LoadBalancerName} is a ${lb.Type} load balancer; the Ingresses need an application load balancer`);
    }
    if (state !== "active") {
        const reason = lb.State?.Reason ? ` (${lb.State.Reason})` : "";
        return fail("alb", dnsName, `${lb.LoadBalancerName} is ${state}${reason}, not active`);
    }
    return pass("alb", dnsName, `${lb.LoadBalancerName}: active, ${lb.Scheme}`);
}

const describeTarget = (t: TargetHealthDescription) => `${t.Target?.Id}:${t.Target?.Port}`;

/** Pure verdict on one target group and its targets' health. */
export function targetGroupRow(group: TargetGroup, health: readonly TargetHealthDescription[]): HopRow {
    const name = group.TargetGroupName ?? group.TargetGroupArn ?? "target group";
    const check = `health check ${group.HealthCheckPort ?? "traffic-port"} ${group.HealthCheckPath ?? ""}`.trim();
    if (group.TargetType !== "ip") {
        return fail("targets", name, `target type ${group.TargetType ?? "unknown"}, not ip: the ALB is not in IP mode (alb.ingress.kubernetes.io/target-type: ip)`);
    }
    if (health.length === 0) {
        return fail("targets", name, "no registered targets: the backing Service has no ready endpoints (check its pods and the TargetGroupBinding)");
    }
    const notIp = health.filter((t) => !isIP(t.Target?.Id ?? ""));
    if (notIp.length > 0) {
        return fail("targets", name, `targets are not pod IPs: ${notIp.map(describeTarget).join(", ")}`);
    }
    const unhealthy = health.filter((t) => t.TargetHealth?.State !== "healthy");
    if (unhealthy.length > 0) {
        const causes = unhealthy.map((t) => {
            const h = t.TargetHealth;
            return `${describeTarget(t)} ${h?.State ?? "unknown"}${h?.Reason ? ` (${h.Reason}${h.Description ? `: ${h.Description}` : ""})` : ""}`;
        });
        return fail("targets", name, `${health.length - unhealthy.length}/${health.length} healthy; ${causes.join("; ")}; ${check}`);
    }
    return pass("targets", name, `${health.length}/${health.length} healthy pod IPs ${health.map(describeTarget).join(", ")}; ${check}`);
}

async function findLoadBalancer(elb: ElasticLoadBalancingV2Client, dnsName: string): Promise<LoadBalancer | undefined> {
    let marker: string | undefined;
    do {
        const page = await elb.send(new DescribeLoadBalancersCommand({ Marker: marker }));
        const found = page.LoadBalancers?.find((lb) => lb.DNSName?.toLowerCase() === dnsName.toLowerCase());
        if (found) return found;
        marker = page.NextMarker;
    } while (marker);
    return undefined;
}

async function targetGroupsOf(elb: ElasticLoadBalancingV2Client, loadBalancerArn: string): Promise<TargetGroup[]> {
    const groups: TargetGroup[] = [];
    let marker: string | undefined;
    try {
        do {
            const page = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: loadBalancerArn, Marker: marker }));
            groups.push(...(page.TargetGroups ?? []));
            marker = page.NextMarker;
        } while (marker);
    } catch (e) {
        // moto (not AWS) answers TargetGroupNotFound for a load balancer without target groups.
        if ((e as Error).name === "TargetGroupNotFoundException" || (e as Error).name === "TargetGroupNotFound") return [];
        throw e;
    }
    return groups;
}

/** Rows for each alias target's ALB and for every target group behind it. */
export async function checkLoadBalancers(aliasTargets: readonly string[], elb: ElasticLoadBalancingV2Client, region: string): Promise<HopRow[]> {
    const rows: HopRow[] = [];
    for (const dnsName of aliasTargets) {
        let lb: LoadBalancer | undefined;
        try {
            lb = await findLoadBalancer(elb, dnsName);
        } catch (e) {
            rows.push(fail("alb", dnsName, `cannot describe load balancers: ${causeOf(e)}`));
            continue;
        }
        const row = loadBalancerRow(dnsName, lb, region);
        rows.push(row);
        if (!lb?.LoadBalancerArn || lb.Type !== "application") continue;
        try {
            const groups = await targetGroupsOf(elb, lb.LoadBalancerArn);
            if (groups.length === 0) {
                rows.push(fail("targets", lb.LoadBalancerName ?? dnsName, "no target groups: no Ingress rule forwards to a Service yet (check the load balancer controller's events)"));
            }
            for (const group of groups) {
                const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.TargetGroupArn }));
                rows.push(targetGroupRow(group, health.TargetHealthDescriptions ?? []));
            }
        } catch (e) {
            rows.push(fail("targets", lb.LoadBalancerName ?? dnsName, `cannot read target groups: ${causeOf(e)}`));
        }
    }
    return rows;
}
