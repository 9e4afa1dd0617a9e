import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Route53RecordSyncProvider } from "../../../providers/dns";
import { checkInputs, UNKNOWN } from "../../../providers/dns/validate";
import type { NormalizedInputs } from "../../../providers/dns/types";

const ZONE = "example.com";

function inputs(records: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { zoneName: ZONE, ownerId: "stack-dev", records, ...extra };
}

function normalized(records: unknown[], extra: Record<string, unknown> = {}): NormalizedInputs {
    const out = checkInputs(inputs(records, extra));
    assert.deepStrictEqual(out.failures, []);
    return out.inputs as unknown as NormalizedInputs;
}

/** Asserts exactly one failure for `rule`, on `property`, naming the record. */
function assertFailure(records: unknown[], rule: string, property: string, mentions: string[], extra: Record<string, unknown> = {}): void {
    const out = checkInputs(inputs(records, extra));
    const hits = out.failures.filter((f) => f.reason.includes(`[rule: ${rule}]`));
    assert.strictEqual(hits.length, 1, `expected one ${rule} failure, got ${JSON.stringify(out.failures, null, 2)}`);
    assert.strictEqual(hits[0].property, property);
    for (const text of mentions) assert.ok(hits[0].reason.includes(text), `"${hits[0].reason}" should mention "${text}"`);
}

const A = (name: string, values = ["192.0.2.1"]) => ({ name, type: "A", values });

