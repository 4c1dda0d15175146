// The real program on the fixture stack files, through the offline engine.
import { expect } from "chai";
import { Evaluation } from "../../tools/engine";
import { StackConfigError } from "../../lib/stack-files";
import { byType, descendantsOf, evaluate, fixtureStack, one, programError } from "../harness";

describe("the fixture stacks", () => {
    const stacks: Record<string, Evaluation> = {};
    before(async () => {
        const [prod, staging] = await Promise.all([fixtureStack("prod"), fixtureStack("staging")]);
        Object.assign(stacks, { prod, staging });
    });

    const expected = {
        prod: { region: "us-east-1", prefix: "acme-prod", production: true },
        staging: { region: "eu-west-1", prefix: "acme-staging", production: false },
    };

    for (const [stack, want] of Object.entries(expected)) {
        describe(stack, () => {
            it("creates the three buckets, named from the prefix and environment", () => {
                const ev = stacks[stack];
                const names = descendantsOf(ev, one(ev, "membrane:storage:Storage"))
                    .filter((r) => r.type === "aws:s3/bucket:Bucket")
                    .map((b) => b.inputs.bucket)
                    .sort();
                expect(names).to.deep.equal(["connectors", "static", "tmp"].map((p) => `${want.prefix}-integration-app-${p}`));
            });

            it("and, for operations, the log bucket and the connectors bucket's replica and its log bucket in the paired region", () => {
                const buckets = byType(stacks[stack], "aws:s3/bucket:Bucket").filter((b) => !b.urn.includes("membrane:storage:Storage$"));
                const replicaRegion = want.region === "us-east-1" ? "us-west-2" : "eu-central-1";
                expect(buckets.map((b) => [b.inputs.bucket, b.inputs.region ?? want.region]).sort()).to.deep.equal(
                    [
                        [`${want.prefix}-integration-app-connectors-${replicaRegion}`, replicaRegion],
                        [`${want.prefix}-integration-app-logs`, want.region],
                        [`${want.prefix}-integration-app-logs-${replicaRegion}`, replicaRegion],
                    ].sort(),
                );
            });

            it("exports Membrane's storage variables", () => {
                const out = stacks[stack].outputs;
                expect(out.STORAGE_PROVIDER).to.deep.equal({ value: "s3", secret: false });
                expect(out.AWS_REGION).to.deep.equal({ value: want.region, secret: false });
                expect(out.TMP_STORAGE_BUCKET.value).to.equal(`${want.prefix}-integration-app-tmp`);
                expect(out.CONNECTORS_STORAGE_BUCKET.value).to.equal(`${want.prefix}-integration-app-connectors`);
                expect(out.STATIC_STORAGE_BUCKET.value).to.equal(`${want.prefix}-integration-app-static`);
            });

            it(`${want.production ? "protects" : "does not protect"} the data buckets`, () => {
                const connectors = one(stacks[stack], "aws:s3/bucket:Bucket", "storage-connectors");
                expect(connectors.protect).to.equal(want.production);
                expect(connectors.inputs.forceDestroy).to.equal(!want.production);
            });

            it("sets every resource's parent: the stack's components, and their children under them", () => {
                const root = one(stacks[stack], "pulumi:pulumi:Stack");
                for (const r of stacks[stack].resources.filter((r) => r !== root)) {
                    expect(r.parent, r.urn).to.be.a("string");
                    if (r.custom) {
                        expect(r.parent, r.urn).to.not.equal(root.urn);
                    }
                }
            });

            it("writes every security group rule as a separate ingress rule: no inline rules, no egress rule of any kind", () => {
                const ev = stacks[stack];
                const groups = byType(ev, "aws:ec2/securityGroup:SecurityGroup");
                expect(groups.length).to.be.greaterThan(0);
                for (const g of groups) {
                    expect(g.inputs, g.name).to.not.have.any.keys("ingress", "egress");
                }
                // With no egress rule, a group keeps none: the provider revokes AWS's default allow-all egress when it creates a group.
                expect(byType(ev, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")).to.deep.equal([]);
                expect(byType(ev, "aws:ec2/securityGroupRule:SecurityGroupRule")).to.deep.equal([]);
                const rules = byType(ev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
                const groupIds = groups.map((g) => (g.outputs.arn as string).split("/")[1]);
                expect(rules.map((r) => r.inputs.securityGroupId).sort()).to.deep.equal(groupIds.sort());
            });

            it("gives no warning: the stack sets a name prefix", () => {
                expect(stacks[stack].warnings).to.deep.equal([]);
            });
        });
    }

    it("warns when the name prefix is empty", async () => {
        const ev = await evaluate({ stack: "staging", overrides: { "membrane:namePrefix": "" } });
        expect(ev.warnings.some((w) => /membrane:namePrefix is empty/.test(w))).to.equal(true);
        expect(ev.outputs.TMP_STORAGE_BUCKET.value).to.equal("staging-integration-app-tmp");
    });

    it("a bad environment fails the program with the key's name, before any resource is registered", async () => {
        const err = await programError({ stack: "prod", overrides: { "membrane:environment": "Prod_Env" } });
        expect(err.message).to.match(/membrane:environment: must be 2 or more lowercase letters, digits and hyphens/);
        expect(err.registered.filter((urn) => !urn.includes("pulumi:pulumi:Stack"))).to.deep.equal([]);
    });

    it("an environment that makes a bucket name too long fails with the key's name", async () => {
        const err = await programError({
            stack: "staging",
            overrides: { "membrane:environment": "staging-for-the-quality-assurance-team" },
        });
        expect(err.message).to.match(
            /membrane:namePrefix and membrane:environment: make the bucket name "acme-staging-for-the-quality-assurance-team-integration-app-connectors", which is 70 characters long; S3 allows 3 to 63/,
        );
    });

    it("the CLI's checks run first: a missing required key or a wrong type stops before the program", async () => {
        try {
            await evaluate({ stack: "staging", unset: ["membrane:vpcId"], overrides: { "membrane:production": "maybe" } });
            expect.fail("should have thrown");
        } catch (e) {
            expect(e).to.be.instanceOf(StackConfigError);
            expect((e as StackConfigError).problems).to.deep.equal([
                "Stack 'staging' is missing configuration value 'vpcId'",
                `Stack 'staging' with configuration key 'production' must be of type 'boolean': write true or false (got "maybe")`,
            ]);
        }
    });
});
