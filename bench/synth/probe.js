// Preloaded (`node -r`) into every process the synth benchmark starts: at exit
// it writes the process's CPU time (and, when asked, the npm modules the
// program required) to $EIM_BENCH_PROBE_OUT as JSON. Plain JavaScript because
// it also runs in the SDK-only process, which has no TypeScript hook.
//
//   EIM_BENCH_PROBE_OUT=<file>  where the JSON goes
//   EIM_BENCH_RECORD=1          also list every file under node_modules that the
//                               program or an SDK required, in first-request
//                               order; what only the TypeScript hook required
//                               for itself (it is preloaded before this probe)
//                               is left out, what the program required too is in
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");

const out = process.env.EIM_BENCH_PROBE_OUT;
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/** Everything loaded before this probe belongs to the hooks preloaded ahead of it. */
const hookOwned = new Set(Object.keys(require.cache));
const modules = [];

if (process.env.EIM_BENCH_RECORD === "1") {
    const seen = new Set();
    const originalRequire = Module.prototype.require;
    Module.prototype.require = function require(id) {
        let file;
        try {
            file = Module._resolveFilename(id, this);
        } catch {
            // Let the real require report it.
        }
        if (file !== undefined && path.isAbsolute(file)) {
            if (hookOwned.has(this.filename)) {
                hookOwned.add(file);
            } else if (file.includes(NODE_MODULES) && !seen.has(file)) {
                seen.add(file);
                modules.push(file);
            }
        }
        return originalRequire.apply(this, arguments);
    };
}

process.on("exit", () => {
    if (!out) {
        return;
    }
    const { user, system } = process.cpuUsage();
    const report = { cpuMs: (user + system) / 1000 };
    if (process.env.EIM_BENCH_RECORD === "1") {
        report.modules = modules;
    }
    fs.writeFileSync(out, JSON.stringify(report));
});
