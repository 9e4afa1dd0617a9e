/**
 * Bad and good stack configs through the path `npm run synth` takes
 * (runSynth: stack file → program under mocks → checks → output). Each bad
 * one must exit 1 naming the key, the rule and the value, as `pulumi preview`
 * prints them: no wrapper text, no stack trace.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { runSynth } from "../../synth";
import { projectRoot } from "../../synth/stackFiles";

type Patch = Record<string, unknown>;

/** Deep-merges `patch` into the dev stack's config; keys without a namespace get the project's. */
function stackFile(patch: Patch): string {
    const dev = yaml.load(fs.readFileSync(path.join(projectRoot, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    const merge = (base: unknown, over: unknown): unknown => {
        if (typeof base !== "object" || base === null || typeof over !== "object" || over === null || Array.isArray(over)) return over;
        const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
        for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
        return out;
    };
    const config = { ...dev.config };
    for (const [key, value] of Object.entries(patch)) {
        const full = key.includes(":") ? key : `eks-ingress-mesh:${key}`;
        config[full] = merge(config[full], value);
    }
    return yaml.dump({ config }, { lineWidth: 200 });
}

const arn = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
const kubeconfig = "clusters: [{name: c, cluster: {server: 'https://10.0.0.1'}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {}}]\n";

/** [title, patch, key named, rule (regex), value as shown]. */
const bad: Array<[string, Patch, string, RegExp, string]> = [
    ["misspelled canary.weight", { canary: { wieght: 50 } }, "canary.wieght", /is not a key of canary .*did you mean canary\.weight\?/, "50"],
    ["misspelled canary.maxStep", { canary: { maxStpe: 5 } }, "canary.maxStpe", /did you mean canary\.maxStep\?/, "5"],
    ["misspelled kubeOpsView.timezone", { kubeOpsView: { timeZone: "Asia/Seoul" } }, "kubeOpsView.timeZone", /did you mean kubeOpsView\.timezone\?/, '"Asia/Seoul"'],
    ["misspelled circuitBreaker.maxConnections", { resilience: { circuitBreaker: { maxConnection: 3 } } }, "resilience.circuitBreaker.maxConnection", /did you mean resilience\.circuitBreaker\.maxConnections\?/, "3"],
    ["misspelled top-level kubeOpsView", { kubeOpsview: { enabled: false } }, "kubeOpsview", /is not a key of the project .*did you mean kubeOpsView\?/, '{"enabled":false}'],
    ["misspelled analysis key", { canary: { analysis: { bakeSecond: 60 } } }, "canary.analysis.bakeSecond", /did you mean canary\.analysis\.bakeSeconds\?/, "60"],
    ["unknown dns key", { dns: { owner: "x" } }, "dns.owner", /is not a key of dns/, '"x"'],
    ["VPC CIDR octet over 255", { cluster: { vpcCidr: "10.300.0.0/16" } }, "cluster.vpcCidr", /private \(RFC 1918\) IPv4 CIDR/, '"10.300.0.0/16"'],
    ["VPC CIDR with host bits", { cluster: { vpcCidr: "10.20.5.0/16" } }, "cluster.vpcCidr", /host bits are set; did you mean 10\.20\.0\.0\/16/, '"10.20.5.0/16"'],
    ["VPC CIDR /8", { cluster: { vpcCidr: "10.0.0.0/8" } }, "cluster.vpcCidr", /from \/16 to \/24/, '"10.0.0.0/8"'],
    ["public VPC CIDR", { cluster: { vpcCidr: "8.8.0.0/16" } }, "cluster.vpcCidr", /RFC 1918/, '"8.8.0.0/16"'],
    ["time zone typo", { kubeOpsView: { timezone: "Asia/Seol" } }, "kubeOpsView.timezone", /IANA time zone.*did you mean "Asia\/Seoul"/, '"Asia/Seol"'],
    ["time zone abbreviation", { kubeOpsView: { timezone: "KST" } }, "kubeOpsView.timezone", /not an abbreviation/, '"KST"'],
    ["time zone in the wrong case", { kubeOpsView: { timezone: "asia/seoul" } }, "kubeOpsView.timezone", /IANA time zone/, '"asia/seoul"'],
    ["instance type typo", { cluster: { nodeInstanceType: "t3.larg" } }, "cluster.nodeInstanceType", /EC2 instance type @pulumi\/aws knows.*did you mean "t3\.large"/, '"t3.larg"'],
    ["certificate from another region", { ingress: { certificateArn: arn("us-east-1"), sslRedirect: true } }, "ingress.certificateArn", /in the stack's region ap-northeast-2/, JSON.stringify(arn("us-east-1"))],
    ["certificate that is not ACM", { ingress: { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" } }, "ingress.certificateArn", /ACM certificate ARN/, '"arn:aws:iam::123456789012:server-certificate/x"'],
    ["kubeconfig that is not one", { cluster: { kubeconfig: "hello" } }, "cluster.kubeconfig", /names a cluster .* a context and a user/, "[secret]"],
    ["kubeconfig without users", { cluster: { kubeconfig: kubeconfig.replace("users: [{name: u, user: {}}]", "users: []") } }, "cluster.kubeconfig", /names no user/, "[secret]"],
    ["misspelled region", { "aws:region": "ap-northeast-22" }, "aws:region", /AWS region of the aws partition.*did you mean "ap-northeast-2"/, '"ap-northeast-22"'],
    ["region of another partition", { "aws:region": "cn-north-1" }, "aws:region", /aws-cn partition/, '"cn-north-1"'],
    ["app in kube-system", { app: { namespace: "kube-system" } }, "app.namespace", /other than kube-system/, '"kube-system"'],
    ["app in the gateway namespace", { app: { namespace: "istio-ingress" } }, "app.namespace", /istio-ingress/, '"istio-ingress"'],
    ["app in istio-system", { app: { namespace: "istio-system" } }, "app.namespace", /istio-system/, '"istio-system"'],
    ["timeout 0s", { resilience: { timeout: "0s" } }, "resilience.timeout", /duration of at least 1ms/, '"0s"'],
    ["retryOn typo", { resilience: { retries: { retryOn: "5xx,conect-failure" } } }, "resilience.retries.retryOn", /comma-separated list of .*did you mean "connect-failure"/, '"5xx,conect-failure"'],
    ["empty canary header value", { canary: { header: { value: "" } } }, "canary.header.value", /non-empty header value/, '""'],
    ["canary header name with a space", { canary: { header: { name: "x canary" } } }, "canary.header.name", /HTTP header name/, '"x canary"'],
    ["perTryTimeout 0ms", { resilience: { retries: { perTryTimeout: "0ms" } } }, "resilience.retries.perTryTimeout", /at least 1ms/, '"0ms"'],
    ["fixedDelay 0s", { resilience: { faultInjection: { delay: { fixedDelay: "0s" } } } }, "resilience.faultInjection.delay.fixedDelay", /at least 1ms/, '"0s"'],
    ["outlier interval 0s", { resilience: { circuitBreaker: { interval: "0s" } } }, "resilience.circuitBreaker.interval", /at least 1ms/, '"0s"'],
    ["baseEjectionTime 0.5ms", { resilience: { circuitBreaker: { baseEjectionTime: "0.5ms" } } }, "resilience.circuitBreaker.baseEjectionTime", /at least 1ms/, '"0.5ms"'],
    ["fill interval under 50ms", { resilience: { rateLimit: { fillInterval: "10ms" } } }, "resilience.rateLimit.fillInterval", /at least 50ms/, '"10ms"'],
    ["canary weight 150", { canary: { weight: 150 } }, "canary.weight", /integer from 0 to 100/, "150"],
    ["canary weight -1", { canary: { weight: -1 } }, "canary.weight", /integer from 0 to 100/, "-1"],
    ["canary weight 12.5", { canary: { weight: 12.5 } }, "canary.weight", /integer from 0 to 100/, "12.5"],
    ["canary weight ten", { canary: { weight: "ten" } }, "canary.weight", /integer from 0 to 100/, '"ten"'],
    ["maxStep 0", { canary: { maxStep: 0 } }, "canary.maxStep", /integer from 1 to 100/, "0"],
    ["force yes", { canary: { force: "yes" } }, "canary.force", /true or false/, '"yes"'],
    ["desiredNodes above maxNodes", { cluster: { desiredNodes: 9 } }, "cluster.desiredNodes", /between cluster\.minNodes \(2\) and cluster\.maxNodes \(5\)/, "9"],
    ["minNodes above maxNodes", { cluster: { minNodes: 6, desiredNodes: 6 } }, "cluster.minNodes", /must not exceed cluster\.maxNodes \(5\)/, "6"],
    ["one availability zone", { cluster: { availabilityZoneCount: 1 } }, "cluster.availabilityZoneCount", /from 2 to 6/, "1"],
    ["Kubernetes version latest", { cluster: { version: "latest" } }, "cluster.version", /minor version/, '"latest"'],
    ["cluster name with a leading hyphen", { cluster: { name: "-eim" } }, "cluster.name", /EKS cluster name/, '"-eim"'],
    ["domain with a space", { domain: "exa mple.com" }, "domain", /must be a DNS name/, '"exa mple.com"'],
    ["upper-case domain", { domain: "Example.com" }, "domain", /lower-case/, '"Example.com"'],
    ["DNS policy typo", { dns: { policy: "upsert" } }, "dns.policy", /one of sync, upsert-only, create-only.*did you mean "upsert-only"/, '"upsert"'],
    ["owner id with a comma", { dns: { ownerId: "a,b" } }, "dns.ownerId", /TXT registry owner id/, '"a,b"'],
    ["malformed zone id", { dns: { zoneId: "zone-1" } }, "dns.zoneId", /hosted zone id/, '"zone-1"'],
    ["txtPrefix with a leading dot", { dns: { txtPrefix: ".x" } }, "dns.txtPrefix", /single dots \(not leading\)/, '".x"'],
    ["unknown ingress scheme", { ingress: { scheme: "public" } }, "ingress.scheme", /internet-facing, internal/, '"public"'],
    ["sslRedirect without a certificate", { ingress: { sslRedirect: true } }, "ingress.sslRedirect", /needs ingress\.certificateArn/, "true"],
    ["mTLS DISABLE", { mesh: { mtls: "DISABLE" } }, "mesh.mtls", /STRICT, PERMISSIVE/, '"DISABLE"'],
    ["Istio version 1.27", { mesh: { istioVersion: "1.27" } }, "mesh.istioVersion", /version such as/, '"1.27"'],
    ["negative replicas", { app: { replicas: -1 } }, "app.replicas", /from 0 to 100/, "-1"],
    ["hostname with an underscore", { app: { hostname: "my_app.example.com" } }, "app.hostname", /DNS name/, '"my_app.example.com"'],
    ["hostname outside the domain", { app: { hostname: "app.example.org" } }, "app.hostname", /inside the domain example\.com/, '"app.example.org"'],
    ["kube-ops-view on the app's hostname", { kubeOpsView: { hostname: "app.example.com" } }, "kubeOpsView.hostname", /differ from app\.hostname/, '"app.example.com"'],
    ["bake shorter than the interval", { canary: { analysis: { bakeSeconds: 10 } } }, "canary.analysis.bakeSeconds", /at least canary\.analysis\.intervalSeconds \(30\)/, "10"],
    ["error rate above 1", { canary: { analysis: { maxErrorRate: 5 } } }, "canary.analysis.maxErrorRate", /number from 0 to 1/, "5"],
    ["analysis without Prometheus", { mesh: { prometheus: { enabled: false } } }, "canary.analysis", /mesh\.prometheus\.enabled/, '"query":""'],
    ["interval 0", { canary: { analysis: { intervalSeconds: 0 } } }, "canary.analysis.intervalSeconds", /integer from 1 to 3600/, "0"],
    ["abort status 99", { resilience: { faultInjection: { abort: { httpStatus: 99 } } } }, "resilience.faultInjection.abort.httpStatus", /HTTP status code from 200 to 599/, "99"],
    ["abort percent 101", { resilience: { faultInjection: { abort: { percent: 101 } } } }, "resilience.faultInjection.abort.percent", /from 0 to 100 \(percent of requests\)/, "101"],
    ["ejection percent 150", { resilience: { circuitBreaker: { maxEjectionPercent: 150 } } }, "resilience.circuitBreaker.maxEjectionPercent", /from 0 to 100/, "150"],
    ["rate limit of 0 tokens", { resilience: { rateLimit: { maxTokens: 0 } } }, "resilience.rateLimit.maxTokens", /from 1 to/, "0"],
    ["image with spaces", { app: { stableImage: "Nginx Latest" } }, "app.stableImage", /container image reference/, '"Nginx Latest"'],
    ["object key given as a scalar", { kubeOpsView: "off" }, "kubeOpsView", /must be an object/, '"off"'],
    ["header switch maybe", { canary: { header: { enabled: "maybe" } } }, "canary.header.enabled", /true or false/, '"maybe"'],
    ["negative retry attempts", { resilience: { retries: { attempts: -1 } } }, "resilience.retries.attempts", /integer ≥ 0/, "-1"],
    ["ALB group with capitals", { ingress: { groupName: "Group_1" } }, "ingress.groupName", /ALB group name/, '"Group_1"'],
];

const good: Array<[string, Patch]> = [
    ["the dev stack as committed", {}],
    ["a canary raised with force", { canary: { weight: 60, force: true } }],
    ["HTTPS with a certificate of the stack's region", { ingress: { certificateArn: arn("ap-northeast-2"), sslRedirect: true } }],
    ["an existing cluster from a kubeconfig", { cluster: { kubeconfig } }],
    ["a kubeconfig encrypted in the stack file (synth cannot decrypt it; its format is checked under preview)", { cluster: { kubeconfig: { secure: "v1:bm9uY2U=:Y2lwaGVydGV4dA==" } } }],
    ["a time zone alias and a small VPC over 6 AZs", { kubeOpsView: { timezone: "US/Pacific" }, cluster: { vpcCidr: "192.168.4.0/24", availabilityZoneCount: 6 } }],
    ["another region, instance type and Graviton", { "aws:region": "us-east-1", cluster: { nodeInstanceType: "m7g.xlarge" } }],
    ["a pinned zone id as the console shows it, and a typed TXT prefix", { dns: { zoneId: "/hostedzone/Z0123456789ABCDEFGHIJ", txtPrefix: "%{record_type}-ext." } }],
    ["no canary header, retries on 503", { canary: { header: { enabled: false } }, resilience: { retries: { retryOn: "5xx,503,reset" } } }],
    ["kube-ops-view off (its hostname may then equal the app's)", { kubeOpsView: { enabled: false, hostname: "app.example.com" } }],
    ["faults injected and sub-second durations", { resilience: { timeout: "1.5s", faultInjection: { delay: { fixedDelay: "250ms", percent: 10 }, abort: { httpStatus: 503, percent: 0.5 } }, rateLimit: { fillInterval: "50ms" } } }],
    ["the app in the default namespace with a custom query", { app: { namespace: "default" }, canary: { analysis: { query: "sum(rate(x[1m]))" } } }],
];

describe("stack configs through npm run synth's path", function () {
    this.timeout(300_000);
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eim-configs-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    async function synth(patch: Patch, stack: string) {
        fs.writeFileSync(path.join(tmp, `Pulumi.${stack}.yaml`), stackFile(patch));
        const out: string[] = [];
        const err: string[] = [];
        const result = await runSynth({ stack, stackDir: tmp, outDir: path.join(tmp, "out", stack), print: (l) => out.push(l), printError: (l) => err.push(l) });
        return { exitCode: result.exitCode, stdout: out.join("\n"), stderr: err.join("\n") };
    }

    it(`has at least 60 bad and 10 good configs (${bad.length} and ${good.length})`, () => {
        assert.ok(bad.length >= 60 && good.length >= 10);
    });

    bad.forEach(([title, patch, key, rule, value], i) => {
        it(`refuses ${title}: exit 1 naming ${key}`, async () => {
            const { exitCode, stdout, stderr } = await synth(patch, `bad${i}`);
            assert.strictEqual(exitCode, 1, `exit code\n${stdout}`);
            const line = stderr.split("\n").find((l) => l.startsWith(`  - ${key}: `));
            assert.ok(line, `names ${key}:\n${stderr}`);
            assert.match(line, rule);
            assert.ok(line.includes(`got ${value}`) || line.includes(value), `shows the value ${value}: ${line}`);
            assert.match(stderr, /^error: invalid stack configuration \(\d+ problems?\):/);
            assert.doesNotMatch(stderr, /error serializing|failed to register|Error:|\n\s+at /, "no wrapper, no trace");
            assert.strictEqual(fs.existsSync(path.join(tmp, "out", `bad${i}`)), false, "nothing written");
        });
    });

    good.forEach(([title, patch], i) => {
        it(`accepts ${title}`, async () => {
            const { exitCode, stderr } = await synth(patch, `good${i}`);
            assert.strictEqual(exitCode, 0, stderr);
        });
    });
});
