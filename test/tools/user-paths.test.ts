// Paths on the command line are the user's: `npm run` runs a script in the package's folder, so a relative
// --out, --import-file, --cloud or --dir is resolved from INIT_CWD, the folder the command was typed in.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { userPath } from "../../tools/cli";
import { parseArgs as parseBench } from "../../tools/bench";
import { main as deploymentsMain } from "../../tools/deployments-plan";
import { PROJECT_DIR } from "../../tools/engine";
import { main as planMain } from "../../tools/plan";
import { DEPLOYMENTS_FIXTURES } from "../deployments/harness";
import { FIXTURES, runCommand } from "../harness";
import { tempDir } from "../support/tmp";

/** Runs `f` with INIT_CWD set to `dir`, as npm sets it, and restores it after. */
async function fromFolder<T>(dir: string, f: () => Promise<T> | T): Promise<T> {
    const saved = process.env.INIT_CWD;
    process.env.INIT_CWD = dir;
    try {
        return await f();
    } finally {
        if (saved === undefined) {
            delete process.env.INIT_CWD;
        } else {
            process.env.INIT_CWD = saved;
        }
    }
}

describe("relative paths on the command line", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.realpathSync(tempDir("membrane-user-paths-"));
    });

    it("resolve from INIT_CWD, else from the working folder; absolute paths stay", async () => {
        expect(await fromFolder(dir, () => userPath("out/.env"))).to.equal(path.join(dir, "out", ".env"));
        expect(await fromFolder(dir, () => userPath("/srv/.env"))).to.equal("/srv/.env");
        expect(await fromFolder("", () => userPath(".env"))).to.equal(path.join(process.cwd(), ".env"));
    });

    it("npm run dotenv -- --out writes beside the user, not into the package's folder", function () {
        this.timeout(60000);
        const outputs = {
            STORAGE_PROVIDER: "s3",
            AWS_REGION: "us-east-1",
            TMP_S3_BUCKET: "acme-prod-integration-app-tmp",
            CONNECTORS_S3_BUCKET: "acme-prod-integration-app-connectors",
            STATIC_S3_BUCKET: "acme-prod-integration-app-static",
            COPILOT_S3_BUCKET: "acme-prod-integration-app-tmp",
            TMP_STORAGE_BUCKET: "acme-prod-integration-app-tmp",
            CONNECTORS_STORAGE_BUCKET: "acme-prod-integration-app-connectors",
            STATIC_STORAGE_BUCKET: "acme-prod-integration-app-static",
            BASE_STATIC_URI: "https://static.prod.acme.example.com",
            MONGO_URI: "mongodb+srv://app:pw@db.example.com/membrane",
            REDIS_URI: "rediss://:token@redis.example.com:6379",
            SECRET: "S".repeat(64),
            ENCRYPTION_SECRET: "E".repeat(64),
        };
        const name = `user-paths-${process.pid}.env`;
        // The real npm, started in another folder than the package's: it sets INIT_CWD itself.
        const run = spawnSync("npm", ["--prefix", PROJECT_DIR, "run", "--silent", "dotenv", "--", "--out", name], {
            cwd: dir,
            input: JSON.stringify(outputs),
            encoding: "utf8",
        });
        try {
            expect(run.status, run.stderr).to.equal(0);
            expect(fs.readFileSync(path.join(dir, name), "utf8")).to.include("AWS_REGION=us-east-1\n");
            expect(fs.existsSync(path.join(PROJECT_DIR, name))).to.equal(false);
        } finally {
            fs.rmSync(path.join(PROJECT_DIR, name), { force: true });
        }
    });

    it("npm start -- --import-file writes beside the user", async function () {
        this.timeout(60000);
        const code = await fromFolder(dir, () =>
            planMain(
                ["--stack", "legacy", "--import-file", "import.json"],
                () => undefined,
                () => undefined,
                FIXTURES,
            ),
        );
        try {
            expect(code).to.equal(0);
            expect(JSON.parse(fs.readFileSync(path.join(dir, "import.json"), "utf8")).resources).to.be.an("array");
            expect(fs.existsSync(path.join(PROJECT_DIR, "import.json"))).to.equal(false);
        } finally {
            fs.rmSync(path.join(PROJECT_DIR, "import.json"), { force: true });
        }
    });

    it("npm run deployments -- --cloud reads the user's file", async () => {
        // Not a mapping: refused by name, which shows that this file, and no other, was read.
        fs.writeFileSync(path.join(dir, "mine.cloud.yaml"), "- a list\n");
        const mine = await fromFolder(dir, () =>
            runCommand(deploymentsMain, ["--stack", "acme", "--cloud", "mine.cloud.yaml"], DEPLOYMENTS_FIXTURES),
        );
        expect(mine.code).to.equal(2);
        expect(mine.err).to.include("mine.cloud.yaml: a cloud file is a YAML mapping of kinds");
    });

    it("npm run bench -- --dir takes the checkout from the user's folder", async () => {
        expect((await fromFolder(dir, () => parseBench(["--dir", "checkout"]))).dir).to.equal(path.join(dir, "checkout"));
    });
});
