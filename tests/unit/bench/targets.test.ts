/**
 * The benchmarks' targets (bench/dns/report.ts, bench/synth/report.ts): a
 * benchmark fails only on targets it states and can meet.
 */
import * as assert from "assert";
import { BASELINE, Measurement, SYNC, checkTargets, formatMs } from "../../../bench/dns/report";
import { MAX_SYNTH_TO_SDK_RATIO, Sample, checkSynthTarget, median, pairedRatio, synthCommand } from "../../../bench/synth/report";

const m = (n: number, subject: string, scenario: Measurement["scenario"], calls: Record<string, number>, minChangeCalls?: number): Measurement => ({
    n,
    subject,
    scenario,
    calls,
    wallMs: 100,
    ...(minChangeCalls !== undefined ? { minChangeCalls } : {}),
});

describe("bench targets", () => {
    describe("dns", () => {
        const run1000 = (changes: number, min: number) => [
            m(1000, SYNC, "first sync", { ChangeResourceRecordSets: changes, ListHostedZonesByName: 1, ListResourceRecordSets: 1 }, min),
            m(1000, SYNC, "no-op sync", { GetHostedZone: 1, ListResourceRecordSets: 7 }),
            m(1000, BASELINE, "first sync", { ChangeResourceRecordSets: 1000, GetChange: 1000 }),
        ];

        it("passes 4 change calls for 1000 records with full markers, Route53's minimum (no fixed <= 3)", () => {
            const checks = checkTargets(run1000(4, 4));
            assert.ok(checks.length >= 4, checks.map((c) => c.name).join("; "));
            assert.deepStrictEqual(checks.filter((c) => !c.pass), []);
            assert.ok(!checks.some((c) => c.name.includes("<= 3")), "the impossible target is gone");
        });

        it("fails one change call more than the minimum, and a no-op that changes something", () => {
            const run = run1000(5, 4);
            run.push(m(10, SYNC, "no-op sync", { ChangeResourceRecordSets: 1 }));
            const failed = checkTargets(run).filter((c) => !c.pass).map((c) => c.name);
            assert.deepStrictEqual(failed, ["N=1000 first sync: as few change calls as Route53's limits allow", "N=10 no-op sync: 0 change calls"]);
        });

        it("formats durations without a 60th second", () => {
            assert.deepStrictEqual([formatMs(999.6), formatMs(59_940), formatMs(119_600), formatMs(125_000)], ["1000 ms", "59.9 s", "2 min 0 s", "2 min 5 s"]);
        });

        it("checks nothing at N = 1000 when it was not measured (--sizes 10,100)", () => {
            const checks = checkTargets([m(10, SYNC, "no-op sync", { ListResourceRecordSets: 1 }), m(100, SYNC, "no-op sync", { ListResourceRecordSets: 1 })]);
            assert.deepStrictEqual(checks.map((c) => [c.name, c.pass]), [["N=10 no-op sync: 0 change calls", true], ["N=100 no-op sync: 0 change calls", true]]);
        });
    });

    describe("synth", () => {
        const round = (r: number, synth: number, sdk: number): Sample[] => [
            { round: r, subject: "synth", wallMs: synth, cpuMs: synth * 1.2 },
            { round: r, subject: "sdk-load", wallMs: sdk, cpuMs: sdk },
        ];

        it("compares synth and SDK load within each round and takes the median", () => {
            const samples = [...round(1, 2000, 1000), ...round(2, 3000, 1000), ...round(3, 9000, 1000)];
            assert.strictEqual(pairedRatio(samples, "synth", "sdk-load", "wallMs"), 3);
            assert.strictEqual(median([1, 9, 2, 3]), 2.5);
        });

        it(`passes at <= ${MAX_SYNTH_TO_SDK_RATIO}x on wall time and fails above, naming the ratio`, () => {
            assert.strictEqual(checkSynthTarget([...round(1, 2400, 1000), ...round(2, 2600, 1000), ...round(3, 2000, 1000)]).pass, true);
            const over = checkSynthTarget([...round(1, 2600, 1000)]);
            assert.strictEqual(over.pass, false);
            assert.match(over.detail, /^2\.60x/);
            assert.strictEqual(checkSynthTarget([]).pass, false);
        });

        it("times exactly the command npm run synth runs", () => {
            assert.deepStrictEqual(synthCommand({ synth: "node scripts/with-node.js node -r @swc-node/register scripts/synth.ts" }), {
                nodeArgs: ["-r", "@swc-node/register"],
                script: "scripts/synth.ts",
            });
            assert.throws(() => synthCommand({ synth: "tsx scripts/synth.ts" }), /"synth" script is not/);
        });
    });
});
