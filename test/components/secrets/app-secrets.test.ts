import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ADOPTION_KEYS } from "../../../components/adoption-settings";
import { setFromSsmCommand, vendorSsmParameter } from "../../../components/secrets/settings";
import { readSettings, Settings } from "../../../components/settings";
import { ConfigError } from "../../../lib/config-reader";
import { Evaluation, PROJECT_DIR } from "../../../tools/engine";
import { byType, evaluate, one, raw, VALID } from "../../harness";
import { resolved } from "../../support/settings";

/** The existing values AppSecrets is given, each with whether it arrives as a secret. */
async function existingOf(c: Settings) {
    const { existingSecret, existingEncryptionSecret } = c.appSecrets;
    return { existingSecret: await resolved(existingSecret), existingEncryptionSecret: await resolved(existingEncryptionSecret) };
}

const PASSWORD = "random:index/randomPassword:RandomPassword";

function run(env: Record<string, string>): Promise<Evaluation> {
    return evaluate({ stack: "staging", program: "test/programs/secrets.ts", env });
}

describe("AppSecrets: SECRET and ENCRYPTION_SECRET", () => {
    let generated: Evaluation;
    let prod: Evaluation;
    let existing: Evaluation;
    before(async () => {
        [generated, prod, existing] = await Promise.all([
            run({}),
            run({ MEMBRANE_TEST_PRODUCTION: "true" }),
            run({ MEMBRANE_TEST_EXISTING: "true" }),
        ]);
    });

    it("generates both with fixed generator inputs: 64 alphanumerics, nothing configurable", () => {
        const gens = byType(generated, PASSWORD);
        expect(gens.map((g) => g.name).sort()).to.deep.equal(["app-encryption-secret", "app-secret"]);
        for (const g of gens) {
            expect(g.inputs).to.deep.equal({ length: 64, special: false, upper: true, lower: true, numeric: true });
        }
        for (const k of ["secret", "encryptionSecret"]) {
            const out = generated.outputs[k];
            expect(out.secret, k).to.equal(true);
            expect(out.value, k).to.match(/^[A-Za-z0-9]{64}$/);
        }
        expect(generated.outputs.secret.value).to.not.equal(generated.outputs.encryptionSecret.value);
    });

    it("keeps the generators' results secret in state", () => {
        for (const g of byType(generated, PASSWORD)) {
            expect(g.additionalSecretOutputs, g.name).to.include("result");
            expect(g.secretOutputs, g.name).to.include("result");
        }
    });

    it("protects ENCRYPTION_SECRET's generator in production only", () => {
        expect(one(prod, PASSWORD, "app-encryption-secret").protect).to.equal(true);
        expect(one(prod, PASSWORD, "app-secret").protect).to.equal(false);
        expect(one(generated, PASSWORD, "app-encryption-secret").protect).to.equal(false);
    });

    it("existing values win, stay secret, and the generators stay in place", () => {
        expect(existing.outputs.secret).to.deep.equal({ value: "s".repeat(40), secret: true });
        expect(existing.outputs.encryptionSecret).to.deep.equal({ value: "e".repeat(40), secret: true });
        expect(byType(existing, PASSWORD)).to.have.lengthOf(2);
    });

    it("registers both as secret outputs of the component", () => {
        const c = one(generated, "membrane:secrets:AppSecrets", "app");
        expect(Object.keys(c.outputs).sort()).to.deep.equal(["encryptionSecret", "secret"]);
        expect(c.secretOutputs).to.deep.equal(["encryptionSecret", "secret"]);
    });
});

