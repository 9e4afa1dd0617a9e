/**
 * `npm run verify` end to end against real protocol peers: moto for Route53
 * and ELBv2 (target groups and target health), a loopback UDP DNS server, and
 * an HTTP server standing in for the ALB + gateway + app. Each failing hop is
 * reported with its cause and the command exits with that hop's code.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runVerifyCommand } from "../../../verify/command";
import { exitCodes } from "../../../verify/hop";
import { KubeApiDouble, virtualServices } from "../fixtures/kubeApiDouble";
import { useMoto } from "../fixtures/moto";
import { LoopbackDns, startLoopbackDns } from "./fixtures/dnsServer";
import { buildLiveStack, CommandRun, LiveStackOptions, runCommand, selfSignedCertificate } from "./fixtures/liveStack";
import { ingress, ingresses, virtualService } from "./fixtures/clusterObjects";
import type { StandIn } from "./fixtures/meshStandIn";

describe("npm run verify against moto, a loopback DNS server and a stand-in ALB", function () {
    const moto = useMoto();
    let dns: LoopbackDns;
    let standIn: StandIn | undefined;
    let kube: KubeApiDouble | undefined;
    let tmp: string;

    before(async () => {
        dns = await startLoopbackDns();
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "verify-"));
    });
    afterEach(async () => {
        await standIn?.stop();
        standIn = undefined;
        await kube?.stop();
        kube = undefined;
    });
    after(async () => {
        await dns.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    interface Scenario extends LiveStackOptions {
        /** The weight the stack outputs configure; default: what the app serves. */
        readonly outputsWeight?: number;
        /** Export a kubeconfig output: a cluster whose VirtualService routes this canary weight, or a literal kubeconfig. */
        readonly cluster?: { readonly liveWeight: number } | { readonly kubeconfig: string };
        /** Publish Kiali and Grafana in the outputs (urls.kiali, urls.grafana, fqdns). */
        readonly monitoring?: boolean;
    }

    async function run(scenario: Scenario, extraArgs: string[] = []): Promise<CommandRun> {
        const stack = await buildLiveStack(moto().endpoint, dns, scenario);
        standIn = stack.standIn;
        const weight = scenario.outputsWeight ?? scenario.canaryWeight;
        const scheme = scenario.app?.tls ? "https" : "http";
        let kubeconfig: string | undefined;
        if (scenario.cluster && "liveWeight" in scenario.cluster) {
            kube = await KubeApiDouble.start();
            kube.seed(ingresses("istio-ingress"), ingress("app", stack.appHost, stack.standIn.port, stack.alb.dnsName));
            kube.seed(virtualServices("demo"), virtualService(scenario.cluster.liveWeight));
            kubeconfig = kube.kubeconfig();
        } else if (scenario.cluster) {
            kubeconfig = scenario.cluster.kubeconfig;
        }
        const outputs = path.join(tmp, `${stack.id}.json`);
        fs.writeFileSync(
            outputs,
            JSON.stringify({
                clusterName: "eim-test",
                ...(kubeconfig ? { kubeconfig } : {}),
                urls: {
                    app: `${scheme}://${stack.appHost}:${stack.standIn.port}/`,
                    "kube-ops-view": `${scheme}://${stack.kubeOpsViewHost}:${stack.standIn.port}/`,
                    ...(scenario.monitoring ? { kiali: `${scheme}://${stack.kialiHost}:${stack.standIn.port}/`, grafana: `${scheme}://${stack.grafanaHost}:${stack.standIn.port}/` } : {}),
                },
                fqdns: [stack.appHost, stack.kubeOpsViewHost, ...(scenario.monitoring ? [stack.kialiHost, stack.grafanaHost] : [])],
                canaryWeight: weight,
                stableWeight: 100 - weight,
            }),
        );
        return runCommand(dns, ["--outputs", outputs, ...extraArgs]);
    }

    it("passes every hop of a healthy stack, with progress on stderr and the table on stdout", async () => {
        const result = await run({ canaryWeight: 20, cluster: { liveWeight: 20 } });
        assert.strictEqual(result.code, exitCodes.ok, result.out + result.err);
        for (const hop of ["dns", "route53", "alb", "targets", "gateway", "split", "kube-ops-view", "rate-limit"]) {
            const rows = result.rows(hop);
            assert.ok(rows.length > 0, `no ${hop} row in\n${result.out}`);
            rows.forEach((r) => assert.match(r, /\bPASS\b/, r));
        }
        assert.strictEqual(result.rows("dns").length, 2);
        assert.match(result.rows("dns")[0], /A 127\.0\.0\.1/);
        assert.match(result.rows("route53")[0], /alias → s\d+x\w+-\d+\.us-east-1\.elb\.amazonaws\.com/);
        assert.match(result.rows("targets").join("\n"), /2\/2 healthy pod IPs 10\.1\.0\.11:8080, 10\.1\.1\.12:8080; health check 15021 \/healthz\/ready/);
        assert.match(result.rows("split")[1], /canary \d+\/400 = [\d.]+% for weight 20% \(accepts 5\d\.\.1\d\d of 400/);
        assert.match(result.rows("rate-limit")[0], /answered 429 \(\d+ with x-local-rate-limit\)/);
        assert.match(result.out, /\d+ passed, 0 failed, 0 skipped/);
        assert.match(result.err, /split: 400\/400/);
        assert.match(result.err, /burst: 1000\/1000/);
        assert.match(result.rows("split")[0], /VirtualService demo\/app\s+PASS\s+routes canary 20%, as configured/);
        assert.ok(!(result.out + result.err).includes(kube!.token), "the kubeconfig output leaked");
        assert.ok(dns.queries.some((q) => q.endsWith(" A")), "the loopback DNS server was not asked");
        assert.strictEqual(standIn!.served.stable + standIn!.served.canary >= 401, true);
    });

    it("checks published Kiali and Grafana: their names in DNS and Route53, their health endpoints through the ALB", async () => {
        const result = await run({ canaryWeight: 10, monitoring: true });
        assert.strictEqual(result.code, exitCodes.ok, result.out + result.err);
        assert.strictEqual(result.rows("dns").length, 4);
        assert.ok(result.rows("route53").some((r) => r.includes("kiali.") && /\bPASS\b/.test(r)), result.out);
        const rows = result.rows("monitoring");
        assert.strictEqual(rows.length, 2, result.out);
        assert.match(rows[0], /kiali\.s\w+\.verify\.test:\d+\/healthz\s+PASS\s+200/);
        assert.match(rows[1], /grafana\.s\w+\.verify\.test:\d+\/api\/health\s+PASS\s+200/);
    });

    it("fails the monitoring hop when a published tool does not answer its health check, with its own exit code", async () => {
        const result = await run({ canaryWeight: 10, monitoring: true, app: { monitoringHosts: [] } });
        assert.strictEqual(result.code, exitCodes.monitoring, result.out + result.err);
        const rows = result.rows("monitoring");
        assert.strictEqual(rows.length, 2);
        rows.forEach((r) => assert.match(r, /FAIL\s+.*404/, r));
        assert.ok(result.rows("rate-limit").every((r) => /\bPASS\b/.test(r)), "the hops after it still run");
    });

    it("has no monitoring row when the stack publishes neither tool", async () => {
        const result = await run({ canaryWeight: 10 });
        assert.deepStrictEqual(result.rows("monitoring"), []);
    });

    it("reports NXDOMAIN for a hostname missing from DNS and exits with the DNS code", async () => {
        const result = await run({ canaryWeight: 10, dnsAnswers: { kubeopsview: undefined } });
        assert.strictEqual(result.code, exitCodes.dns, result.out);
        const [bad] = result.rows("dns").filter((r) => r.includes("kubeopsview."));
        assert.match(bad, /FAIL\s+NXDOMAIN: the name does not exist/);
        assert.match(result.rows("kube-ops-view")[0], /FAIL\s+no answer: .*ENOTFOUND/);
        // The app's hops are unaffected.
        assert.match(result.rows("split")[0], /PASS/);
    });

    it("reports SERVFAIL from the resolver as the DNS cause", async () => {
        const result = await run({ canaryWeight: 10, dnsAnswers: { kubeopsview: "servfail" } });
        assert.strictEqual(result.code, exitCodes.dns);
        assert.match(result.rows("dns").join("\n"), /FAIL\s+SERVFAIL from the resolver/);
    });

    it("fails the Route53 hop when a hostname is a plain A record instead of an alias to the ALB", async () => {
        const result = await run({ canaryWeight: 10, plainRecords: ["kubeopsview"] });
        assert.strictEqual(result.code, exitCodes.route53, result.out);
        assert.match(result.rows("route53").join("\n"), /FAIL\s+A record in zone s\d+x\w+\.verify\.test \(\w+\) holds plain values \(192\.0\.2\.10\), not an alias to the ALB/);
        assert.match(result.rows("alb")[0], /PASS/, "the app's alias still leads to the ALB");
    });

    it("fails the target hop for instance-mode and empty target groups, naming the cause", async () => {
        const result = await run({
            canaryWeight: 10,
            groups: (prefix) => [
                { name: `${prefix}-gw`, targetType: "instance", targets: [] },
                { name: `${prefix}-kov`, targetType: "ip", targets: [] },
            ],
        });
        assert.strictEqual(result.code, exitCodes.targets, result.out);
        const rows = result.rows("targets").join("\n");
        assert.match(rows, /-gw\s+FAIL\s+target type instance, not ip: the ALB is not in IP mode/);
        assert.match(rows, /-kov\s+FAIL\s+no registered targets: the backing Service has no ready endpoints/);
    });

    it("fails the split when the live split does not match the configured weight", async () => {
        const result = await run({ canaryWeight: 50, outputsWeight: 10 });
        assert.strictEqual(result.code, exitCodes.split, result.out);
        assert.match(result.rows("split")[0], /FAIL\s+canary (\d+)\/400 = [\d.]+% for weight 10% \(accepts .*\): the live split does not match the configured weight/);
    });

    it("fails the split when the live VirtualService does not route the configured weight", async () => {
        const result = await run({ canaryWeight: 10, cluster: { liveWeight: 25 } });
        assert.strictEqual(result.code, exitCodes.split, result.out);
        assert.match(result.rows("split")[0], /VirtualService demo\/app\s+FAIL\s+routes canary 25% but the stack configures 10%: the last pulumi up did not apply it/);
    });

    it("skips the live-weight cross-check, passing the rest, when the kubeconfig output cannot reach the cluster", async () => {
        const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:59999'}}]\nusers: [{name: u, user: {token: sekrit-token-value}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n";
        const result = await run({ canaryWeight: 10, cluster: { kubeconfig } });
        assert.strictEqual(result.code, exitCodes.ok, result.out);
        assert.match(result.rows("split")[0], /VirtualService\s+SKIP\s+live weight not read: stack output kubeconfig: cannot read ingresses istio-ingress\/app from https:\/\/127\.0\.0\.1:59999 \(/);
        assert.ok(!(result.out + result.err).includes("sekrit-token-value"));
    });

    it("fails the split, naming the 429s, when the measurement itself trips the rate limit", async () => {
        const result = await run({ canaryWeight: 10, app: { rateLimit: { maxTokens: 100, refillPerSecond: 20 } } });
        assert.strictEqual(result.code, exitCodes.split, result.out);
        assert.match(result.rows("split")[0], /FAIL\s+\d+ of 400 requests had no stable\|canary answer \(\d+× HTTP 429 from istio-envoy\); lower --rate/);
        assert.match(result.rows("rate-limit")[0], /PASS/);
    });

    it("fails the rate-limit hop when a burst gets no 429", async () => {
        const result = await run({ canaryWeight: 10, app: { rateLimit: undefined } });
        assert.strictEqual(result.code, exitCodes["rate-limit"], result.out);
        assert.match(result.rows("rate-limit")[0], /FAIL\s+0 of 1000 answered 429 \(0 with x-local-rate-limit\), 1000 2xx: no 429, so the local rate limit is not enforced \(burst: --burst\)/);
    });

    it("fails the gateway hop on the ALB's own 404 and skips the measurements behind it", async () => {
        const result = await run({ canaryWeight: 10, app: { appHost: "elsewhere.verify.test" } });
        assert.strictEqual(result.code, exitCodes.gateway, result.out);
        assert.match(result.rows("gateway")[0], /FAIL\s+the ALB has no listener rule for this host \(404 from awselb\/2\.0\)/);
        assert.match(result.rows("split")[0], /SKIP\s+not measured: the gateway hop failed/);
        assert.match(result.rows("rate-limit")[0], /SKIP/);
    });

    it("fails the gateway hop when something other than the demo app answers", async () => {
        const result = await run({ canaryWeight: 10, app: { dropVersionHeader: true } });
        assert.strictEqual(result.code, exitCodes.gateway);
        assert.match(result.rows("gateway")[0], /FAIL\s+200 without X-App-Version stable\|canary \(got none\)/);
    });

    it("fails the gateway hop on a certificate that does not verify, and passes with --insecure", async function () {
        const tls = selfSignedCertificate(tmp);
        if (!tls) return this.skip(); // no openssl CLI
        const strict = await run({ canaryWeight: 10, app: { tls } });
        assert.strictEqual(strict.code, exitCodes.gateway, strict.out);
        assert.match(strict.rows("gateway")[0], /FAIL\s+TLS: DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate.*: the ALB's certificate does not verify/);
        await standIn?.stop();
        const insecure = await run({ canaryWeight: 10, app: { tls } }, ["--insecure"]);
        assert.strictEqual(insecure.code, exitCodes.ok, insecure.out);
        assert.match(insecure.rows("gateway")[0], /https:\/\/app\..*PASS/);
    });

    it("exits with the usage code and names the output key when the outputs are wrong", async () => {
        const file = path.join(tmp, "bad.json");
        fs.writeFileSync(file, JSON.stringify({ urls: { app: "http://app.example.com/" }, canaryWeight: 120 }));
        let err = "";
        const code = await runVerifyCommand(["--outputs", file], { out: () => {}, err: (t) => (err += t) });
        assert.strictEqual(code, exitCodes.usage);
        assert.match(err, /stack output canaryWeight: must be an integer 0\.\.100; got 120/);
    });
});
