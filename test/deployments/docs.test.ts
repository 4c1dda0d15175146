// docs/deployments.md is the platform team's reference: its config table must match deployments/Pulumi.yaml,
// and its bootstrap must set only keys that exist.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEPLOYMENTS_DIR, main } from "../../tools/deployments-plan";
import { DEPLOYMENTS_FIXTURES } from "./harness";
import { runCommand } from "../harness";
import { PROJECT_DIR } from "../../tools/engine";
import { loadProject } from "../../lib/stack-files";
import { PULUMI_OIDC_URL, stateKeyAlias } from "../../deployments/config";
import { missingAudiences } from "../../deployments/trust";
import { WORKFLOW_PATH } from "../../deployments/workflow";
import { loadCloudFixture } from "../../tools/cloud-file";
import { tempDir } from "../support/tmp";

const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "deployments.md"), "utf8");
const project = loadProject(DEPLOYMENTS_DIR);

describe("docs/deployments.md", () => {
    it("documents every deployments config key with Pulumi.yaml's type and default, and no other", () => {
        const table = Object.fromEntries(
            [...doc.matchAll(/^\| `([a-zA-Z]+)` \| (string|integer|boolean|array) \| ([^|]+) \|/gm)].map((m) => [
                m[1],
                { type: m[2], def: m[3].trim() },
            ]),
        );
        const expected = Object.fromEntries(
            Object.entries(project.config).map(([k, e]) => [
                k.replace(/^membrane-deployments:/, ""),
                {
                    type: String(e.type),
                    def:
                        e.default === undefined
                            ? "(required)"
                            : `\`${e.default === "" ? '""' : Array.isArray(e.default) ? JSON.stringify(e.default) : String(e.default)}\``,
                },
            ]),
        );
        expect(table).to.deep.equal(expected);
    });

    it("bootstraps with keys that exist, and runs the offline check before pulumi up", () => {
        const sets = [...doc.matchAll(/^pulumi config set (?:--secret |--path )?'?([A-Za-z:-]+)/gm)].map((m) => m[1]);
        expect(sets.length).to.be.greaterThan(5);
        for (const k of sets) {
            const full = k.includes(":") ? k : `membrane-deployments:${k}`;
            expect(full === "aws:region" || full in project.config, k).to.equal(true);
        }
        for (const required of Object.keys(project.config).filter((k) => project.config[k].default === undefined)) {
            expect(
                sets.map((k) => (k.includes(":") ? k : `membrane-deployments:${k}`)),
                required,
            ).to.include(required);
        }
        // The offline check gates pulumi up on the same line, and no cd is chained after a command that can fail.
        expect(doc).to.match(/^npm --prefix \.\. run deployments -- --stack platform && pulumi up$/m);
        expect(doc).to.not.match(/&& cd /);
        expect(doc).to.include(WORKFLOW_PATH);
    });

    it("gives, for an existing OIDC provider, a cloud file that describes it with both audiences, and passes it to the check", async function () {
        this.timeout(60000);
        const m = /^printf '%s\\n' ((?:'[^']+' )+)> (\S+)$/m.exec(doc);
        expect(m, "the printf line that writes the cloud file").to.not.equal(null);
        const file = path.join(tempDir("cloud-"), m![2]);
        fs.writeFileSync(file, [...m![1].matchAll(/'([^']+)'/g)].map((l) => `${l[1]}\n`).join(""));
        const cloud = loadCloudFixture(file);
        // The custom domain's zone too: the deploy role's Route 53 grants name it, and a look-up the file does not answer is an error.
        expect(cloud.hostedZones ?? []).to.have.length.greaterThan(0);
        const providers = cloud.oidcProviders ?? [];
        expect(providers.map((p) => p.url)).to.deep.equal([PULUMI_OIDC_URL]);
        expect(missingAudiences(providers[0].clientIds, "acme")).to.deep.equal([]);
        expect(doc).to.include(`npm --prefix .. run deployments -- --stack platform --cloud ${m![2]} && pulumi up`);
        // And it answers every look-up of the offline check, for stacks like the fixtures (a custom domain, an EKS cluster).
        const check = await runCommand(main, ["--stack", "acme", "--cloud", file], DEPLOYMENTS_FIXTURES);
        expect(check.err).to.equal("");
        expect(check.code).to.equal(0);
    });
});

describe("docs/ci-self-managed.md", () => {
    const page = fs.readFileSync(path.join(PROJECT_DIR, "docs", "ci-self-managed.md"), "utf8");

    it("sets only keys that exist, and every key the self-managed path requires", () => {
        const sets = [...page.matchAll(/^pulumi config set (?:--path )?'?([A-Za-z:-]+)/gm)].map((m) => m[1]);
        const full = sets.map((k) => (k.includes(":") ? k : `membrane-deployments:${k}`));
        for (const k of full) {
            expect(k === "aws:region" || k in project.config, k).to.equal(true);
        }
        for (const required of ["runner", "repository", "stacks", "stateBucket", "stateAdministrators", "productionReviewers"]) {
            expect(full, required).to.include(`membrane-deployments:${required}`);
        }
        expect(page).to.include("pulumi config set runner github-actions-self-managed");
        expect(page.indexOf("npm run deployments -- --stack platform")).to.be.lessThan(page.indexOf("`pulumi up`"));
    });

    it("compares the three paths on what each needs, what enforces the pack, where secrets live and how drift is detected", () => {
        const table = page.slice(page.indexOf("## The three paths compared"));
        const header = table.split("\n").find((l) => l.startsWith("| |"))!;
        expect(header).to.equal("| | Pulumi Deployments | GitHub Actions with Pulumi Cloud | GitHub Actions, self-managed |");
        for (const row of ["needs", "what enforces the pack", "secrets", "drift"]) {
            expect(table, row).to.match(new RegExp(`^\\| ${row}[^|]* \\|`, "m"));
        }
        for (const runner of ["pulumi-deployments", "github-actions", "github-actions-self-managed"]) {
            expect(table).to.include(`\`${runner}\``);
        }
        expect(fs.existsSync(path.join(PROJECT_DIR, "docs", "examples", "membrane-infrastructure-self-managed.yml"))).to.equal(true);
    });
});

describe("the self-managed backend's bucket and keys, as every page names them", () => {
    const pages = ["README.md", "docs/ci-self-managed.md", "docs/deployments.md"].map((f) => ({
        file: f,
        text: fs.readFileSync(path.join(PROJECT_DIR, f), "utf8"),
    }));

    it("one alias scheme: every awskms:// key is the one the deployments program makes for the stack", () => {
        const aliases = pages.flatMap(({ file, text }) =>
            [...text.matchAll(/awskms:\/\/(alias\/[^?'"\s`)]+)/g)].map((m) => ({ file, alias: m[1] })),
        );
        expect(aliases.map((a) => a.file)).to.include.members(["README.md", "docs/ci-self-managed.md", "docs/deployments.md"]);
        for (const { file, alias } of aliases.filter((a) => a.alias !== "alias/...")) {
            const stack = alias.replace(/^alias\/membrane-state-/, "");
            expect(alias, file).to.equal(stateKeyAlias(stack));
            expect(stack, file).to.match(/^(<stack>|[a-z][a-z0-9-]*)$/);
        }
        // The README's bucket is the one the self-managed page's deployments stack creates.
        const readmeBucket = /pulumi login 's3:\/\/([^?]+)\?/.exec(pages[0].text)?.[1];
        expect(pages[1].text).to.include(`pulumi config set stateBucket ${readmeBucket}`);
    });

    it("the README says what creates the bucket and the keys before the first stack, and where stacks made earlier go", () => {
        const step2 = pages[0].text.slice(pages[0].text.indexOf("### 2. "), pages[0].text.indexOf("### 3. "));
        expect(step2).to.include("alias/membrane-state-<stack>").and.include("](docs/ci-self-managed.md)");
        expect(step2).to.include("](docs/ci-self-managed.md#already-have-stacks)");
    });

    it("both bootstrap pages have a branch for stacks that exist already: a new key in place, or export and import", () => {
        const branch = (text: string, heading: string) => {
            expect(text, heading).to.include(heading);
            return text.slice(text.indexOf(heading), text.indexOf(heading) + 3000);
        };
        const selfManaged = branch(pages[1].text, "## Already have stacks?");
        expect(selfManaged).to.include(
            "pulumi stack change-secrets-provider --stack prod 'awskms://alias/membrane-state-prod?region=us-east-1'",
        );
        const order = [
            "pulumi stack export --stack prod --file prod.checkpoint.json",
            "pulumi login 's3://acme-pulumi-state?region=us-east-1'",
            "pulumi stack init prod --secrets-provider 'awskms://alias/membrane-state-prod?region=us-east-1'",
            "pulumi stack import --stack prod --file prod.checkpoint.json",
        ].map((c) => selfManaged.indexOf(c));
        expect(order.every((i) => i > 0)).to.equal(true);
        expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
        // Part 2 of the setup commands points there rather than creating an existing stack again.
        expect(pages[1].text).to.match(/A stack that already exists[^\n]*\(#already-have-stacks\)/);
        const cloud = branch(pages[2].text, "**Already have the stacks**");
        expect(cloud).to.include("pulumi stack export --stack prod").and.include("pulumi stack import --stack acme/prod");
        expect(cloud).to.include("pulumi stack change-secrets-provider --stack acme/prod default");
        expect(pages[2].text.indexOf("**Already have the stacks**")).to.be.lessThan(
            pages[2].text.indexOf("npm --prefix .. run deployments -- --stack platform --cloud"),
        );
    });
});
