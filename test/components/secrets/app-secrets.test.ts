import { expect } from "chai";
import { readSettings, Settings } from "../../../components/settings";
import { ConfigError } from "../../../lib/config-reader";
import { Evaluation } from "../../../tools/engine";
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
