import * as assert from "assert";
import { acquireRequestSlot, maxRequestsPerSecond } from "../../../providers/dns/client";

describe("dns client rate cap", () => {
    const saved = process.env.EIM_ROUTE53_MAX_RPS;
    afterEach(() => {
        if (saved === undefined) delete process.env.EIM_ROUTE53_MAX_RPS;
        else process.env.EIM_ROUTE53_MAX_RPS = saved;
    });

    it("defaults to 4 requests per second and reads EIM_ROUTE53_MAX_RPS", () => {
        assert.strictEqual(maxRequestsPerSecond({}), 4);
        assert.strictEqual(maxRequestsPerSecond({ EIM_ROUTE53_MAX_RPS: "250" }), 250);
        assert.strictEqual(maxRequestsPerSecond({ EIM_ROUTE53_MAX_RPS: "unlimited" }), Infinity);
        assert.throws(() => maxRequestsPerSecond({ EIM_ROUTE53_MAX_RPS: "0" }), /EIM_ROUTE53_MAX_RPS must be a number > 0 or "unlimited", got "0"/);
    });

    it("spaces requests process-wide: never more than rps+1 in any one-second window", async () => {
        process.env.EIM_ROUTE53_MAX_RPS = "20";
        const times: number[] = [];
        await Promise.all(Array.from({ length: 12 }, async () => {
            await acquireRequestSlot();
            times.push(Date.now());
        }));
        times.sort((x, y) => x - y);
        for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 45, `gap ${times[i] - times[i - 1]}ms between requests ${i - 1} and ${i}`);
        assert.ok(times[times.length - 1] - times[0] >= 11 * 45);
    });
});
