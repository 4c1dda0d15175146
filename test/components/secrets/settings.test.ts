import { expect } from "chai";
import { readSettings } from "../../../components/settings";
import { recoveryWindowInDays } from "../../../components/secrets/settings";
import { secretsNames } from "../../../lib/naming";
import { VALID, problemsOf, raw } from "../../harness";
import { itRefuses, Refusal } from "../../support/settings";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const PULL = "arn:aws:secretsmanager:us-east-1:111122223333:secret:membrane/prod/registry-AbC123";
/** The credentials store's args, or undefined without a store. */
const storeOf = (values: Record<string, unknown>, secretKeys: string[] = []) =>
    readSettings(raw({ ...VALID, ...values }, secretKeys)).credentialsStore;
const warningsOf = (values: Record<string, unknown>) => readSettings(raw({ ...VALID, ...values })).warnings;

describe("config: the credentials store", () => {
    it("by default: membrane/<environment>/credentials, the AWS managed key, a created ECS execution role", () => {
        expect(storeOf({})).to.deep.equal({
            environment: "prod",
            production: false,
            region: "us-east-1",
            secretName: "membrane/prod/credentials",
            recoveryWindowInDays: 7,
            ecsExecutionRole: { kind: "create", roleName: "prod-membrane-execution-role", policyName: "prod-membrane-execution-secrets" },
            permissionsBoundaryArn: undefined,
        });
    });

    it("keeps a deleted secret 30 days in production, 7 elsewhere", () => {
        expect([recoveryWindowInDays(true), recoveryWindowInDays(false)]).to.deep.equal([30, 7]);
        expect(storeOf({ production: true, redisNumCacheClusters: 2 })?.recoveryWindowInDays).to.equal(30);
    });

    it("names everything under the environment: the secret with a slash, the roles with the seed's prefix", () => {
        expect(secretsNames("staging")).to.deep.equal({
            secretName: "membrane/staging/credentials",
            execution: { roleName: "staging-membrane-execution-role", policyName: "staging-membrane-execution-secrets" },
            k8sReaderPolicyName: "staging-membrane-k8s-secrets-read",
            ec2ReaderPolicyName: "staging-membrane-ec2-secrets-read",
            eso: { roleName: "staging-membrane-eso-role", policyName: "staging-membrane-eso-secrets-read" },
        });
    });

    it("the EC2 instance role reads the secret; without it, nothing does for Docker hosts", () => {
        expect(storeOf({ ec2InstanceRole: true })?.ec2ReaderPolicyName).to.equal("prod-membrane-ec2-secrets-read");
        expect(storeOf({})?.ec2ReaderPolicyName).to.equal(undefined);
    });

    it("secretsManager false: no store at all", () => {
        expect(storeOf({ secretsManager: false })).to.equal(undefined);
    });

    it("IRSA: the service-account role reads the secret for External Secrets Operator", () => {
        const store = storeOf({ eksClusterName: "acme-prod" });
        expect(store?.k8sReaderPolicyName).to.equal("prod-membrane-k8s-secrets-read");
        expect(store?.esoPodIdentity).to.equal(undefined);
    });

    it("Pod Identity: External Secrets Operator's controller gets a role of its own, by default the chart's service account", () => {
        const store = storeOf({ eksClusterName: "acme-prod", eksPodIdentity: true });
        expect(store?.k8sReaderPolicyName).to.equal(undefined);
        expect(store?.esoPodIdentity).to.deep.equal({
            roleName: "prod-membrane-eso-role",
            policyName: "prod-membrane-eso-secrets-read",
            namespace: "external-secrets",
            serviceAccount: "external-secrets",
        });
        const custom = storeOf({ eksClusterName: "acme-prod", eksPodIdentity: true, esoServiceAccount: "eso/controller" });
        expect(custom?.esoPodIdentity).to.include({ namespace: "eso", serviceAccount: "controller" });
        expect(storeOf({ eksClusterName: "acme-prod", eksPodIdentity: true, esoServiceAccount: "" })?.esoPodIdentity).to.equal(undefined);
    });

    it("an existing execution role gets the inline policy under its own name; none means none", () => {
        expect(storeOf({ ecsExecutionRole: "existing", ecsExecutionRoleName: "acme-ecs-execution" })?.ecsExecutionRole).to.deep.equal({
            kind: "existing",
            roleName: "acme-ecs-execution",
            policyName: "prod-membrane-execution-secrets",
        });
        expect(storeOf({ ecsExecutionRole: "none" })?.ecsExecutionRole).to.equal(undefined);
        // The execution role belongs to the ECS path: none without the ECS task role.
        expect(storeOf({ ecsTaskRole: false, eksClusterName: "c1" })?.ecsExecutionRole).to.equal(undefined);
    });

    it("takes a customer managed key's ARN and the registry pull secret's ARN", () => {
        const store = storeOf({ secretsKmsKeyArn: KEY, ecsRepositoryCredentialsSecretArn: PULL });
        expect(store?.kmsKeyArn).to.equal(KEY);
        expect(store?.ecsExecutionRole?.repositoryCredentialsArn).to.equal(PULL);
        expect(
            problemsOf({ secretsKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef" }),
        ).to.deep.equal([]);
    });

    it("takes a multi-Region key's id, mrk- and exactly 32 hex digits, and refuses 31 or 33", () => {
        const mrk = (hex: string) => `arn:aws:kms:us-east-1:111122223333:key/mrk-${hex}`;
        const refused = (arn: string) =>
            `membrane:secretsKmsKeyArn: must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id>; empty = the AWS managed key aws/secretsmanager (got "${arn}")`;
        expect(problemsOf({ secretsKmsKeyArn: mrk("a".repeat(32)) })).to.deep.equal([]);
        expect(problemsOf({ secretsKmsKeyArn: mrk("a".repeat(31)) })).to.deep.equal([refused(mrk("a".repeat(31)))]);
        expect(problemsOf({ secretsKmsKeyArn: mrk("a".repeat(33)) })).to.deep.equal([refused(mrk("a".repeat(33)))]);
    });

    it("takes an existing execution role's name of 64 characters, IAM's limit, and refuses 65, naming the key", () => {
        expect(problemsOf({ ecsExecutionRole: "existing", ecsExecutionRoleName: "r".repeat(64) })).to.deep.equal([]);
        expect(problemsOf({ ecsExecutionRole: "existing", ecsExecutionRoleName: "r".repeat(65) })).to.deep.equal([
            `membrane:ecsExecutionRoleName: must be an IAM role name: 1 to 64 letters, digits and +=,.@_- (got "${"r".repeat(65)}")`,
        ]);
    });

    const bad: Refusal[] = [
        [
            "an alias instead of the key",
            { secretsKmsKeyArn: "alias/membrane" },
            'membrane:secretsKmsKeyArn: must be the key\'s ARN, not an alias: IAM policies grant kms:Decrypt on a key ARN, never on an alias (aws kms describe-key --key-id alias/membrane --query KeyMetadata.Arn) (got "alias/membrane")',
        ],
        [
            "an alias ARN",
            { secretsKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:alias/membrane" },
            'membrane:secretsKmsKeyArn: must be the key\'s ARN, not an alias: IAM policies grant kms:Decrypt on a key ARN, never on an alias (aws kms describe-key --key-id alias/membrane --query KeyMetadata.Arn) (got "arn:aws:kms:us-east-1:111122223333:alias/membrane")',
        ],
        [
            "a bare key id",
            { secretsKmsKeyArn: "1234abcd-12ab-34cd-56ef-1234567890ab" },
            'membrane:secretsKmsKeyArn: must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id>; empty = the AWS managed key aws/secretsmanager (got "1234abcd-12ab-34cd-56ef-1234567890ab")',
        ],
        [
            "a key of another region",
            { secretsKmsKeyArn: KEY.replace("us-east-1", "eu-west-1") },
            "membrane:secretsKmsKeyArn: is a key in eu-west-1; Secrets Manager encrypts with a key of the secret's own region, us-east-1",
        ],
        [
            "existing without a name",
            { ecsExecutionRole: "existing" },
            'membrane:ecsExecutionRoleName: is required when membrane:ecsExecutionRole is "existing": the name of the role to give read access',
        ],
        [
            "a name without existing",
            { ecsExecutionRoleName: "acme-ecs-execution" },
            'membrane:ecsExecutionRoleName: is set but membrane:ecsExecutionRole is "create": set ecsExecutionRole to "existing", or leave the name empty',
        ],
        [
            "a role name IAM refuses",
            { ecsExecutionRole: "existing", ecsExecutionRoleName: "ecs execution" },
            'membrane:ecsExecutionRoleName: must be an IAM role name: 1 to 64 letters, digits and +=,.@_- (got "ecs execution")',
        ],
        [
            "an unknown mode",
            { ecsExecutionRole: "adopt" },
            'membrane:ecsExecutionRole: must be one of create, existing, none (got "adopt")',
        ],
        [
            "a pull secret by name",
            { ecsRepositoryCredentialsSecretArn: "membrane/prod/registry" },
            'membrane:ecsRepositoryCredentialsSecretArn: must be a Secrets Manager secret\'s full ARN, arn:aws:secretsmanager:<region>:<account>:secret:membrane/prod/<name>-<6 characters> (got "membrane/prod/registry")',
        ],
        [
            "a pull secret outside membrane/<environment>/",
            { ecsRepositoryCredentialsSecretArn: PULL.replace("membrane/prod/registry", "prod-harbor-pull") },
            'membrane:ecsRepositoryCredentialsSecretArn: must name a secret under membrane/prod/: the roles\' permissions boundary and the policy pack allow reading those secrets only (got "prod-harbor-pull")',
        ],
        [
            "a pull secret of another environment",
            { ecsRepositoryCredentialsSecretArn: PULL.replace("membrane/prod/", "membrane/prod-eu/") },
            'membrane:ecsRepositoryCredentialsSecretArn: must name a secret under membrane/prod/: the roles\' permissions boundary and the policy pack allow reading those secrets only (got "membrane/prod-eu/registry")',
        ],
        [
            "a pull secret of another region",
            { ecsRepositoryCredentialsSecretArn: PULL.replace("us-east-1", "eu-west-1") },
            "membrane:ecsRepositoryCredentialsSecretArn: is a secret in eu-west-1; the roles may read secrets of us-east-1 only",
        ],
        [
            "a service account without its namespace",
            { eksClusterName: "c1", eksPodIdentity: true, esoServiceAccount: "external-secrets" },
            'membrane:esoServiceAccount: must be <namespace>/<service account> of External Secrets Operator\'s controller, both Kubernetes names (got "external-secrets")',
        ],
        [
            "an uppercase namespace",
            { eksClusterName: "c1", eksPodIdentity: true, esoServiceAccount: "ESO/external-secrets" },
            'membrane:esoServiceAccount: must be <namespace>/<service account> of External Secrets Operator\'s controller, both Kubernetes names (got "ESO/external-secrets")',
        ],
    ];
    itRefuses(bad);

    it("refuses an environment that makes the execution role's name longer than IAM's 64 characters, only with the store", () => {
        const environment = "e".repeat(45);
        const problem = `membrane:environment: makes the IAM role name "${environment}-membrane-execution-role" 69 characters long; IAM allows 64`;
        expect(problemsOf({ environment })).to.include(problem);
        expect(problemsOf({ environment, secretsManager: false })).to.not.include(problem);
    });

    it("refuses derived execution and ESO role names of 65 characters, naming the environment key; 64 is IAM's limit", () => {
        // "<environment>-membrane-execution-role": 24 characters after the environment; "-membrane-eso-role": 18.
        const roleProblems = (environment: string) =>
            problemsOf({ environment }).filter((p) => p.startsWith("membrane:environment: makes the IAM role name"));
        const tooLong = (role: string) => `membrane:environment: makes the IAM role name "${role}" 65 characters long; IAM allows 64`;
        expect(roleProblems("e".repeat(40))).to.deep.equal([]);
        expect(roleProblems("e".repeat(41))).to.deep.equal([tooLong(`${"e".repeat(41)}-membrane-execution-role`)]);
        const eso = (environment: string) => roleProblems(environment).filter((p) => p.includes("-membrane-eso-role"));
        expect(eso("e".repeat(46))).to.deep.equal([]);
        expect(eso("e".repeat(47))).to.deep.equal([tooLong(`${"e".repeat(47)}-membrane-eso-role`)]);
    });

    it("refuses line breaks in the values that go into the .env and the secret, without repeating them", () => {
        const problems = problemsOf(
            { existingSecret: `${"s".repeat(40)}\n`, existingEncryptionSecret: `${"e".repeat(20)}\r${"e".repeat(20)}` },
            ["existingSecret", "existingEncryptionSecret"],
        );
        expect(problems).to.deep.equal([
            "membrane:existingSecret: contains a line break, which no .env reader and no environment variable keeps (the value is secret and not shown)",
            "membrane:existingEncryptionSecret: contains a line break, which no .env reader and no environment variable keeps (the value is secret and not shown)",
        ]);
        expect(problems.join("\n")).to.not.include("ssss");
        // MONGO_URI goes into the .env and the secret as well.
        const uri = problemsOf({ databaseMode: "external", externalMongoUri: "mongodb://app:hunter2@db.example.com/membrane\n" }, [
            "externalMongoUri",
        ]);
        expect(uri).to.deep.equal([
            "membrane:externalMongoUri: contains a line break, which no .env reader and no environment variable keeps (the value is secret and not shown)",
        ]);
    });

    it("warns about settings that change nothing, and not about the defaults", () => {
        expect(warningsOf({})).to.deep.equal([]);
        expect(warningsOf({ secretsManager: false, secretsKmsKeyArn: KEY })).to.deep.equal([
            "membrane:secretsKmsKeyArn is set but ignored: membrane:secretsManager is false.",
        ]);
        expect(warningsOf({ ecsExecutionRole: "none", ecsRepositoryCredentialsSecretArn: PULL })).to.deep.equal([
            'membrane:ecsRepositoryCredentialsSecretArn is set but ignored: membrane:ecsExecutionRole is "none".',
        ]);
        expect(warningsOf({ ecsTaskRole: false, eksClusterName: "c1", ecsRepositoryCredentialsSecretArn: PULL })).to.deep.equal([
            "membrane:ecsRepositoryCredentialsSecretArn is set but ignored: membrane:ecsTaskRole is false, so there is no ECS execution role.",
        ]);
        expect(warningsOf({ esoServiceAccount: "eso/controller" })).to.deep.equal([
            "membrane:esoServiceAccount is set but ignored: it applies with EKS Pod Identity only (membrane:eksPodIdentity).",
        ]);
    });
});
