/**
 * The Azure DNS backend's API layer against the loopback Azure DNS + Entra ID double, through
 * the official clients (@azure/arm-dns, @azure/identity) with their endpoints pointed at it.
 * Needs the test certificate that `npm test` generates (see fixtures/testTls.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { DnsBackendError, LiveStateChangedError } from "../../../providers/dns/backend";
import { azureDnsRoleDefinition, createAzureDnsClient } from "../../../providers/dns/azure";
import type { AzureDnsClientOptions } from "../../../providers/dns/azure";
import { AzureDnsDouble, startAzureDnsDouble } from "../fixtures/azureDnsDouble";
import { withEnv } from "../dns/helpers";

const SUB = "00000000-0000-0000-0000-0000000000aa";
const RG = "dns-rg";
const ZONE = "example.com";
const TENANT = "11111111-1111-1111-1111-111111111111";
const CLIENT_ID = "22222222-2222-2222-2222-222222222222";
const SECRET = "s3cret-value-for-tests";

describe("dnsBackends: Azure DNS client against the Azure DNS double", function () {
    let double: AzureDnsDouble;

    beforeEach(async () => {
        double = await startAzureDnsDouble();
        double.addZone(SUB, RG, ZONE);
        double.addClient(TENANT, CLIENT_ID, SECRET);
    });
    afterEach(async () => double.close());

    const options = (extra: Partial<AzureDnsClientOptions> = {}): AzureDnsClientOptions => ({
        subscriptionId: SUB,
        resourceGroup: RG,
        zoneName: ZONE,
        clientSecret: { tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET },
        endpoint: double.url,
        authorityHost: double.url,
        disableInstanceDiscovery: true,
        retryDelayInMs: 50,
        ...extra,
    });
    const a = (name: string, ...ips: string[]) => ({ name, type: "A", ttl: 300, values: ips });
    const writes = () => double.armRequests().filter((r) => r.method === "PUT" || r.method === "DELETE");

    it("authenticates with a client secret: authority metadata, then one token for Resource Manager", async () => {
        const client = createAzureDnsClient(options());
        const sets = await client.listZone();
        assert.deepStrictEqual(sets.map((s) => `${s.name} ${s.type}`), ["example.com. NS", "example.com. SOA"]);
        const paths = double.requests.map((r) => `${r.method} ${r.path}`);
        assert.ok(paths.includes(`GET /${TENANT}/v2.0/.well-known/openid-configuration`), paths.join("\n"));
        const tokenCall = double.requests.find((r) => r.path === `/${TENANT}/oauth2/v2.0/token`);
        assert.ok(tokenCall, "no token request");
        const form = new URLSearchParams(tokenCall.body);
        assert.strictEqual(form.get("grant_type"), "client_credentials");
        assert.strictEqual(form.get("scope"), "https://management.azure.com/.default");
        assert.strictEqual(double.tokensIssued(), 1);
        await client.listZone();
        assert.strictEqual(double.tokensIssued(), 1, "the token is cached between calls");
    });

    it("a wrong client secret fails with a clear error and sends nothing to Resource Manager", async () => {
        const client = createAzureDnsClient(options({ clientSecret: { tenantId: TENANT, clientId: CLIENT_ID, clientSecret: "wrong" } }));
        await assert.rejects(client.listZone(), (e: unknown) => {
            assert.ok(e instanceof DnsBackendError, String(e));
            assert.strictEqual(e.code, "AuthenticationFailed");
            assert.match(e.message, /AADSTS7000215/);
            assert.ok(!e.message.includes("wrong"), "the secret is not echoed");
            return true;
        });
        assert.strictEqual(double.armRequests().length, 0);
    });

    it("DefaultAzureCredential picks a client secret up from the environment", async () => {
        const vars = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT_ID, AZURE_CLIENT_SECRET: SECRET, AZURE_AUTHORITY_HOST: double.url };
        await withEnv(vars, async () => {
            const client = createAzureDnsClient(options({ clientSecret: undefined }));
            assert.strictEqual((await client.listZone()).length, 2);
            assert.strictEqual(double.tokensIssued(), 1);
        });
    });

    it("DefaultAzureCredential uses workload identity (a federated token file, as on AKS or EKS)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-"));
        const tokenFile = path.join(dir, "token");
        const federated = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVtbzpkbnMifQ.sig";
        fs.writeFileSync(tokenFile, federated);
        double.addFederatedClient(TENANT, "33333333-3333-3333-3333-333333333333", federated);
        const vars = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: "33333333-3333-3333-3333-333333333333", AZURE_FEDERATED_TOKEN_FILE: tokenFile, AZURE_AUTHORITY_HOST: double.url };
        try {
            await withEnv(vars, async () => {
                const client = createAzureDnsClient(options({ clientSecret: undefined }));
                assert.strictEqual((await client.listZone()).length, 2);
                const form = new URLSearchParams(double.requests.find((r) => r.path.endsWith("/token"))!.body);
                assert.strictEqual(form.get("client_assertion"), federated);
                assert.strictEqual(form.get("client_secret"), null);
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("lists the whole zone across pages of $top=100 following nextLink", async () => {
        for (let i = 0; i < 230; i++) double.seed(ZONE, `h${String(i).padStart(3, "0")}`, "A", { TTL: 60, ARecords: [{ ipv4Address: `10.0.${i >> 8}.${i & 255}` }] });
        const sets = await createAzureDnsClient(options()).listZone();
        assert.strictEqual(sets.length, 232);
        const h7 = sets.find((s) => s.name === "h007.example.com.");
        assert.deepStrictEqual({ ...h7, etag: undefined }, { name: "h007.example.com.", type: "A", ttl: 60, values: ["10.0.0.7"], etag: undefined });
        assert.ok(h7?.etag, "etag is reported");
        const lists = double.armRequests().filter((r) => r.path.endsWith("/all"));
        assert.strictEqual(lists.length, 3, "232 record sets at 100 a page");
        assert.ok(lists.every((r) => r.query.get("$top") === "100"));
        assert.deepStrictEqual(lists.map((r) => r.query.has("$skiptoken")), [false, true, true]);
    });

    it("reads given names with one GET per writable type, ignoring absent sets", async () => {
        double.seed(ZONE, "app", "A", { TTL: 300, ARecords: [{ ipv4Address: "192.0.2.1" }] });
        double.seed(ZONE, "a-app", "TXT", { TTL: 300, TXTRecords: [{ value: ["heritage=external-dns,external-dns/owner=o1"] }] });
        const sets = await createAzureDnsClient(options()).listNames(["app.example.com.", "a-app.example.com"]);
        assert.deepStrictEqual(
            sets.map((s) => `${s.name} ${s.type} ${s.values.join(",")}`).sort(),
            ['a-app.example.com. TXT "heritage=external-dns,external-dns/owner=o1"', "app.example.com. A 192.0.2.1"],
        );
        assert.strictEqual(double.armRequests().filter((r) => r.method === "GET").length, 8);
    });

    it("creates with If-None-Match: *, replaces with If-Match: <etag>, deletes with If-Match", async () => {
        const client = createAzureDnsClient(options());
        await client.apply({
            deletions: [],
            additions: [a("app.example.com.", "192.0.2.1"), { name: "a-app.example.com.", type: "TXT", ttl: 300, values: ['"heritage=external-dns,external-dns/owner=o1"'] }],
        });
        assert.deepStrictEqual(writes().map((r) => [r.method, r.headers["if-none-match"], r.status]), [
            ["PUT", "*", 201],
            ["PUT", "*", 201],
        ]);
        assert.deepStrictEqual(double.get(ZONE, "a-app", "TXT")?.properties.TXTRecords, [{ value: ["heritage=external-dns,external-dns/owner=o1"] }]);

        const live = await client.listNames(["app.example.com.", "a-app.example.com."]);
        const app = live.find((s) => s.type === "A")!;
        const marker = live.find((s) => s.type === "TXT")!;
        const report = await client.apply({ deletions: [app, marker], additions: [a("app.example.com.", "192.0.2.2", "192.0.2.3")] });
        assert.strictEqual(report.writeRequests, 2);
        const [del, put] = writes().slice(2);
        assert.deepStrictEqual([del.method, del.headers["if-match"], del.status], ["DELETE", marker.etag, 200]);
        assert.deepStrictEqual([put.method, put.headers["if-match"], put.status], ["PUT", app.etag, 200]);
        assert.deepStrictEqual(double.get(ZONE, "app", "A")?.properties.ARecords, [{ ipv4Address: "192.0.2.2" }, { ipv4Address: "192.0.2.3" }]);
        assert.strictEqual(double.get(ZONE, "a-app", "TXT"), undefined);
    });

    it("a record set changed since it was read: 412 becomes LiveStateChangedError and the set keeps the other writer's data", async () => {
        double.seed(ZONE, "app", "A", { TTL: 300, ARecords: [{ ipv4Address: "192.0.2.1" }] });
        const client = createAzureDnsClient(options());
        const [read] = await client.listNames(["app.example.com."]);
        double.seed(ZONE, "app", "A", { TTL: 300, ARecords: [{ ipv4Address: "198.51.100.9" }] }); // someone else, new etag
        await assert.rejects(client.apply({ deletions: [read], additions: [a("app.example.com.", "192.0.2.2")] }), (e: unknown) => {
            assert.ok(e instanceof LiveStateChangedError, String(e));
            assert.match(e.message, /app\.example\.com\. A changed since it was read/);
            assert.match(e.message, /re-plan/);
            return true;
        });
        assert.strictEqual(writes()[0].status, 412);
        assert.deepStrictEqual(double.get(ZONE, "app", "A")?.properties.ARecords, [{ ipv4Address: "198.51.100.9" }]);
    });

    it("creating a set that appeared meanwhile is refused (If-None-Match), as is deleting one that differs from the plan", async () => {
        double.seed(ZONE, "app", "A", { TTL: 300, ARecords: [{ ipv4Address: "198.51.100.9" }] });
        const client = createAzureDnsClient(options());
        await assert.rejects(client.apply({ deletions: [], additions: [a("app.example.com.", "192.0.2.2")] }), (e: unknown) => {
            assert.ok(e instanceof LiveStateChangedError);
            assert.match(e.message, /already exists/);
            return true;
        });
        // A deletion planned without an etag is read first and must match exactly.
        await assert.rejects(client.apply({ deletions: [a("app.example.com.", "192.0.2.2")], additions: [] }), LiveStateChangedError);
        assert.strictEqual(writes().filter((r) => r.method === "DELETE").length, 0, "no DELETE was sent");
        await client.apply({ deletions: [a("app.example.com.", "198.51.100.9")], additions: [] });
        assert.strictEqual(double.get(ZONE, "app", "A"), undefined);
    });

    it("a CNAME beside other record sets is a 409 Conflict, mapped to CnameConflict", async () => {
        double.seed(ZONE, "www", "A", { TTL: 300, ARecords: [{ ipv4Address: "192.0.2.1" }] });
        const client = createAzureDnsClient(options());
        await assert.rejects(
            client.apply({ deletions: [], additions: [{ name: "www.example.com.", type: "CNAME", ttl: 300, values: ["my-alb-1.us-east-1.elb.amazonaws.com."] }] }),
            (e: unknown) => {
                assert.ok(e instanceof DnsBackendError, String(e));
                assert.strictEqual(e.code, "CnameConflict");
                assert.strictEqual(e.status, 409);
                return true;
            },
        );
        // Replacing the A by the CNAME in one change works: the DELETE goes first.
        const live = await client.listNames(["www.example.com."]);
        await client.apply({ deletions: live, additions: [{ name: "www.example.com.", type: "CNAME", ttl: 300, values: ["my-alb-1.us-east-1.elb.amazonaws.com."] }] });
        assert.deepStrictEqual(double.get(ZONE, "www", "CNAME")?.properties.CNAMERecord, { cname: "my-alb-1.us-east-1.elb.amazonaws.com" });
        const [cname] = await client.listNames(["www.example.com."]);
        assert.deepStrictEqual(cname.values, ["my-alb-1.us-east-1.elb.amazonaws.com."]);
    });

    it("429 with Retry-After is retried after the time it asks for", async () => {
        const client = createAzureDnsClient(options());
        await client.listZone(); // token first, so only the write is throttled
        double.throttle(2, 1);
        const started = Date.now();
        await client.apply({ deletions: [], additions: [a("app.example.com.", "192.0.2.1")] });
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 2000, `waited ${elapsed} ms for two Retry-After: 1`);
        assert.deepStrictEqual(writes().map((r) => r.status), [429, 429, 201]);
    });

    it("throttling that outlasts the retries fails with Throttled", async () => {
        const client = createAzureDnsClient(options({ maxRetries: 1 }));
        await client.listZone();
        double.throttle(5, 0);
        await assert.rejects(client.apply({ deletions: [], additions: [a("app.example.com.", "192.0.2.1")] }), (e: unknown) => {
            assert.ok(e instanceof DnsBackendError);
            assert.strictEqual(e.code, "Throttled");
            assert.strictEqual(e.applied, 0);
            return true;
        });
        assert.strictEqual(writes().length, 2);
    });

    it("a lost write response: the SDK retries, the retry meets the applied write (412), and a re-plan finds it done", async () => {
        const client = createAzureDnsClient(options());
        double.loseNextWriteResponse();
        await assert.rejects(client.apply({ deletions: [], additions: [a("app.example.com.", "192.0.2.1")] }), LiveStateChangedError);
        assert.deepStrictEqual(writes().map((r) => [r.headers["if-none-match"], r.status]), [["*", 500], ["*", 412]]);
        const live = await client.listNames(["app.example.com."]);
        assert.deepStrictEqual(live.map((s) => s.values), [["192.0.2.1"]], "the re-read shows the write applied: nothing left to do");
    });

    it("writes with bounded concurrency", async () => {
        double.setWriteLatency(40);
        const client = createAzureDnsClient(options({ concurrency: 3 }));
        const additions = Array.from({ length: 12 }, (_, i) => a(`h${i}.example.com.`, "192.0.2.1"));
        const report = await client.apply({ deletions: [], additions });
        assert.strictEqual(report.writeRequests, 12);
        assert.strictEqual(double.maxConcurrentWrites(), 3);
    });

    it("refuses a change it cannot carry before any call", async () => {
        const client = createAzureDnsClient(options());
        await assert.rejects(
            client.apply({
                deletions: [],
                additions: [
                    { name: "x.example.com.", type: "CNAME", ttl: 300, values: ["a.", "b."] },
                    { name: "y.example.org.", type: "A", ttl: 300, values: ["192.0.2.1"] },
                    { name: "z.example.com.", type: "MX", ttl: 300, values: ["10 mail."] },
                    a("w.example.com.", ...Array.from({ length: 21 }, (_, i) => `192.0.2.${i}`)),
                ],
            }),
            (e: unknown) => {
                assert.ok(e instanceof DnsBackendError);
                assert.strictEqual(e.code, "InvalidChange");
                for (const part of ["exactly one value", "inside example.com.", "type must be one of", "1..20 values"]) assert.ok(e.message.includes(part), `${part} in ${e.message}`);
                return true;
            },
        );
        assert.strictEqual(double.requests.length, 0);
    });

    it("the double checks PUT bodies against the API description", async () => {
        const client = createAzureDnsClient(options());
        await client.listZone();
        const token = double.armRequests()[0].headers.authorization as string;
        const put = (type: string, body: unknown) =>
            new Promise<{ status: number; text: string }>((resolve, reject) => {
                const req = https.request(
                    `${double.url}/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/dnsZones/${ZONE}/${type}/x?api-version=2018-05-01`,
                    { method: "PUT", headers: { authorization: token, "content-type": "application/json" } },
                    (res) => {
                        let text = "";
                        res.on("data", (c) => (text += c));
                        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
                    },
                );
                req.on("error", reject);
                req.end(JSON.stringify(body));
            });
        assert.strictEqual((await put("TXT", { properties: { TTL: 60, ARecords: [{ ipv4Address: "192.0.2.1" }] } })).status, 400);
        assert.strictEqual((await put("A", { properties: { TTL: 60, ARecords: [{ ipv4: "192.0.2.1" }] } })).status, 400);
        assert.strictEqual((await put("A", { properties: { ttl: 60 } })).status, 400);
        assert.strictEqual((await put("A", { properties: { TTL: "60" } })).status, 400);
        assert.strictEqual((await put("TXT", { properties: { TTL: 60, TXTRecords: [{ value: "not-an-array" }] } })).status, 400);
        assert.strictEqual((await put("A", { properties: { TTL: 60, ARecords: [{ ipv4Address: "192.0.2.1" }] } })).status, 201);
    });

    it("emits a custom role scoped to the zone", () => {
        const role = azureDnsRoleDefinition(SUB, RG, "example.com.");
        assert.deepStrictEqual(role.AssignableScopes, [`/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/dnsZones/example.com`]);
        assert.ok(role.Actions.includes("Microsoft.Network/dnszones/TXT/write"));
        assert.ok(!role.Actions.some((x) => x.includes("*") || x === "Microsoft.Network/dnszones/write"));
    });
});
