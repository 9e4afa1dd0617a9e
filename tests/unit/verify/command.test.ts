import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "../../../verify/args";
import { causeOf, exitCodeFor, exitCodes, fail, hopKinds, pass, skip } from "../../../verify/hop";
import { kubeconfigFromOutputs, readOutputsFile, readOutputsFromPulumi, targetFromOutputs } from "../../../verify/inputs";
import { burstSize, readStackSettings } from "../../../verify/stackSettings";
import { renderTable, summarize } from "../../../verify/table";

describe("verify: exit codes", () => {
    it("gives every hop its own code, distinct from ok, internal and usage", () => {
        const codes = Object.values(exitCodes);
        assert.strictEqual(new Set(codes).size, codes.length);
        for (const hop of hopKinds) assert.ok(exitCodes[hop] >= 10, hop);
    });

    it("exits with the first failing hop in request order; passes and skips exit 0", () => {
        assert.strictEqual(exitCodeFor([pass("dns", "a", ""), skip("alb", "-", "")]), 0);
        assert.strictEqual(exitCodeFor([fail("rate-limit", "u", ""), fail("targets", "tg", ""), pass("dns", "a", "")]), exitCodes.targets);
        assert.strictEqual(exitCodeFor([fail("split", "u", "")]), 15);
    });

    it("keeps a system error's code in the cause", () => {
        assert.strictEqual(causeOf(Object.assign(new Error("connect refused"), { code: "ECONNREFUSED" })), "ECONNREFUSED: connect refused");
        assert.strictEqual(causeOf(Object.assign(new Error("queryA ENOTFOUND x"), { code: "ENOTFOUND" })), "queryA ENOTFOUND x");
        assert.strictEqual(causeOf("plain"), "plain");
    });
});

describe("verify: command line", () => {
    it("has documented defaults", () => {
        const args = parseArgs(["--stack", "dev"]);
        assert.deepStrictEqual(
            { requests: args.requests, rate: args.rate, alpha: args.alpha, timeoutMs: args.timeoutMs, burst: args.burst, resolvers: args.resolvers },
            { requests: 1000, rate: 100, alpha: 0.001, timeoutMs: 10_000, burst: undefined, resolvers: [] },
        );
    });

    it("reads every flag", () => {
        const args = parseArgs(["--outputs", "o.json", "--region", "us-west-2", "--resolver", "127.0.0.1:5353", "--resolver", "1.1.1.1", "--requests", "200", "--rate", "20", "--alpha", "0.01", "--burst", "50", "--timeout", "500", "--insecure", "--skip-aws"]);
        assert.deepStrictEqual(args.resolvers, ["127.0.0.1:5353", "1.1.1.1"]);
        assert.strictEqual(args.outputs, "o.json");
        assert.strictEqual(args.burst, 50);
        assert.strictEqual(args.alpha, 0.01);
        assert.ok(args.insecure && args.skipAws);
    });

    it("names the flag, the rule and the value on bad input", () => {
        assert.throws(() => parseArgs([]), /give --stack NAME, --outputs FILE .* or --kubeconfig FILE with --domain NAME/);
        assert.throws(() => parseArgs(["--stack", "dev", "--requests", "0"]), /--requests: must be an integer 1\.\.100000; got 0/);
        assert.throws(() => parseArgs(["--stack", "dev", "--rate", "fast"]), /--rate: must be an integer 1\.\.10000; got fast/);
        assert.throws(() => parseArgs(["--stack", "dev", "--alpha", "0.7"]), /--alpha: must be a number between 0 and 0\.5/);
        assert.throws(() => parseArgs(["--stack"]), /--stack: needs a value/);
        assert.throws(() => parseArgs(["--stack", "dev", "--resolver", "a b"]), /--resolver: must be host or host:port; got a b/);
        assert.throws(() => parseArgs(["--stack", "dev", "--colour"]), /unknown argument --colour/);
    });

    it("takes the cluster as the source with --kubeconfig and --domain, and refuses half of it", () => {
        const args = parseArgs(["--kubeconfig", "kc.yaml", "--domain", "Example.com.", "--app-namespace", "shop"]);
        assert.deepStrictEqual([args.kubeconfig, args.domain, args.appNamespace], ["kc.yaml", "example.com", "shop"]);
        assert.throws(() => parseArgs(["--kubeconfig", "kc.yaml"]), /--kubeconfig needs --domain/);
        assert.throws(() => parseArgs(["--domain", "example.com"]), /--domain goes with --kubeconfig/);
        assert.throws(() => parseArgs(["--outputs", "o.json", "--kubeconfig", "kc", "--domain", "d.com"]), /give --outputs or --kubeconfig, not both/);
        assert.throws(() => parseArgs(["--stack", "dev", "--app-namespace", "shop"]), /--app-namespace goes with --kubeconfig/);
        assert.throws(() => parseArgs(["--kubeconfig", "k", "--domain", "d.com", "--app-namespace", "Shop_1"]), /--app-namespace: must be a Kubernetes namespace name; got Shop_1/);
    });

    it("prints help without needing a stack", () => {
        assert.ok(parseArgs(["--help"]).help);
    });
});

