// The stack outputs are Membrane's environment: exact names, secrecy, and nothing that collides.
import { expect } from "chai";
import { isVariableName, SECRET_VARIABLES } from "../../components/outputs/env";
import { Evaluation } from "../../tools/engine";
import { evaluate, fixtureStack, one } from "../harness";

const VARIABLES = [
    "AWS_REGION",
    "BASE_STATIC_URI",
    "CONNECTORS_S3_BUCKET",
    "CONNECTORS_STORAGE_BUCKET",
    "COPILOT_S3_BUCKET",
    "ENCRYPTION_SECRET",
    "MONGO_URI",
    "REDIS_URI",
    "SECRET",
    "STATIC_S3_BUCKET",
    "STATIC_STORAGE_BUCKET",
    "STORAGE_PROVIDER",
    "TMP_S3_BUCKET",
    "TMP_STORAGE_BUCKET",
];
const SECRET = ["ENCRYPTION_SECRET", "MONGO_URI", "REDIS_CLUSTER_URI_1", "REDIS_URI", "SECRET"];

const variablesOf = (ev: Evaluation) => Object.keys(ev.outputs).filter(isVariableName).sort();

describe("env.ts on its own", () => {
    for (const cluster of [false, true]) {
        it(`marks the credentials secret even when given plain values${cluster ? " (cluster mode)" : ""}`, async () => {
            const ev = await evaluate({
                stack: "staging",
                program: "test/programs/env.ts",
                env: { MEMBRANE_TEST_CLUSTER: String(cluster) },
            });
            const redis = cluster ? "REDIS_CLUSTER_URI_1" : "REDIS_URI";
            expect(Object.keys(ev.outputs).sort()).to.deep.equal(VARIABLES.map((v) => (v === "REDIS_URI" ? redis : v)).sort());
            for (const [name, out] of Object.entries(ev.outputs)) {
                expect(out.secret, name).to.equal(SECRET.includes(name));
            }
            expect(ev.outputs[redis].value).to.equal("rediss://:token@redis.example:6379");
            expect(ev.outputs.STORAGE_PROVIDER.value).to.equal("s3");
        });
    }
});

