/**
 * How `pulumi preview` / `pulumi up` (locally and in the CI workflows) start
 * the program: Pulumi.yaml's runtime block. The nodejs language host runs
 * `node <nodeargs> @pulumi/pulumi/cmd/run … <entry point>` and, with
 * `typescript: true`, sets PULUMI_NODEJS_TYPESCRIPT so that run.js registers
 * ts-node; with `typescript: false` only the preloaded hook transpiles.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readProjectFile } from "../../../synth/stackFiles";

const root = path.resolve(__dirname, "../../..");

interface Runtime {
    name: string;
    options?: { typescript?: boolean; nodeargs?: string };
}

const runtime = readProjectFile().runtime as Runtime;
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    main: string;
    scripts: Record<string, string>;
    devDependencies: Record<string, string>;
};

describe("operate: the program under the Pulumi CLI (Pulumi.yaml runtime)", () => {
    it("uses the swc hook the npm scripts use, not the CLI's ts-node", () => {
        assert.strictEqual(runtime.name, "nodejs");
        assert.strictEqual(runtime.options?.typescript, false, "typescript: true would make run.js register ts-node (type-checking at run time)");
        const nodeargs = (runtime.options?.nodeargs ?? "").split(/\s+/).filter(Boolean);
        assert.strictEqual(nodeargs.length, 2, `one preload: ${runtime.options?.nodeargs}`);
        const [flag, hook] = nodeargs;
        assert.strictEqual(flag, "--require");
        assert.ok(pkg.scripts.synth.includes(`node -r ${hook} scripts/synth.ts`), "synth runs under the same hook");
        assert.ok(pkg.scripts.test.includes(`-r ${hook} scripts/test.ts`), "tests run under the same hook");
        assert.match(pkg.devDependencies[hook] ?? "", /^\d+\.\d+\.\d+$/, `${hook} is pinned in devDependencies (npm ci installs it)`);
    });

    it("starts the program from the project directory or any folder below it", function () {
        this.timeout(60_000);
        const nodeargs = (runtime.options?.nodeargs ?? "").split(/\s+/).filter(Boolean);
        const main = path.join(root, pkg.main);
        for (const cwd of [root, path.join(root, "components")]) {
            // What run.js does with a CommonJS program: require the entry point and call what it exports.
            const result = spawnSync(process.execPath, [...nodeargs, "-e", `const p = require(${JSON.stringify(main)}); console.log(typeof p);`], {
                cwd,
                encoding: "utf8",
                timeout: 50_000,
                env: { ...process.env, NODE_OPTIONS: "" },
            });
            assert.strictEqual(result.status, 0, `${path.relative(root, cwd) || "."}: ${result.stderr}`);
            assert.strictEqual(result.stdout.trim(), "function", "index.ts exports the program function run.js calls");
        }
    });
});
