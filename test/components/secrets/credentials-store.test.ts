// The credentials store in the fixture stacks and the variants the issue names (IRSA, Pod Identity, cluster
// mode): the secret holds exactly the credential variables the stack exports, ECS and Kubernetes are
// pointed at it, and exactly the reader roles may read it, nothing else.
import { expect } from "chai";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { isVariableName } from "../../../components/outputs/env";
import { ACCOUNT_ID } from "../../../tools/mock-cloud";
import { dotenv } from "../../../tools/dotenv";
import { Evaluation, RegisteredResource } from "../../../tools/engine";
import { byType, descendantsOf, evaluate, fixtureStack, one, oneIn, policyOf } from "../../harness";

const T = {
    component: "membrane:secrets:CredentialsStore",
    secret: "aws:secretsmanager/secret:Secret",
    version: "aws:secretsmanager/secretVersion:SecretVersion",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
};

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const PULL = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:membrane/staging/registry-AbC123";

/** The variants, with the reader roles each must have: role name -> the secretsmanager actions it gets. */
const VARIANTS: Array<{ name: string; stack: string; overrides: Record<string, unknown>; readers: Record<string, string[]> }> = [
    {
        name: "prod (ECS and IRSA)",
        stack: "prod",
        overrides: {},
        readers: {
            "prod-membrane-execution-role": ["secretsmanager:GetSecretValue"],
            "prod-membrane-k8s-role": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        },
    },
    {
        name: "staging (ECS only)",
        stack: "staging",
        overrides: {},
        readers: { "staging-membrane-execution-role": ["secretsmanager:GetSecretValue"] },
    },
    {
        name: "prod with Pod Identity",
        stack: "prod",
        overrides: { "membrane:eksPodIdentity": true },
        readers: {
            "prod-membrane-execution-role": ["secretsmanager:GetSecretValue"],
            "prod-membrane-eso-role": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        },
    },
    {
        name: "prod with cluster-mode Redis",
        stack: "prod",
        overrides: { "membrane:redisClusterMode": true },
        readers: {
            "prod-membrane-execution-role": ["secretsmanager:GetSecretValue"],
            "prod-membrane-k8s-role": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        },
    },
];

const evals: Record<string, Evaluation> = {};
before(async function () {
    this.timeout(180000);
    const results = await Promise.all(
        VARIANTS.map((v) =>
            Object.keys(v.overrides).length === 0 ? fixtureStack(v.stack) : evaluate({ stack: v.stack, overrides: v.overrides as any }),
        ),
    );
    VARIANTS.forEach((v, i) => (evals[v.name] = results[i]));
});

const variables = (ev: Evaluation) => Object.keys(ev.outputs).filter(isVariableName);
const credentialNames = (ev: Evaluation) => variables(ev).filter((k) => ev.outputs[k].secret);
const plainVariables = (ev: Evaluation) =>
    Object.fromEntries(
        variables(ev)
            .filter((k) => !ev.outputs[k].secret)
            .map((k) => [k, ev.outputs[k].value]),
    );
const secretOf = (ev: Evaluation) => oneIn(ev, T.component, T.secret);
const versionOf = (ev: Evaluation) => oneIn(ev, T.component, T.version);
const secretArn = (ev: Evaluation) => String(secretOf(ev).outputs.arn);

/** Every permission statement the stack's role policies give, with the role they are attached to. */
function roleStatements(ev: Evaluation): Array<{ role: string; policy: string; statement: any }> {
    return byType(ev, T.rolePolicy).flatMap((p) =>
        [].concat(policyOf(p).Statement).map((statement) => ({ role: String(p.inputs.role), policy: p.name, statement })),
    );
}

const actionsOf = (s: any): string[] => [].concat(s.Action);
const resourcesOf = (s: any): string[] => [].concat(s.Resource);

