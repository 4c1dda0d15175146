// At a real `pulumi preview` of a new stack, every value only the cloud knows is unknown and `apply`
// callbacks on it never run. Mocks hide that; the engine's preview mode does not.
import { expect } from "chai";
import { evaluate, fixtureStack } from "../harness";
import { Evaluation } from "../../tools/engine";

describe("preview: the program copes with unknown values", () => {
    for (const stack of ["prod", "staging"]) {
        describe(stack, () => {
            let preview: Evaluation;
            let up: Evaluation;
            before(async () => {
                [preview, up] = await Promise.all([evaluate({ stack, preview: true }), fixtureStack(stack)]);
            });

            it("registers the same resources as a deployment", () => {
                expect(preview.resources.map((r) => r.urn).sort()).to.deep.equal(up.resources.map((r) => r.urn).sort());
            });

            it("knows what config decides and leaves what the cloud decides unknown", () => {
                for (const name of [
                    "STORAGE_PROVIDER",
                    "AWS_REGION",
                    "TMP_STORAGE_BUCKET",
                    "CONNECTORS_STORAGE_BUCKET",
                    "STATIC_STORAGE_BUCKET",
                ]) {
                    expect(preview.outputs[name], name).to.deep.equal(up.outputs[name]);
                }
                for (const name of ["REDIS_URI", "MONGO_URI", "SECRET", "ENCRYPTION_SECRET"]) {
                    expect(preview.outputs[name], name).to.deep.equal({ value: "<unknown>", secret: true });
                }
                expect(preview.outputs.redisEndpoint.value).to.equal("<unknown>");
            });
        });
    }
});
