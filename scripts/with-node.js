#!/usr/bin/env node
// Runs a command under Node.js >= 22, which @pulumi/pulumi, the AWS SDK and
// @kubernetes/client-node need. On an older Node (machines here ship 20) it
// installs the npm registry's `node` package (Node 24) into a cache folder
// once and puts it first on PATH. Plain JavaScript on purpose: it must run
// on any Node before TypeScript tooling can.
//
//   node scripts/with-node.js <command> [args...]
//   node scripts/with-node.js --bin-dir      # print the bin folder to use
"use strict";
const { execFileSync, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const MIN_MAJOR = 22;
const VERSION = process.env.NODE_VERSION || "24";

function binDir() {
    if (Number(process.versions.node.split(".")[0]) >= MIN_MAJOR) {
        return path.dirname(process.execPath);
    }
    const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    const home = process.env.EIM_NODE_HOME || path.join(cache, "eks-ingress-mesh", `node-${VERSION}`);
    const bin = path.join(home, "node_modules", "node", "bin");
    if (!fs.existsSync(path.join(bin, "node"))) {
        fs.mkdirSync(home, { recursive: true });
        process.stderr.write(`Node ${process.versions.node} is too old; installing node@${VERSION} from the npm registry into ${home}\n`);
        execFileSync("npm", ["install", "--prefix", home, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `node@${VERSION}`], {
            stdio: ["ignore", "ignore", "inherit"],
        });
    }
    return bin;
}

const args = process.argv.slice(2);
if (args[0] === "--bin-dir") {
    process.stdout.write(`${binDir()}\n`);
} else if (args.length === 0) {
    process.stderr.write("usage: node scripts/with-node.js <command> [args...] | --bin-dir\n");
    process.exit(2);
} else {
    const env = {
        // The swc hook (@swc-node/register) appends each file's source map to its code but does not
        // install its source-map-support: that rewrote every stack trace Pulumi captures per resource
        // and cost synth ~0.6 s of CPU. For TypeScript line numbers in a stack trace, run with
        // NODE_OPTIONS=--enable-source-maps (Node then maps the inline maps itself; `npm test` does).
        SWC_NODE_SOURCE_MAP_MODE: "inline",
        ...process.env,
        PATH: `${binDir()}${path.delimiter}${process.env.PATH}`,
    };
    const result = spawnSync(args[0], args.slice(1), { stdio: "inherit", env });
    process.exit(result.status === null ? 1 : result.status);
}
