import * as assert from "assert";
import * as fc from "fast-check";
import { chooseReadStrategy } from "../../../providers/dns/readStrategy";

describe("dns read strategy", () => {
    it("reads a few names in a big zone one by one, and lists small zones whole", () => {
        assert.deepStrictEqual(chooseReadStrategy(5000, 4), { kind: "names", calls: 4 });
        assert.deepStrictEqual(chooseReadStrategy(2, 4), { kind: "zone", calls: 1 });
        assert.deepStrictEqual(chooseReadStrategy(2002, 2000), { kind: "zone", calls: 7 });
        assert.deepStrictEqual(chooseReadStrategy(0, 0), { kind: "names", calls: 0 }, "nothing to read, no call");
    });

    it("always picks the cheaper option (property)", () => {
        fc.assert(
            fc.property(fc.nat(20000), fc.nat(5000), (count, names) => {
                const s = chooseReadStrategy(count, names);
                assert.strictEqual(s.calls, Math.min(Math.max(1, Math.ceil(count / 300)), names));
            }),
        );
    });
});