for (const v of VARIANTS) {
    describe(`the credentials store: ${v.name}`, () => {
        const ev = () => evals[v.name];

        it("holds exactly the credential variables the stack exports, as sorted JSON keys, with their values", () => {
            const stored = JSON.parse(String(versionOf(ev()).inputs.secretString));
            const exported = credentialNames(ev()).sort();
            expect(exported).to.include.members(["ENCRYPTION_SECRET", "MONGO_URI", "SECRET"]);
            expect(exported).to.include(v.overrides["membrane:redisClusterMode"] ? "REDIS_CLUSTER_URI_1" : "REDIS_URI");
            expect(Object.keys(stored)).to.deep.equal(exported);
            for (const k of exported) {
                expect(stored[k], k).to.equal(ev().outputs[k].value);
            }
        });

        it("keeps the value a secret end to end: the version's input and output, and the dotenv output", () => {
            const version = versionOf(ev());
            expect(version.secretInputs).to.include("secretString");
            expect(version.secretOutputs).to.include("secretString");
            expect(version.inputs.secretId).to.equal(secretArn(ev()));
            expect(ev().outputs.dotenv.secret).to.equal(true);
        });

        it("points each ECS secret at its JSON key of this secret: <arn>:<KEY>::", () => {
            const arn = secretArn(ev());
            expect(arn).to.match(
                new RegExp(`^arn:aws:secretsmanager:[a-z0-9-]+:${ACCOUNT_ID}:secret:membrane/${v.stack}/credentials-[A-Za-z0-9]{6}$`),
            );
            expect(ev().outputs.credentialsSecretArn).to.deep.equal({ value: arn, secret: false });
            expect(ev().outputs.ecsSecrets).to.deep.equal({
                value: credentialNames(ev())
                    .sort()
                    .map((name) => ({ name, valueFrom: `${arn}:${name}::` })),
                secret: false,
            });
        });

        it("gives ECS the other variables as its environment, and no credential", () => {
            const env = ev().outputs.ecsEnvironment;
            expect(env.secret).to.equal(false);
            expect(Object.fromEntries((env.value as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]))).to.deep.equal(
                plainVariables(ev()),
            );
        });

        it("lets exactly the reader roles read exactly this secret, and nothing else read any secret", () => {
            const arn = secretArn(ev());
            const reading = roleStatements(ev()).filter(({ statement }) =>
                actionsOf(statement).some((a) => a.startsWith("secretsmanager:")),
            );
            const byRole = Object.fromEntries(reading.map(({ role, statement }) => [role, actionsOf(statement)]));
            expect(byRole).to.deep.equal(v.readers);
            for (const { role, statement } of reading) {
                expect(resourcesOf(statement), role).to.deep.equal([arn]);
                expect(statement.Effect).to.equal("Allow");
                expect(statement).to.not.have.any.keys("NotAction", "NotResource", "Condition");
            }
            // The AWS managed key needs no grant.
            expect(roleStatements(ev()).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith("kms:")))).to.deep.equal(
                [],
            );
        });

        it("leaves the ECS task role its S3 policy only", () => {
            const policies = byType(ev(), T.rolePolicy).filter((p) => p.inputs.role === `${v.stack}-membrane-task-role`);
            expect(policies.map((p) => p.name)).to.deep.equal(["iam-ecs-task-s3-access"]);
            expect(byType(ev(), T.attachment).filter((a) => a.inputs.role === `${v.stack}-membrane-task-role`)).to.deep.equal([]);
        });

        it("gives the execution role ECS's trust (this account and region), AWS's managed execution policy and its read policy", () => {
            const role = oneIn(ev(), T.component, T.role, "credentials-ecs-execution-role");
            const region = ev().outputs.AWS_REGION.value;
            expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement).to.deep.equal([
                {
                    Sid: "EcsTasksAssumeRole",
                    Effect: "Allow",
                    Principal: { Service: "ecs-tasks.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                        ArnLike: { "aws:SourceArn": `arn:aws:ecs:${region}:${ACCOUNT_ID}:*` },
                    },
                },
            ]);
            expect(oneIn(ev(), T.component, T.attachment).inputs).to.deep.equal({
                role: `${v.stack}-membrane-execution-role`,
                policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            });
            expect(ev().outputs.ecsExecutionRoleArn).to.deep.equal({
                value: `arn:aws:iam::${ACCOUNT_ID}:role/${v.stack}-membrane-execution-role`,
                secret: false,
            });
        });

        it("prints what `pulumi stack output dotenv --show-secrets` prints: the writer's bytes", () => {
            // The CLI prints a string output and a newline (pkg/cmd/pulumi/stack/stack_output.go, WriteOne).
            const printed = `${String(ev().outputs.dotenv.value)}\n`;
            const json = Object.fromEntries(Object.entries(ev().outputs).map(([k, o]) => [k, o.value]));
            expect(printed).to.equal(dotenv(json));
            expect(printed).to.include("\nCOPILOT_S3_BUCKET=");
        });
    });
}

