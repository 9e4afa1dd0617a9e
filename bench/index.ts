// `npm run bench`: every benchmark in turn, each in its own process (each
// starts and stops its own servers), with progress and timings; exits 1 if
// any of them fails a target it states, 2 if one could not measure.
//
//   npm run bench                     the default run: about 3 minutes on the 2-core CI machine
//   npm run bench -- --readme         also rewrite README.md's benchmark tables from this run
//   npm run bench -- --only synth     one benchmark (dns | synth)
//
// The default run measures the DNS baseline (one aws.route53.Record per
// record) up to N = 100 and extrapolates it above (its calls are fixed per
// record, so only its time is extrapolated); `npm run bench:dns` alone
// measures it up to N = 1000 (about 8 minutes). Each benchmark's own options
// are listed at the top of its file (bench/dns.ts, bench/synth.ts).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { formatMs } from "./dns/report";
import { updateReadme } from "./readme";

interface Benchmark {
    readonly name: string;
    readonly file: string;
    readonly args: readonly string[];
    /** What the default run takes on the 2-core machine, for the progress line. */
    readonly expected: string;
}

const BENCHMARKS: readonly Benchmark[] = [
    { name: "synth", file: "synth.ts", args: [], expected: "about 40 s" },
    { name: "dns", file: "dns.ts", args: ["--sizes", "10,100,1000,5000", "--baseline-max", "100"], expected: "about 2 min" },
];

function parseArgs(argv: readonly string[]): { readme: boolean; only?: string } {
    const opts: { readme: boolean; only?: string } = { readme: false };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--readme") {
            opts.readme = true;
        } else if (argv[i] === "--only" && BENCHMARKS.some((b) => b.name === argv[i + 1])) {
            opts.only = argv[++i];
        } else {
            throw new Error(`bench: unknown option ${argv[i]} ${argv[i + 1] ?? ""}; allowed: --readme, --only ${BENCHMARKS.map((b) => b.name).join("|")}`);
        }
    }
    return opts;
}

function main(): number {
    const opts = parseArgs(process.argv.slice(2));
    const selected = BENCHMARKS.filter((b) => opts.only === undefined || b.name === opts.only);
    const started = performance.now();
    const results: Array<{ bench: Benchmark; status: number; ms: number }> = [];
    for (const [i, bench] of selected.entries()) {
        process.stderr.write(`\nbench [${i + 1}/${selected.length}] ${bench.name}: bench/${bench.file} ${bench.args.join(" ")} (${bench.expected})\n`);
        const t0 = performance.now();
        const result = spawnSync(process.execPath, [...process.execArgv, path.join(__dirname, bench.file), ...bench.args], { stdio: "inherit" });
        const status = result.status ?? 2;
        results.push({ bench, status, ms: performance.now() - t0 });
        const verdict = status === 0 ? "every target met" : status === 1 ? "a target failed" : `could not measure (exit ${result.status ?? result.signal})`;
        process.stderr.write(`bench [${i + 1}/${selected.length}] ${bench.name}: ${verdict}, ${formatMs(performance.now() - t0)}; ${formatMs(performance.now() - started)} so far\n`);
    }
    if (opts.readme) {
        const readme = path.join(__dirname, "..", "README.md");
        for (const { bench, status } of results.filter((r) => r.status === 0 || r.status === 1)) {
            const report = path.join(__dirname, "..", "out", "bench", `${bench.name}.md`);
            fs.writeFileSync(readme, updateReadme(fs.readFileSync(readme, "utf8"), bench.name, fs.readFileSync(report, "utf8")));
            process.stderr.write(`bench: README.md's ${bench.name} table rewritten from out/bench/${bench.name}.md${status === 1 ? " (with its failed target)" : ""}\n`);
        }
    }
    process.stderr.write(`\nbench: ${results.map((r) => `${r.bench.name} ${r.status === 0 ? "PASS" : "FAIL"} (${formatMs(r.ms)})`).join(", ")}; total ${formatMs(performance.now() - started)}\n`);
    return Math.max(0, ...results.map((r) => r.status));
}

try {
    process.exit(main());
} catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
}
