/**
 * The module graph: no import cycles anywhere in the program, synth, policy
 * pack, scripts or tests (a cycle makes one module see another half-loaded),
 * and the policy pack reaches nothing under scripts/ (it runs inside the
 * Pulumi CLI's policy host, where scripts/ is not shipped). Type-only imports
 * are left out: they vanish at run time.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../../synth/stackFiles";

const SKIP = new Set(["node_modules", "out", "bin", ".venv", ".git"]);

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return SKIP.has(e.name) ? [] : sourceFiles(full);
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
    });
}

/** Relative imports that exist at run time: import/export … from, require(), import(). */
function runtimeImports(file: string): string[] {
    const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const specs: string[] = [];
    for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+["'](\.[^"']+)["']/gm)) {
        const typeOnly = m[2] !== undefined || /^\{\s*(type\s+[\w$]+\s*,?\s*)+\}$/.test(m[3].trim());
        if (!typeOnly) specs.push(m[4]);
    }
    for (const m of text.matchAll(/^\s*import\s+["'](\.[^"']+)["']/gm)) specs.push(m[1]);
    for (const m of text.matchAll(/\b(?:require|import)\(\s*["'](\.[^"']+)["']\s*\)/g)) specs.push(m[1]);
    return specs.map((s) => resolve(file, s)).filter((f): f is string => f !== undefined);
}

function resolve(from: string, spec: string): string | undefined {
    const base = path.resolve(path.dirname(from), spec);
    return [`${base}.ts`, path.join(base, "index.ts"), base].find((f) => fs.existsSync(f) && fs.statSync(f).isFile() && f.endsWith(".ts"));
}

/** Strongly connected components with more than one module (or a self-import): the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
    let index = 0;
    const indices = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const visit = (v: string) => {
        indices.set(v, index);
        low.set(v, index++);
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!indices.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) {
                low.set(v, Math.min(low.get(v)!, indices.get(w)!));
            }
        }
        if (low.get(v) === indices.get(v)) {
            const component: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                component.push(w);
            } while (w !== v);
            if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component);
        }
    };
    [...graph.keys()].forEach((v) => indices.has(v) || visit(v));
    return found;
}

describe("module graph", () => {
    const graph = new Map(sourceFiles(projectRoot).map((f) => [f, runtimeImports(f)]));
    const rel = (f: string) => path.relative(projectRoot, f);

    it("sees the program, synth, policy pack and scripts", () => {
        for (const file of ["index.ts", "config.ts", "synth/index.ts", "policy/offline.ts", "scripts/synth.ts"]) {
            assert.ok(graph.has(path.join(projectRoot, file)), file);
        }
        assert.ok(graph.get(path.join(projectRoot, "synth/index.ts"))!.map(rel).includes("policy/offline.ts"), "imports are found");
    });

    it("has no import cycle", () => {
        assert.deepStrictEqual(cycles(graph).map((c) => c.map(rel).sort()), []);
    });

    it("the policy pack reaches nothing under scripts/", () => {
        const seen = new Set<string>();
        const walk = (f: string) => {
            if (seen.has(f)) return;
            seen.add(f);
            (graph.get(f) ?? []).forEach(walk);
        };
        [...graph.keys()].filter((f) => rel(f).startsWith("policy/")).forEach(walk);
        assert.deepStrictEqual([...seen].map(rel).filter((f) => f.startsWith("scripts/")), []);
        assert.ok([...seen].map(rel).includes("synth/mockCloud.ts"), "the offline evaluation uses synth/");
    });

    it("finds a cycle when there is one", () => {
        const a = path.join(projectRoot, "a.ts");
        const b = path.join(projectRoot, "b.ts");
        assert.strictEqual(cycles(new Map([[a, [b]], [b, [a]]])).length, 1);
    });
});