describe("the credentials secret itself", () => {
    it("prod: named membrane/prod/credentials, tagged, the AWS managed key, protected, 30 days to restore", async () => {
        const secret = secretOf(await fixtureStack("prod"));
        expect(secret.inputs).to.deep.include({
            name: "membrane/prod/credentials",
            recoveryWindowInDays: 30,
            tags: { Environment: "prod", Service: "membrane", Purpose: "Membrane credentials" },
        });
        expect(secret.inputs).to.not.have.property("kmsKeyId");
        expect(secret.protect).to.equal(true);
        // A changed version is a new value, never a lost secret: only the secret is protected.
        expect(versionOf(await fixtureStack("prod")).protect).to.equal(false);
    });

    it("staging: not protected, 7 days to restore", async () => {
        const secret = secretOf(await fixtureStack("staging"));
        expect(secret.protect).to.equal(false);
        expect(secret.inputs.recoveryWindowInDays).to.equal(7);
        expect(secret.inputs.name).to.equal("membrane/staging/credentials");
    });
});

describe("Kubernetes outputs", () => {
    const docs = (ev: Evaluation) => parseAllDocuments(String(ev.outputs.k8sExternalSecretsManifest.value)).map((d) => d.toJS());

    for (const [variant, irsa] of [
        ["prod (ECS and IRSA)", true],
        ["prod with Pod Identity", false],
        ["prod with cluster-mode Redis", true],
    ] as const) {
        it(`${variant}: a SecretStore and an ExternalSecret that extract this secret into membrane-secrets in Membrane's namespace`, () => {
            const ev = evals[variant];
            const [store, external, ...rest] = docs(ev);
            expect(rest).to.deep.equal([]);
            expect([store.kind, external.kind]).to.deep.equal(["SecretStore", "ExternalSecret"]);
            expect([store.metadata.namespace, external.metadata.namespace]).to.deep.equal(["membrane", "membrane"]);
            expect(external.spec.secretStoreRef).to.deep.equal({ name: store.metadata.name, kind: "SecretStore" });
            expect(external.spec.target.name).to.equal("membrane-secrets");
            expect(external.spec.dataFrom).to.deep.equal([{ extract: { key: secretOf(ev).inputs.name } }]);
            expect(store.spec.provider.aws).to.deep.include({ service: "SecretsManager", region: "us-east-1" });
            expect(store.spec.provider.aws.auth).to.deep.equal(irsa ? { jwt: { serviceAccountRef: { name: "membrane-sa" } } } : undefined);
            expect(ev.outputs.k8sExternalSecretsManifest.secret).to.equal(false);
        });

        it(`${variant}: Helm values with the service account${irsa ? " annotated with the IRSA role" : ", no annotation"} and the non-secret variables`, () => {
            const ev = evals[variant];
            const values = parseYaml(String(ev.outputs.k8sHelmValues.value));
            expect(values.serviceaccount).to.deep.equal({
                create: true,
                name: "membrane-sa",
                ...(irsa && { annotations: { "eks.amazonaws.com/role-arn": ev.outputs.k8sServiceAccountRoleArn.value } }),
            });
            expect(values.serviceAccount).to.deep.equal(values.serviceaccount);
            expect(values.app).to.deep.equal({ serviceAccountName: "membrane-sa" });
            expect(values.config).to.deep.equal(plainVariables(ev));
            expect(ev.outputs.k8sHelmValues.secret).to.equal(false);
        });
    }

    it("prod with Pod Identity: External Secrets Operator's controller role, trusted for its service account only, associated with it", () => {
        const ev = evals["prod with Pod Identity"];
        const role = oneIn(ev, T.component, T.role, "credentials-eso-role");
        expect(role.inputs.name).to.equal("prod-membrane-eso-role");
        expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Condition).to.deep.equal({
            StringEquals: {
                "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:us-east-1:${ACCOUNT_ID}:cluster/acme-prod`,
                "aws:RequestTag/kubernetes-namespace": "external-secrets",
                "aws:RequestTag/kubernetes-service-account": "external-secrets",
            },
        });
        expect(oneIn(ev, T.component, T.podIdentity).inputs).to.deep.include({
            clusterName: "acme-prod",
            namespace: "external-secrets",
            serviceAccount: "external-secrets",
            roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/prod-membrane-eso-role`,
        });
    });

    it("staging (no EKS cluster): no Kubernetes output", () => {
        expect(evals["staging (ECS only)"].outputs).to.not.have.any.keys("k8sExternalSecretsManifest", "k8sHelmValues");
    });
});

describe("the credentials store's options", () => {
    let kms: Evaluation;
    let existing: Evaluation;
    let existingWithPull: Evaluation;
    let off: Evaluation;
    let preview: Evaluation;
    before(async function () {
        this.timeout(180000);
        [kms, existing, existingWithPull, off, preview] = await Promise.all([
            evaluate({
                stack: "staging",
                overrides: { "membrane:secretsKmsKeyArn": KEY, "membrane:ecsRepositoryCredentialsSecretArn": PULL },
            }),
            evaluate({
                stack: "staging",
                overrides: { "membrane:ecsExecutionRole": "existing", "membrane:ecsExecutionRoleName": "acme-ecs-execution" },
            }),
            evaluate({
                stack: "staging",
                overrides: {
                    "membrane:ecsExecutionRole": "existing",
                    "membrane:ecsExecutionRoleName": "acme-ecs-execution",
                    "membrane:ecsRepositoryCredentialsSecretArn": PULL,
                    "membrane:secretsKmsKeyArn": KEY,
                },
            }),
            evaluate({ stack: "prod", overrides: { "membrane:secretsManager": false } }),
            evaluate({ stack: "prod", preview: true }),
        ]);
    });

    it("a customer managed key: the secret's key, and kms:Decrypt on that key only, through Secrets Manager in the region", () => {
        expect(secretOf(kms).inputs.kmsKeyId).to.equal(KEY);
        const decrypt = roleStatements(kms).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith("kms:")));
        expect(decrypt.map(({ role, statement }) => [role, statement])).to.deep.equal([
            [
                "staging-membrane-execution-role",
                {
                    Sid: "DecryptThroughSecretsManager",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: [KEY],
                    Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
                },
            ],
        ]);
    });

    it("a registry pull secret: the execution role may read it too, and no other role", () => {
        const pull = roleStatements(kms).filter(({ statement }) => resourcesOf(statement).includes(PULL));
        expect(pull.map(({ role, statement }) => [role, statement.Sid, actionsOf(statement)])).to.deep.equal([
            ["staging-membrane-execution-role", "ReadRegistryCredentials", ["secretsmanager:GetSecretValue"]],
        ]);
    });

    it("an existing execution role: only the inline read policy, on that role; no role, attachment or ARN output of ours", () => {
        const policy = oneIn(existing, T.component, T.rolePolicy);
        expect(policy.inputs.role).to.equal("acme-ecs-execution");
        expect(policy.inputs.name).to.equal("staging-membrane-execution-secrets");
        expect(policyOf(policy).Statement).to.deep.equal([
            { Sid: "ReadMembraneCredentials", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn(existing)] },
        ]);
        const inStore = descendantsOf(existing, one(existing, T.component)).map((r) => r.type);
        expect(inStore).to.not.include.members([T.role, T.attachment]);
        expect(existing.outputs).to.not.have.property("ecsExecutionRoleArn");
        expect(existing.outputs.ecsSecrets.value).to.have.lengthOf(4);
    });

    // Without the pull secret's statement the ECS agent cannot pull the image: every task fails to start.
    it("an existing execution role with a registry pull secret and a key: its inline policy reads the pull secret and decrypts too", () => {
        const policy = oneIn(existingWithPull, T.component, T.rolePolicy);
        expect(policy.inputs.role).to.equal("acme-ecs-execution");
        expect(policyOf(policy).Statement.map((s: any) => [s.Sid, s.Action, s.Resource])).to.deep.equal([
            ["ReadMembraneCredentials", ["secretsmanager:GetSecretValue"], [secretArn(existingWithPull)]],
            ["ReadRegistryCredentials", ["secretsmanager:GetSecretValue"], [PULL]],
            ["DecryptThroughSecretsManager", ["kms:Decrypt"], [KEY]],
        ]);
    });

    it("secretsManager false: no secret, no reader, no ECS or Kubernetes output; the variables and dotenv stay", () => {
        expect(off.resources.filter((r) => r.type.startsWith("aws:secretsmanager") || r.type === T.component)).to.deep.equal([]);
        expect(off.outputs).to.not.have.any.keys(
            "credentialsSecretArn",
            "credentialsSecretName",
            "ecsEnvironment",
            "ecsSecrets",
            "ecsExecutionRoleArn",
            "k8sExternalSecretsManifest",
            "k8sHelmValues",
        );
        expect(off.outputs.dotenv.secret).to.equal(true);
        expect(byType(off, T.rolePolicy).filter((p) => String(p.inputs.policy).includes("secretsmanager:"))).to.deep.equal([]);
        expect(byType(off, T.rolePolicy).map((p) => p.name)).to.include.members(["iam-ecs-task-s3-access", "iam-k8s-s3-access"]);
    });

    it("at a first preview: the secret's ARN and the lists that name it are unknown; the manifests, made of names, are known", () => {
        const unknown = "<unknown>";
        expect(preview.outputs.credentialsSecretArn.value).to.equal(unknown);
        expect(preview.outputs.ecsSecrets.value).to.equal(unknown);
        expect(preview.outputs.dotenv.value).to.equal(unknown);
        const [, external] = parseAllDocuments(String(preview.outputs.k8sExternalSecretsManifest.value)).map((d) => d.toJS());
        expect(external.spec.dataFrom).to.deep.equal([{ extract: { key: "membrane/prod/credentials" } }]);
    });
});

describe("CredentialsStore on its own", () => {
    let ev: Evaluation;
    before(async () => {
        ev = await evaluate({ stack: "staging", program: "test/programs/credentials-store.ts" });
    });

    it("is a membrane:secrets:CredentialsStore that parents every resource it creates, named after it", () => {
        const component = one(ev, T.component, "vault");
        const custom = ev.resources.filter((r) => r.custom);
        expect(custom.map((r) => r.parent)).to.deep.equal(custom.map(() => component.urn));
        expect(custom.map((r) => r.name).sort()).to.deep.equal(
            [
                "vault-ecs-execution-managed",
                "vault-ecs-execution-read",
                "vault-ecs-execution-role",
                "vault-eso-pod-identity",
                "vault-eso-read",
                "vault-eso-role",
                "vault-k8s-read",
                "vault-secret",
                "vault-version",
            ].sort(),
        );
    });

    it("registers its outputs, the ARN resolved once the value is stored", () => {
        const outputs = one(ev, T.component, "vault").outputs as Record<string, unknown>;
        expect(outputs.secretArn).to.match(/^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:qa\/credentials-[A-Za-z0-9]{6}$/);
        expect(outputs.secretName).to.equal("qa/credentials");
        expect(outputs.ecsExecutionRoleArn).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/qa-execution`);
        expect(outputs.esoRoleArn).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/qa-eso`);
        const version = byType(ev, T.version)[0] as RegisteredResource;
        expect(ev.resources.find((r) => r.type === "pulumi:pulumi:Stack")).to.not.equal(undefined);
        expect(version.dependencies).to.include(one(ev, T.secret).urn);
    });

    it("carries the permissions boundary on every role it creates", () => {
        for (const role of byType(ev, T.role)) {
            expect(role.inputs.permissionsBoundary, role.name).to.equal(`arn:aws:iam::${ACCOUNT_ID}:policy/qa-boundary`);
        }
    });
});

describe("CredentialsStore on its own, handed plain credentials", () => {
    // The stack hands it secrets already; the store must not rely on that, nor on @pulumi/aws's SecretVersion,
    // which marks secretString secret as well: what the store hands that class is recorded by the program.
    let ev: Evaluation;
    before(async () => {
        ev = await evaluate({
            stack: "staging",
            program: "test/programs/credentials-store.ts",
            env: { MEMBRANE_TEST_PLAIN_CREDENTIALS: "true" },
        });
    });

    it("stores them as a secret input and marks the stored value a secret output", () => {
        const version = one(ev, T.version);
        expect(JSON.parse(String(version.inputs.secretString))).to.deep.equal({ MONGO_URI: "mongodb://u:p@h/db", SECRET: "s".repeat(40) });
        expect(version.secretInputs).to.deep.equal(["secretString"]);
        expect(version.additionalSecretOutputs).to.include("secretString");
        expect(version.secretOutputs).to.include("secretString");
    });

    it("hands @pulumi/aws the value already secret, asking for the stored value as a secret output", () => {
        expect(ev.outputs.handedToSecretVersion).to.deep.equal({
            value: [{ secretStringSecret: true, additionalSecretOutputs: ["secretString"] }],
            secret: false,
        });
    });
});
