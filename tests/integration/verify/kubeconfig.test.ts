/**
 * `npm run verify -- --kubeconfig FILE --domain NAME`: what to check comes
 * from the cluster (the in-repo Kubernetes API double, as no real API server
 * runs here), the rest from the same peers as the stack-output mode: moto,
 * the loopback DNS server and the stand-in ALB/gateway/app.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exitCodes } from "../../../verify/hop";
import { KubeApiDouble, virtualServices } from "../fixtures/kubeApiDouble";
import { useMoto } from "../fixtures/moto";
import { ingress, ingresses, virtualService } from "./fixtures/clusterObjects";
import { LoopbackDns, startLoopbackDns } from "./fixtures/dnsServer";
import { buildLiveStack, CommandRun, LiveStack, LiveStackOptions, runCommand } from "./fixtures/liveStack";

describe("npm run verify --kubeconfig --domain (objects from the Kubernetes API double)", function () {
    const moto = useMoto();
    let dns: LoopbackDns;
    let kube: KubeApiDouble;
    let tmp: string;
    let stack: LiveStack | undefined;

    before(async () => {
        dns = await startLoopbackDns();
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "verify-kube-"));
    });
    // A fresh cluster per test: the program's objects have fixed names and namespaces.
    beforeEach(async () => {
        kube = await KubeApiDouble.start();
    });
    afterEach(async () => {
        await stack?.standIn.stop();
        stack = undefined;
        await kube.stop();
    });
    after(async () => {
        await dns.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    /** Builds a live stack, writes its objects into the cluster where the program puts them, and runs verify. */
    async function run(options: LiveStackOptions & { liveWeight: number; ingressAlb?: string; withoutVirtualService?: boolean }, token?: string): Promise<CommandRun> {
        stack = await buildLiveStack(moto().endpoint, dns, options);
        const ns = { gateway: "istio-ingress", app: `app-${stack.id}`, kov: "kube-system" };
        const alb = options.ingressAlb ?? stack.alb.dnsName;
        kube.seed(ingresses(ns.gateway), ingress("app", stack.appHost, stack.standIn.port, alb));
        kube.seed(ingresses(ns.kov), ingress("kube-ops-view", stack.kubeOpsViewHost, stack.standIn.port, alb));
        if (!options.withoutVirtualService) {
            kube.seed(virtualServices(ns.app), virtualService(options.liveWeight));
        }
        const kubeconfig = path.join(tmp, `${stack.id}.kubeconfig`);
        fs.writeFileSync(kubeconfig, kube.kubeconfig(token));
        return runCommand(dns, ["--kubeconfig", kubeconfig, "--domain", stack.domain, "--app-namespace", ns.app]);
    }

    it("checks every hop from the cluster's objects and measures the split against the live VirtualService weight", async () => {
        const result = await run({ canaryWeight: 30, liveWeight: 30 });
        assert.strictEqual(result.code, exitCodes.ok, result.out + result.err);
        assert.strictEqual(result.rows("dns").length, 2);
        assert.match(result.rows("gateway")[0], new RegExp(`http://app\\.${stack!.id}\\.verify\\.test:${stack!.standIn.port}/\\s+PASS`));
        assert.match(result.rows("split")[0], /PASS\s+canary \d+\/400 = [\d.]+% for weight 30%/);
        assert.match(result.rows("kube-ops-view")[0], /PASS/);
        assert.match(result.rows("targets").join("\n"), /2\/2 healthy pod IPs/);
    });

    it("fails the split when the live VirtualService weight is not what the mesh serves", async () => {
        const result = await run({ canaryWeight: 50, liveWeight: 5 });
        assert.strictEqual(result.code, exitCodes.split);
        assert.match(result.rows("split")[0], /FAIL\s+canary \d+\/400 = [\d.]+% for weight 5%/);
    });

    it("reports an alias left on another ALB than the Ingress's as stale, and that ALB as missing", async () => {
        const result = await run({ canaryWeight: 10, liveWeight: 10, ingressAlb: "k8s-other-0123456789.us-east-1.elb.amazonaws.com" });
        assert.strictEqual(result.code, exitCodes.route53, result.out);
        assert.match(result.rows("route53")[0], /FAIL\s+alias → .*, but the Ingress's ALB is k8s-other-0123456789\.us-east-1\.elb\.amazonaws\.com: the record is stale/);
        assert.match(result.rows("alb")[0], /k8s-other-0123456789.*FAIL\s+no load balancer with this DNS name in us-east-1/);
    });

    it("exits with the usage code when the VirtualService is missing", async () => {
        const result = await run({ canaryWeight: 10, liveWeight: 10, withoutVirtualService: true });
        assert.strictEqual(result.code, exitCodes.usage);
        assert.match(result.err, /--kubeconfig: VirtualService app-s\w+\/app not found, so the canary weight is unknown/);
    });

    it("exits with the usage code on a refused token and never prints it", async () => {
        const result = await run({ canaryWeight: 10, liveWeight: 10 }, "wrong-token-value");
        assert.strictEqual(result.code, exitCodes.usage);
        assert.match(result.err, /--kubeconfig: cannot read ingresses istio-ingress\/app from http:\/\/127\.0\.0\.1:\d+ \(HTTP 401\)/);
        assert.ok(!(result.out + result.err).includes("wrong-token-value"));
    });
});
