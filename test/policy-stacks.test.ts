// The policy pack on every resource of both real stacks: what `pulumi preview --policy-pack policy` would say.
import { expect } from "chai";
import { runPolicies } from "../policy/policies";
import { evaluate, Evaluation } from "../tools/engine";

export function plannedResources(ev: Evaluation) {
    return ev.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, parent: r.parent, dependencies: r.dependencies }));
}

describe("the policy pack on the real stacks", () => {
    for (const stack of ["prod", "staging"]) {
        it(`${stack}: no violation of any policy`, async () => {
            const ev = await evaluate({ stack });
            expect(runPolicies(plannedResources(ev))).to.deep.equal([]);
        });
    }

    it("would catch this program losing a guarded setting (connectors versioning removed)", async () => {
        const ev = await evaluate({ stack: "staging" });
        const withoutVersioning = plannedResources(ev).filter((r) => r.type !== "aws:s3/bucketVersioning:BucketVersioning");
        const findings = runPolicies(withoutVersioning);
        expect(findings.map((f) => [f.policyName, f.enforcementLevel])).to.deep.equal([["s3-connectors-bucket-versioned", "mandatory"]]);
    });
});
