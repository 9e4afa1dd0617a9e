import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectFileWithConfig, readmeWithTable } from "../../scripts/configDoc";
import { configKeys, loadStackConfig } from "../../config";
import { configRows } from "../../config/declarations";
import { schema } from "../../config/schema";
import { projectRoot, readProjectFile, readStackConfigFile, stackNames } from "../../synth/stackFiles";

/** pulumi/pulumi sdk/go/common/workspace/project.json: configTypeDeclaration's fields and simpleConfigType (object since CLI 3.186/3.187). */
const allowedFields = ["type", "description", "default", "secret", "items", "value"];
const simpleTypes = ["string", "integer", "boolean", "array", "object"];

describe("Pulumi.yaml and stack files", () => {
    const project = readProjectFile();

    it("names the project and the nodejs runtime", () => {
        assert.strictEqual(project.name, "eks-ingress-mesh");
        assert.deepStrictEqual((project.runtime as { name: string }).name, "nodejs");
    });

    it("declares exactly the project keys of config/schema.ts, each typed (objects as `object`) and described", () => {
        assert.deepStrictEqual(Object.keys(project.config).sort(), [...configKeys].sort());
        for (const [key, declaration] of Object.entries(project.config)) {
            assert.ok(declaration.description && declaration.description.length > 20, `${key} is described`);
            for (const field of Object.keys(declaration)) {
                assert.ok(allowedFields.includes(field), `${key}.${field} is a field the Pulumi CLI accepts`);
            }
            assert.ok(declaration.type !== undefined && simpleTypes.includes(declaration.type), `${key} has a type the CLI knows`);
            const node = schema.fields[key];
            assert.strictEqual(declaration.type, node.kind === "group" ? "object" : "string", key);
        }
    });

    it("is the config section generated from config/schema.ts (run `npm run docs:config` after changing the schema)", () => {
        const file = fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8");
        assert.strictEqual(projectFileWithConfig(file), file);
    });

    it("has defaults that agree with config.ts", () => {
        const defaults = Object.fromEntries(Object.entries(project.config).filter(([, d]) => "default" in d).map(([k, d]) => [k, d.default]));
        const fromProject = loadStackConfig({ ...defaults, domain: "example.com" }, { stack: "dev" });
        const fromCode = loadStackConfig({ domain: "example.com" }, { stack: "dev" });
        assert.deepStrictEqual(fromProject, fromCode);
    });

    for (const stack of stackNames()) {
        it(`Pulumi.${stack}.yaml is a valid, complete stack config`, () => {
            const { config } = readStackConfigFile(stack);
            assert.ok(typeof config["aws:region"] === "string", "sets aws:region");
            const cfg = loadStackConfig(config, { stack, region: config["aws:region"] as string });
            assert.ok(cfg.domain);
        });
    }

    it("the dev stack is a realistic one in ap-northeast-2 with kube-ops-view in Asia/Seoul", () => {
        const { config } = readStackConfigFile("dev");
        const cfg = loadStackConfig(config, { stack: "dev", region: config["aws:region"] as string });
        assert.strictEqual(cfg.region, "ap-northeast-2");
        assert.strictEqual(cfg.kubeOpsView.timezone, "Asia/Seoul");
        assert.strictEqual(cfg.canary.weight, 1);
        for (const key of configKeys) {
            assert.ok(key in config, `dev sets ${key}`);
        }
    });
});

describe("README config reference", () => {
    const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");

    it("is the table generated from config/schema.ts (run `npm run docs:config` after changing the schema)", () => {
        assert.strictEqual(readmeWithTable(readme), readme);
    });

    it("lists every key with its type, default and rule", () => {
        const rows = configRows(schema);
        const leaves = rows.filter((r) => r.type !== "object");
        assert.ok(leaves.length >= 58, `${leaves.length} keys`);
        for (const key of ["aws:region", "canary.analysis.bakeSeconds", "resilience.faultInjection.delay.fixedDelay", "resilience.faultInjection.abort.httpStatus", "cluster.kubeconfig"]) {
            assert.ok(readme.includes(`| \`${key}\` |`), `README documents ${key}`);
        }
        for (const row of leaves) {
            assert.ok(row.default !== "", `${row.key} has a default (or says required/unset)`);
            assert.ok(row.rule !== "", `${row.key} states its rule`);
        }
    });
});
