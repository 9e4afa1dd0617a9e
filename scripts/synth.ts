/**
 * Offline synth: runs the real program (index.ts) under Pulumi's mock runtime
 * with a stack's config file — no cloud credentials, no Pulumi CLI. Prints
 * the resource tree, writes out/<stack>/ (resources, Kubernetes manifests,
 * DNS record plan, traffic weights) and validates every Kubernetes and Istio
 * object against its schema. A bad config exits 1 with the message
 * `pulumi preview` would show.
 *
 *   npm run synth [-- --stack dev] [--out out/dev] [--stack-dir DIR]
 */
import * as path from "path";
import { runUnderMocks } from "./mockCloud";
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
    const run = await runUnderMocks(program, { stack, config, secretKeys });
    console.log(renderTree(run.resources));
    const summary = writeSynthOutput(run, outDir);
    console.log(`\n${run.resources.length} resources; ${summary.manifests} manifests validated; wrote ${path.relative(process.cwd(), outDir) || "."}/`);
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
