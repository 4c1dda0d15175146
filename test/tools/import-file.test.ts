// `npm start -- --import-file <path>`: the `pulumi import --file` JSON of a stack's adoptions. Every entry
// must give the CLI the URN the program registers, or the first `pulumi up` would create a second resource.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Evaluation } from "../../tools/engine";
import { importedUrn, importFile } from "../../tools/import-file";
import { UsageError } from "../../tools/cli";
import { main, parseArgs } from "../../tools/plan";
import { FIXTURES, fixtureStack } from "../harness";
import { tempDir } from "../support/tmp";

describe("the pulumi import file", () => {
    let ev: Evaluation;
    before(async () => {
        ev = await fixtureStack("legacy");
    });

    it("lists each adopted resource with its type, logical name, import id and parent, after the components it needs", () => {
        const file = importFile(ev);
        expect(file.resources.filter((r) => r.component)).to.deep.equal([
            { type: "membrane:storage:Storage", name: "storage", component: true },
            { type: "membrane:cdn:Cdn", name: "cdn", component: true },
            { type: "membrane:iam:Iam", name: "iam", component: true },
            { type: "membrane:redis:Redis", name: "redis", component: true },
            { type: "membrane:database:Database", name: "database", component: true },
        ]);
        expect(file.resources.filter((r) => !r.component)).to.have.deep.members([
            { type: "aws:s3/bucket:Bucket", name: "storage-tmp", id: "legacy-integration-app-tmp", parent: "storage" },
            { type: "aws:s3/bucket:Bucket", name: "storage-connectors", id: "legacy-integration-app-connectors", parent: "storage" },
            { type: "aws:s3/bucket:Bucket", name: "storage-static", id: "legacy-integration-app-static", parent: "storage" },
            { type: "aws:cloudfront/originAccessControl:OriginAccessControl", name: "cdn-oac", id: "E1OACEXAMPLE12", parent: "cdn" },
            { type: "aws:cloudfront/distribution:Distribution", name: "cdn-distribution", id: "E2QWRUHEXAMPLE", parent: "cdn" },
            { type: "aws:iam/role:Role", name: "iam-ecs-task-role", id: "legacy-ecs-task-role", parent: "iam" },
            {
                type: "aws:iam/rolePolicy:RolePolicy",
                name: "iam-ecs-task-s3-access",
                id: "legacy-ecs-task-role:legacy-ecs-task-policy",
                parent: "iam",
            },
            { type: "aws:elasticache/subnetGroup:SubnetGroup", name: "redis-subnets", id: "legacy-redis-subnet-group", parent: "redis" },
            { type: "aws:elasticache/replicationGroup:ReplicationGroup", name: "redis-cache", id: "legacy-redis-new", parent: "redis" },
            { type: "mongodbatlas:index/project:Project", name: "database-project", id: "65f1a2b3c4d5e6f708192a3b", parent: "database" },
            {
                type: "mongodbatlas:index/advancedCluster:AdvancedCluster",
                name: "database-cluster",
                id: "65f1a2b3c4d5e6f708192a3b-integration-app-cluster",
                parent: "database",
            },
        ]);
    });

    it("gives every entry the URN the program registers", () => {
        const file = importFile(ev);
        const registered = new Set(ev.resources.map((r) => r.urn));
        for (const entry of file.resources) {
            expect(registered.has(importedUrn(file, entry, ev.stack, ev.project)), entry.name).to.equal(true);
        }
        expect(
            importedUrn(
                file,
                file.resources.find((r) => r.name === "redis-cache")!,
                "legacy",
                "membrane",
            ),
        ).to.equal("urn:pulumi:legacy::membrane::membrane:redis:Redis$aws:elasticache/replicationGroup:ReplicationGroup::redis-cache");
    });

    it("npm start -- --import-file writes it, and says how to import it", async () => {
        const file = path.join(tempDir("import-"), "import.json");
        const out: string[] = [];
        const code = await main(
            ["--stack", "legacy", "--import-file", file],
            (s) => out.push(s),
            (s) => out.push(s),
            FIXTURES,
        );
        expect(code).to.equal(0);
        expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal(importFile(ev));
        expect(out.join("\n")).to.include(`Wrote 11 resources to adopt (and their 5 components) to ${file}:`);
        expect(out.join("\n")).to.include(`pulumi import --stack legacy --file ${file} --generate-code=false`);
    });

    it("refuses a stack that adopts nothing, and --import-file with another output", async () => {
        const errors: string[] = [];
        const code = await main(
            ["--stack", "staging", "--import-file", "/nonexistent/x.json"],
            () => undefined,
            (s) => errors.push(s),
            FIXTURES,
        );
        expect(code).to.equal(2);
        expect(errors).to.deep.equal([
            "error: stack staging adopts nothing: set the membrane:existing* keys of the resources it should adopt",
        ]);
        expect(() => parseArgs(["--import-file"])).to.throw(UsageError, /--import-file needs a path/);
        expect(() => parseArgs(["--import-file", "x.json", "--json"])).to.throw(UsageError, /leave out --json, --mermaid and --dotenv/);
    });
});
