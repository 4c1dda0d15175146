// docs/deployments.md is the platform team's reference: its config table must match deployments/Pulumi.yaml,
// and its bootstrap must set only keys that exist.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEPLOYMENTS_DIR } from "../tools/deployments-plan";
import { PROJECT_DIR } from "../tools/engine";
import { loadProject } from "../tools/stack-config";
import * as os from "os";
import { PULUMI_OIDC_URL } from "../deployments/config";
import { missingAudiences } from "../deployments/trust";
import { WORKFLOW_PATH } from "../deployments/workflow";
import { loadCloudFixture } from "../tools/cloud-file";

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
                    def: e.default === undefined ? "(required)" : `\`${e.default === "" ? '""' : String(e.default)}\``,
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

    it("gives, for an existing OIDC provider, a cloud file that describes it with both audiences, and passes it to the check", () => {
        const m = /^printf '%s\\n' '([^']+)' > (\S+)$/m.exec(doc);
        expect(m, "the printf line that writes the cloud file").to.not.equal(null);
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cloud-")), m![2]);
        fs.writeFileSync(file, `${m![1]}\n`);
        const providers = loadCloudFixture(file).oidcProviders ?? [];
        expect(providers.map((p) => p.url)).to.deep.equal([PULUMI_OIDC_URL]);
        expect(missingAudiences(providers[0].clientIds, "acme")).to.deep.equal([]);
        expect(doc).to.include(`npm --prefix .. run deployments -- --stack platform --cloud ${m![2]} && pulumi up`);
    });
});