describe("verify: stack outputs", () => {
    const good = { urls: { app: "https://app.example.com/", "kube-ops-view": "https://kubeopsview.example.com/" }, fqdns: ["App.example.com.", "kubeopsview.example.com"], canaryWeight: 5 };

    it("reads hostnames, URLs and the weight", () => {
        assert.deepStrictEqual(targetFromOutputs(good), {
            hostnames: ["app.example.com", "kubeopsview.example.com"],
            appUrl: "https://app.example.com/",
            kubeOpsViewUrl: "https://kubeopsview.example.com/",
            monitoringUrls: [],
            canaryWeight: 5,
        });
    });

    it("turns published Kiali and Grafana URLs into their health endpoints, and names a bad one", () => {
        const urls = { ...good.urls, grafana: "https://grafana.example.com/", kiali: "https://kiali.example.com" };
        assert.deepStrictEqual(targetFromOutputs({ ...good, urls }).monitoringUrls, ["https://kiali.example.com/healthz", "https://grafana.example.com/api/health"]);
        assert.throws(() => targetFromOutputs({ ...good, urls: { ...good.urls, kiali: "kiali.example.com" } }), /stack output urls\.kiali: must be an http:\/\/ or https:\/\/ URL; got "kiali\.example\.com"/);
    });

    it("falls back to the URLs' hosts without fqdns, and to no kube-ops-view", () => {
        const target = targetFromOutputs({ urls: { app: "http://app.example.com/" }, canaryWeight: 0 });
        assert.deepStrictEqual(target.hostnames, ["app.example.com"]);
        assert.strictEqual(target.kubeOpsViewUrl, undefined);
    });

    it("takes the kubeconfig output as text or as pulumi-eks's object", () => {
        assert.strictEqual(kubeconfigFromOutputs({ kubeconfig: "apiVersion: v1" }), "apiVersion: v1");
        assert.deepStrictEqual(JSON.parse(kubeconfigFromOutputs({ kubeconfig: { apiVersion: "v1", clusters: [] } })!), { apiVersion: "v1", clusters: [] });
        assert.strictEqual(kubeconfigFromOutputs({ kubeconfig: "  " }), undefined);
        assert.strictEqual(kubeconfigFromOutputs({ kubeconfig: "[secret]" }), undefined);
        assert.strictEqual(kubeconfigFromOutputs({}), undefined);
    });

    it("names the output key and the rule on bad outputs", () => {
        assert.throws(() => targetFromOutputs([]), /stack outputs: must be a JSON object/);
        assert.throws(() => targetFromOutputs({ ...good, urls: undefined }), /stack output urls: must be an object of route name → URL/);
        assert.throws(() => targetFromOutputs({ ...good, urls: { app: "ftp://x" } }), /stack output urls\.app: must be an http:\/\/ or https:\/\/ URL; got "ftp:\/\/x"/);
        assert.throws(() => targetFromOutputs({ ...good, canaryWeight: 2.5 }), /stack output canaryWeight: must be an integer 0\.\.100; got 2\.5/);
        assert.throws(() => targetFromOutputs({ ...good, fqdns: "app" }), /stack output fqdns: must be a list of hostnames/);
        assert.throws(() => targetFromOutputs({ ...good, fqdns: [] }), /stack output fqdns: is empty/);
    });

    it("asks the Pulumi CLI for the stack's outputs, secrets included, without printing them", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-pulumi-"));
        try {
            const fake = path.join(dir, "pulumi");
            // Answers only the exact invocation verify must make.
            fs.writeFileSync(
                fake,
                '#!/bin/sh\n[ "$*" = "stack output --json --show-secrets --stack dev" ] || { echo "unexpected: $*" >&2; exit 3; }\n' +
                    'echo \'{"urls":{"app":"http://app.example.com/"},"canaryWeight":7,"kubeconfig":"token-xyz"}\'\n',
                { mode: 0o755 },
            );
            const outputs = readOutputsFromPulumi("dev", fake);
            assert.strictEqual(targetFromOutputs(outputs).canaryWeight, 7);
            assert.throws(() => readOutputsFromPulumi("prod", fake), /--stack prod: `pulumi stack output` exited with 3: unexpected: stack output --json --show-secrets --stack prod/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("explains unreadable files and a missing Pulumi CLI", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-inputs-"));
        try {
            assert.throws(() => readOutputsFile(path.join(dir, "none.json")), /--outputs .*none\.json: cannot read it \(ENOENT\)/);
            fs.writeFileSync(path.join(dir, "bad.json"), "Current stack outputs (2):");
            assert.throws(() => readOutputsFile(path.join(dir, "bad.json")), /not JSON .*pulumi stack output --json >/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        assert.throws(() => readOutputsFromPulumi("dev", "pulumi-not-installed-here"), /--stack dev: the Pulumi CLI is not installed here; .* pass --outputs outputs\.json/);
        assert.throws(() => readOutputsFromPulumi("dev", "false"), /--stack dev: `pulumi stack output` exited with 1/);
    });
});

describe("verify: stack settings and burst size", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-stack-"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.probe.yaml"),
            [
                "config:",
                "  aws:region: eu-west-1",
                "  eks-ingress-mesh:domain: example.com",
                "  eks-ingress-mesh:app:",
                "    hostname: app.example.com",
                "    replicas: 3",
                "  eks-ingress-mesh:resilience:",
                "    rateLimit:",
                "      maxTokens: 40",
                "      tokensPerFill: 10",
                "      fillInterval: 500ms",
                "",
            ].join("\n"),
        );
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads region, app pods and rate limit from the stack file", () => {
        const settings = readStackSettings("probe", dir);
        assert.deepStrictEqual(settings, { region: "eu-west-1", appNamespace: "demo", appPods: 6, rateLimit: { maxTokens: 40, tokensPerFill: 10, fillInterval: "500ms" } });
        assert.deepStrictEqual(burstSize(settings), { count: 720, sizing: "3 × buckets of 6 pods × 40 tokens = 240, each refilled 10 per 500ms" });
        assert.deepStrictEqual(burstSize(settings, 50), { count: 50, sizing: "--burst; buckets hold 6 pods × 40 tokens = 240, each refilled 10 per 500ms" });
        assert.deepStrictEqual(burstSize(undefined), { count: 1000, sizing: "default size; pass --stack to size it from the stack's rate limit" });
    });

    it("reads the project's real stacks", () => {
        assert.ok(readStackSettings("dev").appPods >= 2);
    });

    it("names the missing stack file", () => {
        assert.throws(() => readStackSettings("nope", dir), /no stack file .*Pulumi\.nope\.yaml/);
    });
});

describe("verify: table", () => {
    it("aligns hop, target and verdict, and keeps the detail whole", () => {
        const rows = [pass("dns", "app.example.com", "A 192.0.2.1"), fail("rate-limit", "http://app.example.com/", "0 of 10 answered 429"), skip("kube-ops-view", "-", "disabled")];
        assert.strictEqual(
            renderTable(rows),
            [
                "HOP            TARGET                   VERDICT  DETAIL",
                "dns            app.example.com          PASS     A 192.0.2.1",
                "rate-limit     http://app.example.com/  FAIL     0 of 10 answered 429",
                "kube-ops-view  -                        SKIP     disabled",
            ].join("\n"),
        );
        assert.strictEqual(summarize(rows), "1 passed, 1 failed, 1 skipped");
    });
});
