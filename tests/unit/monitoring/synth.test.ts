/**
 * The whole program (index.ts) synthesized offline for a stack with
 * monitoring on: the charts, their routes on the shared ALB, the DNS records
 * and the outputs; internal-only tools get no route; bad monitoring config
 * stops synth naming the key, writing nothing (every config rule: config.test.ts).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { projectRoot } from "../../../synth/stackFiles";

interface SynthRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly out: string;
}

const PROJECT = "eks-ingress-mesh";

/** Writes Pulumi.<stack>.yaml = the repo's `base` stack file with `monitoring` (and `patch`) set, and synthesizes it. */
function synthWith(dir: string, stack: string, base: "dev" | "prod", monitoring: unknown, patch: Record<string, unknown> = {}): SynthRun {
    const file = yaml.load(fs.readFileSync(path.join(projectRoot, `Pulumi.${base}.yaml`), "utf8")) as { config: Record<string, unknown> };
    file.config[`${PROJECT}:monitoring`] = monitoring;
    for (const [key, value] of Object.entries(patch)) {
        file.config[`${PROJECT}:${key}`] = value;
    }
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), yaml.dump(file));
    const out = path.join(dir, `out-${stack}`);
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/synth.ts", "--stack", stack, "--stack-dir", dir, "--out", out], {
        cwd: projectRoot,
        encoding: "utf8",
        env: { ...process.env, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "" },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, out };
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const manifest = (run: SynthRun, name: string) => yaml.load(fs.readFileSync(path.join(run.out, "manifests", name), "utf8")) as Record<string, any>;

