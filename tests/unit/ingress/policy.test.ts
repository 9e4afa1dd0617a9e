import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { controllerPolicyJson } from "../../../components/ingress/controller";

interface Statement {
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

const file = path.join(__dirname, "../../../components/policies/aws-load-balancer-controller-iam-policy.json");
const policy = JSON.parse(fs.readFileSync(file, "utf8")) as { Version: string; Statement: Statement[] };
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resources = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const granting = (action: string) => policy.Statement.filter((s) => actions(s).includes(action));

describe("ingress: AWS Load Balancer Controller IAM policy", () => {
    it("is a well-formed IAM policy document of Allow statements", () => {
        assert.strictEqual(policy.Version, "2012-10-17");
        assert.ok(policy.Statement.length >= 10);
        for (const s of policy.Statement) {
            assert.strictEqual(s.Effect, "Allow");
            assert.ok(actions(s).every((a) => /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a)), `actions look like service:Action: ${actions(s)}`);
            assert.ok(resources(s).every((r) => r === "*" || r.startsWith("arn:aws:")), `resources are ARNs in the aws partition: ${resources(s)}`);
        }
    });

    it("lets the controller create load balancers and target groups only when it tags them for a cluster", () => {
        for (const action of ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]) {
            const statements = granting(action);
            assert.strictEqual(statements.length, 1, action);
            assert.deepStrictEqual(statements[0].Condition, { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } }, action);
        }
    });

    it("lets it modify and delete only load balancers, target groups and security groups it tagged", () => {
        for (const action of ["elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "ec2:DeleteSecurityGroup"]) {
            const statements = granting(action);
            assert.strictEqual(statements.length, 1, action);
            assert.strictEqual(statements[0].Condition?.Null?.["aws:ResourceTag/elbv2.k8s.aws/cluster"], "false", action);
        }
        const tagOnCreate = granting("ec2:CreateTags").find((s) => s.Condition?.StringEquals);
        assert.deepStrictEqual(tagOnCreate?.Condition, {
            StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" },
            Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
        });
    });

    it("restricts the service-linked role to Elastic Load Balancing", () => {
        const [s] = granting("iam:CreateServiceLinkedRole");
        assert.deepStrictEqual(s.Condition, { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } });
    });

    it("grants every call the controller makes for an IP-mode ALB with HTTPS", () => {
        const all = new Set(policy.Statement.flatMap(actions));
        for (const action of [
            "ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups",
            "ec2:CreateSecurityGroup",
            "ec2:AuthorizeSecurityGroupIngress",
            "elasticloadbalancing:CreateListener",
            "elasticloadbalancing:CreateRule",
            "elasticloadbalancing:ModifyRule",
            "elasticloadbalancing:SetRulePriorities",
            "elasticloadbalancing:RegisterTargets",
            "elasticloadbalancing:DeregisterTargets",
            "elasticloadbalancing:DescribeTargetHealth",
            "elasticloadbalancing:DescribeListenerAttributes",
            "elasticloadbalancing:AddListenerCertificates",
            "acm:DescribeCertificate",
            "acm:ListCertificates",
            "wafv2:GetWebACLForResource",
            "shield:GetSubscriptionState",
        ]) {
            assert.ok(all.has(action), `${action} is granted`);
        }
    });

    it("has no duplicate action within a statement and fits IAM's size limits when compacted", () => {
        for (const s of policy.Statement) {
            assert.strictEqual(new Set(actions(s)).size, actions(s).length);
        }
        assert.deepStrictEqual(JSON.parse(controllerPolicyJson), policy, "the component grants exactly the reviewed file");
        assert.ok(controllerPolicyJson.length < 6144, `compact policy is ${controllerPolicyJson.length} characters (managed-policy limit 6144)`);
    });
});
