// Pure half of the synth benchmark: which command `npm run synth` runs, the
// statistics, the target and the markdown rendering.
import { formatMs } from "../dns/report";

export type Subject = "synth" | "sdk-load" | "synth-ts-node";

export interface Sample {
    readonly round: number;
    readonly subject: Subject;
    /** Wall time of the whole process, start to exit, as its parent saw it. */
    readonly wallMs: number;
    /** User + system CPU time the process reported at exit (bench/synth/probe.js). */
    readonly cpuMs: number;
}

export interface Summary {
    readonly subject: Subject;
    readonly runs: number;
    readonly wallMedianMs: number;
    readonly wallMinMs: number;
    readonly cpuMedianMs: number;
}

export interface TargetCheck {
    readonly name: string;
    readonly pass: boolean;
    readonly detail: string;
}

export interface SynthReport {
    readonly meta: {
        readonly date: string;
        readonly stack: string;
        readonly node: string;
        readonly cores: number;
        readonly loadAverage: number;
        readonly command: string;
        /** SWC_NODE_SOURCE_MAP_MODE the synth ran with (scripts/with-node.js sets "inline"). */
        readonly sourceMapMode: string;
        readonly tsNodeCommand: string;
        readonly sdkModules: number;
        readonly sdkPackages: number;
        readonly runs: number;
        readonly totalMs: number;
    };
    readonly summaries: readonly Summary[];
    readonly samples: readonly Sample[];
    readonly check: TargetCheck;
}

/** Synth may take at most this many times as long as loading the modules it needs (issue 12). */
export const MAX_SYNTH_TO_SDK_RATIO = 2.5;

const LABELS: Readonly<Record<Subject, string>> = {
    synth: "synth (`npm run synth`'s command)",
    "sdk-load": "SDK load only",
    "synth-ts-node": "synth under ts-node (before)",
};

/** The node arguments `npm run synth` uses (e.g. ["-r", "@swc-node/register"]) and its script. */
export function synthCommand(scripts: Readonly<Record<string, string>>): { nodeArgs: string[]; script: string } {
    const match = /^node scripts\/with-node\.js node ((?:-\S+ \S+ )*)(scripts\/synth\.ts)$/.exec(scripts.synth ?? "");
    if (!match) {
        throw new Error(
            `bench:synth: package.json's "synth" script is not "node scripts/with-node.js node [-r HOOK]... scripts/synth.ts": ${JSON.stringify(scripts.synth)}`,
        );
    }
    return { nodeArgs: match[1].split(" ").filter(Boolean), script: match[2] };
}

export function median(values: readonly number[]): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(samples: readonly Sample[]): Summary[] {
    return (Object.keys(LABELS) as Subject[])
        .map((subject) => samples.filter((s) => s.subject === subject))
        .filter((of) => of.length > 0)
        .map((of) => ({
            subject: of[0].subject,
            runs: of.length,
            wallMedianMs: median(of.map((s) => s.wallMs)),
            wallMinMs: Math.min(...of.map((s) => s.wallMs)),
            cpuMedianMs: median(of.map((s) => s.cpuMs)),
        }));
}

/**
 * The median over rounds of `over`'s time divided by `under`'s in the same
 * round: processes run back to back see the same load on a shared machine.
 */
export function pairedRatio(samples: readonly Sample[], over: Subject, under: Subject, time: "wallMs" | "cpuMs"): number {
    const ratios = [...new Set(samples.map((s) => s.round))].flatMap((round) => {
        const a = samples.find((s) => s.round === round && s.subject === over);
        const b = samples.find((s) => s.round === round && s.subject === under);
        return a && b ? [a[time] / b[time]] : [];
    });
    return median(ratios);
}

/**
 * Synth against the SDK-only load, on wall time (what a user waits for, and
 * what issue 12 measured), as the median of per-round ratios so that a burst
 * of load from other processes moves both sides of a pair. CPU time is
 * reported beside it; it runs higher than wall time because V8's garbage
 * collector works on helper threads in parallel.
 */
export function checkSynthTarget(samples: readonly Sample[]): TargetCheck {
    const ratio = pairedRatio(samples, "synth", "sdk-load", "wallMs");
    const name = `synth <= ${MAX_SYNTH_TO_SDK_RATIO}x the SDK-only load (wall time, median of per-round ratios)`;
    if (!Number.isFinite(ratio)) return { name, pass: false, detail: "no round measured both" };
    return { name, pass: ratio <= MAX_SYNTH_TO_SDK_RATIO, detail: `${ratio.toFixed(2)}x (CPU time: ${pairedRatio(samples, "synth", "sdk-load", "cpuMs").toFixed(2)}x)` };
}

export function renderSynthMarkdown(report: SynthReport): string {
    const { meta, summaries, samples, check } = report;
    const lines: string[] = [];
    lines.push(`# Synth benchmark: offline synth of ${meta.stack} against loading its SDKs`, "");
    lines.push(
        `\`${meta.command}\` (what \`npm run synth\` runs, without npm's own start-up; SWC_NODE_SOURCE_MAP_MODE=${meta.sourceMapMode}) against a Node process that only ` +
            `requires the ${meta.sdkModules} files from ${meta.sdkPackages} npm packages synth requires (recorded from an untimed ` +
            `synth run; the transpiler's own modules left out), and the same synth under ts-node (\`${meta.tsNodeCommand}\`). ` +
            `${meta.runs} rounds, each runs every process once. ${meta.date}, Node ${meta.node}, ${meta.cores} cores, ` +
            `load average ${meta.loadAverage.toFixed(2)} at the end, total bench time ${formatMs(meta.totalMs)}.`,
        "",
    );
    lines.push("| process | wall time, median | wall time, best | CPU time, median |");
    lines.push("|---|---:|---:|---:|");
    for (const s of summaries) {
        lines.push(`| ${LABELS[s.subject]} | ${formatMs(s.wallMedianMs)} | ${formatMs(s.wallMinMs)} | ${formatMs(s.cpuMedianMs)} |`);
    }
    lines.push("");
    lines.push(
        `- synth / SDK load: ${pairedRatio(samples, "synth", "sdk-load", "wallMs").toFixed(2)}x wall time, ` +
            `${pairedRatio(samples, "synth", "sdk-load", "cpuMs").toFixed(2)}x CPU time (medians of the per-round ratios)`,
    );
    if (summaries.some((s) => s.subject === "synth-ts-node")) {
        lines.push(
            `- synth under ts-node / synth: ${pairedRatio(samples, "synth-ts-node", "synth", "wallMs").toFixed(2)}x wall time, ` +
                `${pairedRatio(samples, "synth-ts-node", "synth", "cpuMs").toFixed(2)}x CPU time`,
        );
    }
    lines.push("", "Targets:", "", `- ${check.pass ? "PASS" : "FAIL"} ${check.name}: ${check.detail}`);
    return lines.join("\n") + "\n";
}
