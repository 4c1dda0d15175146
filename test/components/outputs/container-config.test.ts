// What the containers' deployments take, as pure functions: ECS lists, External Secrets Operator's
// manifests, the Helm values fragment, the secret's JSON and the readers' policy.
import { expect } from "chai";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import {
    ecsEnvironment,
    ecsSecrets,
    ESO_API_VERSION,
    externalSecretsManifest,
    helmValues,
    K8S_SECRET_NAME,
    SECRET_STORE_NAME,
} from "../../../components/outputs/container-config";
import {
    credentialsJson,
    dnsSuffix,
    ECS_READ_ACTIONS,
    ESO_READ_ACTIONS,
    secretsReadPolicy,
} from "../../../components/secrets/credentials-store";
import { dotenvOutputValue, formatDotenv } from "../../../components/outputs/dotenv";
import { splitEnvironment } from "../../../components/outputs/env";
import { main as k8sSecretValuesMain } from "../../../tools/k8s-secret-values";

const ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:membrane/qa/credentials-AbC123";

describe("ECS task definition lists", () => {
    it("environment: the given variables as name/value pairs, sorted by name", () => {
        expect(ecsEnvironment({ STORAGE_PROVIDER: "s3", AWS_REGION: "eu-west-1" })).to.deep.equal([
            { name: "AWS_REGION", value: "eu-west-1" },
            { name: "STORAGE_PROVIDER", value: "s3" },
        ]);
        expect(ecsEnvironment({})).to.deep.equal([]);
    });

    it("secrets: each name from its JSON key of the secret's current version, <arn>:<KEY>::", () => {
        expect(ecsSecrets(ARN, ["SECRET", "MONGO_URI"])).to.deep.equal([
            { name: "MONGO_URI", valueFrom: `${ARN}:MONGO_URI::` },
            { name: "SECRET", valueFrom: `${ARN}:SECRET::` },
        ]);
    });
});

describe("External Secrets Operator manifests", () => {
    const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

    for (const [label, serviceAccount] of [
        ["IRSA", "membrane-sa"],
        ["Pod Identity", undefined],
    ] as const) {
        it(`${label}: a SecretStore for Secrets Manager and an ExternalSecret extracting the secret into ${K8S_SECRET_NAME}`, () => {
            const text = externalSecretsManifest({
                namespace: "apps",
                region: "eu-west-1",
                secretName: "membrane/qa/credentials",
                serviceAccount,
            });
            const [store, external, ...rest] = docs(text);
            expect(rest).to.deep.equal([]);
            expect(store).to.deep.equal({
                apiVersion: ESO_API_VERSION,
                kind: "SecretStore",
                metadata: { name: SECRET_STORE_NAME, namespace: "apps" },
                spec: {
                    provider: {
                        aws: {
                            service: "SecretsManager",
                            region: "eu-west-1",
                            ...(serviceAccount && { auth: { jwt: { serviceAccountRef: { name: serviceAccount } } } }),
                        },
                    },
                },
            });
            expect(external).to.deep.equal({
                apiVersion: "external-secrets.io/v1",
                kind: "ExternalSecret",
                metadata: { name: "membrane-secrets", namespace: "apps" },
                spec: {
                    refreshInterval: "1h",
                    secretStoreRef: { name: "membrane-secrets-manager", kind: "SecretStore" },
                    target: { name: "membrane-secrets", creationPolicy: "Owner" },
                    dataFrom: [{ extract: { key: "membrane/qa/credentials" } }],
                },
            });
            // `pulumi stack output` adds the final newline.
            expect(text.endsWith("\n")).to.equal(false);
        });
    }
});

describe("the Helm values fragment", () => {
    it("names the service account, annotates it with the role under IRSA, and carries the given variables as config", () => {
        const values = parseYaml(
            helmValues({
                serviceAccount: "membrane-sa",
                roleArn: "arn:aws:iam::111122223333:role/qa-membrane-k8s-role",
                config: { TMP_S3_BUCKET: "b-tmp", AWS_REGION: "eu-west-1", VERSION: "8.0" },
            }),
        );
        const serviceAccount = {
            create: true,
            name: "membrane-sa",
            annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/qa-membrane-k8s-role" },
        };
        expect(values).to.deep.equal({
            // Both spellings the vendor writes (its aws/eks README and its Helm page), the same content.
            serviceAccount,
            serviceaccount: serviceAccount,
            app: { serviceAccountName: "membrane-sa" },
            // A value that YAML would read as a number stays a string.
            config: { AWS_REGION: "eu-west-1", TMP_S3_BUCKET: "b-tmp", VERSION: "8.0" },
        });
    });

    it("has no annotation under Pod Identity", () => {
        const values = parseYaml(helmValues({ serviceAccount: "sa", config: {} }));
        expect(values.serviceaccount).to.deep.equal({ create: true, name: "sa" });
        expect(values.serviceAccount).to.deep.equal({ create: true, name: "sa" });
    });
});

