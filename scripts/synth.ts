/**
 * `npm run synth [-- --stack dev] [--out out/dev] [--stack-dir DIR]`: the
 * offline synth (synth/index.ts). A bad config exits 1 with the message
 * `pulumi preview` would show; a policy violation exits 1 naming the resource.
 */
import { runSynth } from "../synth";

function argument(name: string): string | undefined {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : undefined;
}

runSynth({ stack: argument("stack") ?? "dev", outDir: argument("out"), stackDir: argument("stack-dir") }).then(
    (result) => process.exit(result.exitCode),
    (e: Error) => {
        // Config and check errors are user errors: print the message only, as `pulumi preview` does.
        console.error(`error: ${e.message}`);
        process.exit(1);
    },
);
