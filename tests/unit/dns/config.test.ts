/** The DNS config keys of ExternalDNS interoperability: dns.markerCompat, dns.txtSuffix, dns.txtEncryptionKey. */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../../../config";
import { checkInputs } from "../../../providers/dns";
import { problemsOf } from "../configProblems";

const base = { domain: "example.com" };


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

describe("config and check: dns.assumeRoleArn, dns.externalId (a hosted zone in another account)", () => {
    const role = "arn:aws:iam::210987654321:role/dns/record-sync";

    it("passes the role and external id to Route53RecordSync's inputs as given", () => {
        const cfg = loadStackConfig({ ...base, dns: { assumeRoleArn: role, externalId: "eim-ext-42" } }, { stack: "dev" });
        assert.strictEqual(cfg.dns.assumeRoleArn, role);
        assert.strictEqual(cfg.dns.externalId, "eim-ext-42");
        const checked = checkInputs({ zoneName: "example.com", ownerId: "o", records: [], assumeRoleArn: role, externalId: "eim-ext-42" });
        assert.deepStrictEqual(checked.failures, []);
        assert.strictEqual(checked.inputs.assumeRoleArn, role);
        assert.strictEqual(checked.inputs.externalId, "eim-ext-42");
    });

    it("refuses a malformed role, an external id without a role, and a role for another DNS provider, naming the key", () => {
        assert.match(problemsOf({ ...base, dns: { assumeRoleArn: "arn:aws:iam::1234:user/x" } }).join("\n"), /^dns\.assumeRoleArn: must be an IAM role ARN/m);
        assert.match(problemsOf({ ...base, dns: { externalId: "eim-ext-42" } }).join("\n"), /^dns\.externalId: is only used with dns\.assumeRoleArn/m);
        assert.match(problemsOf({ ...base, dns: { externalId: "x", assumeRoleArn: role } }).join("\n"), /^dns\.externalId: must be 2-1224/m);
        const google = { provider: "google", google: { project: "my-project-1", managedZone: "zone-1" }, assumeRoleArn: role };
        assert.match(problemsOf({ ...base, dns: google }).join("\n"), /^dns\.provider: is google: dns\.assumeRoleArn would be ignored/m);
    });

    it("the check refuses the same values before any API call, naming the field", () => {
        const reasons = (extra: Record<string, unknown>) => checkInputs({ zoneName: "example.com", ownerId: "o", records: [], ...extra }).failures.map((f) => f.reason);
        assert.match(reasons({ assumeRoleArn: "dns-admin" }).join("\n"), /^assumeRoleArn: assumeRoleArn must be an IAM role ARN/m);
        assert.match(reasons({ externalId: "eim-ext-42" }).join("\n"), /^externalId: externalId is only used with assumeRoleArn/m);
    });
});
