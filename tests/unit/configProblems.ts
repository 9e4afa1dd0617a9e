import * as assert from "assert";
import { ConfigError, loadStackConfig } from "../../config";

/** Every problem the config layer reports for `raw` (a dev stack in ap-northeast-2); none for a valid config. */
export function problemsOf(raw: Record<string, unknown>): string[] {
    try {
        loadStackConfig(raw, { stack: "dev", region: "ap-northeast-2" });
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return [...e.problems];
    }
    return [];
}
