// `npm run check`: the user's stacks get a fast validity check (CI, Deployments pre-run), not the test suite.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { checkStack, HELP, main, plainTextSecrets, renderVerdict } from "../../tools/check";
import { PROJECT_DIR } from "../../tools/engine";
import { FIXTURES } from "../harness";
import { tempDir } from "../support/tmp";

const STAGING = fs.readFileSync(path.join(FIXTURES, "Pulumi.staging.yaml"), "utf8");

/** A folder with one stack file `Pulumi.<stack>.yaml` holding `text`. */
function stackDirWith(stack: string, text: string): string {
    const dir = tempDir("membrane-check-");
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    return dir;
}

describe("npm run check", () => {
    it("passes the fixture stacks, both as at pulumi up and at a first preview", async () => {
        for (const stack of ["prod", "staging", "legacy"]) {
            const v = await checkStack(stack, PROJECT_DIR, FIXTURES);
            expect(v.code, renderVerdict(v)).to.equal(0);
            expect(v.resources).to.be.greaterThan(30);
            const [head, ...rest] = renderVerdict(v).split("\n");
            expect(head).to.match(new RegExp(`^✔ ${stack}: \\d+ resources, config valid, no mandatory policy violation$`));
            // Nothing else to say, but what an adoption keeps and changes.
            expect(
                rest.every((l) => l.startsWith("    warning: adopting ")),
                rest.join("\n"),
            ).to.equal(true);
        }
    });

    it("says what it assumed for a stack without a cloud file, and still passes it", async () => {
        const v = await checkStack("staging", PROJECT_DIR, stackDirWith("staging", STAGING));
        expect(v.code).to.equal(0);
        expect(renderVerdict(v)).to.include(
            "    Assumed to exist, verified by pulumi preview (describe the account in <stack>.cloud.yaml beside the stack file to check offline):\n" +
                "      - public Route 53 hosted zone acme.example.com",
        );
    });

    it("refuses a misspelt key, naming the key it meant", async () => {
        const dir = stackDirWith("staging", `${STAGING}  membrane:redisNodeTpye: cache.t4g.small\n`);
        const v = await checkStack("staging", PROJECT_DIR, dir);
        expect(v.code).to.equal(2);
        expect(v.problems.join("\n")).to.match(
            /membrane:redisNodeTpye: is not a setting of this program.*did you mean membrane:redisNodeType\?/,
        );
    });

    it("refuses a key without a namespace, as the CLI does", async () => {
        const v = await checkStack("staging", PROJECT_DIR, stackDirWith("staging", `${STAGING}  hostedZoneName: acme.example.com\n`));
        expect(v.code).to.equal(2);
        expect(v.problems).to.include(
            "could not parse hostedZoneName as a configuration key (configuration keys should be of the form `<namespace>:<name>`); write membrane:hostedZoneName",
        );
    });

    it("reports a YAML syntax error with its file, line and column, not a stack trace", async () => {
        const v = await checkStack(
            "staging",
            PROJECT_DIR,
            stackDirWith("staging", "config:\n  membrane:vpcId: [vpc-1,\n  membrane:x: 1\n"),
        );
        expect(v.code).to.equal(2);
        expect(v.problems[0]).to.match(/^Pulumi\.staging\.yaml:3:3: YAML syntax error: /);
    });

    it("reports the CLI's problems and the program's in one pass: aws:region missing too, with the command", async () => {
        const text = STAGING.replace(/^ {2}aws:region: .*\n/m, "")
            .replace("membrane:redisEngineVersion", "x")
            .replace(/^ {2}membrane:vpcId: .*\n/m, "");
        const v = await checkStack("staging", PROJECT_DIR, stackDirWith("staging", text));
        expect(v.code).to.equal(2);
        expect(v.problems).to.include("Stack 'staging' is missing configuration value 'vpcId'");
        expect(v.problems).to.include(
            "aws:region: is required and has no value: pulumi config set aws:region <region> (for example us-east-1)",
        );
        // Not twice: the program's own "membrane:vpcId: is required" is the CLI's problem already.
        expect(v.problems.filter((p) => p.includes("vpcId"))).to.have.lengthOf(1);
    });

    it("refuses credentials in plain text in the stack file", () => {
        expect(
            plainTextSecrets({
                "membrane:existingEncryptionSecret": "abc",
                "membrane:existingSecret": { secure: "v1:x" },
                "membrane:vpcId": "vpc-1",
            }),
        ).to.deep.equal([
            "membrane:existingEncryptionSecret: holds a plain-text value in the stack file; store it encrypted: pulumi config set --secret membrane:existingEncryptionSecret <value>",
        ]);
        expect(
            plainTextSecrets({ "mongodbatlas:clientSecret": "mdb_sa_sk_x", "membrane:externalMongoUri": "mongodb://u:p@h/d" }),
        ).to.have.lengthOf(2);
    });

    it("exits 1 on a mandatory policy violation", async () => {
        const text = STAGING.replace(
            "membrane:atlasAccessCidrs:",
            "membrane:atlasAllowAnywhere: true\n  membrane:atlasAccessCidrs:\n    - 0.0.0.0/0",
        );
        const v = await checkStack("staging", PROJECT_DIR, stackDirWith("staging", text));
        expect(v.code, renderVerdict(v)).to.equal(1);
        expect(v.findings.map((f) => f.policyName)).to.include("atlas-no-open-access-list");
    });

    it("refuses two stacks that share bucket names (a stack file copied without changing its environment), naming the other", async () => {
        const dir = stackDirWith("staging", STAGING);
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), STAGING);
        let out = "";
        expect(await main([], (s) => (out += `${s}\n`), dir)).to.equal(2);
        expect(out).to.match(
            /^✘ dev: invalid\n {4}- shares \d+ bucket names with stack staging \(acme-staging-integration-app-tmp, …\): S3 bucket names are global/m,
        );
        expect(out).to.match(/^✘ staging: invalid\n {4}- shares \d+ bucket names with stack dev /m);
        expect(out).to.include('warning: membrane:environment is "staging" but the stack is "dev"');
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), STAGING.replace("membrane:environment: staging", "membrane:environment: dev"));
        expect(await main([], () => undefined, dir)).to.equal(0);
    });

    it("prints its help with --help, exit 0", async () => {
        let out = "";
        expect(await main(["--help"], (s) => (out += s), FIXTURES)).to.equal(0);
        expect(out).to.equal(HELP);
    });

    it("checks every stack file of a folder, or the stacks named, and exits with the worst verdict", async () => {
        const dir = stackDirWith("staging", STAGING.replace("membrane:environment: staging", "membrane:environment: Staging"));
        let out = "";
        const code = await main([], (s) => (out += `${s}\n`), dir);
        expect(code).to.equal(2);
        expect(out).to.match(/^✘ staging: invalid\n {4}- membrane:environment: must be 2 or more lowercase/);
        expect(await main(["--bogus"], () => undefined, dir)).to.equal(2);
        expect(await main([], () => undefined, tempDir("membrane-empty-"))).to.equal(2);
    });
});
