/**
 * The test command (`npm test`): makes sure moto_server is available, runs
 * every mocha suite (unit, then integration) in one process, and ends with
 * the plain `N passed, N failed` line CI reads. A run that executes no test
 * fails, so an empty run cannot pass unnoticed.
 *
 *   npm test                 # everything
 *   npm test -- unit         # only tests/unit
 *   npm test -- integration  # only tests/integration
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { findMotoServer } from "../tests/integration/fixtures/moto";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha = require("mocha");

const root = path.resolve(__dirname, "..");

function testFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) {
        return [];
    }
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => {
            const full = path.join(dir, entry.name);
            return entry.isDirectory() ? testFiles(full) : entry.name.endsWith(".test.ts") ? [full] : [];
        })
        .sort();
}

/** moto_server from PATH, $MOTO_SERVER or ./.venv; otherwise try to install it into ./.venv. */
function ensureMoto(): void {
    if (findMotoServer()) {
        return;
    }
    console.log('moto_server not found; installing "moto[server]" into ./.venv');
    const venv = path.join(root, ".venv");
    const steps: [string, string[]][] = [
        ["python3", ["-m", "venv", venv]],
        [path.join(venv, "bin/pip"), ["install", "--quiet", "moto[server]"]],
    ];
    for (const [command, args] of steps) {
        const result = spawnSync(command, args, { stdio: "inherit" });
        if (result.status !== 0) {
            console.log("could not install moto; the Route53 integration tests will fail with instructions");
            return;
        }
    }
}

function main(): void {
    const suites = process.argv.slice(2).filter((a) => a === "unit" || a === "integration");
    const selected = suites.length > 0 ? suites : ["unit", "integration"];
    if (selected.includes("integration")) {
        ensureMoto();
    }
    const mocha = new Mocha({ timeout: 60_000, reporter: "spec" });
    for (const suite of selected) {
        testFiles(path.join(root, "tests", suite)).forEach((file) => mocha.addFile(file));
    }

    let passed = 0;
    let failed = 0;
    const runner = mocha.run(() => {
        const skipped = runner.stats?.pending ?? 0;
        console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
        process.exit(failed > 0 || passed === 0 ? 1 : 0);
    });
    runner.on("pass", () => passed++);
    // Also fires for failing hooks, which must fail the run.
    runner.on("fail", () => failed++);
}

main();
