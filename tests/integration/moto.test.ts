import * as assert from "assert";
import { CreateHostedZoneCommand, GetHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { useMoto } from "./fixtures/moto";

describe("moto fixture", () => {
    const moto = useMoto();

    it("points the standard AWS SDK chain at a loopback moto_server", async () => {
        assert.match(moto().endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.strictEqual(process.env.AWS_ENDPOINT_URL, moto().endpoint);
        const route53 = new Route53Client({});
        const created = await route53.send(new CreateHostedZoneCommand({ Name: "fixture.example.", CallerReference: `fixture-${Date.now()}` }));
        const zone = await route53.send(new GetHostedZoneCommand({ Id: created.HostedZone!.Id }));
        assert.strictEqual(zone.HostedZone!.Name, "fixture.example.");
    });
});
