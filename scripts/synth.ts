/**
 * `npm run synth [-- --stack dev] [--state FILE] [--out out/dev] [--stack-dir DIR]`:
 * the offline synth (synth/index.ts). A bad config or a failing check exits 1
 * with the messages `pulumi preview` would show; a policy violation exits 1
 * naming the resource. `--state` takes what `pulumi stack export` writes.
 */
import { runSynth } from "../synth";

function argument(name: string): string | undefined {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : undefined;
}

runSynth({ stack: argument("stack") ?? "dev", outDir: argument("out"), stackDir: argument("stack-dir"), statePath: argument("state") }).then(
    (result) => process.exit(result.exitCode),
    (e: Error) => {
        // Not a user error: a bug in synth or the program; the trace helps.
        console.error(e);
        process.exit(2);
    },
);
