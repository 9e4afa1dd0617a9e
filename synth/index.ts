/**
 * The offline synth: runs the real program (index.ts) under Pulumi's mock
 * runtime with a stack's config file (no cloud credentials, no Pulumi CLI),
 * prints the resource tree, writes out/<stack>/ (resources, Kubernetes
 * manifests, DNS record plan, traffic weights), validates every Kubernetes and
 * Istio object against its schema and applies the policy pack (policy/).
 *
 * `scripts/synth.ts` is the command line; tests call `runSynth` directly.
 */
import * as path from "path";
import { evaluateProgram } from "../policy/offline";
import { policies } from "../policy/policies";
import { renderTree, writeSynthOutput } from "./output";
import { projectRoot, readStackConfigFile } from "./stackFiles";

export interface SynthOptions {
    readonly stack: string;
    /** Where out/<stack>/ goes; default `<project>/out/<stack>`. */
    readonly outDir?: string;
    /** Where Pulumi.<stack>.yaml lives; default the project root. */
    readonly stackDir?: string;
    /** Receives each line synth prints; default stdout. */
    readonly print?: (line: string) => void;
    /** Receives each problem synth reports; default stderr. */
    readonly printError?: (line: string) => void;
}

export interface SynthResult {
    /** 0 when the program ran and no policy was violated. */
    readonly exitCode: number;
    readonly resources: number;
    readonly manifests: number;
    readonly outDir: string;
}

export async function runSynth(options: SynthOptions): Promise<SynthResult> {
    const print = options.print ?? ((line: string) => console.log(line));
    const printError = options.printError ?? ((line: string) => console.error(line));
    const outDir = path.resolve(projectRoot, options.outDir ?? path.join("out", options.stack));
    const { config, secretKeys } = readStackConfigFile(options.stack, path.resolve(options.stackDir ?? projectRoot));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("../index");
    // The policy pack runs on the same mock run, with secret markers intact (policy/offline.ts).
    const { run, evaluation } = await evaluateProgram(program, { stack: options.stack, config, secretKeys });
    print(renderTree(run.resources));
    const summary = writeSynthOutput(run, outDir);
    print(`\n${run.resources.length} resources; ${summary.manifests} manifests validated; wrote ${path.relative(process.cwd(), outDir) || "."}/`);
    const result = { resources: run.resources.length, manifests: summary.manifests, outDir };
    if (evaluation.findings.length > 0) {
        printError(`policy pack: ${evaluation.findings.length} violation(s):`);
        evaluation.findings.forEach((f) => printError(`  - ${f.message}`));
        return { ...result, exitCode: 1 };
    }
    print(`policy pack: ${policies.length} policies, no violation`);
    return { ...result, exitCode: 0 };
}
