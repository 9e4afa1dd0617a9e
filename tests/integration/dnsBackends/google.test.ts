/**
 * The Google Cloud DNS backend's API layer against the loopback Cloud DNS + OAuth double, through
 * the official client (@google-cloud/dns, google-auth-library) with `apiEndpoint` pointed at it.
 * Needs the test certificate that `npm test` generates (see fixtures/testTls.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DnsBackendError, LiveStateChangedError } from "../../../providers/dns/backend";
import { createGoogleDnsClient, googleDnsCustomRole } from "../../../providers/dns/google";
import type { GoogleDnsClientOptions } from "../../../providers/dns/google";
import { GoogleDnsDouble, startGoogleDnsDouble } from "../fixtures/googleDnsDouble";
import { withEnv } from "../dns/helpers";

const PROJECT = "dns-project";
const ZONE = "example-com";
const DNS_NAME = "example.com.";
const EMAIL = "record-sync@dns-project.iam.gserviceaccount.com";

describe("dnsBackends: Google Cloud DNS client against the Cloud DNS double", function () {
    let double: GoogleDnsDouble;
    let keyJson: string;

    beforeEach(async () => {
        double = await startGoogleDnsDouble();
        double.addZone(PROJECT, ZONE, DNS_NAME);
        keyJson = double.addServiceAccount(EMAIL, PROJECT);
    });
    afterEach(async () => double.close());

    const options = (extra: Partial<GoogleDnsClientOptions> = {}): GoogleDnsClientOptions => ({
        project: PROJECT,
        managedZone: ZONE,
        zoneName: DNS_NAME,
        serviceAccountKey: keyJson,
        apiEndpoint: double.host,
        tokenEndpoint: `${double.url}/token`,
        pollIntervalMs: 20,
        ...extra,
    });
    const a = (name: string, ...ips: string[]) => ({ name, type: "A", ttl: 300, values: ips });
    const changes = () => double.apiRequests().filter((r) => r.method === "POST");

    it("authenticates with a service-account key: one JWT bearer grant, then bearer calls", async () => {
        const client = createGoogleDnsClient(options());
        const sets = await client.listZone();
        assert.deepStrictEqual(sets.map((s) => `${s.name} ${s.type}`), ["example.com. NS", "example.com. SOA"]);
        const token = double.requests.find((r) => r.path === "/token");
        assert.ok(token, "no token request");
        assert.strictEqual(new URLSearchParams(token.body).get("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
        await client.listZone();
        assert.strictEqual(double.tokensIssued(), 1, "the token is reused");
    });

    it("a key the token endpoint does not know fails with AuthenticationFailed and no API call", async () => {
        const stranger = JSON.stringify({ ...JSON.parse(keyJson), client_email: "someone@else.iam.gserviceaccount.com" });
        await assert.rejects(createGoogleDnsClient(options({ serviceAccountKey: stranger })).listZone(), (e: unknown) => {
            assert.ok(e instanceof DnsBackendError, String(e));
            assert.strictEqual(e.code, "AuthenticationFailed");
            assert.match(e.message, /invalid_grant/);
            assert.ok(!e.message.includes("PRIVATE KEY"));
            return true;
        });
        assert.strictEqual(double.apiRequests().length, 0);
    });

    it("a malformed key is refused before any call, without echoing it", async () => {
        for (const bad of ["not json {", JSON.stringify({ type: "authorized_user" }), JSON.stringify({ type: "service_account", client_email: "x@y" })]) {
            await assert.rejects(createGoogleDnsClient(options({ serviceAccountKey: bad })).listZone(), (e: unknown) => {
                assert.ok(e instanceof DnsBackendError);
                assert.strictEqual(e.code, "InvalidServiceAccountKey");
                assert.ok(!e.message.includes(bad));
                return true;
            });
        }
        assert.strictEqual(double.requests.length, 0);
    });

    it("Application Default Credentials read GOOGLE_APPLICATION_CREDENTIALS", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "adc-"));
        const file = path.join(dir, "key.json");
        fs.writeFileSync(file, keyJson, { mode: 0o600 });
        try {
            await withEnv({ GOOGLE_APPLICATION_CREDENTIALS: file }, async () => {
                const sets = await createGoogleDnsClient(options({ serviceAccountKey: undefined })).listZone();
                assert.strictEqual(sets.length, 2);
                assert.strictEqual(double.tokensIssued(), 1);
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("lists the whole zone across pages with pageToken", async () => {
        for (let i = 0; i < 1100; i++) double.seed(ZONE, { name: `h${String(i).padStart(4, "0")}.example.com.`, type: "A", ttl: 60, rrdatas: [`10.0.${i >> 8}.${i & 255}`] });
        const sets = await createGoogleDnsClient(options()).listZone();
        assert.strictEqual(sets.length, 1102);
        assert.deepStrictEqual(sets.find((s) => s.name === "h0007.example.com."), { name: "h0007.example.com.", type: "A", ttl: 60, values: ["10.0.0.7"] });
        const lists = double.apiRequests().filter((r) => r.path.endsWith("/rrsets"));
        assert.strictEqual(lists.length, 3, "1102 record sets at 500 a page");
        assert.ok(lists.every((r) => r.query.get("maxResults") === "500"));
        assert.deepStrictEqual(lists.map((r) => r.query.get("pageToken")), [null, "500", "1000"]);
    });

    it("reads given names with one list call per name", async () => {
        double.seed(ZONE, { name: "app.example.com.", type: "A", ttl: 300, rrdatas: ["192.0.2.1"] });
        double.seed(ZONE, { name: "app.example.com.", type: "TXT", ttl: 300, rrdatas: ['"v=1"'] });
        double.seed(ZONE, { name: "other.example.com.", type: "A", ttl: 300, rrdatas: ["192.0.2.9"] });
        const sets = await createGoogleDnsClient(options()).listNames(["app.example.com.", "gone.example.com"]);
        assert.deepStrictEqual(sets.map((s) => `${s.name} ${s.type}`), ["app.example.com. A", "app.example.com. TXT"]);
        assert.deepStrictEqual(double.apiRequests().map((r) => r.query.get("name")), ["app.example.com.", "gone.example.com."]);
    });

    it("applies additions and deletions as one change and polls it until done", async () => {
        double.setPendingPolls(2); // created pending, pending on two polls, done on the third
        const client = createGoogleDnsClient(options());
        const report = await client.apply({
            deletions: [],
            additions: [a("app.example.com.", "192.0.2.1"), { name: "a-app.example.com.", type: "TXT", ttl: 300, values: ['"heritage=external-dns,external-dns/owner=o1"'] }],
        });
        assert.deepStrictEqual(report, { writeRequests: 1, pollRequests: 3 });
        const [post] = changes();
        assert.deepStrictEqual(JSON.parse(post.body), {
            additions: [
                { name: "app.example.com.", ttl: 300, type: "A", rrdatas: ["192.0.2.1"] },
                { name: "a-app.example.com.", ttl: 300, type: "TXT", rrdatas: ['"heritage=external-dns,external-dns/owner=o1"'] },
            ],
            deletions: [],
        });
        assert.deepStrictEqual(double.apiRequests().filter((r) => r.method === "GET").map((r) => r.path.split("/").pop()), ["1", "1", "1"]);

        const live = await client.listNames(["app.example.com."]);
        await client.apply({ deletions: live, additions: [a("app.example.com.", "192.0.2.2")] });
        assert.deepStrictEqual(double.get(ZONE, "app.example.com.", "A")?.rrdatas, ["192.0.2.2"]);
    });

    it("a deletion that does not match live exactly is 412 conditionNotMet: nothing of the change is applied", async () => {
        double.seed(ZONE, { name: "app.example.com.", type: "A", ttl: 300, rrdatas: ["198.51.100.9"] });
        const client = createGoogleDnsClient(options());
        await assert.rejects(
            client.apply({ deletions: [a("app.example.com.", "192.0.2.1")], additions: [a("app.example.com.", "192.0.2.2"), a("new.example.com.", "192.0.2.3")] }),
            (e: unknown) => {
                assert.ok(e instanceof LiveStateChangedError, String(e));
                assert.match(e.message, /conditionNotMet/);
                assert.match(e.message, /re-plan/);
                return true;
            },
        );
        assert.strictEqual(changes()[0].status, 412);
        assert.strictEqual(double.get(ZONE, "new.example.com.", "A"), undefined, "the other addition was not applied");
        assert.deepStrictEqual(double.get(ZONE, "app.example.com.", "A")?.rrdatas, ["198.51.100.9"]);
    });

    it("an addition that already exists is 409 alreadyExists; a deletion of a vanished set is 404 notFound: both mean re-plan", async () => {
        double.seed(ZONE, { name: "app.example.com.", type: "A", ttl: 300, rrdatas: ["198.51.100.9"] });
        const client = createGoogleDnsClient(options());
        await assert.rejects(client.apply({ deletions: [], additions: [a("app.example.com.", "192.0.2.2")] }), (e: unknown) => {
            assert.ok(e instanceof LiveStateChangedError);
            assert.match(e.message, /alreadyExists/);
            return true;
        });
        await assert.rejects(client.apply({ deletions: [a("gone.example.com.", "192.0.2.2")], additions: [] }), LiveStateChangedError);
        assert.deepStrictEqual(changes().map((r) => r.status), [409, 404]);
    });

    it("a CNAME beside other record sets is refused with CnameConflict; replacing them in one change works", async () => {
        double.seed(ZONE, { name: "www.example.com.", type: "A", ttl: 300, rrdatas: ["192.0.2.1"] });
        const cname = { name: "www.example.com.", type: "CNAME", ttl: 300, values: ["my-alb-1.us-east-1.elb.amazonaws.com."] };
        const client = createGoogleDnsClient(options());
        await assert.rejects(client.apply({ deletions: [], additions: [cname] }), (e: unknown) => {
            assert.ok(e instanceof DnsBackendError, String(e));
            assert.strictEqual(e.code, "CnameConflict");
            return true;
        });
        await client.apply({ deletions: await client.listNames(["www.example.com."]), additions: [cname] });
        assert.deepStrictEqual((await client.listNames(["www.example.com."])).map((s) => `${s.type} ${s.values}`), ["CNAME my-alb-1.us-east-1.elb.amazonaws.com."]);
    });

    it("a change still pending after the poll timeout fails with ChangePending, naming the change", async () => {
        double.setPendingPolls(1000);
        const client = createGoogleDnsClient(options({ pollIntervalMs: 20, pollTimeoutMs: 150 }));
        await assert.rejects(client.apply({ deletions: [], additions: [a("app.example.com.", "192.0.2.1")] }), (e: unknown) => {
            assert.ok(e instanceof DnsBackendError);
            assert.strictEqual(e.code, "ChangePending");
            assert.match(e.message, /change 1 /);
            return true;
        });
        assert.ok(double.get(ZONE, "app.example.com.", "A"), "the change itself was applied");
    });

    it("a 429 rateLimitExceeded is retried by the client library", async () => {
        const client = createGoogleDnsClient(options());
        await client.listZone();
        double.throttle(1);
        await client.apply({ deletions: [], additions: [a("app.example.com.", "192.0.2.1")] });
        assert.deepStrictEqual(changes().map((r) => r.status), [429, 200]);
    });

    it("a lost change response: the library retries, the retry meets the applied change (409), and a re-plan finds it done", async () => {
        const client = createGoogleDnsClient(options());
        await client.listZone();
        double.loseNextChangeResponse();
        await assert.rejects(client.apply({ deletions: [], additions: [a("app.example.com.", "192.0.2.1")] }), LiveStateChangedError);
        assert.deepStrictEqual(changes().map((r) => r.status), [503, 409]);
        assert.deepStrictEqual((await client.listNames(["app.example.com."])).map((s) => s.values), [["192.0.2.1"]]);
    });

    it("refuses a change it cannot carry before any call", async () => {
        const client = createGoogleDnsClient(options());
        const big = '"' + "x".repeat(250) + '"';
        await assert.rejects(
            client.apply({ deletions: [], additions: Array.from({ length: 5 }, (_, i) => ({ name: `t${i}.example.com.`, type: "TXT", ttl: 300, values: Array.from({ length: 90 }, () => big) })) }),
            (e: unknown) => e instanceof DnsBackendError && e.code === "InvalidChange" && /rrdata bytes/.test(e.message),
        );
        await assert.rejects(client.apply({ deletions: [], additions: [{ name: "x.example.com.", type: "CNAME", ttl: 300, values: ["a.", "b."] }] }), /exactly one value/);
        assert.strictEqual(double.requests.length, 0);
    });

    it("the double checks change bodies against the discovery document", async () => {
        const { changeBodyProblem } = await import("../fixtures/googleDnsDouble");
        assert.match(changeBodyProblem({ additions: [], deletions: [] }, DNS_NAME)!.reason, /required/);
        assert.match(changeBodyProblem({ additions: [{ name: "a.example.com.", type: "A", ttl: 1, rrdatas: ["x"], rdata: 1 }] }, DNS_NAME)!.message, /Unknown name "rdata"/);
        assert.match(changeBodyProblem({ additions: [{ name: "a.example.com", type: "A", ttl: 1, rrdatas: ["x"] }] }, DNS_NAME)!.message, /fully qualified/);
        assert.match(changeBodyProblem({ additions: [{ name: "a.example.com.", type: "A", ttl: "1", rrdatas: ["x"] }] }, DNS_NAME)!.message, /ttl/);
        assert.match(changeBodyProblem({ additions: [{ name: "a.example.com.", type: "A", rrdatas: ["x"] }] }, DNS_NAME)!.message, /ttl' parameter is required/);
        assert.strictEqual(changeBodyProblem({ additions: [{ kind: "dns#resourceRecordSet", name: "a.example.com.", type: "A", ttl: 1, rrdatas: ["x"] }] }, DNS_NAME), undefined);
    });

    it("emits an IAM custom role for the managed zone", () => {
        const binding = googleDnsCustomRole(PROJECT, ZONE);
        assert.strictEqual(binding.resource, `projects/${PROJECT}/managedZones/${ZONE}`);
        assert.ok(binding.customRole.includedPermissions.includes("dns.changes.create"));
        assert.ok(!binding.customRole.includedPermissions.some((p) => p.startsWith("dns.managedZones.")));
    });
});
