import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks } from "../../synth/mockCloud";
import { FileProvider } from "../integration/fixtures/fileProvider";

class File extends pulumi.dynamic.Resource {
    constructor(name: string, props: { path: string; content: pulumi.Input<string> }) {
        super(new FileProvider(), name, props);
    }
}

describe("mock cloud runtime", () => {
    it("runs a dynamic resource's serialized provider check and fails the run like preview would", async () => {
        await assert.rejects(
            runUnderMocks(() => {
                new File("bad-file", { path: "relative", content: "" });
            }, { config: {} }),
            (e: Error) =>
                pulumi.RunError.isInstance(e) &&
                // As the engine prints check failures (step_generator.go issueCheckFailures), each on its own line.
                e.message ===
                    "pulumi-nodejs:dynamic:Resource resource 'bad-file': property content value {} has a problem: content must be a non-empty string\n" +
                        "pulumi-nodejs:dynamic:Resource resource 'bad-file': property path value {relative} has a problem: path must be absolute",
        );
    });

    it("keeps the serialized provider on the checked inputs, as the SDK host does", async () => {
        const run = await runUnderMocks(() => {
            new File("good-file", { path: "/tmp/x", content: "y" });
        }, { config: {} });
        const file = run.one("pulumi-nodejs:dynamic:Resource", "good-file");
        assert.strictEqual(typeof file.inputs.__provider, "string");
        assert.strictEqual(file.inputs.content, "y");
    });

    it("unwraps secret inputs for providers and remembers them for redaction", async () => {
        const run = await runUnderMocks(() => {
            new File("secret-file", { path: "/tmp/x", content: pulumi.secret("hunter2-hunter2") });
        }, { config: {} });
        assert.strictEqual(run.one("pulumi-nodejs:dynamic:Resource").inputs.content, "hunter2-hunter2");
        assert.ok(run.secretValues.has("hunter2-hunter2"));
    });
});
