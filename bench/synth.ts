// Synth benchmark (`npm run bench:synth`): how long the offline synth of a
// stack takes, against a process that only loads the npm modules that synth
// loads (the SDKs: @pulumi/*, the schema models, the policy SDK…), in the
// same run, and against the same synth under ts-node (the transpiler it
// replaced). Writes out/bench/synth.md and synth.json, prints PASS/FAIL for
// its target and exits 1 when it fails (2 when it cannot measure).
//
//   --stack dev      the stack to synthesize
//   --runs 5         timed rounds; each runs synth, the SDK-only load and synth under ts-node once
//   --no-ts-node     leave out the ts-node reference (faster)
//
// The synth command is the one `npm run synth` runs (read from package.json),
// so the benchmark follows the project's transpiler setup. Every process gets
// bench/synth/probe.js preloaded, which reports its CPU time; one untimed
// recording run lists the npm modules synth requires, which the SDK-only
// process then requires in the same order.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatMs } from "./dns/report";
import { Sample, SynthReport, checkSynthTarget, median, renderSynthMarkdown, summarize, synthCommand } from "./synth/report";

interface Options {
    readonly stack: string;
    readonly runs: number;
    readonly tsNode: boolean;
}

const root = path.resolve(__dirname, "..");
const probe = path.join(__dirname, "synth", "probe.js");
const TS_NODE = ["-r", "ts-node/register/transpile-only"];

function parseOptions(argv: readonly string[]): Options {
    const opts = { stack: "dev", runs: 5, tsNode: true };
    for (let i = 0; i < argv.length; i++) {
        const [flag, value] = [argv[i], argv[i + 1]];
        switch (flag) {
            case "--stack":
                if (!value || !/^[A-Za-z0-9_.-]+$/.test(value)) throw new Error(`bench:synth: --stack needs a stack name, got ${JSON.stringify(value)}`);
                opts.stack = value;
                i++;
                break;
            case "--runs":
                if (!Number.isInteger(Number(value)) || Number(value) < 1 || Number(value) > 50) {
                    throw new Error(`bench:synth: --runs must be an integer in 1..50, got ${JSON.stringify(value)}`);
                }
                opts.runs = Number(value);
                i++;
                break;
            case "--no-ts-node":
                opts.tsNode = false;
                break;
            default:
                throw new Error(`bench:synth: unknown option ${flag}; allowed: --stack NAME, --runs N, --no-ts-node`);
        }
    }
    return opts;
}

interface Run {
    readonly wallMs: number;
    readonly cpuMs: number;
    readonly modules?: string[];
}

function runProbed(nodeArgs: readonly string[], args: readonly string[], record = false): Run {
    const probeOut = path.join(os.tmpdir(), `eim-bench-probe-${process.pid}.json`);
    fs.rmSync(probeOut, { force: true });
    const t0 = performance.now();
    const result = spawnSync(process.execPath, [...nodeArgs, "-r", probe, ...args], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, EIM_BENCH_PROBE_OUT: probeOut, EIM_BENCH_RECORD: record ? "1" : "" },
        timeout: 120_000,
        maxBuffer: 64 * 1024 * 1024,
    });
    const wallMs = performance.now() - t0;
    if (result.status !== 0) {
        const tail = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim().split("\n").slice(-15).join("\n");
        throw new Error(`bench:synth: node ${[...nodeArgs, ...args].join(" ")} exited ${result.status ?? result.signal}${result.error ? ` (${result.error.message})` : ""}:\n${tail}`);
    }
    const report = JSON.parse(fs.readFileSync(probeOut, "utf8")) as { cpuMs: number; modules?: string[] };
    fs.rmSync(probeOut, { force: true });
    return { wallMs, cpuMs: report.cpuMs, modules: report.modules };
}

function log(line: string): void {
    process.stderr.write(`${line}\n`);
}

function main(): number {
    const opts = parseOptions(process.argv.slice(2));
    const started = performance.now();
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const { nodeArgs, script } = synthCommand(pkg.scripts);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "eim-bench-synth-"));
    // synth replaces its output folder, so the module list lives beside it.
    const synthArgs = [script, "--stack", opts.stack, "--out", path.join(workDir, "out")];
    const moduleList = path.join(workDir, "sdk-modules.json");
    const loadSdk = ["-e", `for (const f of JSON.parse(require("fs").readFileSync(${JSON.stringify(moduleList)}, "utf8"))) require(f);`];
    try {
        log(`bench:synth: recording the npm modules synth of ${opts.stack} loads (untimed run, also warms the file cache)`);
        const recorded = runProbed(nodeArgs, synthArgs, true);
        const modules = recorded.modules ?? [];
        if (modules.length === 0) throw new Error("bench:synth: the recording run listed no npm module");
        fs.writeFileSync(moduleList, JSON.stringify(modules));
        const packages = new Set(modules.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1]));
        log(`bench:synth: synth requires ${modules.length} files from ${packages.size} npm packages`);

        const samples: Sample[] = [];
        for (let round = 1; round <= opts.runs; round++) {
            const line: string[] = [];
            const take = (subject: Sample["subject"], run: () => Run) => {
                const r = run();
                samples.push({ round, subject, wallMs: r.wallMs, cpuMs: r.cpuMs });
                line.push(`${subject} ${formatMs(r.wallMs)} (CPU ${formatMs(r.cpuMs)})`);
            };
            take("synth", () => runProbed(nodeArgs, synthArgs));
            take("sdk-load", () => runProbed([], loadSdk));
            if (opts.tsNode) take("synth-ts-node", () => runProbed(TS_NODE, synthArgs));
            log(`bench:synth: round ${round}/${opts.runs}: ${line.join(", ")}`);
        }

        const report: SynthReport = {
            meta: {
                date: new Date().toISOString(),
                stack: opts.stack,
                node: process.versions.node,
                cores: os.cpus().length,
                loadAverage: os.loadavg()[0],
                command: `node ${[...nodeArgs, script].join(" ")} --stack ${opts.stack}`,
                sourceMapMode: process.env.SWC_NODE_SOURCE_MAP_MODE ?? "auto",
                tsNodeCommand: `node ${[...TS_NODE, script].join(" ")} --stack ${opts.stack}`,
                sdkModules: modules.length,
                sdkPackages: packages.size,
                runs: opts.runs,
                totalMs: performance.now() - started,
            },
            summaries: summarize(samples),
            samples,
            check: checkSynthTarget(samples),
        };
        const markdown = renderSynthMarkdown(report);
        const benchDir = path.join(root, "out", "bench");
        fs.mkdirSync(benchDir, { recursive: true });
        fs.writeFileSync(path.join(benchDir, "synth.md"), markdown);
        fs.writeFileSync(path.join(benchDir, "synth.json"), JSON.stringify(report, null, 2) + "\n");
        process.stdout.write(markdown);
        log(`bench:synth: median synth ${formatMs(median(samples.filter((s) => s.subject === "synth").map((s) => s.wallMs)))}; wrote out/bench/synth.md and synth.json`);
        return report.check.pass ? 0 : 1;
    } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
    }
}

try {
    process.exit(main());
} catch (err) {
    log(err instanceof Error ? err.message : String(err));
    process.exit(2);
}