describe("stack outputs: Membrane's environment", () => {
    const ev: Record<string, Evaluation> = {};
    before(async () => {
        const [prod, staging, cluster, existing] = await Promise.all([
            fixtureStack("prod"),
            fixtureStack("staging"),
            evaluate({ stack: "staging", overrides: { "membrane:redisClusterMode": true, "membrane:redisAutomaticFailover": true } }),
            evaluate({
                stack: "staging",
                overrides: {
                    "membrane:existingSecret": { secret: "s".repeat(48) },
                    "membrane:existingEncryptionSecret": { secret: "e".repeat(48) },
                },
            }),
        ]);
        Object.assign(ev, { prod, staging, cluster, existing });
    });

    it("names the variables as Membrane reads them; the names of secrets are fixed", () => {
        expect([...SECRET_VARIABLES].sort()).to.deep.equal(SECRET);
        for (const [name, ok] of [
            ["MONGO_URI", true],
            ["REDIS_CLUSTER_URI_1", true],
            ["ecsTaskRoleArn", false],
            ["staticCdnUrl", false],
            ["Mongo_URI", false],
            ["_X", false],
        ] as const) {
            expect(isVariableName(name), name).to.equal(ok);
        }
    });

    for (const stack of ["prod", "staging"]) {
        it(`${stack}: exactly Membrane's variables, never access keys`, () => {
            expect(variablesOf(ev[stack])).to.deep.equal(VARIABLES);
            expect(ev[stack].outputs).to.not.have.any.keys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        });

        it(`${stack}: each bucket under the guide's name and the vendor's deployments' name, one value; COPILOT_S3_BUCKET is tmp`, () => {
            const out = ev[stack].outputs;
            const bucket = (purpose: string) => `acme-${stack}-integration-app-${purpose}`;
            const spellings: Record<string, string[]> = {
                tmp: ["TMP_STORAGE_BUCKET", "TMP_S3_BUCKET", "COPILOT_S3_BUCKET"],
                connectors: ["CONNECTORS_STORAGE_BUCKET", "CONNECTORS_S3_BUCKET"],
                static: ["STATIC_STORAGE_BUCKET", "STATIC_S3_BUCKET"],
            };
            for (const [purpose, names] of Object.entries(spellings)) {
                for (const name of names) {
                    expect(out[name], name).to.deep.equal({ value: bucket(purpose), secret: false });
                }
            }
        });

        it(`${stack}: the credentials are secret, the rest is not`, () => {
            for (const name of variablesOf(ev[stack])) {
                expect(ev[stack].outputs[name].secret, name).to.equal(SECRET.includes(name));
            }
        });

        it(`${stack}: SECRET and ENCRYPTION_SECRET are the generated 64 alphanumerics, different from each other`, () => {
            const { SECRET: s, ENCRYPTION_SECRET: e } = ev[stack].outputs;
            expect(s.value).to.match(/^[A-Za-z0-9]{64}$/);
            expect(e.value).to.match(/^[A-Za-z0-9]{64}$/);
            expect(s.value).to.not.equal(e.value);
            expect(e.value).to.equal(
                one(ev[stack], "random:index/randomPassword:RandomPassword", "app-secrets-encryption-secret").outputs.result,
            );
        });

        it(`${stack}: the other outputs are camelCase and none is a variable`, () => {
            const others = Object.keys(ev[stack].outputs).filter((k) => !isVariableName(k));
            expect(others.length).to.be.greaterThan(0);
            for (const k of others) {
                expect(k).to.match(/^[a-z][A-Za-z0-9]*$/);
            }
        });
    }

    it("exports what the runbooks read: Redis's port and group id, Atlas's project and cluster (an adopted install's own)", async () => {
        expect(ev.prod.outputs.redisPort).to.deep.equal({ value: 6379, secret: false });
        expect(ev.prod.outputs.redisReplicationGroupId).to.deep.equal({ value: "prod-membrane", secret: false });
        // The cluster's own project: the id the user's database lives in.
        expect(ev.prod.outputs.atlasProjectId.value).to.equal(
            one(ev.prod, "mongodbatlas:index/advancedCluster:AdvancedCluster").inputs.projectId,
        );
        expect(ev.prod.outputs.atlasProjectId.value).to.match(/^[0-9a-f]{24}$/);
        expect(ev.prod.outputs.atlasClusterName).to.deep.equal({ value: "membrane-prod", secret: false });
        const [legacy, external] = await Promise.all([
            fixtureStack("legacy"),
            evaluate({
                stack: "staging",
                overrides: {
                    "membrane:databaseMode": "external",
                    "membrane:externalMongoUri": { secret: "mongodb+srv://u:p@h.example.net/db" },
                },
            }),
        ]);
        expect(legacy.outputs.redisReplicationGroupId.value).to.equal("legacy-redis-new");
        expect(legacy.outputs.redisPort.value).to.equal(6380);
        expect(external.outputs).to.not.have.any.keys("atlasProjectId", "atlasClusterName");
    });

    it("prod protects ENCRYPTION_SECRET's generator; staging does not", () => {
        const gen = (e: Evaluation) => one(e, "random:index/randomPassword:RandomPassword", "app-secrets-encryption-secret");
        expect(gen(ev.prod).protect).to.equal(true);
        expect(gen(ev.staging).protect).to.equal(false);
    });

    it("cluster mode: REDIS_CLUSTER_URI_1 instead of REDIS_URI, secret", () => {
        expect(variablesOf(ev.cluster)).to.deep.equal(VARIABLES.map((v) => (v === "REDIS_URI" ? "REDIS_CLUSTER_URI_1" : v)).sort());
        expect(ev.cluster.outputs.REDIS_CLUSTER_URI_1.secret).to.equal(true);
        expect(ev.cluster.outputs.REDIS_CLUSTER_URI_1.value).to.match(
            /^rediss:\/\/:[A-Za-z0-9]{64}@<redis-cache\.configurationEndpointAddress>:6379$/,
        );
    });

    it("existing SECRET and ENCRYPTION_SECRET from secret config win over the generated ones, still secret", () => {
        expect(ev.existing.outputs.SECRET).to.deep.equal({ value: "s".repeat(48), secret: true });
        expect(ev.existing.outputs.ENCRYPTION_SECRET).to.deep.equal({ value: "e".repeat(48), secret: true });
    });
});