describe("config: existing application secrets", () => {
    const long = "x".repeat(40);
    it("accepts existing values stored as secrets, and hands them on as secrets", async () => {
        const c = readSettings(
            raw({ ...VALID, existingSecret: long, existingEncryptionSecret: long }, ["existingSecret", "existingEncryptionSecret"]),
        );
        expect(await existingOf(c)).to.deep.equal({
            existingSecret: { value: long, secret: true },
            existingEncryptionSecret: { value: long, secret: true },
        });
        // Without them, nothing is handed on: AppSecrets generates both.
        expect([
            readSettings(raw(VALID)).appSecrets.existingSecret,
            readSettings(raw(VALID)).appSecrets.existingEncryptionSecret,
        ]).to.deep.equal([undefined, undefined]);
    });

    it("refuses plain-text values, without repeating them", () => {
        try {
            readSettings(raw({ ...VALID, existingEncryptionSecret: long }));
            expect.fail("should have thrown");
        } catch (e) {
            expect(e).to.be.instanceOf(ConfigError);
            expect((e as ConfigError).problems).to.deep.equal([
                "membrane:existingEncryptionSecret: holds a plain-text value; store it encrypted: pulumi config set --secret membrane:existingEncryptionSecret <value> (for one offline run: npm start -- --secret membrane:existingEncryptionSecret=<value>)",
            ]);
            expect((e as Error).message).to.not.include(long);
        }
    });

    for (const key of ["existingSecret", "existingEncryptionSecret"]) {
        it(`${key}: 32 characters is enough, 31 is refused with the length, never the value`, async () => {
            const at = (n: number) => raw({ ...VALID, [key]: "k".repeat(n) }, [key]);
            expect(await existingOf(readSettings(at(32)))).to.deep.include({ [key]: { value: "k".repeat(32), secret: true } });
            expect(() => readSettings(at(31)))
                .to.throw(
                    ConfigError,
                    new RegExp(
                        `^invalid stack configuration:\n  - membrane:${key}: must be at least 32 characters long \\(got 31\\); if it is the value your running Membrane already uses, set membrane:acceptShortExistingSecrets: true to keep it$`,
                    ),
                )
                .and.satisfy((e: Error) => !e.message.includes("k".repeat(31)));
        });
    }

    it("refuses values shorter than Membrane's 32 characters, without repeating them", () => {
        expect(() => readSettings(raw({ ...VALID, existingSecret: "short-secret" }, ["existingSecret"])))
            .to.throw(ConfigError, /membrane:existingSecret: must be at least 32 characters long \(got 12\)/)
            .and.satisfy((e: Error) => !e.message.includes("short-secret"));
    });

    it("keeps a legacy install's short values when acceptShortExistingSecrets says so, with a warning per value", async () => {
        const legacy = "legacy-value-20c";
        const c = readSettings(
            raw({ ...VALID, existingSecret: legacy, existingEncryptionSecret: legacy, acceptShortExistingSecrets: true }, [
                "existingSecret",
                "existingEncryptionSecret",
            ]),
        );
        expect(await existingOf(c)).to.deep.equal({
            existingSecret: { value: legacy, secret: true },
            existingEncryptionSecret: { value: legacy, secret: true },
        });
        const warned = c.warnings.filter((w) => w.includes("under the 32 Membrane asks for"));
        expect(warned).to.have.lengthOf(2);
        expect(warned[0]).to.match(
            /^membrane:existingSecret is 16 characters long, .*Replace it with 32 or more random characters when you can/,
        );
        expect(warned[1]).to.match(
            /^membrane:existingEncryptionSecret is 16 characters long, .*Never replace it: it encrypts every credential/,
        );
        expect(c.warnings.join("\n")).to.not.include(legacy);
    });

    it("acceptShortExistingSecrets still refuses plain text, and says so when it has nothing to accept", () => {
        expect(() => readSettings(raw({ ...VALID, existingSecret: "short", acceptShortExistingSecrets: true }))).to.throw(
            ConfigError,
            /membrane:existingSecret: holds a plain-text value/,
        );
        const c = readSettings(raw({ ...VALID, existingSecret: long, acceptShortExistingSecrets: true }, ["existingSecret"]));
        expect(c.warnings).to.include(
            "membrane:acceptShortExistingSecrets is true but neither membrane:existingSecret nor membrane:existingEncryptionSecret is shorter than 32 characters: it has no effect; set it back to false.",
        );
    });
});

