// docs/deployments.md is the platform team's reference: its config table must match deployments/Pulumi.yaml,
// and its bootstrap must set only keys that exist.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEPLOYMENTS_DIR } from "../tools/deployments-plan";
import { PROJECT_DIR } from "../tools/engine";
import { loadProject } from "../tools/stack-config";
import { WORKFLOW_PATH } from "../deployments/workflow";

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
        expect(doc.indexOf("npm run deployments -- --stack platform")).to.be.lessThan(doc.indexOf("\npulumi up\n"));
        expect(doc).to.include(WORKFLOW_PATH);
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
