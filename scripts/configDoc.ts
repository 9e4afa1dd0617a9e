/**
 * Renders the README's config reference table from Pulumi.yaml, so the two
 * cannot drift: `npm run docs:config` rewrites the table between the
 * `config-table` markers, and a unit test fails when README and Pulumi.yaml
 * disagree.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigDeclaration, projectRoot, readProjectFile } from "../synth/stackFiles";

export const startMarker = "<!-- config-table:start (generated from Pulumi.yaml by `npm run docs:config`) -->";
export const endMarker = "<!-- config-table:end -->";

function flatten(prefix: string, value: unknown): [string, unknown][] {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
        return Object.entries(value).flatMap(([k, v]) => flatten(`${prefix}.${k}`, v));
    }
    return [[prefix, value]];
}

function cell(value: unknown): string {
    if (value === undefined) {
        return "";
    }
    return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}

export function renderConfigTable(config: Record<string, ConfigDeclaration> = readProjectFile().config): string {
    const rows = ["| key | type | default | description |", "| --- | --- | --- | --- |"];
    for (const [key, declaration] of Object.entries(config)) {
        rows.push(`| \`${key}\` | ${declaration.type ?? "object"} | ${"default" in declaration && typeof declaration.default !== "object" ? cell(declaration.default) : ""} | ${declaration.description ?? ""} |`);
        if (typeof declaration.default === "object" && declaration.default !== null) {
            for (const [nested, value] of flatten(key, declaration.default)) {
                rows.push(`| \`${nested}\` | ${typeof value === "object" ? "object" : typeof value} | ${cell(value)} | |`);
            }
        }
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

if (require.main === module) {
    const file = path.join(projectRoot, "README.md");
    fs.writeFileSync(file, readmeWithTable(fs.readFileSync(file, "utf8")));
    console.log("README.md config table regenerated from Pulumi.yaml");
}
