// The policy pack on every resource of both fixture stacks: what `pulumi preview --policy-pack policy` would say.
import { expect } from "chai";
import { runPolicies } from "../../policy/runner";
import { plannedResources } from "../../tools/plan";
import { UNKNOWN_MARKER } from "../../tools/run-program";
import { evaluate, fixtureStack } from "../harness";

describe("the policy pack on the fixture stacks", () => {
    for (const stack of ["prod", "staging", "legacy"]) {
        it(`${stack}: no violation of any policy`, async () => {
            const ev = await fixtureStack(stack);
            expect(runPolicies(plannedResources(ev))).to.deep.equal([]);
        });
    }

    it("would catch this program losing a guarded setting (connectors versioning removed)", async () => {
        const ev = await fixtureStack("staging");
        const withoutVersioning = plannedResources(ev).filter((r) => r.type !== "aws:s3/bucketVersioning:BucketVersioning");
        const findings = runPolicies(withoutVersioning);
        expect(findings.map((f) => [f.policyName, f.enforcementLevel])).to.deep.equal([["s3-connectors-bucket-versioned", "mandatory"]]);
    });

    it("would catch a reader of the credentials secret allowed every secret, and the secret losing its tags", async () => {
        const ev = await fixtureStack("prod");
        const every = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }],
        });
        const changed = plannedResources(ev).map((r) =>
            r.name === "credentials-k8s-read"
                ? { ...r, props: { ...r.props, policy: every } }
                : r.name === "credentials-secret"
                  ? { ...r, props: { ...r.props, tags: {} } }
                  : r,
        );
        const findings = runPolicies(changed);
        expect(findings.map((f) => [f.policyName, f.enforcementLevel, f.resourceUrn?.split("::").pop()])).to.deep.equal([
            ["secretsmanager-secret-tags", "mandatory", "credentials-secret"],
            ["iam-role-secrets-scoped", "mandatory", "credentials-k8s-read"],
        ]);
    });
});

describe("the policy pack on what production promises", () => {
    const advisories = (ev: Awaited<ReturnType<typeof evaluate>>, tags?: Map<string, string>) =>
        runPolicies(plannedResources(ev), {}, tags).map((f) => [f.policyName, f.enforcementLevel]);

    it("prod with replication, access logs and alarms off: one advisory per promise, nothing mandatory", async () => {
        const ev = await evaluate({
            stack: "prod",
            overrides: {
                "membrane:s3Replication": false,
                "membrane:s3AccessLogs": false,
                "membrane:cdnAccessLogs": false,
                "membrane:alarms": false,
            },
        });
        const findings = runPolicies(plannedResources(ev));
        expect(findings.map((f) => [f.policyName, f.enforcementLevel, f.resourceUrn?.split("::").pop()])).to.deep.equal([
            ["production-connectors-replicated", "advisory", "storage-connectors"],
            ["production-data-buckets-logged", "advisory", "storage-tmp"],
            ["production-data-buckets-logged", "advisory", "storage-connectors"],
            ["production-data-buckets-logged", "advisory", "storage-static"],
            ["production-alarms-present", "advisory", "redis-cache"],
            ["production-alarms-present", "advisory", "cdn-distribution"],
        ]);
        // The stack tag the deployments program sets wins over what the resources say.
        expect(advisories(ev, new Map([["membrane:production", "false"]]))).to.deep.equal([]);
    });

    it("staging with the same features off: not production, so nothing is asked", async () => {
        const ev = await evaluate({
            stack: "staging",
            overrides: { "membrane:s3Replication": false, "membrane:s3AccessLogs": false, "membrane:alarms": false },
        });
        expect(advisories(ev)).to.deep.equal([]);
        expect(advisories(ev, new Map([["membrane:production", "true"]])).length).to.be.greaterThan(0);
    });
});

describe("the policy pack at preview, where many values are unknown", () => {
    for (const stack of ["prod", "staging"]) {
        it(`${stack}: no mandatory violation, and no crash`, async () => {
            const ev = await evaluate({ stack, preview: true });
            const resources = plannedResources(ev);
            expect(JSON.stringify(resources)).to.include(UNKNOWN_MARKER);
            const findings = runPolicies(resources);
            expect(findings.filter((f) => f.enforcementLevel === "mandatory")).to.deep.equal([]);
        });
    }
});