describe("offline synth with monitoring on (index.ts wiring)", function () {
    this.timeout(180_000);
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eim-monitoring-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    describe("published on the prod stack's HTTPS ALB", () => {
        let run: SynthRun;
        before(() => {
            run = synthWith(tmp, "mon", "prod", {
                kiali: { enabled: true, hostname: "kiali.example.net" },
                grafana: { enabled: true, hostname: "grafana.example.net" },
            });
        });

        it("shows both charts at their pinned versions, the Kiali login account, and an Ingress per tool", () => {
            assert.strictEqual(run.status, 0, run.stderr);
            for (const line of [
                "eks-ingress-mesh:index:Monitoring  monitoring",
                "kubernetes:helm.sh/v3:Release  monitoring-kiali  (chart kiali-server 2.12.0)",
                "kubernetes:helm.sh/v3:Release  monitoring-grafana  (chart grafana 9.2.2)",
                "kubernetes:core/v1:ServiceAccount  monitoring-kiali-login",
                "kubernetes:networking.k8s.io/v1:Ingress  ingress-kiali",
                "kubernetes:networking.k8s.io/v1:Ingress  ingress-grafana",
            ]) {
                assert.ok(run.stdout.includes(line), `tree lists ${line}\n${run.stdout}`);
            }
            // The records come from the tools' Ingresses (the DNS layer's annotation sources).
            assert.match(
                run.stdout,
                /dns-records {2}\(3 records in example\.net: A app\.example\.net ← ingress\/istio-ingress\/app, A kiali\.example\.net ← ingress\/istio-system\/kiali, A grafana\.example\.net ← ingress\/istio-system\/grafana\)/,
            );
        });

        it("points both tools at the mesh's Prometheus and routes each host to its Service in istio-system", () => {
            const kiali = manifest(run, "helmrelease-istio-system-kiali.yaml");
            assert.strictEqual(kiali.values.external_services.prometheus.url, "http://prometheus-server.istio-system.svc.cluster.local:80");
            assert.strictEqual(kiali.values.auth.strategy, "token");
            const grafana = manifest(run, "helmrelease-istio-system-grafana.yaml");
            assert.strictEqual(grafana.values["grafana.ini"].server.root_url, "https://grafana.example.net/");
            for (const [tool, service] of [["kiali", "kiali"], ["grafana", "grafana"]]) {
                const ingress = manifest(run, `ingress-istio-system-${tool}.yaml`);
                const rule = ingress.spec.rules[0];
                assert.strictEqual(rule.host, `${tool}.example.net`);
                assert.strictEqual(rule.http.paths[0].backend.service.name, service);
                assert.strictEqual(ingress.metadata.annotations["alb.ingress.kubernetes.io/target-type"], "ip");
            }
        });

        it("orders them: the tools wait for Prometheus and istiod but not for the baking TrafficSplit; each Ingress waits for its chart", () => {
            const resources = readJson(path.join(run.out, "resources.json")) as { name: string; dependencies: string[] }[];
            const deps = (name: string) => resources.find((r) => r.name === name)!.dependencies;
            for (const release of ["monitoring-kiali", "monitoring-grafana"]) {
                assert.ok(deps(release).includes("kubernetes:helm.sh/v3:Release::mesh-prometheus"), `${release}: ${deps(release).join(", ")}`);
                assert.ok(!deps(release).some((d) => d.includes("traffic-split")), `${release} must not wait for the gate's bake`);
            }
            assert.ok(deps("ingress-kiali").includes("kubernetes:helm.sh/v3:Release::monitoring-kiali"));
            assert.ok(deps("ingress-grafana").includes("kubernetes:helm.sh/v3:Release::monitoring-grafana"));
        });

        it("outputs the URLs (in urls, next to the app's), the FQDNs, and where the credentials are, never a password", () => {
            const outputs = readJson(path.join(run.out, "outputs.json"));
            assert.deepStrictEqual(outputs.urls, { app: "https://app.example.net/", kiali: "https://kiali.example.net/", grafana: "https://grafana.example.net/" });
            assert.deepStrictEqual(outputs.fqdns, ["app.example.net", "kiali.example.net", "grafana.example.net"]);
            assert.strictEqual(outputs.grafanaAdminSecretName, "istio-system/grafana");
            assert.strictEqual(outputs.kialiLoginServiceAccount, "istio-system/kiali-login");
        });
    });

    it("internal only (no hostnames): the charts, no route, no record", () => {
        const run = synthWith(tmp, "internal", "prod", { kiali: { enabled: true }, grafana: { enabled: true } });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.ok(run.stdout.includes("monitoring-kiali  (chart kiali-server 2.12.0)") && run.stdout.includes("monitoring-grafana  (chart grafana 9.2.2)"));
        assert.ok(!/Ingress {2}ingress-(kiali|grafana)/.test(run.stdout));
        const outputs = readJson(path.join(run.out, "outputs.json"));
        assert.deepStrictEqual(Object.keys(outputs.urls), ["app"]);
        assert.deepStrictEqual(outputs.fqdns, ["app.example.net"]);
    });

    it("off by default: the prod stack as committed has no monitoring resources", () => {
        const run = synthWith(tmp, "off", "prod", undefined);
        assert.strictEqual(run.status, 0, run.stderr);
        assert.ok(!/ {2}monitoring-/.test(run.stdout), run.stdout);
        assert.strictEqual(readJson(path.join(run.out, "outputs.json")).kialiLoginServiceAccount, undefined);
    });

    const refusals: [string, "dev" | "prod", unknown, Record<string, unknown>, RegExp][] = [
        ["a public hostname on an HTTP-only internet-facing ALB", "dev", { kiali: { enabled: true, hostname: "kiali.example.com" } }, { mesh: { prometheus: { enabled: true } } },
            /monitoring\.kiali\.hostname: the shared ALB is internet-facing without HTTPS, so Kiali would receive login tokens in clear text; set ingress\.certificateArn/],
        ["a short admin password", "prod", { grafana: { enabled: true, adminPassword: "hunter2hunt" } }, {}, /monitoring\.grafana\.adminPassword: must be at least 12 characters/],
    ];
    for (const [what, base, monitoring, patch, message] of refusals) {
        it(`refuses ${what}, naming the key, and writes nothing`, () => {
            const stack = `bad${refusals.findIndex((r) => r[0] === what)}`;
            const run = synthWith(tmp, stack, base, monitoring, patch);
            assert.strictEqual(run.status, 1, run.stdout);
            assert.match(run.stderr, message);
            assert.ok(!run.stderr.includes("hunter2hunt"), "the password is never echoed");
            assert.ok(!/\n\s+at .*\.ts:\d+/.test(run.stderr), `no stack trace:\n${run.stderr}`);
            assert.strictEqual(fs.existsSync(run.out), false, "nothing is written");
        });
    }
});
