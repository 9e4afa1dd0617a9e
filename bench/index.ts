// `npm run bench`: runs every benchmark in turn, each in its own process (each starts and stops
// its own servers), and exits non-zero if any of them fails its targets. Arguments are passed on.
import { spawnSync } from "child_process";
import * as path from "path";

const BENCHMARKS = ["dns.ts"];

let failed = 0;
for (const file of BENCHMARKS) {
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, file), ...process.argv.slice(2)], {
        stdio: "inherit",
    });
    if (result.status !== 0) {
        failed++;
        process.stderr.write(`bench: ${file} exited with ${result.status ?? result.signal}\n`);
    }
}
process.exit(failed === 0 ? 0 : 1);
