// What the user pages show as the programs' output or input is what the programs make and accept: the ESC
// environment of docs/first-deploy.md, and the cloud file and assumptions of docs/cloud-file.md.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { loadCloudFixture } from "../tools/cloud-file";
import { evaluate as evaluateIn, PROJECT_DIR } from "../tools/engine";
import { estimateCost, estimateDuration, stackRegion } from "../tools/estimate";
import { renderAssumptions } from "../tools/plan";
import { assetText, deploymentsStack } from "./deployments/harness";
import { evaluate, FIXTURES } from "./harness";
import { tempDir } from "./support/tmp";

const page = (name: string) => fs.readFileSync(path.join(PROJECT_DIR, "docs", name), "utf8");
/**
 * `query` on each document, with the JMESPath the AWS CLI evaluates --query with (its Python's jmespath);
 * undefined where there is none, except in CI, which installs the AWS CLI (.ci/run).
 */
function jmespathSearch(query: string, documents: object[]): unknown[] | undefined {
    const run = spawnSync(
        "python3",
        ["-c", "import json, sys, jmespath\nq, ds = json.load(sys.stdin)\nprint(json.dumps([jmespath.search(q, d) for d in ds]))"],
        { input: JSON.stringify([query, documents]), encoding: "utf8" },
    );
    if (run.status !== 0) {
        if (process.env.CI) {
            throw new Error(`jmespath: ${run.stderr}`);
        }
        return undefined;
    }
    return JSON.parse(run.stdout) as unknown[];
}

const blocks = (md: string, lang: string) => [...md.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```", "gm"))].map((m) => m[1]);

describe("docs/first-deploy.md", () => {
    it("shows the ESC environment the deployments program writes for prod, its Atlas secret elided", async function () {
        this.timeout(60000);
        const shown = blocks(page("first-deploy.md"), "yaml").find((b) => b.startsWith("# the ESC environment acme/membrane/prod"));
        expect(shown, "the ESC environment block").to.not.equal(undefined);
        const ev = await deploymentsStack("acme");
        const env = ev.resources.find((r) => r.type === "pulumiservice:index:Environment" && r.inputs.name === "prod")!;
        const written = assetText(env, "yaml").replace(/(fn::secret: )mdb_sa_sk_\S+/, "$1mdb_sa_sk_...");
        expect(shown!.slice(shown!.indexOf("\n") + 1)).to.equal(written);
    });
});

describe("docs/first-deploy.md's cost table", () => {
    // Each row: stack | region | "$<total>, a lower bound (…)" | … | "<min>–<max> min".
    const rows = [
        ...page("first-deploy.md").matchAll(
            /^\| (staging|prod) \| ([a-z0-9-]+) \| \$([\d.]+)(, a lower bound)?[^|]*\|[^|]*\| (\d+)–(\d+) min \|$/gm,
        ),
    ];

    it("has a row for each example stack", () => {
        expect(rows.map((r) => r[1]).sort()).to.deep.equal(["prod", "staging"]);
    });

    for (const stack of ["staging", "prod"]) {
        it(`gives ${stack}'s total, whether it is a lower bound, and the first deploy's duration as npm start computes them`, async function () {
            this.timeout(60000);
            const row = rows.find((r) => r[1] === stack)!;
            const ev = await evaluate({ stack });
            const region = stackRegion(ev);
            const cost = estimateCost(ev, region);
            const duration = estimateDuration(ev);
            expect(row[2]).to.equal(region);
            expect(Number(row[3])).to.equal(cost.totalMonthlyUsd);
            expect(row[4] !== undefined).to.equal(cost.lowerBound);
            expect([Number(row[5]), Number(row[6])]).to.deep.equal([Math.round(duration.minMinutes), Math.round(duration.maxMinutes)]);
        });
    }
});

describe("docs/cloud-file.md", () => {
    const doc = page("cloud-file.md");

    it("gives a cloud file that answers every look-up of a stack like the example production stack", async function () {
        this.timeout(60000);
        const file = path.join(tempDir("cloud-doc-"), "prod.cloud.yaml");
        fs.writeFileSync(file, blocks(doc, "yaml")[0]);
        const ev = await evaluate({ stack: "prod", cloud: loadCloudFixture(file) });
        expect(ev.assumptions ?? []).to.deep.equal([]);
        expect(ev.resources.length).to.be.greaterThan(50);
    });

    it("gives the AWS CLI query that prints the public zone's id, in a form the cloud file takes", async function () {
        this.timeout(60000);
        const line = blocks(doc, "sh")
            .flatMap((b) => b.split("\n"))
            .find((l) => l.startsWith("aws route53 list-hosted-zones-by-name"));
        expect(line, "the hosted zone's command").to.not.equal(undefined);
        expect(line).to.match(/ --output text$/);
        const query = /--query '([^']+)'/.exec(line!)![1];
        // ListHostedZonesByName from --dns-name on: a private zone of the same name, the public one, then the next name.
        const zone = (name: string, id: string, privateZone: boolean) => ({
            Id: `/hostedzone/${id}`,
            Name: name,
            Config: { PrivateZone: privateZone },
        });
        const page = (zones: object[]) => ({ HostedZones: zones, DNSName: "acme.example.com", IsTruncated: false, MaxItems: "100" });
        const found = jmespathSearch(query, [
            page([
                zone("acme.example.com.", "Z09PRIVATE0000000000", true),
                zone("acme.example.com.", "Z0123456789ABCDEFGHIJ", false),
                zone("b.example.com.", "Z0NEXT00000000000000", false),
            ]),
            page([zone("b.example.com.", "Z0NEXT00000000000000", false)]),
        ]);
        if (found === undefined) {
            this.skip();
        }
        expect(found).to.deep.equal(["/hostedzone/Z0123456789ABCDEFGHIJ", null]);
        const file = path.join(tempDir("cloud-doc-"), "prod.cloud.yaml");
        fs.writeFileSync(file, blocks(doc, "yaml")[0].replace("id: Z0123456789ABCDEFGHIJ", `id: ${found![0]}`));
        const ev = await evaluate({ stack: "prod", cloud: loadCloudFixture(file) });
        const records = ev.resources.filter((r) => r.type === "aws:route53/record:Record");
        expect(records.length).to.be.greaterThan(0);
        expect([...new Set(records.map((r) => r.inputs.zoneId))]).to.deep.equal(["Z0123456789ABCDEFGHIJ"]);
    });

    it("lists the assumptions the plan prints for that stack without a cloud file", async function () {
        this.timeout(60000);
        const dir = tempDir("cloud-doc-");
        fs.copyFileSync(path.join(FIXTURES, "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
        const ev = await evaluateIn({ stack: "prod", stackDir: dir });
        const shown = blocks(doc, "").find((b) => b.startsWith("Assumed to exist"));
        expect(shown, "the assumptions block").to.equal(`${renderAssumptions(ev.assumptions ?? []).join("\n")}\n`);
    });
});

describe("docs/development.md", () => {
    it("states every rule of .gitattributes, as the file writes it", () => {
        const rules = fs
            .readFileSync(path.join(PROJECT_DIR, ".gitattributes"), "utf8")
            .split("\n")
            .filter((l) => l.trim() !== "" && !l.startsWith("#"));
        expect(rules).to.have.length.greaterThan(0);
        for (const rule of rules) {
            expect(page("development.md"), rule).to.include(`\`${rule}\``);
        }
    });
});
