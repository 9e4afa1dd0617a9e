import * as assert from "assert";
import type { TargetGroup, TargetHealthDescription } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { HostedZone } from "@aws-sdk/client-route-53";
import { responseCause } from "../../../verify/checks/http";
import { loadBalancerRow, targetGroupRow } from "../../../verify/checks/loadBalancer";
import { rateLimitRow } from "../../../verify/checks/rateLimit";
import { aliasRow, normalizeAliasTarget, zoneFor } from "../../../verify/checks/route53";
import { countVersions, liveWeightRow, splitRow } from "../../../verify/checks/split";
import { acceptanceInterval } from "../../../verify/statistics";

const group: TargetGroup = { TargetGroupName: "k8s-istioing-istioing-0123456789", TargetType: "ip", HealthCheckPath: "/healthz/ready", HealthCheckPort: "15021" };
const target = (id: string, state: string, reason?: string, description?: string): TargetHealthDescription => ({
    Target: { Id: id, Port: 8080 },
    TargetHealth: { State: state as "healthy", Reason: reason as "Target.Timeout", Description: description },
});

describe("verify: target group verdicts (IP mode, health)", () => {
    it("passes ip targets that are all healthy, listing them and the health check", () => {
        const row = targetGroupRow(group, [target("10.0.1.5", "healthy"), target("10.0.2.7", "healthy")]);
        assert.strictEqual(row.verdict, "pass");
        assert.strictEqual(row.detail, "2/2 healthy pod IPs 10.0.1.5:8080, 10.0.2.7:8080; health check 15021 /healthz/ready");
    });

    it("fails an unhealthy target with the ALB's reason and description", () => {
        const row = targetGroupRow(group, [target("10.0.1.5", "healthy"), target("10.0.2.7", "unhealthy", "Target.Timeout", "Request timed out")]);
        assert.strictEqual(row.verdict, "fail");
        assert.strictEqual(row.detail, "1/2 healthy; 10.0.2.7:8080 unhealthy (Target.Timeout: Request timed out); health check 15021 /healthz/ready");
    });

    it("fails targets still in initial or draining state", () => {
        const row = targetGroupRow(group, [target("10.0.1.5", "initial", "Elb.RegistrationInProgress")]);
        assert.strictEqual(row.verdict, "fail");
        assert.match(row.detail, /10\.0\.1\.5:8080 initial \(Elb\.RegistrationInProgress\)/);
    });

    it("fails instance mode and instance ids even when healthy", () => {
        assert.match(targetGroupRow({ ...group, TargetType: "instance" }, [target("i-0abc", "healthy")]).detail, /target type instance, not ip/);
        assert.match(targetGroupRow(group, [target("i-0abc", "healthy")]).detail, /targets are not pod IPs: i-0abc:8080/);
    });

    it("accepts IPv6 pod IPs", () => {
        assert.strictEqual(targetGroupRow(group, [target("2600:1f18::5", "healthy")]).verdict, "pass");
    });

    it("fails a target group without targets, pointing at the Service's endpoints", () => {
        assert.match(targetGroupRow(group, []).detail, /no registered targets: the backing Service has no ready endpoints/);
    });

    it("judges the load balancer: missing, wrong type, not active", () => {
        assert.match(loadBalancerRow("x.elb.amazonaws.com", undefined, "ap-northeast-2").detail, /no load balancer with this DNS name in ap-northeast-2/);
        assert.match(loadBalancerRow("x", { LoadBalancerName: "n", Type: "network", State: { Code: "active" } }, "r").detail, /n is a network load balancer/);
        const provisioning = loadBalancerRow("x", { LoadBalancerName: "a", Type: "application", State: { Code: "failed", Reason: "subnet gone" } }, "r");
        assert.strictEqual(provisioning.verdict, "fail");
        assert.strictEqual(provisioning.detail, "a is failed (subnet gone), not active");
        assert.strictEqual(loadBalancerRow("x", { LoadBalancerName: "a", Type: "application", State: { Code: "active" }, Scheme: "internal" }, "r").detail, "a: active, internal");
    });
});

describe("verify: Route53 alias verdicts", () => {
    const zones: HostedZone[] = [
        { Id: "/hostedzone/ZROOT", Name: "example.com.", CallerReference: "a" },
        { Id: "/hostedzone/ZPRIV", Name: "dev.example.com.", CallerReference: "b", Config: { PrivateZone: true } },
        { Id: "/hostedzone/ZDEV", Name: "dev.example.com.", CallerReference: "c", Config: { PrivateZone: false } },
    ];

    it("picks the most specific zone, public before private", () => {
        assert.strictEqual(zoneFor("app.dev.example.com", zones)?.Id, "/hostedzone/ZDEV");
        assert.strictEqual(zoneFor("APP.example.com.", zones)?.Id, "/hostedzone/ZROOT");
        assert.strictEqual(zoneFor("app.example.org", zones), undefined);
        assert.strictEqual(zoneFor("badexample.com", zones), undefined);
    });

    it("normalizes alias targets to ELBv2's DNSName form", () => {
        assert.strictEqual(normalizeAliasTarget("dualstack.K8s-Eim-abc.ap-northeast-2.elb.amazonaws.com."), "k8s-eim-abc.ap-northeast-2.elb.amazonaws.com");
    });

    it("passes an alias, fails a missing or plain record", () => {
        const zone = zones[0];
        const alias = aliasRow("app.example.com", zone, [{ Name: "app.example.com.", Type: "A", AliasTarget: { DNSName: "dualstack.lb.elb.amazonaws.com.", HostedZoneId: "Z", EvaluateTargetHealth: true } }]);
        assert.strictEqual(alias.detail, "alias → lb.elb.amazonaws.com in zone example.com (ZROOT)");
        assert.match(aliasRow("app.example.com", zone, []).detail, /no A record in zone example\.com \(ZROOT\): the record sync has not written it/);
        const plain = aliasRow("app.example.com", zone, [{ Name: "app.example.com.", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }] }]);
        assert.strictEqual(plain.verdict, "fail");
        assert.match(plain.detail, /holds plain values \(192\.0\.2\.1\), not an alias to the ALB/);
    });
});

