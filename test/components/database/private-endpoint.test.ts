// PrivateLink's first `pulumi up`: Atlas publishes the private-endpoint connection string minutes after the
// interface endpoint is linked, sometimes after the program has read the cluster. The offline Atlas is told
// through the cloud fixture how many reads pass before it publishes; the first up must still yield MONGO_URI.
import { expect } from "chai";
import * as path from "path";
import { loadCloudFixture } from "../../../tools/cloud-file";
import { Evaluation } from "../../../tools/engine";
import type { CloudFixture } from "../../../tools/mock-cloud";
import { COMPONENT_ACCOUNT, evaluate, FIXTURES, fixtureStack, oneIn } from "../../harness";

const GET_CLUSTER = "mongodbatlas:index/getAdvancedCluster:getAdvancedCluster";
const reads = (ev: Evaluation) => ev.invokes.filter((i) => i.token === GET_CLUSTER).length;
const hostOf = (uri: unknown) => new URL(String(uri)).hostname;
const notYet = (after: number | "never"): CloudFixture => ({ ...COMPONENT_ACCOUNT, atlas: { privateEndpointPublishedAfterReads: after } });

function databaseAlone(cloud: CloudFixture, wait: string): Promise<Evaluation> {
    return evaluate({
        stack: "staging",
        program: "test/programs/database.ts",
        cloud,
        env: { MEMBRANE_TEST_DB: "private-link", MEMBRANE_TEST_PE_WAIT: wait },
    });
}

describe("PrivateLink: Atlas publishes the private-endpoint string late", () => {
    it("reads again until Atlas publishes it, and takes Atlas's string without a warning", async () => {
        const ev = await databaseAlone(notYet(2), "3,0");
        expect(reads(ev)).to.equal(3);
        expect(hostOf(ev.outputs.mongoUri.value)).to.match(/^membrane-qa-pl-0\.[a-z0-9]{5}\.mongodb\.net$/);
        expect(ev.outputs.mongoUri.secret).to.equal(true);
        expect(ev.warnings.filter((w) => /private-endpoint/.test(w))).to.deep.equal([]);
    });

    it("stops after the reads it may make, derives the string as Atlas forms it, and says so", async () => {
        const [late, published] = await Promise.all([databaseAlone(notYet("never"), "2,0"), databaseAlone(notYet(0), "2,0")]);
        expect(reads(late)).to.equal(2);
        expect(reads(published)).to.equal(1);
        // The derived name is the one Atlas publishes once it is ready.
        expect(hostOf(late.outputs.mongoUri.value)).to.equal(hostOf(published.outputs.mongoUri.value));
        const warnings = late.warnings.filter((w) => /private-endpoint/.test(w));
        expect(warnings).to.have.lengthOf(1);
        expect(warnings[0]).to.match(
            /^Atlas has not published the private-endpoint connection string of cluster membrane-qa for vpce-[0-9a-f]{17} yet \(2 reads over 0 min\): MONGO_URI uses mongodb\+srv:\/\/membrane-qa-pl-0\.[a-z0-9]{5}\.mongodb\.net, /,
        );
        expect(warnings[0]).to.include("Run pulumi up again later");
    });

    it("the prod fixture's first pulumi up still yields MONGO_URI when Atlas has not published the string", async () => {
        const prodAccount = loadCloudFixture(path.join(FIXTURES, "prod.cloud.yaml"));
        const [late, published] = await Promise.all([
            evaluate({
                stack: "prod",
                cloud: { ...prodAccount, atlas: { privateEndpointPublishedAfterReads: "never" } },
                overrides: { "membrane:atlasPrivateEndpointWaitMinutes": 0 },
            }),
            fixtureStack("prod"),
        ]);
        expect(reads(late)).to.equal(1);
        expect(late.outputs.MONGO_URI.secret).to.equal(true);
        const uri = new URL(String(late.outputs.MONGO_URI.value));
        expect(uri.protocol).to.equal("mongodb+srv:");
        expect(uri.hostname).to.match(/^membrane-prod-pl-0\./);
        expect(uri.hostname).to.equal(hostOf(published.outputs.MONGO_URI.value));
        expect(uri.pathname).to.equal("/membrane");
        expect(late.warnings.some((w) => w.includes("membrane:atlasPrivateEndpointWaitMinutes"))).to.equal(true);
        // The cluster and the link are there as in any first up: only the string came from the derivation.
        oneIn(late, "membrane:database:Database", "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService");
    });

    it("when Atlas publishes at once, the prod fixture reads the cluster once and warns nothing", async () => {
        const ev = await fixtureStack("prod");
        expect(reads(ev)).to.equal(1);
        expect(ev.warnings).to.deep.equal([]);
    });
});
