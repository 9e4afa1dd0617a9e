/**
 * dns.assumeRoleArn: createRoute53Api({ assumeRoleArn, externalId }) gets temporary credentials
 * from STS AssumeRole (moto_server serves STS) with the default chain's credentials, and signs
 * every Route53 call with them. A recording proxy in front of moto shows both. moto files the
 * resources of a temporary key under the role's account, so the role lives in moto's default
 * account (where the zone is); a real cross-account trust policy cannot be exercised here.
 */
import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { Route53RecordSyncProvider } from "../../../providers/dns";
import { createRoute53Api } from "../../../providers/dns/client";
import { useMoto } from "../fixtures/moto";
import { createSync, directClient, newZone, withEnv, zoneContents } from "../dns/helpers";

interface Seen {
    readonly path: string;
    readonly body: string;
    readonly accessKey: string;
}

async function recordingProxy(target: string): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
    const seen: Seen[] = [];
    const upstream = new URL(target);
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks);
            const accessKey = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
            seen.push({ path: req.url ?? "", body: body.toString("utf8"), accessKey });
            const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
                res.writeHead(up.statusCode ?? 502, up.headers);
                up.pipe(res);
            });
            out.on("error", () => res.destroy());
            out.end(body);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

describe("dnsBackends: Route53 through an assumed role (dns.assumeRoleArn) against moto's STS", function () {
    this.timeout(60_000);
    const moto = useMoto();

    it("assumes the role once with the external id, then signs every Route53 call with the temporary key", async () => {
        const zone = await newZone(directClient(moto()), "assume");
        const proxy = await recordingProxy(moto().endpoint);
        try {
            const roleArn = "arn:aws:iam::123456789012:role/dns-admin";
            await withEnv({ AWS_ENDPOINT_URL: proxy.url, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "us-east-1" }, async () => {
                const api = await createRoute53Api({ assumeRoleArn: roleArn, externalId: "eim-ext-42" });
                try {
                    const resolved = await api.resolveZone(`${zone.name}.`, undefined, false);
                    assert.strictEqual(resolved.zoneId, zone.id);
                    await api.listZone(zone.id);
                } finally {
                    api.destroy();
                }
            });
            const sts = proxy.seen.filter((s) => s.body.includes("Action=AssumeRole"));
            assert.strictEqual(sts.length, 1, "one AssumeRole, reused");
            const params = new URLSearchParams(sts[0].body);
            assert.strictEqual(params.get("RoleArn"), roleArn);
            assert.strictEqual(params.get("ExternalId"), "eim-ext-42");
            assert.strictEqual(params.get("RoleSessionName"), "eks-ingress-mesh-record-sync");
            assert.strictEqual(sts[0].accessKey, "testing", "AssumeRole is signed with the default chain's credentials");
            const route53 = proxy.seen.filter((s) => s.path.startsWith("/2013-04-01/"));
            assert.ok(route53.length >= 2);
            for (const call of route53) {
                assert.notStrictEqual(call.accessKey, "testing", `${call.path} signed with the base credentials`);
                assert.match(call.accessKey, /^ASIA/, "temporary credentials from STS");
            }
        } finally {
            await proxy.close();
        }
    });

    it("without assumeRoleArn the default chain signs Route53 directly (no STS call)", async () => {
        const zone = await newZone(directClient(moto()), "direct");
        const proxy = await recordingProxy(moto().endpoint);
        try {
            await withEnv({ AWS_ENDPOINT_URL: proxy.url, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" }, async () => {
                const api = await createRoute53Api();
                try {
                    await api.resolveZone(`${zone.name}.`, undefined, false);
                } finally {
                    api.destroy();
                }
            });
            assert.ok(!proxy.seen.some((s) => s.body.includes("Action=AssumeRole")));
            assert.ok(proxy.seen.every((s) => s.accessKey === "testing"));
        } finally {
            await proxy.close();
        }
    });

    it("Route53RecordSync with assumeRoleArn: create, refresh and destroy (from the state alone) all go through the assumed role", async () => {
        const zone = await newZone(directClient(moto()), "crossaccount");
        const proxy = await recordingProxy(moto().endpoint);
        const provider = new Route53RecordSyncProvider();
        const roleArn = "arn:aws:iam::123456789012:role/dns-admin";
        try {
            await withEnv({ AWS_ENDPOINT_URL: proxy.url, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "us-east-1" }, async () => {
                // Zone found by name through the role (the stack's own account cannot see it).
                const { id, outs } = await createSync(provider, {
                    zoneName: zone.name,
                    ownerId: "eim-cross",
                    assumeRoleArn: roleArn,
                    externalId: "eim-ext-42",
                    records: [{ name: "app", type: "A", values: ["192.0.2.10"] }],
                });
                assert.strictEqual(outs.zoneId, zone.id);
                assert.strictEqual(outs.assumeRoleArn, roleArn, "kept in state: read and delete get only the state");
                const read = await provider.read(id, outs);
                assert.deepStrictEqual((read.props?.records as Array<{ name: string }>).map((r) => r.name), [`app.${zone.name}.`]);
                await provider.delete(id, outs);
            });
            assert.deepStrictEqual(await zoneContents(directClient(moto()), zone.id), {}, "destroy removed the record and its marker");
            const sts = proxy.seen.filter((s) => s.body.includes("Action=AssumeRole"));
            assert.strictEqual(sts.length, 3, "one AssumeRole per provider operation (create, read, delete)");
            assert.ok(sts.every((s) => new URLSearchParams(s.body).get("ExternalId") === "eim-ext-42"));
            const route53 = proxy.seen.filter((s) => s.path.startsWith("/2013-04-01/"));
            assert.ok(route53.length >= 4);
            assert.ok(route53.every((call) => /^ASIA/.test(call.accessKey)), "every Route53 call signed with the role's temporary key");
        } finally {
            await proxy.close();
        }
    });
});