describe("AppSecrets of an adopted install: the running Membrane's secrets, or a refusal", () => {
    const adopted = raw(VALID)
        .declaredKeys.map((k) => k.replace(/^membrane:/, ""))
        .filter((k) => k.startsWith("existing"));
    // Each adoption key with what it needs besides itself, so that the refusal below is the only problem.
    const ALONE: Record<string, Record<string, unknown>> = {
        existingTmpBucket: { existingTmpBucket: "prod-integration-app-tmp" },
        existingConnectorsBucket: { existingConnectorsBucket: "prod-integration-app-connectors" },
        existingStaticBucket: { existingStaticBucket: "prod-integration-app-static" },
        existingRedisReplicationGroupId: { existingRedisReplicationGroupId: "prod-redis-new" },
        existingRedisSubnetGroupName: {
            existingRedisReplicationGroupId: "prod-redis-new",
            existingRedisSubnetGroupName: "prod-redis-subnet-group",
        },
        existingAtlasProjectId: { existingAtlasProjectId: "65f1a2b3c4d5e6f708192a3b" },
        existingAtlasClusterName: { atlasProjectId: "65f1a2b3c4d5e6f708192a3b", existingAtlasClusterName: "integration-app-cluster" },
        existingCloudfrontDistributionId: { existingCloudfrontDistributionId: "E2QWRUHEXAMPLE" },
        existingCloudfrontOacId: { existingCloudfrontOacId: "E1OACEXAMPLE12" },
        existingEcsTaskRoleName: { existingEcsTaskRoleName: "prod-ecs-task-role" },
        existingEcsTaskRolePolicyName: {
            existingEcsTaskRoleName: "prod-ecs-task-role",
            existingEcsTaskRolePolicyName: "prod-ecs-task-policy",
        },
        existingK8sRoleName: { eksClusterName: "acme-prod", ecsTaskRole: false, existingK8sRoleName: "membrane-prod-sa-role" },
        existingK8sRolePolicyName: {
            eksClusterName: "acme-prod",
            ecsTaskRole: false,
            existingK8sRoleName: "membrane-prod-sa-role",
            existingK8sRolePolicyName: "membrane-prod-s3-policy",
        },
    };
    const encryption = { existingEncryptionSecret: "e".repeat(32) };
    const both = { ...encryption, existingSecret: "s".repeat(32) };
    const settingsOf = (values: Record<string, unknown>) =>
        readSettings(
            raw(
                { ...VALID, ...values },
                Object.keys(values).filter((k) => k in both),
            ),
        );
    const problems = (values: Record<string, unknown>) => {
        try {
            settingsOf(values);
            return [];
        } catch (e) {
            expect(e).to.be.instanceOf(ConfigError);
            return [...(e as ConfigError).problems];
        }
    };

    it("every existing* key of Pulumi.yaml but the secrets names a resource to adopt", () => {
        expect([...ADOPTION_KEYS].sort()).to.deep.equal(adopted.filter((k) => !/Secret$/.test(k)).sort());
        expect(Object.keys(ALONE).sort()).to.deep.equal([...ADOPTION_KEYS].sort());
    });

    for (const key of ADOPTION_KEYS) {
        it(`${key} without membrane:existingEncryptionSecret is refused, naming both keys, the command and the vendor's SSM parameter`, () => {
            const [problem, ...others] = problems(ALONE[key]);
            expect(others).to.deep.equal([]);
            expect(problem).to.match(/^membrane:existingEncryptionSecret: is empty but the stack adopts an existing install \(/);
            expect(problem).to.include(`membrane:${key}`);
            expect(problem).to.include(
                'pulumi config set --secret membrane:existingEncryptionSecret "$(aws ssm get-parameter --with-decryption --name /prod/integration-app/encryption-secret --query Parameter.Value --output text)"',
            );
            expect(problem).to.include("every credential the running Membrane stored would become unreadable");
            expect(problem).to.include("membrane:adoptNoStoredCredentials: true");
            // With the install's value the same stack passes, and a missing SECRET is only a warning.
            const kept = settingsOf({ ...ALONE[key], ...encryption });
            const warned = kept.warnings.filter((w) => w.startsWith("membrane:existingSecret is empty"));
            expect(warned).to.have.lengthOf(1);
            expect(warned[0])
                .to.include(`membrane:${key}`)
                .and.include("signs every user of the running Membrane out once")
                .and.include(
                    'pulumi config set --secret membrane:existingSecret "$(aws ssm get-parameter --with-decryption --name /prod/integration-app/secret --query Parameter.Value --output text)"',
                );
        });
    }

    it("adoptNoStoredCredentials lets an install with nothing stored get a new ENCRYPTION_SECRET; the SECRET warning stays", () => {
        const c = settingsOf({ ...ALONE.existingTmpBucket, adoptNoStoredCredentials: true });
        expect(c.appSecrets.existingEncryptionSecret).to.equal(undefined);
        expect(c.warnings.filter((w) => w.startsWith("membrane:existingSecret is empty"))).to.have.lengthOf(1);
    });

    it("both secrets kept: no refusal, no warning; a stack that adopts nothing needs neither", () => {
        const c = settingsOf({ ...ALONE.existingRedisReplicationGroupId, ...both });
        expect(c.warnings.filter((w) => /existingSecret|existingEncryptionSecret|adoptNoStoredCredentials/.test(w))).to.deep.equal([]);
        expect(problems({})).to.deep.equal([]);
        expect(settingsOf({}).warnings.filter((w) => w.includes("existingSecret"))).to.deep.equal([]);
    });

    it("adoptNoStoredCredentials says when it has no effect", () => {
        expect(settingsOf({ adoptNoStoredCredentials: true }).warnings).to.include(
            "membrane:adoptNoStoredCredentials is true but the stack adopts nothing (no membrane:existing* resource key is set): it has no effect; set it back to false.",
        );
        expect(settingsOf({ ...ALONE.existingTmpBucket, ...both, adoptNoStoredCredentials: true }).warnings).to.include(
            "membrane:adoptNoStoredCredentials is true but membrane:existingEncryptionSecret is set: the value is kept, and adoptNoStoredCredentials has no effect; set it back to false.",
        );
    });

    it("docs/adopt.md step 3 gives both commands the refusal and the warning give, from step 1's parameters", () => {
        const page = fs.readFileSync(path.join(PROJECT_DIR, "docs", "adopt.md"), "utf8");
        const step = (n: number) => page.split(/\n(?=\d\. \*\*)/).find((s) => s.startsWith(`${n}. **`)) ?? "";
        for (const key of ["existingSecret", "existingEncryptionSecret"] as const) {
            expect(step(3)).to.include(setFromSsmCommand("<env>", key));
            expect(step(1)).to.include(
                `aws ssm get-parameter --with-decryption --name ${vendorSsmParameter("<env>", key)} --query Parameter.Value --output text`,
            );
        }
        expect(step(3)).to.include("adoptNoStoredCredentials");
    });
});
