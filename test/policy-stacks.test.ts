// The policy pack on every resource of both fixture stacks: what `pulumi preview --policy-pack policy` would say.
import { expect } from "chai";
import { runPolicies } from "../policy/runner";
import { plannedResources } from "../tools/plan";
import { UNKNOWN_MARKER } from "../tools/run-program";
import { evaluate, fixtureStack } from "./harness";

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
