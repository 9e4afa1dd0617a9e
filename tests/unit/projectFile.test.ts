import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { readmeWithTable } from "../../scripts/configDoc";
import { configKeys, loadStackConfig } from "../../config";
import { projectRoot, readProjectFile, readStackConfigFile, stackNames } from "../../synth/stackFiles";

const allowedFields = ["type", "description", "default", "secret", "items", "value"];
const simpleTypes = ["string", "integer", "boolean", "array"];

describe("Pulumi.yaml and stack files", () => {
    const project = readProjectFile();

    it("names the project and the nodejs runtime", () => {
        assert.strictEqual(project.name, "eks-ingress-mesh");
        assert.deepStrictEqual((project.runtime as { name: string }).name, "nodejs");
    });

    it("declares exactly the keys config.ts reads, each with a description", () => {
        assert.deepStrictEqual(Object.keys(project.config).sort(), [...configKeys].sort());
        for (const [key, declaration] of Object.entries(project.config)) {
            assert.ok(declaration.description && declaration.description.length > 20, `${key} is described`);
            for (const field of Object.keys(declaration)) {
                assert.ok(allowedFields.includes(field), `${key}.${field} is a field the Pulumi CLI accepts`);
            }
            if (declaration.type !== undefined) {
                assert.ok(simpleTypes.includes(declaration.type), `${key} has a type the CLI knows`);
            }
        }
    });

    it("types every scalar key and gives every object key a default", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            if (declaration.type === undefined) {
                assert.strictEqual(typeof declaration.default, "object", `${key} (an object) has a default`);
            } else {
                assert.strictEqual(declaration.type, "string", key);
            }
        }
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
    it("is the table generated from Pulumi.yaml (run `npm run docs:config` after changing Pulumi.yaml)", () => {
        const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
        assert.strictEqual(readmeWithTable(readme), readme);
        for (const key of configKeys) {
            assert.ok(readme.includes(`| \`${key}\` |`), `README documents ${key}`);
        }
    });
});
