import * as assert from "assert";
import { useMoto } from "./fixtures/moto";
describe("moto fixture", () => {
    const moto = useMoto();
    it("answers route53", async () => {
        const { Route53Client, ListHostedZonesCommand } = require("@aws-sdk/client-route-53");
        const c = new Route53Client({});
        const r = await c.send(new ListHostedZonesCommand({}));
        assert.ok(Array.isArray(r.HostedZones));
        assert.ok(moto().endpoint.startsWith("http://127.0.0.1:"));
    });
});