describe("dns check: bad input (each failure names the record and the rule)", () => {
    it("rejects a name outside the zone", () => {
        assertFailure([A("app.example.org")], "outside-zone", "records[0].name", ["records[0]", "app.example.org", "example.com."]);
    });

    it("rejects a CNAME at the apex", () => {
        assertFailure([{ name: "@", type: "CNAME", values: ["x.example.org"] }], "cname-at-apex", "records[0].name", ["records[0]", "example.com. CNAME", "apex"]);
    });

    it("rejects a CNAME beside an A at the same name", () => {
        assertFailure([A("www"), { name: "www.example.com", type: "CNAME", values: ["x.example.org"] }], "cname-with-other-types", "records[1]", [
            "records[1]",
            "www.example.com. CNAME",
            "records[0] A",
        ]);
    });

    it("rejects alias and values together", () => {
        assertFailure([{ name: "app", type: "A", values: ["192.0.2.1"], alias: { dnsName: "d1.cloudfront.net" } }], "alias-xor-values", "records[0]", ["records[0]", "app.example.com. A"]);
    });

    it("rejects a record with neither values nor alias", () => {
        assertFailure([{ name: "app", type: "A" }], "alias-xor-values", "records[0]", ["records[0]", "app.example.com. A"]);
    });

    for (const ttl of [-1, 2147483648, 1.5, "300"]) {
        it(`rejects ttl ${JSON.stringify(ttl)}`, () => {
            assertFailure([{ ...A("app"), ttl }], "ttl-range", "records[0].ttl", ["records[0]", "app.example.com. A", "0 to 2147483647"]);
        });
    }

    it("rejects a ttl on an alias", () => {
        assertFailure([{ name: "app", type: "A", ttl: 60, alias: { dnsName: "d1.cloudfront.net" } }], "ttl-with-alias", "records[0].ttl", ["records[0]"]);
    });

    it("rejects duplicate name+type, also when spelled differently", () => {
        assertFailure([A("app"), A("APP.example.com.", ["192.0.2.2"])], "duplicate-record", "records[1]", ["records[1]", "records[0]", "app.example.com. A"]);
    });

    it("rejects a label over 63 characters", () => {
        assertFailure([A(`${"x".repeat(64)}.example.com`)], "label-too-long", "records[0].name", ["records[0]", "64 characters", "63"]);
    });

    it("rejects a name whose ownership marker would need a label over 63 characters", () => {
        assertFailure([A(`${"x".repeat(62)}.example.com`)], "marker-name-too-long", "records[0].name", ["records[0]", `a-${"x".repeat(62)}`]);
    });

    it("rejects an empty owner id", () => {
        const out = checkInputs(inputs([A("app")], { ownerId: "" }));
        assert.deepStrictEqual(out.failures.map((f) => f.property), ["ownerId"]);
        assert.match(out.failures[0].reason, /ownerId must not be empty \[rule: owner-id\]/);
    });

    it("rejects an owner id that would break the marker format", () => {
        const out = checkInputs(inputs([A("app")], { ownerId: "a,b" }));
        assert.match(out.failures[0].reason, /commas.*\[rule: owner-id\]/);
    });

    it("asks for hostedZoneId when an alias target is unknown", () => {
        assertFailure([{ name: "app", type: "A", alias: { dnsName: "lb.example.net" } }], "alias-zone-unknown", "records[0].alias.hostedZoneId", [
            "records[0]",
            "app.example.com. A",
            "lb.example.net.",
            "set alias.hostedZoneId",
        ]);
    });

    it("asks for hostedZoneId when a known service has no published zone in that region", () => {
        assertFailure([{ name: "app", type: "A", alias: { dnsName: "my-bucket.s3-website.mx-central-1.amazonaws.com" } }], "alias-zone-unknown", "records[0].alias.hostedZoneId", [
            "s3-website",
            "mx-central-1",
        ]);
    });

    it("rejects an alias on a TXT record", () => {
        assertFailure([{ name: "app", type: "TXT", alias: { dnsName: "d1.cloudfront.net" } }], "alias-type", "records[0].alias", ["records[0]", "A or AAAA"]);
    });

    it("rejects evaluateTargetHealth on a CloudFront alias", () => {
        assertFailure([{ name: "app", type: "A", alias: { dnsName: "d1.cloudfront.net", evaluateTargetHealth: true } }], "alias-evaluate-cloudfront", "records[0].alias.evaluateTargetHealth", ["CloudFront"]);
    });

    it("rejects invalid addresses, naming the value", () => {
        assertFailure([A("app", ["192.0.2.1", "300.1.1.1"])], "invalid-ipv4", "records[0].values[1]", ["records[0]", "300.1.1.1"]);
        assertFailure([{ name: "app", type: "AAAA", values: ["2001:db8::zz"] }], "invalid-ipv6", "records[0].values[0]", ["2001:db8::zz"]);
    });

    it("rejects duplicate values and a CNAME with two values", () => {
        assertFailure([A("app", ["192.0.2.1", "192.0.2.1"])], "duplicate-value", "records[0].values[1]", ["records[0]"]);
        assertFailure([{ name: "www", type: "CNAME", values: ["a.example.org", "b.example.org"] }], "cname-single-value", "records[0].values", ["exactly one"]);
    });

    it("rejects a wildcard that is not the leftmost label, and bad characters", () => {
        assertFailure([A("a.*.example.com")], "wildcard-position", "records[0].name", ["records[0]"]);
        assertFailure([A("a b.example.com")], "invalid-characters", "records[0].name", ["records[0]", "a b"]);
    });

    it("rejects a record whose marker name collides with a desired TXT record", () => {
        assertFailure([A("app"), { name: "a-app", type: "TXT", values: ["hello"] }], "marker-collision", "records[0].name", ["a-app.example.com.", "records[1]"]);
    });

    it("rejects unknown fields, a bad type, policy and zone id, each naming the field", () => {
        const out = checkInputs(inputs([{ ...A("app"), value: "x" }, { name: "b", type: "MX", values: ["10 mx"] }], { policy: "yolo", zoneId: "not a zone", extra: 1 }));
        const props = out.failures.map((f) => f.property).sort();
        assert.deepStrictEqual(props, ["extra", "policy", "records[0].value", "records[1].type", "zoneId"]);
        assert.match(out.failures.find((f) => f.property === "policy")!.reason, /sync, upsert-only, create-only/);
        assert.match(out.failures.find((f) => f.property === "records[1].type")!.reason, /A, AAAA, CNAME, TXT/);
    });

    it("returns the raw inputs unchanged when anything fails", () => {
        const raw = inputs([A("app.example.org")]);
        assert.deepStrictEqual(checkInputs(raw).inputs, raw);
    });
});

