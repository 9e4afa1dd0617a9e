/**
 * The offline synth: runs the real program (index.ts) under Pulumi's mock
 * runtime with a stack's config file (no cloud credentials, no Pulumi CLI),
 * prints the resource tree, writes out/<stack>/ (resources, Kubernetes
 * manifests, DNS record plan, traffic weights), validates every Kubernetes and
 * Istio object against its schema and applies the policy pack (policy/).
 * With `state`, the dynamic resources' check and diff run against the last
 * deployment (`pulumi stack export`), as `pulumi preview` runs them.
 *
 * `scripts/synth.ts` is the command line; tests call `runSynth` directly.
 * Problems are printed as `pulumi preview` prints them: `error: <message>`,
 * no stack trace, no wrapper.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../configReader";
import { evaluateProgram } from "../policy/offline";
import { policies } from "../policy/policies";
import { CheckFailuresError } from "./mockCloud";
import { renderTree, writeSynthOutput } from "./output";
import { describePreview, uncheckedRules } from "./preview";
import { readStateFile, StateFileError } from "./state";
import { projectRoot, readStackConfigFile } from "./stackFiles";

export interface SynthOptions {
    readonly stack: string;
    /** Where out/<stack>/ goes; default `<project>/out/<stack>`. */
    readonly outDir?: string;
    /** Where Pulumi.<stack>.yaml lives; default the project root. */
    readonly stackDir?: string;
    /** What `pulumi stack export` wrote for this stack. */
    readonly statePath?: string;
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

/** Errors that are the user's input, reported as their message alone. */
function userErrorLines(e: unknown): string[] | undefined {
    if (e instanceof CheckFailuresError) return [...e.diagnostics];
    if (e instanceof StateFileError || e instanceof ConfigError || pulumi.RunError.isInstance(e)) return [(e as Error).message];
    if (e instanceof Error && /^(no stack file|.* does not match the .* schema|no schema for)/.test(e.message)) return [e.message];
    return undefined;
}

export async function runSynth(options: SynthOptions): Promise<SynthResult> {
    const print = options.print ?? ((line: string) => console.log(line));
    const printError = options.printError ?? ((line: string) => console.error(line));
    const outDir = path.resolve(projectRoot, options.outDir ?? path.join("out", options.stack));
    const failed = { exitCode: 1, resources: 0, manifests: 0, outDir };
    try {
        const { config, secretKeys } = readStackConfigFile(options.stack, path.resolve(options.stackDir ?? projectRoot));
        const state = options.statePath ? readStateFile(path.resolve(options.statePath)) : undefined;
        if (state && state.project !== "" && state.project !== "eks-ingress-mesh") {
            throw new StateFileError(`${state.file}: is a state of project ${state.project}, not eks-ingress-mesh`);
        }
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const program = require("../index");
        // The policy pack runs on the same mock run, with secret markers intact (policy/offline.ts).
        const { run, evaluation } = await evaluateProgram(program, { stack: options.stack, config, secretKeys, state });
        print(renderTree(run.resources));
        const summary = writeSynthOutput(run, outDir);
        print(`\n${run.resources.length} resources; ${summary.manifests} manifests validated; wrote ${path.relative(process.cwd(), outDir) || "."}/`);
        if (state) {
            const note = state.stack !== options.stack ? ` (its resources are of stack ${state.stack})` : "";
            print(`\npreview against ${path.relative(process.cwd(), state.file)}${note}:`);
            run.previews.forEach((p) => print(`  ${describePreview(p)}`));
        } else {
            print("\nnot checked without --state (`pulumi stack export --file state.json`, then `--state state.json`):");
            run.previews.flatMap(uncheckedRules).forEach((line) => print(`  - ${line}`));
        }
        const result = { resources: run.resources.length, manifests: summary.manifests, outDir };
        if (evaluation.findings.length > 0) {
            printError(`policy pack: ${evaluation.findings.length} violation(s):`);
            evaluation.findings.forEach((f) => printError(`  - ${f.message}`));
            return { ...result, exitCode: 1 };
        }
        print(`policy pack: ${policies.length} policies, no violation`);
        return { ...result, exitCode: 0 };
    } catch (e) {
        const lines = userErrorLines(e);
        if (!lines) {
            throw e;
        }
        lines.forEach((line) => printError(`error: ${line}`));
        return failed;
    }
}
