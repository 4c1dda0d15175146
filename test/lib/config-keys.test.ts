// Misspelt and unknown keys are refused by the program itself (so `pulumi up` refuses them too), each
// with the closest declared key; a stack whose environment is not its name is warned about.
import { expect } from "chai";
import { closest, editDistance, unknownKeyProblems } from "../../lib/config-keys";
import { readSettings } from "../../components/settings";
import { problemsOf, raw, VALID } from "../harness";

const DECLARED = ["membrane:redisNodeType", "membrane:hostedZoneName", "membrane:environment", "membrane:redisEngine"];

describe("config keys: typos and unknown namespaces", () => {
    it("measures edits, counting an adjacent transposition as one", () => {
        expect(editDistance("redisNodeTpye", "redisNodeType")).to.equal(1);
        expect(editDistance("membrne", "membrane")).to.equal(1);
        expect(editDistance("abc", "abc")).to.equal(0);
        expect(editDistance("", "abc")).to.equal(3);
        expect(editDistance("kitten", "sitting")).to.equal(3);
    });

    it("suggests the closest key only when it is a plausible typo", () => {
        expect(closest("membrane:redisNodeTpye", DECLARED)).to.equal("membrane:redisNodeType");
        expect(closest("membrane:HostedZoneName", DECLARED)).to.equal("membrane:hostedZoneName");
        expect(closest("membrane:somethingElse", DECLARED)).to.equal(undefined);
    });

    it("names each unknown key, with a suggestion, and leaves other namespaces' keys alone", () => {
        const problems = unknownKeyProblems(
            [
                "membrane:redisNodeTpye",
                "membrne:hostedZoneName",
                "membrane:environment",
                "aws:region",
                "aws:profile",
                "pulumi:tags",
                "acme:x",
                "membrane:totallyNew",
            ],
            "membrane",
            DECLARED,
        );
        expect(problems).to.deep.equal([
            {
                key: "membrane:redisNodeTpye",
                rule: "is not a setting of this program, so it would be ignored; did you mean membrane:redisNodeType? (Pulumi.yaml declares every key)",
            },
            {
                key: "membrne:hostedZoneName",
                rule: 'is in the namespace "membrne", which neither this program nor its providers read, so it would be ignored; did you mean membrane:hostedZoneName?',
            },
            {
                key: "acme:x",
                rule: 'is in the namespace "acme", which neither this program nor its providers read, so it would be ignored',
            },
            {
                key: "membrane:totallyNew",
                rule: "is not a setting of this program, so it would be ignored (Pulumi.yaml declares every key)",
            },
        ]);
    });

    it("refuses a misspelt key in the stack config before anything is created", () => {
        expect(problemsOf({ redisNodeTpye: "cache.t4g.small" })).to.deep.equal([
            "membrane:redisNodeTpye: is not a setting of this program, so it would be ignored; did you mean membrane:redisNodeType? (Pulumi.yaml declares every key)",
        ]);
        expect(problemsOf({ "membrne:hostedZoneName": "acme.example.com" })[0]).to.match(
            /^membrne:hostedZoneName: is in the namespace "membrne".*did you mean membrane:hostedZoneName\?$/,
        );
    });

    it("tells how to set a missing aws:region", () => {
        expect(problemsOf({ "aws:region": undefined })).to.deep.equal([
            "aws:region: is required and has no value: pulumi config set aws:region <region> (for example us-east-1)",
        ]);
    });

    it("warns when the environment is not the stack's name (a copied stack file), and not when it is", () => {
        const copied = readSettings({ ...raw({ ...VALID, environment: "staging" }), stack: "dev" });
        expect(copied.warnings).to.deep.equal([
            'membrane:environment is "staging" but the stack is "dev": resource names come from the environment, so two stacks with one environment collide on deploy (a copied Pulumi.staging.yaml?). Set membrane:environment: dev unless this is intended; a copy of the environment in another region (disaster recovery) needs membrane:regionInNames: true.',
        ]);
        expect(readSettings({ ...raw(VALID), stack: "prod" }).warnings).to.deep.equal([]);
    });
});
