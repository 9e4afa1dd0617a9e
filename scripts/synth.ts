/**
 * Offline synth: runs the real program (index.ts) under Pulumi's mock runtime
 * with a stack's config file — no cloud credentials, no Pulumi CLI. Prints
 * the resource tree, writes out/<stack>/ (resources, Kubernetes manifests,
 * DNS record plan, traffic weights) and validates every Kubernetes and Istio
 * object against its schema, and applies the policy pack (policy/). A bad
 * config exits 1 with the message `pulumi preview` would show; a policy
 * violation exits 1 naming the resource.
 *
 *   npm run synth [-- --stack dev] [--out out/dev] [--stack-dir DIR]
 */
import * as path from "path";
import { evaluateProgram } from "../policy/offline";
import { policies } from "../policy/policies";
import { readStackConfigFile, projectRoot } from "./stackFiles";
import { renderTree, writeSynthOutput } from "./synthOutput";

function argument(name: string, fallback: string): string {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

async function main(): Promise<number> {
    const stack = argument("stack", "dev");
    const outDir = path.resolve(projectRoot, argument("out", path.join("out", stack)));
    const { config, secretKeys } = readStackConfigFile(stack, path.resolve(argument("stack-dir", projectRoot)));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("../index");
    // The policy pack runs on the same mock run, with secret markers intact (policy/offline.ts).
    const { run, evaluation } = await evaluateProgram(program, { stack, config, secretKeys });
    console.log(renderTree(run.resources));
    const summary = writeSynthOutput(run, outDir);
    console.log(`\n${run.resources.length} resources; ${summary.manifests} manifests validated; wrote ${path.relative(process.cwd(), outDir) || "."}/`);
    if (evaluation.findings.length > 0) {
        console.error(`policy pack: ${evaluation.findings.length} violation(s):`);
        evaluation.findings.forEach((f) => console.error(`  - ${f.message}`));
        return 1;
    }
    console.log(`policy pack: ${policies.length} policies, no violation`);
    return 0;
}

main().then(
    (code) => process.exit(code),
    (e: Error) => {
        // Config and check errors are user errors: print the message only, as `pulumi preview` does.
        console.error(`error: ${e.message}`);
        process.exit(1);
    },
);
