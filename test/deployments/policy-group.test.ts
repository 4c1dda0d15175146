// The policy pack on real runs: published and enforced by Pulumi Cloud as a preventative policy group when
// `policyGroup` is set (@pulumi/pulumiservice 1.3's PolicyPack and PolicyGroup), off by default.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { POLICY_PACK_NAME, policyPackVersionTag } from "../../deployments/policy-group";
import { POLICY_PACK_DIR } from "../../deployments/workflow";
import { runPolicies } from "../../policy/runner";
import { Evaluation, PROJECT_DIR, ProgramError } from "../../tools/engine";
import { plannedResources } from "../../tools/plan";
import { deploymentsError, deploymentsStack, evaluateDeployments, named } from "./harness";
import { tempDir } from "../support/tmp";

const PACK = path.join(PROJECT_DIR, POLICY_PACK_DIR);
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);

describe("deployments program: the policy pack enforced by a Pulumi Cloud policy group (policyGroup)", () => {
    let ev: Evaluation;
    before(async function () {
        this.timeout(60000);
        ev = await evaluateDeployments({ stack: "acme", overrides: { "membrane-deployments:policyGroup": "membrane-stacks" } });
    });

    it("publishes policy/ as the pack the code names, at a version derived from its content", () => {
        const pack = named(ev, "policy-pack");
        expect(pack.type).to.equal("pulumiservice:index:PolicyPack");
        expect(ev.resources.find((r) => r.urn === pack.parent)!.type).to.equal("membrane:deployments:PolicyEnforcement");
        expect(pack.inputs).to.deep.equal({
            organization: "acme",
            name: POLICY_PACK_NAME,
            versionTag: policyPackVersionTag(PACK),
            sourcePath: PACK,
        });
        // The provider's own check of the tag (provider/pkg/resources/policy_pack.go, v1.3.0).
        expect(pack.inputs.versionTag).to.match(/^[a-zA-Z0-9-_.]{1,100}$/);
        expect(fs.readFileSync(path.join(PACK, "index.ts"), "utf8")).to.include(`new PolicyPack("${POLICY_PACK_NAME}"`);
    });

    it("applies it to every Membrane stack as a preventative group, pinned to that version", () => {
        const group = named(ev, "policy-group");
        expect(group.type).to.equal("pulumiservice:index:PolicyGroup");
        expect(group.inputs).to.deep.equal({
            name: "membrane-stacks",
            organizationName: "acme",
            entityType: "stacks",
            mode: "preventative",
            policyPacks: [{ name: POLICY_PACK_NAME, versionTag: named(ev, "policy-pack").inputs.versionTag }],
            stacks: [
                { name: "staging", routingProject: "membrane" },
                { name: "prod", routingProject: "membrane" },
            ],
        });
        expect(ev.outputs.policyGroup.value).to.deep.equal({
            name: "membrane-stacks",
            pack: "membrane",
            versionTag: named(ev, "policy-pack").inputs.versionTag,
        });
        expect(runPolicies(plannedResources(ev))).to.deep.equal([]);
    });

    it("is off by default: no pack published, no group (a paid edition)", async function () {
        this.timeout(60000);
        const plain = await deploymentsStack("acme");
        expect(ofType(plain, "pulumiservice:index:PolicyPack")).to.deep.equal([]);
        expect(ofType(plain, "pulumiservice:index:PolicyGroup")).to.deep.equal([]);
        expect(plain.outputs).to.not.have.property("policyGroup");
    });

    it("refuses a group name Pulumi Cloud would not take, naming the key", async function () {
        this.timeout(60000);
        const err = await deploymentsError({ stack: "acme", overrides: { "membrane-deployments:policyGroup": "my group" } });
        expect(err).to.be.instanceOf(ProgramError);
        expect(err.message).to.include(
            'membrane-deployments:policyGroup: must be a policy group name: letters, digits, "-", "_" and "." (got "my group")',
        );
    });
});

describe("the policy pack's version tag", () => {
    let copy: string;
    beforeEach(() => {
        copy = tempDir("membrane-pack-");
        fs.cpSync(PACK, copy, { recursive: true, filter: (src) => !src.split(path.sep).includes("node_modules") });
    });
    afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

    it("is the pack's package.json version and a content hash: the same content gives the same tag", () => {
        const version = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")).version;
        expect(policyPackVersionTag(copy)).to.equal(policyPackVersionTag(PACK));
        expect(policyPackVersionTag(copy)).to.match(new RegExp(`^${version.replace(/\./g, "\\.")}-[0-9a-f]{12}$`));
    });

    it("changes with any policy's code, so a changed pack is published as a new version (versions are immutable)", () => {
        const before = policyPackVersionTag(copy);
        fs.appendFileSync(path.join(copy, "policies", "s3.ts"), "\n// changed\n");
        expect(policyPackVersionTag(copy)).to.not.equal(before);
    });

    it("ignores installed dependencies, as the provider's content hash does", () => {
        const before = policyPackVersionTag(copy);
        fs.mkdirSync(path.join(copy, "node_modules", "x"), { recursive: true });
        fs.writeFileSync(path.join(copy, "node_modules", "x", "index.js"), "1");
        expect(policyPackVersionTag(copy)).to.equal(before);
    });
});
