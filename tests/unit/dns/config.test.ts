/** The DNS config keys of ExternalDNS interoperability: dns.markerCompat, dns.txtSuffix, dns.txtEncryptionKey. */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadStackConfig } from "../../../config";

const base = { domain: "example.com" };

function problemsOf(raw: Record<string, unknown>): string[] {
    try {
        loadStackConfig(raw, { stack: "dev" });
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return [...e.problems];
    }
    return [];
}

describe("config: dns.markerCompat, dns.txtSuffix, dns.txtEncryptionKey", () => {
    it("defaults: markerCompat v0.22, no suffix, no key", () => {
        const cfg = loadStackConfig(base, { stack: "dev" });
        assert.strictEqual(cfg.dns.markerCompat, "v0.22");
        assert.strictEqual(cfg.dns.txtSuffix, "");
        assert.strictEqual(cfg.dns.txtEncryptionKey, undefined);
    });

    it("accepts the ExternalDNS values and keeps the key secret", async () => {
        const cfg = loadStackConfig({ ...base, dns: { markerCompat: "pre-v0.22", txtSuffix: "-%{record_type}", txtEncryptionKey: "passphrasewhichneedstobe32bytes!" } }, { stack: "dev" });
        assert.strictEqual(cfg.dns.markerCompat, "pre-v0.22");
        assert.strictEqual(cfg.dns.txtSuffix, "-%{record_type}");
        assert.ok(cfg.dns.txtEncryptionKey && pulumi.Output.isInstance(cfg.dns.txtEncryptionKey));
        assert.strictEqual(await (cfg.dns.txtEncryptionKey as unknown as { isSecret: Promise<boolean> }).isSecret, true);
    });

    it("names the key and the rule for bad values, and never echoes the encryption key", () => {
        assert.match(problemsOf({ ...base, dns: { markerCompat: "v0.12" } }).join("\n"), /dns\.markerCompat: .*v0\.22, pre-v0\.22/);
        assert.match(problemsOf({ ...base, dns: { txtSuffix: "bad." } }).join("\n"), /dns\.txtSuffix: /);
        assert.match(problemsOf({ ...base, dns: { txtPrefix: "ext-", txtSuffix: "-x" } }).join("\n"), /dns\.txtSuffix: txtPrefix and txtSuffix are mutually exclusive/);
        const keyProblems = problemsOf({ ...base, dns: { txtEncryptionKey: "too-short-key" } }).join("\n");
        assert.match(keyProblems, /dns\.txtEncryptionKey: must be 32 bytes long/);
        assert.doesNotMatch(keyProblems, /too-short-key/);
    });
});
