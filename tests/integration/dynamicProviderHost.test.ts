import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { dynamicUrn, HostHandle, serializeProvider, startDynamicProviderHost } from "./fixtures/dynamicProviderHost";
import { FileProvider } from "./fixtures/fileProvider";

describe("gRPC dynamic-provider host harness", () => {
    let host: HostHandle;
    let dir: string;
    const urn = dynamicUrn("file");

    before(async () => {
        host = await startDynamicProviderHost();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "eim-host-"));
    });
    after(async () => {
        await host.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("runs check → diff → create → update → read → delete inside the host process", async () => {
        const __provider = await serializeProvider(new FileProvider());
        const file = path.join(dir, "a.txt");

        const bad = await host.check(urn, {}, { __provider, path: "relative", content: "" });
        assert.deepStrictEqual(bad.failures.map((f) => f.property).sort(), ["content", "path"]);

        const checked = await host.check(urn, {}, { __provider, path: file, content: "one" });
        assert.deepStrictEqual(checked.failures, []);
        const created = await host.create(urn, checked.inputs);
        assert.strictEqual(created.id, file);
        assert.strictEqual(fs.readFileSync(file, "utf8"), "one");
        assert.notStrictEqual(created.outs.writtenByPid, process.pid, "provider must run in the host, not the test");
        assert.strictEqual(created.outs.__provider, __provider, "the host keeps the serialized provider in state");

        const news = { __provider, path: file, content: "two" };
        const diff = await host.diff(created.id, urn, created.outs, news);
        assert.strictEqual(diff.changes, true);
        assert.deepStrictEqual(diff.replaces, []);
        const unchanged = await host.diff(created.id, urn, created.outs, { __provider, path: file, content: "one" });
        assert.strictEqual(unchanged.changes, false);

        const updated = await host.update(created.id, urn, created.outs, news);
        assert.strictEqual(updated.outs.content, "two");
        assert.strictEqual(fs.readFileSync(file, "utf8"), "two");

        fs.writeFileSync(file, "drifted");
        const read = await host.read(created.id, urn, updated.outs);
        assert.strictEqual(read.props.content, "drifted");

        await host.delete(created.id, urn, updated.outs);
        assert.strictEqual(fs.existsSync(file), false);
    });

    it("surfaces a broken provider's error through gRPC", async () => {
        class Broken extends FileProvider {
            async create(): Promise<pulumi.dynamic.CreateResult> {
                throw new Error("disk on fire");
            }
        }
        const __provider = await serializeProvider(new Broken());
        await assert.rejects(host.create(urn, { __provider, path: path.join(dir, "b.txt"), content: "x" }), /disk on fire/);
        assert.strictEqual(fs.existsSync(path.join(dir, "b.txt")), false);
    });

    it("fails when serialized code references a module it cannot resolve", async () => {
        const provider: pulumi.dynamic.ResourceProvider = {
            async create() {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                require("./not-resolvable-from-the-host");
                return { id: "never" };
            },
        };
        const __provider = await serializeProvider(provider);
        await assert.rejects(host.create(urn, { __provider }), /Cannot find module/);
    });
});
