// The policy pack on every resource of both fixture stacks: what `pulumi preview --policy-pack policy` would say.
import { expect } from "chai";
import { runPolicies } from "../policy/runner";
import { plannedResources } from "../tools/plan";
import { UNKNOWN_MARKER, UNKNOWN_TEXT } from "../tools/run-program";
import { evaluate, fixtureStack } from "./harness";

describe("the policy pack on the fixture stacks", () => {
    for (const stack of ["prod", "staging"]) {
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

// An evaluation spells an unknown value UNKNOWN_TEXT; the policy SDK receives the engine's own marker.
function withUnknownMarkers(v: unknown): unknown {
    if (v === UNKNOWN_TEXT) {
        return UNKNOWN_MARKER;
    }
    if (Array.isArray(v)) {
        return v.map(withUnknownMarkers);
    }
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, withUnknownMarkers(e)]));
    }
    return v;
}

describe("the policy pack at preview, where many values are unknown", () => {
    for (const stack of ["prod", "staging"]) {
        it(`${stack}: no mandatory violation, and no crash`, async () => {
            const ev = await evaluate({ stack, preview: true });
            const resources = plannedResources(ev).map((r) => ({ ...r, props: withUnknownMarkers(r.props) as Record<string, unknown> }));
            const findings = runPolicies(resources);
            expect(findings.filter((f) => f.enforcementLevel === "mandatory")).to.deep.equal([]);
        });
    }
});
