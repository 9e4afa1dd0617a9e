import * as assert from "assert";
import { CLOUDFRONT_ZONE_ID, GLOBAL_ACCELERATOR_ZONE_ID, inferAliasZone, REGION_ALIAS_ZONES } from "../../../providers/dns/aliasZones";

/** Commercial (aws partition) regions; every one must resolve ELB and NLB targets. */
const COMMERCIAL_REGIONS = [
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
    "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
    "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
];

describe("dns alias hosted zone table", () => {
    it("has ALB/CLB and NLB zones for every commercial region, all distinct and well-formed", () => {
        for (const region of COMMERCIAL_REGIONS) {
            const row = REGION_ALIAS_ZONES[region];
            assert.ok(row, `${region} missing`);
            assert.match(row.elb, /^Z[A-Z0-9]{8,32}$/);
            assert.match(row.nlb, /^Z[A-Z0-9]{8,32}$/);
            assert.strictEqual(inferAliasZone(`k8s-default-app-1234567890.${region}.elb.amazonaws.com`)?.hostedZoneId, row.elb);
            assert.strictEqual(inferAliasZone(`net-lb-0123456789abcdef.elb.${region}.amazonaws.com`)?.hostedZoneId, row.nlb);
        }
        const all = Object.values(REGION_ALIAS_ZONES).flatMap((r) => [r.elb, r.nlb, r.s3Website, r.apiGateway].filter(Boolean));
        assert.strictEqual(new Set(all).size, all.length, "no zone id appears twice");
    });

    it("recognises the documented endpoint shapes", () => {
        const cases: [string, string | undefined, string][] = [
            ["my-alb-123.us-east-1.elb.amazonaws.com", "Z35SXDOTRQ7X7K", "elb"],
            ["dualstack.my-alb-123.us-east-1.elb.amazonaws.com.", "Z35SXDOTRQ7X7K", "elb"],
            ["internal-my-alb-123.ap-northeast-2.elb.amazonaws.com", "ZWKZPGTI48KDX", "elb"],
            ["My-NLB-0123.ELB.eu-west-1.amazonaws.com", "Z2IFOLAFXWLO4F", "nlb"],
            ["d111111abcdef8.cloudfront.net", CLOUDFRONT_ZONE_ID, "cloudfront"],
            ["a1234567890abcdef.awsglobalaccelerator.com", GLOBAL_ACCELERATOR_ZONE_ID, "global-accelerator"],
            ["a1234567890abcdef.dualstack.awsglobalaccelerator.com", GLOBAL_ACCELERATOR_ZONE_ID, "global-accelerator"],
            ["s3-website-us-east-1.amazonaws.com", "Z3AQBSTGFYJSTF", "s3-website"],
            ["www.example.com.s3-website.eu-central-1.amazonaws.com", "Z21DNDUVLTQW6Q", "s3-website"],
            ["d-abc123.execute-api.us-west-2.amazonaws.com", "Z2OJLYMUO9EFXC", "api-gateway"],
            ["my-alb-1.cn-north-1.elb.amazonaws.com.cn", "Z1GDH35T77C1KE", "elb"],
        ];
        for (const [name, zone, service] of cases) {
            const hit = inferAliasZone(name);
            assert.strictEqual(hit?.hostedZoneId, zone, name);
            assert.strictEqual(hit?.service, service, name);
        }
    });

    it("does not guess for unknown names or regions", () => {
        assert.strictEqual(inferAliasZone("lb.example.net"), undefined);
        assert.strictEqual(inferAliasZone("elb.amazonaws.com.evil.example"), undefined);
        assert.deepStrictEqual(inferAliasZone("x.elb.xx-nowhere-9.amazonaws.com"), { service: "nlb", region: "xx-nowhere-9", hostedZoneId: undefined });
    });
});