describe("the credentials secret's value and readers", () => {
    it("is JSON with sorted keys: the same credentials give the same bytes in any order", () => {
        const a = credentialsJson({ SECRET: "s", ENCRYPTION_SECRET: "e", MONGO_URI: "m" });
        const b = credentialsJson({ MONGO_URI: "m", ENCRYPTION_SECRET: "e", SECRET: "s" });
        expect(a).to.equal(b).and.to.equal('{"ENCRYPTION_SECRET":"e","MONGO_URI":"m","SECRET":"s"}');
    });

    it("splits an environment into its credential variables and the rest", () => {
        expect(splitEnvironment({ SECRET: 1, AWS_REGION: 2, REDIS_CLUSTER_URI_1: 3, TMP_S3_BUCKET: 4 })).to.deep.equal({
            plain: { AWS_REGION: 2, TMP_S3_BUCKET: 4 },
            credentials: { SECRET: 1, REDIS_CLUSTER_URI_1: 3 },
        });
    });

    const cases: Array<{ name: string; args: Parameters<typeof secretsReadPolicy>[0]; statements: unknown[] }> = [
        {
            name: "ECS, AWS managed key: GetSecretValue on the secret only",
            args: { secretArn: ARN, actions: ECS_READ_ACTIONS, region: "eu-west-1" },
            statements: [{ Sid: "ReadMembraneCredentials", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [ARN] }],
        },
        {
            name: "External Secrets Operator: GetSecretValue and DescribeSecret",
            args: { secretArn: ARN, actions: ESO_READ_ACTIONS, region: "eu-west-1" },
            statements: [
                {
                    Sid: "ReadMembraneCredentials",
                    Effect: "Allow",
                    Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    Resource: [ARN],
                },
            ],
        },
        {
            name: "a customer key and a pull secret: kms:Decrypt through Secrets Manager in the region, the pull secret",
            args: {
                secretArn: ARN,
                actions: ECS_READ_ACTIONS,
                region: "cn-north-1",
                kmsKeyArn: "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                repositoryCredentialsArn: `${ARN.replace("credentials-AbC123", "registry-XyZ789")}`,
            },
            statements: [
                { Sid: "ReadMembraneCredentials", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [ARN] },
                {
                    Sid: "ReadRegistryCredentials",
                    Effect: "Allow",
                    Action: ["secretsmanager:GetSecretValue"],
                    Resource: ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:membrane/qa/registry-XyZ789"],
                },
                {
                    Sid: "DecryptThroughSecretsManager",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: ["arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
                    Condition: { StringEquals: { "kms:ViaService": "secretsmanager.cn-north-1.amazonaws.com.cn" } },
                },
            ],
        },
    ];
    for (const c of cases) {
        it(`the read policy: ${c.name}`, () => {
            expect(secretsReadPolicy(c.args)).to.deep.equal({ Version: "2012-10-17", Statement: c.statements });
        });
    }

    it("names Secrets Manager in kms:ViaService with the partition's DNS suffix", () => {
        expect(dnsSuffix("aws")).to.equal("amazonaws.com");
        expect(dnsSuffix("aws-us-gov")).to.equal("amazonaws.com");
        expect(dnsSuffix("aws-cn")).to.equal("amazonaws.com.cn");
    });
});

describe("the dotenv output's text", () => {
    it("is the .env without its final newline, which `pulumi stack output <name>` adds", () => {
        const vars = { B: "2", A: "1" };
        expect(formatDotenv(vars)).to.equal("A=1\nB=2\n");
        expect(`${dotenvOutputValue(vars)}\n`).to.equal(formatDotenv(vars));
    });
});

describe("npm run k8s-secret-values: the credentials from External Secrets Operator's Secret into the chart's config", () => {
    const secret = (data: Record<string, string>, kind = "Secret") =>
        JSON.stringify({
            apiVersion: "v1",
            kind,
            metadata: { name: K8S_SECRET_NAME },
            data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
        });
    const run = (input: string, argv: string[] = []) => {
        let out = "";
        let err = "";
        const code = k8sSecretValuesMain(
            argv,
            input,
            (s) => (out += s),
            (s) => (err += s),
        );
        return { code, out, err };
    };

    it("decodes every key of the Secret into config:, every value a string", () => {
        const values = {
            ENCRYPTION_SECRET: "e".repeat(64),
            MONGO_URI: "mongodb+srv://membrane-app:p@x.mongodb.net/membrane?retryWrites=true&w=majority",
            REDIS_URI: "rediss://:t@master.prod-membrane.abc.use1.cache.amazonaws.com:6379",
            SECRET: "8.0",
        };
        const { code, out } = run(secret(values));
        expect(code).to.equal(0);
        expect(parseYaml(out)).to.deep.equal({ config: values });
    });

    it("refuses what is not the Secret that the ExternalSecret writes, exit 2", () => {
        expect(run("").code).to.equal(2);
        expect(run(secret({ SECRET: "s" }, "ConfigMap")).err).to.match(/expected a Kubernetes Secret/);
        expect(run(secret({ TOKEN: "x" })).err).to.match(/holds none of Membrane's credentials/);
        expect(run(secret({ SECRET: "s", "bad-key": "x" })).err).to.match(/"bad-key" is not an environment variable name/);
        expect(run(JSON.stringify({ kind: "Secret", data: { SECRET: "not base64!" } })).err).to.match(/not base64/);
        expect(run(secret({ SECRET: "s" }), ["--out"]).code).to.equal(2);
    });
});