describe("dns check: normalization", () => {
    it("lower-cases, adds the trailing dot and resolves relative names and @", () => {
        const out = normalized([A("App"), A("WWW.Example.COM."), A("@"), A("*")], { zoneName: "Example.COM" });
        assert.strictEqual(out.zoneName, "example.com.");
        assert.deepStrictEqual(
            out.records.map((r) => r.name),
            ["app.example.com.", "www.example.com.", "example.com.", "*.example.com."],
        );
    });

    it("applies defaults: ttl 300, policy sync, txtPrefix empty, privateZone false", () => {
        const out = normalized([A("app")]);
        assert.strictEqual(out.records[0].ttl, 300);
        assert.strictEqual(out.policy, "sync");
        assert.strictEqual(out.txtPrefix, "");
        assert.strictEqual(out.privateZone, false);
    });

    it("converts IDN names and targets to punycode", () => {
        const out = normalized([A("bücher"), { name: "münchen.example.com", type: "CNAME", values: ["straße.example.org"] }]);
        assert.strictEqual(out.records[0].name, "xn--bcher-kva.example.com.");
        assert.strictEqual(out.records[1].name, "xn--mnchen-3ya.example.com.");
        assert.match(out.records[1].values![0], /^xn--/);
    });

    it("splits TXT text into 255-octet strings and quotes it", () => {
        const text = "v=DKIM1; p=" + "A".repeat(600);
        const out = normalized([{ name: "sel._domainkey.example.com", type: "TXT", values: [text, 'say "hi"'] }]);
        const [dkim, quoted] = [...out.records[0].values!].sort((a, b) => b.length - a.length);
        const strings = dkim.match(/"[^"]*"/g)!;
        assert.deepStrictEqual(strings.map((s) => s.length - 2), [255, 255, text.length - 510]);
        assert.strictEqual(strings.map((s) => s.slice(1, -1)).join(""), text);
        assert.strictEqual(quoted, '"say \\"hi\\""');
    });

    it("keeps TXT already in quoted form and canonicalizes AAAA", () => {
        const out = normalized([
            { name: "t", type: "TXT", values: ['"a" "b"'] },
            { name: "v6", type: "AAAA", values: ["2001:DB8:0:0:0:0:0:1"] },
        ]);
        assert.deepStrictEqual(out.records[0].values, ['"a" "b"']);
        assert.deepStrictEqual(out.records[1].values, ["2001:db8::1"]);
    });

    it("infers the alias zone and normalizes the target; same-zone targets are resolved later", () => {
        const out = normalized([
            { name: "app", type: "A", alias: { dnsName: "DualStack.My-ALB-1.eu-west-1.elb.amazonaws.com" } },
            { name: "www", type: "A", alias: { dnsName: "app.example.com" } },
        ]);
        assert.deepStrictEqual(out.records[0].alias, { dnsName: "dualstack.my-alb-1.eu-west-1.elb.amazonaws.com.", hostedZoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: false });
        assert.deepStrictEqual(out.records[1].alias, { dnsName: "app.example.com.", evaluateTargetHealth: false });
    });

    it("treats null optional fields (as the engine may send them) as absent", () => {
        const out = normalized([{ name: "app", type: "A", ttl: null, values: ["192.0.2.1"], resource: null }, { name: "b", type: "A", alias: { dnsName: "d1.cloudfront.net", hostedZoneId: null, evaluateTargetHealth: null } }], { zoneId: null, txtPrefix: null, policy: null });
        assert.deepStrictEqual(out.records[0], { name: "app.example.com.", type: "A", ttl: 300, values: ["192.0.2.1"] });
        assert.deepStrictEqual(out.records[1].alias, { dnsName: "d1.cloudfront.net.", hostedZoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false });
    });

    it("is idempotent (checking checked inputs changes nothing)", () => {
        const once = normalized([A("App"), { name: "t", type: "TXT", values: ["x".repeat(300)] }, { name: "a", type: "A", alias: { dnsName: "d1.cloudfront.net" } }]);
        const twice = checkInputs(once as unknown as Record<string, unknown>);
        assert.deepStrictEqual(twice.failures, []);
        assert.deepStrictEqual(twice.inputs, once);
    });

    it("passes unknown values (preview) through without failing", () => {
        const out = checkInputs(inputs([{ name: "app", type: "A", alias: { dnsName: UNKNOWN } }, UNKNOWN]));
        assert.deepStrictEqual(out.failures, []);
        const records = (out.inputs as unknown as NormalizedInputs).records;
        assert.strictEqual(records[0].name, "app.example.com.");
        assert.strictEqual(records[1], UNKNOWN);
    });
});

describe("dns check makes no API call", () => {
    const saved = { ...process.env };
    let logFile: string;
    before(() => {
        logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dns-check-")), "calls.log");
        // a closed loopback port: any call would hang on retries or fail
        Object.assign(process.env, { AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x", AWS_REGION: "us-east-1", EIM_ROUTE53_CALL_LOG: logFile });
    });
    after(() => {
        for (const k of ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "EIM_ROUTE53_CALL_LOG"]) {
            if (saved[k] === undefined) delete process.env[k];
            else process.env[k] = saved[k];
        }
    });

    it("succeeds and fails instantly through the provider", async () => {
        const provider = new Route53RecordSyncProvider();
        const started = Date.now();
        const ok = await provider.check({}, inputs([A("app")]));
        const bad = await provider.check({}, inputs([A("app.example.org"), { name: "@", type: "CNAME", values: ["x.org"] }]));
        assert.ok(Date.now() - started < 1000, "check must not wait on the network");
        assert.deepStrictEqual(ok.failures, []);
        assert.strictEqual(bad.failures!.length, 2);
        assert.ok(!fs.existsSync(logFile), "no Route53 call was logged");
    });
});
