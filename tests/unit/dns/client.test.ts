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
        // The slots are asserted, not the wake-up times: a loaded event loop may wake two timers together.
        const slots = await Promise.all(
            Array.from({ length: 12 }, async () => {
                const slot = await acquireRequestSlot();
                assert.ok(Date.now() >= slot - 1, "a request never starts before its slot");
                return slot;
            }),
        );
        slots.sort((x, y) => x - y);
        for (let i = 1; i < slots.length; i++) {
            assert.ok(slots[i] - slots[i - 1] >= 50, `slot gap ${slots[i] - slots[i - 1]}ms between requests ${i - 1} and ${i}`);
        }
    });
});
