/**
 * The pure parts of the Azure and Google DNS backends: neutral record shapes, Azure model
 * conversion, change checks, bounded concurrency, and that loading a backend loads no SDK.
 */
import * as assert from "assert";
import * as path from "path";
import { spawnSync } from "child_process";
import { absoluteName, checkChange, relativeName, sameRecordData, txtStrings, txtValue } from "../../../providers/dns/backend";
import { fromAzureRecordSet, toAzureRecordSet } from "../../../providers/dns/azure/records";
import { AZURE_DNS_LIMITS } from "../../../providers/dns/azure/limits";
import { runBounded } from "../../../providers/dns/azure/bounded";

const root = path.resolve(__dirname, "../../..");

describe("dns backends: neutral record shapes", () => {
    it("maps names between FQDN and zone-relative form", () => {
        assert.strictEqual(relativeName("App.Example.com.", "example.com."), "app");
        assert.strictEqual(relativeName("example.com.", "example.com."), "@");
        assert.strictEqual(absoluteName("@", "example.com."), "example.com.");
        assert.strictEqual(absoluteName("a.b", "example.com."), "a.b.example.com.");
        assert.throws(() => relativeName("app.example.org.", "example.com."), /not inside zone "example.com."/);
        assert.throws(() => relativeName("badexample.com.", "example.com."), /not inside zone/);
    });

    it("round-trips TXT character-strings through zone-file form", () => {
        assert.deepStrictEqual(txtStrings('"a b" "c\\"d"'), ["a b", 'c"d']);
        assert.strictEqual(txtValue(["a b", 'c"d', "e\\f"]), '"a b" "c\\"d" "e\\\\f"');
        assert.deepStrictEqual(txtStrings(txtValue(["x".repeat(255), "y"])), ["x".repeat(255), "y"]);
        assert.deepStrictEqual(txtStrings("raw text"), ["raw text"], "raw text is one string");
        assert.deepStrictEqual(txtStrings("z".repeat(300)).map((s) => s.length), [255, 45]);
    });

    it("compares record data regardless of value order", () => {
        const a = { name: "a.example.com.", type: "A", ttl: 60, values: ["192.0.2.1", "192.0.2.2"] };
        assert.ok(sameRecordData(a, { ...a, values: ["192.0.2.2", "192.0.2.1"] }));
        assert.ok(!sameRecordData(a, { ...a, ttl: 61 }));
        assert.ok(!sameRecordData(a, { ...a, values: ["192.0.2.1"] }));
    });

    it("checkChange accepts a valid change and names every problem of a bad one", () => {
        checkChange("X", "example.com.", AZURE_DNS_LIMITS, { deletions: [], additions: [{ name: "a.example.com.", type: "A", ttl: 60, values: ["192.0.2.1"] }] });
        assert.throws(
            () =>
                checkChange("X", "example.com.", AZURE_DNS_LIMITS, {
                    deletions: [],
                    additions: [
                        { name: "a.example.com.", type: "A", ttl: 0, values: ["192.0.2.1"] },
                        { name: "a.example.com.", type: "A", ttl: 60, values: [] },
                    ],
                }),
            (e: Error) => /ttl must be an integer/.test(e.message) && /appears twice in additions/.test(e.message) && /must hold 1\.\.20 values, not 0/.test(e.message),
        );
    });
});

describe("dns backends: Azure record set model", () => {
    it("reads A, CNAME and TXT sets as the API returns them", () => {
        const zone = "example.com.";
        assert.deepStrictEqual(
            fromAzureRecordSet({ name: "app", type: "Microsoft.Network/dnszones/A", etag: "e1", ttl: 60, fqdn: "app.example.com.", aRecords: [{ ipv4Address: "192.0.2.1" }] }, zone),
            { name: "app.example.com.", type: "A", ttl: 60, values: ["192.0.2.1"], etag: "e1" },
        );
        assert.deepStrictEqual(fromAzureRecordSet({ name: "www", type: "Microsoft.Network/dnszones/CNAME", ttl: 60, cnameRecord: { cname: "lb.example.net" } }, zone).values, ["lb.example.net."]);
        assert.deepStrictEqual(fromAzureRecordSet({ name: "@", type: "Microsoft.Network/dnszones/TXT", ttl: 60, txtRecords: [{ value: ["a", "b"] }, { value: ["c"] }] }, zone), {
            name: "example.com.",
            type: "TXT",
            ttl: 60,
            values: ['"a" "b"', '"c"'],
        });
    });

    it("writes bodies with the type's own record array, CNAME without the trailing dot", () => {
        assert.deepStrictEqual(toAzureRecordSet({ name: "a.example.com.", type: "AAAA", ttl: 60, values: ["2001:db8::1"] }), { ttl: 60, aaaaRecords: [{ ipv6Address: "2001:db8::1" }] });
        assert.deepStrictEqual(toAzureRecordSet({ name: "w.example.com.", type: "CNAME", ttl: 60, values: ["lb.example.net."] }), { ttl: 60, cnameRecord: { cname: "lb.example.net" } });
        assert.deepStrictEqual(toAzureRecordSet({ name: "t.example.com.", type: "TXT", ttl: 60, values: ['"a" "b"'] }), { ttl: 60, txtRecords: [{ value: ["a", "b"] }] });
        assert.throws(() => toAzureRecordSet({ name: "m.example.com.", type: "MX", ttl: 60, values: ["10 m."] }), /only A, AAAA, CNAME and TXT/);
    });
});

describe("dns backends: bounded concurrency", () => {
    it("never runs more than the limit at once and stops starting work after a failure", async () => {
        let inFlight = 0;
        let max = 0;
        const started: number[] = [];
        const result = await runBounded([1, 2, 3, 4, 5, 6, 7, 8], 2, async (n) => {
            started.push(n);
            inFlight++;
            max = Math.max(max, inFlight);
            await new Promise((r) => setTimeout(r, 5));
            inFlight--;
            if (n === 3) throw new Error("boom");
        });
        assert.strictEqual(max, 2);
        assert.strictEqual((result.error as Error).message, "boom");
        assert.ok(started.length <= 4, `started ${started}`);
        assert.strictEqual(result.succeeded, started.length - 1);
    });
});

describe("dns backends: dynamic-provider hygiene", () => {
    it("loading the backends loads no Azure or Google SDK", () => {
        const script =
            "require('./providers/dns/azure'); require('./providers/dns/google');" +
            "const loaded = Object.keys(require.cache).filter((k) => /@azure[\\\\/](arm-dns|identity)|@google-cloud[\\\\/]dns|google-auth-library/.test(k));" +
            "process.stdout.write(JSON.stringify(loaded));";
        const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: root, encoding: "utf8" });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.deepStrictEqual(JSON.parse(run.stdout), []);
    });
});
