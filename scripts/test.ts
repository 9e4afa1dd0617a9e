/**
 * The test command (`npm test`): makes sure moto_server is available, runs
 * every mocha suite (unit, then integration) in one process, and ends with
 * the plain `N passed, N failed` line CI reads. A run that executes no test
 * fails, so an empty run cannot pass unnoticed.
 *
 *   npm test                 # everything
 *   npm test -- unit         # only tests/unit
 *   npm test -- integration  # only tests/integration
 *   npm test -- integration dnsBackends   # only test files whose path contains "dnsBackends"
 *
 * The Azure and Google DNS doubles serve TLS, and Node trusts extra certificates only from
 * NODE_EXTRA_CA_CERTS read at start-up: so this script first writes a fresh self-signed
 * certificate into a temporary directory, then runs the tests in a child process that trusts it
 * in addition to anything NODE_EXTRA_CA_CERTS already named (see
 * tests/integration/fixtures/testTls.ts), and removes the directory afterwards.
 */
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { spawnSync } from "child_process";
import { findMotoServer } from "../tests/integration/fixtures/moto";
import { TLS_DIR_ENV, writeTestCertificate } from "../tests/integration/fixtures/testTls";

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

/** Re-runs this script in a child process that trusts a freshly generated test certificate. */
async function runWithTestCertificate(): Promise<never> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-ingress-mesh-tls-"));
    let status = 1;
    try {
        const certFile = await writeTestCertificate(dir);
        // Keep whatever the machine already trusts this way (e.g. a registry proxy's CA).
        const inherited = process.env.NODE_EXTRA_CA_CERTS;
        const trusted = path.join(dir, "trusted.pem");
        const existing = inherited && fs.existsSync(inherited) ? fs.readFileSync(inherited, "utf8") : "";
        fs.writeFileSync(trusted, `${existing}\n${fs.readFileSync(certFile, "utf8")}`);
        const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
            stdio: "inherit",
            env: { ...process.env, NODE_EXTRA_CA_CERTS: trusted, [TLS_DIR_ENV]: dir },
        });
        status = child.status ?? 1;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    process.exit(status);
}

function main(): void {
    const args = process.argv.slice(2);
    const suites = args.filter((a) => a === "unit" || a === "integration");
    const filters = args.filter((a) => a !== "unit" && a !== "integration" && !a.startsWith("-"));
    const selected = suites.length > 0 ? suites : ["unit", "integration"];
    if (selected.includes("integration")) {
        if (!process.env[TLS_DIR_ENV]) {
            void runWithTestCertificate();
            return;
        }
        ensureMoto();
    }
    const mocha = new Mocha({ timeout: 60_000, reporter: "spec" });
    for (const suite of selected) {
        testFiles(path.join(root, "tests", suite))
            .filter((file) => filters.length === 0 || filters.some((f) => path.relative(root, file).includes(f)))
            .forEach((file) => mocha.addFile(file));
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