describe("verify: HTTP causes, split and burst verdicts", () => {
    const response = (status: number, headers: Record<string, string>, body = "") => ({ status, headers, body });

    it("explains a non-2xx by who answered it", () => {
        assert.match(responseCause(response(503, { server: "awselb/2.0" })), /the ALB has no healthy target for this host \(503 from awselb\/2\.0\)/);
        assert.match(responseCause(response(502, { server: "awselb/2.0" })), /could not get an answer from a target/);
        assert.match(responseCause(response(503, { server: "istio-envoy" }, "no healthy upstream")), /the gateway has no healthy app endpoint \(503 from istio-envoy: no healthy upstream\)/);
        assert.match(responseCause(response(404, { server: "istio-envoy" })), /the gateway has no route for this host/);
        assert.match(responseCause(response(301, { server: "awselb/2.0", location: "https://app.example.com:443/" })), /redirects \(301\) to https:\/\/app\.example\.com:443\//);
        assert.strictEqual(responseCause(response(500, {})), "HTTP 500 from unknown server");
    });

    it("accepts canary counts exactly on the interval's edges and fails one past them", () => {
        const interval = acceptanceInterval(400, 25);
        const at = (canary: number) => splitRow("u", 25, { stable: 400 - canary, canary, other: {} }, interval);
        assert.strictEqual(at(interval.low).verdict, "pass");
        assert.strictEqual(at(interval.high).verdict, "pass");
        assert.strictEqual(at(interval.low - 1).verdict, "fail");
        assert.strictEqual(at(interval.high + 1).verdict, "fail");
        assert.match(at(100).detail, /^canary 100\/400 = 25\.0% for weight 25% \(accepts 72\.\.129 of 400 \(18\.0%\.\.32\.3%\) at 99\.9%\)$/);
    });

    it("counts answers by version and groups the rest by cause", () => {
        const counts = countVersions([
            { ok: true, value: { status: 200, version: "stable", cause: "" } },
            { ok: true, value: { status: 200, version: "canary", cause: "" } },
            { ok: true, value: { status: 429, cause: "HTTP 429 from istio-envoy" } },
            { ok: true, value: { status: 503, version: "canary", cause: "HTTP 503 from nginx" } },
            { ok: false, error: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }) },
        ]);
        assert.deepStrictEqual(counts, {
            stable: 1,
            canary: 1,
            other: { "HTTP 429 from istio-envoy": 1, "HTTP 503 from nginx": 1, "no answer: connect ECONNREFUSED 127.0.0.1:1": 1 },
        });
        const row = splitRow("u", 50, counts, acceptanceInterval(5, 50));
        assert.strictEqual(row.verdict, "fail");
        assert.match(row.detail, /^3 of 5 requests had no stable\|canary answer \(1× HTTP 429 from istio-envoy; 1× HTTP 503 from nginx; 1× no answer/);
    });

    it("passes a burst with any 429 and fails one without", () => {
        const counts = { sent: 10, limited: 0, byLocalLimit: 0, ok: 9, other: { "HTTP 503": 1 } };
        assert.strictEqual(rateLimitRow("u", counts, "--burst").detail, "0 of 10 answered 429 (0 with x-local-rate-limit), 9 2xx, 1× HTTP 503: no 429, so the local rate limit is not enforced (burst: --burst)");
        assert.strictEqual(rateLimitRow("u", { ...counts, limited: 3, byLocalLimit: 3, ok: 6 }, "x").verdict, "pass");
    });
});

describe("verify: live weight against the configured weight", () => {
    it("passes when the VirtualService routes what the stack configures, fails naming both otherwise", () => {
        assert.strictEqual(liveWeightRow("VirtualService demo/app", { weight: 5 }, 5).detail, "routes canary 5%, as configured");
        const drift = liveWeightRow("VirtualService demo/app", { weight: 0 }, 5);
        assert.strictEqual(drift.verdict, "fail");
        assert.match(drift.detail, /routes canary 0% but the stack configures 5%/);
        assert.match(liveWeightRow("v", { problem: "VirtualService demo/app not found" }, 5).detail, /^VirtualService demo\/app not found, so the mesh does not route the configured 5% to the canary$/);
    });
});
