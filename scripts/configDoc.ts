/**
 * `npm run docs:config`: regenerates, from config/schema.ts, the README's
 * config reference (between the `config-table` markers) and Pulumi.yaml's
 * `config:` section (from its marker comment to the end of the file). A unit
 * test fails when either is stale.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { configRows, projectDeclarations } from "../config/declarations";
import { schema } from "../config/schema";
import { projectRoot } from "../synth/stackFiles";

export const startMarker = "<!-- config-table:start (generated from config/schema.ts by `npm run docs:config`) -->";
export const endMarker = "<!-- config-table:end -->";
export const projectConfigMarker = "# Stack config: generated from config/schema.ts by `npm run docs:config`; edit the schema, not this section.";

const escape = (text: string) => text.replace(/\|/g, "\\|");

export function renderConfigTable(): string {
    const rows = ["| key | type | default | rule | description |", "| --- | --- | --- | --- | --- |"];
    for (const row of configRows(schema)) {
        rows.push(`| \`${row.key}\` | ${row.type} | ${escape(row.default)} | ${escape(row.rule)} | ${escape(row.description)} |`);
    }
    return [startMarker, ...rows, endMarker].join("\n");
}

export function readmeWithTable(readme: string, table = renderConfigTable()): string {
    const start = readme.indexOf(startMarker);
    const end = readme.indexOf(endMarker);
    if (start < 0 || end < start) {
        throw new Error("README.md has no config-table markers");
    }
    return readme.slice(0, start) + table + readme.slice(end + endMarker.length);
}

export function renderProjectConfig(): string {
    return [
        projectConfigMarker,
        "# Object-valued keys are typed `object` (Pulumi CLI >= 3.187), so the CLI refuses a scalar there;",
        "# the program checks every nested key (unknown keys included). Defaults that depend on the stack",
        "# or the domain are computed by the program and left out here.",
        yaml.dump({ config: projectDeclarations(schema) }, { lineWidth: 200, noRefs: true }).trimEnd(),
        "",
    ].join("\n");
}

export function projectFileWithConfig(projectFile: string, config = renderProjectConfig()): string {
    const marker = projectFile.indexOf(projectConfigMarker);
    const start = marker >= 0 ? marker : projectFile.search(/^(# .*\n)*config:/m);
    if (start < 0) {
        throw new Error("Pulumi.yaml has no config section");
    }
    return projectFile.slice(0, start) + config;
}

if (require.main === module) {
    const readme = path.join(projectRoot, "README.md");
    fs.writeFileSync(readme, readmeWithTable(fs.readFileSync(readme, "utf8")));
    const project = path.join(projectRoot, "Pulumi.yaml");
    fs.writeFileSync(project, projectFileWithConfig(fs.readFileSync(project, "utf8")));
    console.log("README.md config table and Pulumi.yaml config section regenerated from config/schema.ts");
}
