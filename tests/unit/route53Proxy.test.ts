// The fault-injecting Route53 proxy against a loopback stub upstream: routing of
// actions, batch sizes, every fault kind, determinism of the seeded faults, and
// that the AWS SDK classifies its error documents the way Route53's are.
import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { ChangeResourceRecordSetsCommand, GetChangeCommand, Route53Client } from "@aws-sdk/client-route-53";
import {
    FaultPlan,
    Route53Proxy,
    TokenBucket,
    countChanges,
    route53Action,
    seededRandom,
    startRoute53Proxy,
} from "../integration/fixtures/route53Proxy";

const CHANGE_INFO = `<?xml version="1.0"?><ChangeResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status><SubmittedAt>2024-01-01T00:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>`;
const GET_CHANGE = CHANGE_INFO.replace(/ChangeResourceRecordSetsResponse/g, "GetChangeResponse");

function changeBody(n: number): string {
    const change = `<Change><Action>CREATE</Action><ResourceRecordSet><Name>a.example.com</Name><Type>A</Type></ResourceRecordSet></Change>`;
    return `<ChangeResourceRecordSetsRequest><ChangeBatch><Changes>${change.repeat(n)}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
}

interface Reply {
    status?: number;
    body: string;
    error?: string;
}

/** Plain HTTP call through the proxy; resolves with the status and body, or the socket error. */
function call(endpoint: string, method: string, path: string, body = ""): Promise<Reply> {
    return new Promise((resolve) => {
        const req = http.request(`${endpoint}${path}`, { method, agent: false }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
        });
        req.on("error", (e: NodeJS.ErrnoException) => resolve({ body: "", error: e.code ?? e.message }));
        req.end(body);
    });
}

describe("route53 test proxy", () => {
    let upstream: http.Server;
    let upstreamCalls: string[];
    let proxy: Route53Proxy;

    before(async () => {
        upstream = http.createServer((req, res) => {
            upstreamCalls.push(`${req.method} ${req.url}`);
            req.resume();
            req.on("end", () => {
                res.writeHead(200, { "content-type": "text/xml" });
                res.end(req.url?.includes("/change/") ? GET_CHANGE : CHANGE_INFO);
            });
        });
        await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
        proxy = await startRoute53Proxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    });
    beforeEach(() => {
        upstreamCalls = [];
        proxy.reset();
        proxy.setFaults({ rules: [] });
        proxy.setRateLimit();
    });
    after(async () => {
        await proxy.close();
        await new Promise((r) => upstream.close(r));
    });

    it("names Route53 actions from method and path", () => {
        const cases: [string, string, string][] = [
            ["POST", "/2013-04-01/hostedzone/Z123/rrset", "ChangeResourceRecordSets"],
            ["POST", "/2013-04-01/hostedzone/Z123/rrset/", "ChangeResourceRecordSets"],
            ["GET", "/2013-04-01/hostedzone/Z123/rrset?maxitems=300&name=a.example.com", "ListResourceRecordSets"],
            ["GET", "/2013-04-01/hostedzonesbyname?dnsname=example.com", "ListHostedZonesByName"],
            ["GET", "/2013-04-01/hostedzone/Z123", "GetHostedZone"],
            ["GET", "/2013-04-01/hostedzone", "ListHostedZones"],
            ["POST", "/2013-04-01/hostedzone", "CreateHostedZone"],
            ["DELETE", "/2013-04-01/hostedzone/Z123", "DeleteHostedZone"],
            ["GET", "/2013-04-01/change/C42", "GetChange"],
            ["GET", "/2013-04-01/tags/hostedzone/Z123", "ListTagsForResource"],
            ["PUT", "/2013-04-01/hostedzone/Z123", "PUT /2013-04-01/hostedzone/Z123"],
            ["GET", "/moto-api/", "GET /moto-api"],
        ];
        for (const [method, path, want] of cases) assert.strictEqual(route53Action(method, path), want, `${method} ${path}`);
    });

    it("counts <Change> elements, not <Changes> or <ChangeBatch>", () => {
        assert.strictEqual(countChanges(changeBody(0)), 0);
        assert.strictEqual(countChanges(changeBody(7)), 7);
        assert.strictEqual(countChanges(`<Changes><Change xmlns="x"><Action>DELETE</Action></Change></Changes>`), 1);
    });

    it("forwards every call and counts calls by action and batch sizes", async () => {
        const a = await call(proxy.endpoint, "POST", "/2013-04-01/hostedzone/Z1/rrset", changeBody(3));
        const b = await call(proxy.endpoint, "POST", "/2013-04-01/hostedzone/Z1/rrset", changeBody(1000));
        const c = await call(proxy.endpoint, "GET", "/2013-04-01/change/C1");
        assert.deepStrictEqual([a.status, b.status, c.status], [200, 200, 200]);
        assert.match(c.body, /GetChangeResponse/);
        assert.deepStrictEqual(proxy.counts(), { ChangeResourceRecordSets: 2, GetChange: 1 });
        assert.deepStrictEqual(proxy.changeSizes(), [3, 1000]);
        assert.strictEqual(upstreamCalls.length, 3);
        proxy.reset();
        assert.deepStrictEqual(proxy.counts(), {});
        assert.deepStrictEqual(proxy.changeSizes(), []);
    });

    it("answers Route53-shaped Throttling that the SDK classifies as throttling", async () => {
        proxy.setFaults({ rules: [{ fault: { kind: "throttle" } }] });
        const raw = await call(proxy.endpoint, "GET", "/2013-04-01/change/C1");
        assert.strictEqual(raw.status, 400);
        assert.match(raw.body, /<ErrorResponse xmlns="https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/"><Error><Type>Sender<\/Type><Code>Throttling<\/Code><Message>Rate exceeded<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>/);

        const client = new Route53Client({
            endpoint: proxy.endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
            maxAttempts: 1,
        });
        try {
            await assert.rejects(client.send(new GetChangeCommand({ Id: "C1" })), (e: Error) => {
                assert.strictEqual(e.name, "Throttling");
                assert.strictEqual(e.message, "Rate exceeded");
                return true;
            });
            proxy.setFaults({ rules: [{ fault: { kind: "priorRequestNotComplete" } }] });
            await assert.rejects(client.send(new GetChangeCommand({ Id: "C1" })), { name: "PriorRequestNotComplete" });
        } finally {
            client.destroy();
        }
        assert.strictEqual(upstreamCalls.length, 0, "faulted calls must not reach the upstream");
    });

    it("lets the SDK's retries ride through throttling", async () => {
        proxy.setFaults({ rules: [{ action: "ChangeResourceRecordSets", nth: 1, times: 2, fault: { kind: "throttle" } }] });
        const client = new Route53Client({
            endpoint: proxy.endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
            maxAttempts: 3,
            retryMode: "standard",
        });
        try {
            const out = await client.send(new ChangeResourceRecordSetsCommand({
                HostedZoneId: "Z1",
                ChangeBatch: { Changes: [{ Action: "CREATE", ResourceRecordSet: { Name: "a.example.com", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }] } }] },
            }));
            assert.strictEqual(out.ChangeInfo?.Status, "INSYNC");
        } finally {
            client.destroy();
        }
        assert.deepStrictEqual(proxy.counts(), { ChangeResourceRecordSets: 3 });
        assert.deepStrictEqual(proxy.calls().map((c) => c.fault), ["throttle", "throttle", undefined]);
        assert.strictEqual(upstreamCalls.length, 1);
    });

    it("fails the n-th call of an action with a 5xx, for `times` calls", async () => {
        proxy.setFaults({ rules: [{ action: "ChangeResourceRecordSets", nth: 2, times: 2, fault: { kind: "status", status: 503 } }] });
        const statuses: (number | undefined)[] = [];
        for (let i = 0; i < 4; i++) {
            statuses.push((await call(proxy.endpoint, "GET", "/2013-04-01/change/C1")).status);
            const r = await call(proxy.endpoint, "POST", "/2013-04-01/hostedzone/Z1/rrset", changeBody(1));
            statuses.push(r.status);
            if (r.status === 503) assert.match(r.body, /<Type>Receiver<\/Type><Code>InternalFailure<\/Code>/);
        }
        assert.deepStrictEqual(statuses, [200, 200, 200, 503, 200, 503, 200, 200]);
        assert.deepStrictEqual(proxy.counts(), { GetChange: 4, ChangeResourceRecordSets: 4 });
    });

    it("drops the connection before or after forwarding", async () => {
        proxy.setFaults({ rules: [{ action: "GetChange", nth: 1, fault: { kind: "drop" } }] });
        const before = await call(proxy.endpoint, "GET", "/2013-04-01/change/C1");
        assert.strictEqual(before.status, undefined);
        assert.ok(before.error, "the client sees a socket error");
        assert.strictEqual(upstreamCalls.length, 0);

        proxy.setFaults({ rules: [{ action: "ChangeResourceRecordSets", nth: 1, fault: { kind: "drop", when: "after" } }] });
        const after = await call(proxy.endpoint, "POST", "/2013-04-01/hostedzone/Z1/rrset", changeBody(2));
        assert.strictEqual(after.status, undefined);
        assert.ok(after.error);
        assert.deepStrictEqual(upstreamCalls, ["POST /2013-04-01/hostedzone/Z1/rrset"], "the upstream applied the call whose response was lost");
        assert.strictEqual((await call(proxy.endpoint, "POST", "/2013-04-01/hostedzone/Z1/rrset", changeBody(2))).status, 200, "only the first call drops");
    });

    it("adds latency", async () => {
        proxy.setFaults({ rules: [{ fault: { kind: "latency", ms: 150 } }] });
        const t0 = Date.now();
        assert.strictEqual((await call(proxy.endpoint, "GET", "/2013-04-01/change/C1")).status, 200);
        assert.ok(Date.now() - t0 >= 145, `took ${Date.now() - t0} ms`);
    });

    it("throttles a seeded fraction of calls, identically for the same seed", async () => {
        const plan: FaultPlan = { seed: 42, rules: [{ fraction: 0.3, fault: { kind: "throttle" } }] };
        const run = async (): Promise<boolean[]> => {
            proxy.reset();
            proxy.setFaults(plan);
            const out: boolean[] = [];
            for (let i = 0; i < 200; i++) out.push((await call(proxy.endpoint, "GET", "/2013-04-01/change/C1")).status === 400);
            return out;
        };
        const first = await run();
        const second = await run();
        assert.deepStrictEqual(first, second);
        const throttled = first.filter(Boolean).length;
        assert.ok(throttled >= 40 && throttled <= 80, `expected ~60 of 200 throttled, got ${throttled}`);
        proxy.setFaults({ ...plan, seed: 43 });
        proxy.reset();
        const other: boolean[] = [];
        for (let i = 0; i < 200; i++) other.push((await call(proxy.endpoint, "GET", "/2013-04-01/change/C1")).status === 400);
        assert.notDeepStrictEqual(other, first, "another seed gives another sequence");
    });

    it("rate-limits by delaying, or by throttling when asked", async () => {
        proxy.setRateLimit(20);
        const t0 = Date.now();
        const replies = await Promise.all(Array.from({ length: 5 }, () => call(proxy.endpoint, "GET", "/2013-04-01/change/C1")));
        const elapsed = Date.now() - t0;
        assert.ok(replies.every((r) => r.status === 200));
        assert.ok(elapsed >= 190, `5 calls at 20/s, burst 1, must take >= 200 ms; took ${elapsed}`);
        assert.ok(proxy.calls().some((c) => c.queuedMs >= 150));

        proxy.setRateLimit(1, { mode: "throttle" });
        const [a, b] = await Promise.all([call(proxy.endpoint, "GET", "/2013-04-01/change/C1"), call(proxy.endpoint, "GET", "/2013-04-01/change/C1")]);
        assert.deepStrictEqual([a.status, b.status].sort(), [200, 400]);
    });

    it("rejects invalid plans and limits with the field and the rule", () => {
        assert.throws(() => proxy.setFaults({ rules: [{ nth: 0, fault: { kind: "throttle" } }] }), /rule 0 \(throttle\): nth must be an integer >= 1, got 0/);
        assert.throws(() => proxy.setFaults({ rules: [{ fraction: 1.5, fault: { kind: "throttle" } }] }), /fraction must be in 0\.\.1/);
        assert.throws(() => proxy.setRateLimit(0), /rps must be a positive number/);
    });
});

describe("TokenBucket", () => {
    it("spaces requests by 1/rps after the burst, and refuses in throttle mode", () => {
        let now = 1000;
        const bucket = new TokenBucket(10, 3, () => now);
        assert.deepStrictEqual([bucket.reserve(true), bucket.reserve(true), bucket.reserve(true)], [0, 0, 0]);
        assert.strictEqual(bucket.reserve(false), undefined);
        assert.strictEqual(bucket.reserve(true), 100);
        assert.strictEqual(bucket.reserve(true), 200);
        now += 1000;
        assert.strictEqual(bucket.reserve(false), 0, "tokens refill over time");
    });
});

describe("seededRandom", () => {
    it("is deterministic per seed and stays in [0, 1)", () => {
        const a = seededRandom(7);
        const b = seededRandom(7);
        for (let i = 0; i < 1000; i++) {
            const x = a();
            assert.strictEqual(x, b());
            assert.ok(x >= 0 && x < 1);
        }
    });
});
