// The self-managed state backend: one bucket for every stack's state (versioned, encrypted, private,
// TLS-only, its history out of reach of every deploy and read role), and the secrets key of this
// deployments stack itself. Each Membrane stack's own key is its SelfManagedStack's.
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { HardenedBucket } from "../lib/bucket";
import { childName } from "../lib/naming";
import { PROJECT } from "./config";
import { deploymentsKeyAlias, stateBucketStatements, stateKeyPolicy } from "./self-managed";
import type { AccountFacts } from "./stack-deployment";
import { stateKeyTags } from "./self-managed-stack";

/** How long a replaced or deleted state file stays recoverable as a noncurrent version. */
export const STATE_VERSION_DAYS = 365;

export interface StateBackendArgs {
    /** The state bucket's name. */
    readonly bucketName: string;
    /** The account and partition the bucket and keys are in. */
    readonly account: AccountFacts;
    /** Who administers this deployments stack's key and uses it. */
    readonly administrators: readonly string[];
    /** This deployments stack's name. */
    readonly deploymentsStack: string;
}

export class StateBackend extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly deploymentsKeyArn: pulumi.Output<string>;

    constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:deployments:StateBackend", name, {}, opts);
        const bucket = new HardenedBucket(
            childName(name, "bucket"),
            {
                bucketName: args.bucketName,
                environment: args.deploymentsStack,
                purpose: "pulumi-state",
                // Protected and retained: deleting this program must never delete the state.
                retain: true,
                forceDestroy: false,
                versioned: true,
                lifecycle: { id: "state-history", noncurrentVersionExpirationDays: STATE_VERSION_DAYS },
                policy: (arn) =>
                    pulumi
                        .all([arn, args.account.partition, args.account.accountId])
                        .apply(([bucketArn, partition, accountId]) => stateBucketStatements(bucketArn, partition, accountId)),
            },
            this,
        );
        const key = new aws.kms.Key(
            childName(name, "key"),
            {
                description: `Secrets provider of the deployments stack ${PROJECT}/${args.deploymentsStack}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi
                    .all([args.account.partition, args.account.accountId])
                    .apply(([partition, accountId]) =>
                        JSON.stringify(stateKeyPolicy({ partition, accountId, administrators: args.administrators, decrypters: [] })),
                    ),
                tags: stateKeyTags(`${PROJECT}/${args.deploymentsStack}`),
            },
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.kms.Alias(
            childName(name, "key-alias"),
            { name: deploymentsKeyAlias(args.deploymentsStack), targetKeyId: key.keyId },
            { parent: this },
        );
        this.bucketName = bucket.bucket.bucket;
        this.deploymentsKeyArn = key.arn;
        this.registerOutputs({ bucketName: this.bucketName, deploymentsKeyArn: this.deploymentsKeyArn });
    }
}
