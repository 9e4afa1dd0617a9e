import * as assert from "assert";
import { runRequests } from "../../../verify/requests";
import { lookupVia } from "../../../verify/resolver";

describe("verify: request pacing", () => {
    it("never has more than `concurrency` requests in flight and keeps results in order", async () => {
        let inFlight = 0;
        let most = 0;
        const progress: number[] = [];
        const outcomes = await runRequests({ count: 40, concurrency: 5, progressEvery: 10, onProgress: (done) => progress.push(done) }, async (i) => {
            inFlight++;
            most = Math.max(most, inFlight);
            await new Promise((r) => setTimeout(r, 2));
            inFlight--;
            if (i === 7) throw new Error("boom");
            return i * 2;
        });
        assert.strictEqual(most, 5);
        assert.deepStrictEqual(progress, [10, 20, 30, 40]);
        assert.deepStrictEqual(outcomes[3], { ok: true, value: 6 });
        assert.strictEqual(outcomes[7].ok, false);
    });

    it("starts at most `perSecond` requests per second", async () => {
        const starts: number[] = [];
        const began = Date.now();
        await runRequests({ count: 11, concurrency: 11, perSecond: 50 }, async () => void starts.push(Date.now() - began));
        // Request i starts no earlier than i/50 s: the 11th at >= 200 ms.
        assert.ok(Math.max(...starts) >= 195, `last start at ${Math.max(...starts)} ms`);
    });
});

describe("verify: lookup through the verify resolver", () => {
    const call = (lookup: ReturnType<typeof lookupVia>, host: string, all: boolean) =>
        new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((resolve) =>
            lookup(host, { all }, (error, address, family) => resolve({ error, result: all ? address : [address, family] })),
        );

    it("answers single and all-address lookups from the resolver", async () => {
        const lookup = lookupVia(async (host) => (host === "app.example.com" ? ["192.0.2.1", "192.0.2.2"] : []));
        assert.deepStrictEqual((await call(lookup, "app.example.com", false)).result, ["192.0.2.1", 4]);
        assert.deepStrictEqual((await call(lookup, "app.example.com", true)).result, [
            { address: "192.0.2.1", family: 4 },
            { address: "192.0.2.2", family: 4 },
        ]);
        assert.strictEqual((await call(lookup, "empty.example.com", false)).error?.code, "ENODATA");
    });

    it("passes IP literals through and resolver errors on", async () => {
        const lookup = lookupVia(async () => {
            throw Object.assign(new Error("queryA ENOTFOUND x"), { code: "ENOTFOUND" });
        });
        assert.deepStrictEqual((await call(lookup, "127.0.0.1", false)).result, ["127.0.0.1", 4]);
        assert.strictEqual((await call(lookup, "x", false)).error?.code, "ENOTFOUND");
    });
});
