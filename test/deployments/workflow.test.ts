// The GitHub Actions workflow: valid for GitHub's own workflow parser (@actions/workflow-parser, the
// parser of GitHub's Actions language services), the same deployments as Pulumi Deployments, and the
// committed file in step with its generator.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { DEPLOYMENTS_DIR } from "../../tools/deployments-plan";
import { evaluate, Evaluation, PROJECT_DIR } from "../../tools/engine";
import {
    ACTIONS,
    CHECK_JOB,
    PINNED_ACTIONS,
    policyPackPath,
    RUNNER_VALUE,
    RUNNER_VARIABLE,
    WORKFLOW_PATH,
} from "../../deployments/workflow";
import { deploymentsStack, expectCredentialFreeCheck } from "./harness";
import { FIXTURES } from "../harness";
import { workflowErrors } from "../workflow-parser";

/** The jobs that run pulumi, without the credential-free check job. */
const deployJobs = (wf: any) => Object.entries<any>(wf.jobs).filter(([id]) => id !== CHECK_JOB);

describe("GitHub Actions workflow", () => {
    let generated: string;
    let committed: string;
    before(async function () {
        this.timeout(120000);
        const ev: Evaluation = await deploymentsStack("acme");
        generated = String(ev.outputs.githubWorkflow.value);
        committed = fs.readFileSync(path.join(PROJECT_DIR, WORKFLOW_PATH), "utf8");
    });

    it("GitHub's parser finds no error in the committed workflow or the generated one", async function () {
        this.timeout(30000);
        expect(await workflowErrors(committed)).to.deep.equal([]);
        expect(await workflowErrors(generated)).to.deep.equal([]);
    });

    it("and the parser does catch a broken workflow", async function () {
        this.timeout(30000);
        const broken = committed.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest").replace("id-token: write", "id-token: always");
        const errors = await workflowErrors(broken);
        expect(errors.some((e) => /Unexpected value 'runs_on'/.test(e))).to.equal(true);
        expect(errors.some((e) => /Unexpected value 'always'/.test(e))).to.equal(true);
    });

    it("previews pull requests into a previewed stack's branch and runs up on a push to each stack's branch", () => {
        const wf = parse(generated);
        // Pull requests into every stack's branch trigger it (the check job); only main's preview staging.
        expect(wf.on.pull_request.branches).to.deep.equal(["main", "release"]);
        expect(wf.on.push.branches).to.deep.equal(["main", "release"]);
        expect(Object.keys(wf.jobs)).to.deep.equal([CHECK_JOB, "preview-staging", "up-staging", "up-prod"]);
        expect(wf.jobs["preview-staging"].if).to.equal(
            `vars.${RUNNER_VARIABLE} == '${RUNNER_VALUE}' && github.event_name == 'pull_request' && github.base_ref == 'main'`,
        );
        expect(wf.jobs["up-staging"].if).to.equal(
            `vars.${RUNNER_VARIABLE} == '${RUNNER_VALUE}' && github.event_name == 'push' && github.ref == 'refs/heads/main'`,
        );
        expect(wf.jobs["up-prod"].if).to.equal(
            `vars.${RUNNER_VARIABLE} == '${RUNNER_VALUE}' && github.event_name == 'push' && github.ref == 'refs/heads/release'`,
        );
        expect(wf.on.push.paths).to.include("components/**").and.include("test/fixtures/Pulumi.prod.yaml");
    });

    it("gets credentials by OIDC only: id-token write, a Pulumi token exchanged for GitHub's, AWS from the stack's ESC environment", () => {
        const wf = parse(generated);
        expect(wf.permissions).to.deep.equal({ contents: "read", "id-token": "write" });
        expect(generated).to.not.match(/secrets\.|AWS_ACCESS_KEY_ID|PULUMI_ACCESS_TOKEN|aws-actions\/configure-aws-credentials/);
        for (const [id, job] of deployJobs(wf)) {
            const stack = id.replace(/^(preview|up)-/, "");
            const steps = job.steps as any[];
            const auth = steps.find((s) => s.uses === ACTIONS.pulumiAuth);
            expect(auth.with, id).to.deep.equal({
                organization: "acme",
                "requested-token-type": "urn:pulumi:token-type:access_token:organization",
            });
            const pulumi = steps.find((s) => s.uses === ACTIONS.pulumi);
            expect(pulumi.with, id).to.deep.equal({
                command: id.startsWith("up") ? "up" : "preview",
                "stack-name": `acme/${stack}`,
                "work-dir": ".",
                policyPacks: "policy",
            });
            expect(pulumi.name, id).to.include(`membrane/${stack} ESC environment`);
            expect(
                steps.findIndex((s) => s.run === `npm run check -- --stack ${stack}`),
                id,
            ).to.be.lessThan(steps.indexOf(auth));
        }
    });

    it("enforces the policy pack on every real preview and update, after the offline check", () => {
        const wf = parse(generated);
        for (const [id, job] of deployJobs(wf)) {
            const steps = job.steps as any[];
            const pulumi = steps.find((s) => s.uses === ACTIONS.pulumi);
            // pulumi/actions passes each line of policyPacks as --policy-pack, relative to its work-dir.
            const pack = path.join(PROJECT_DIR, pulumi.with["work-dir"], pulumi.with.policyPacks);
            expect(fs.existsSync(path.join(pack, "PulumiPolicy.yaml")), id).to.equal(true);
            expect(
                steps.findIndex((s) => /^npm run check -- --stack /.test(s.run ?? "")),
                id,
            ).to.be.lessThan(steps.indexOf(pulumi));
        }
        expect(policyPackPath("infra/membrane")).to.equal("../../policy");
    });

    it("pins every action to a full commit SHA, its release written beside it", () => {
        for (const text of [generated, committed]) {
            const uses = [...text.matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)];
            expect(uses.length).to.be.greaterThan(0);
            for (const [, ref, rest] of uses) {
                const pinned = Object.values(PINNED_ACTIONS).find((a) => ref === `${a.repository}@${a.sha}`);
                expect(pinned, ref).to.not.equal(undefined);
                expect(pinned!.sha).to.match(/^[0-9a-f]{40}$/);
                expect(rest).to.equal(` # ${pinned!.release}`);
            }
        }
        const [checkout, setupNode] = parse(generated).jobs["up-prod"].steps;
        expect(checkout.with).to.deep.equal({ "persist-credentials": false });
        // Every job holds credentials (a Pulumi token, then the ESC environment's AWS session): no dependency cache.
        expect(setupNode.with).to.deep.equal({ "node-version": 22, "package-manager-cache": false });
    });

    it("checks every stack on every pull request, before any deploy, with no credential and no OIDC token", async function () {
        this.timeout(30000);
        const wf = parse(generated);
        expectCredentialFreeCheck(wf.jobs[CHECK_JOB], ["staging", "prod"]);
        // Its trigger covers every stack's files and branch, production's too.
        for (const stack of ["staging", "prod"]) {
            expect(
                wf.on.pull_request.paths.some((p: string) => p.endsWith(`Pulumi.${stack}.yaml`)),
                stack,
            ).to.equal(true);
        }
        // GitHub's parser accepts the job-level permissions, and refuses an id-token the check could request.
        const granted = generated.replace(/(\n {4}permissions:\n {6}contents: read\n)/, "$1      id-token: sometimes\n");
        expect(granted).to.not.equal(generated);
        expect((await workflowErrors(granted)).some((e) => /sometimes/.test(e))).to.equal(true);
    });

    it("queues updates of a stack and never cancels one", () => {
        const wf = parse(generated);
        expect(wf.jobs["up-prod"].concurrency).to.deep.equal({ group: "membrane-prod-up", "cancel-in-progress": false });
    });

    it("the committed file is the one the example deployments stack generates", async function () {
        this.timeout(60000);
        // The fixture Membrane stacks stand in for the repository's own stack files, which tests never read;
        // they live in test/fixtures instead of the root.
        const fixtures = path.relative(PROJECT_DIR, FIXTURES);
        const ev = await evaluate({
            dir: DEPLOYMENTS_DIR,
            stack: "example",
            overrides: { "membrane-deployments:stackConfigDir": fixtures },
        });
        const expected = String(ev.outputs.githubWorkflow.value).split(`${fixtures}/Pulumi.`).join("Pulumi.");
        expect(committed, `regenerate it: npm run --silent deployments -- --stack example --workflow > ${WORKFLOW_PATH}`).to.equal(
            expected,
        );
    });
});
