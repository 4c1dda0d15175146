// GitHub's own OIDC provider in the AWS account (the self-managed path: no Pulumi Cloud in between),
// created here or looked up: AWS allows one provider per URL in an account, and another project may
// already have created it for its own workflows.
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../lib/naming";
import { PROJECT } from "./config";
import { GITHUB_OIDC_URL } from "./github-actions";
import { STS_AUDIENCE } from "./self-managed";

export interface GithubOidcArgs {
    /** `create` the provider, or use the `existing` one, which must list the audience sts.amazonaws.com. */
    readonly mode: "create" | "existing";
}

export class GithubOidc extends pulumi.ComponentResource {
    /** The provider's ARN: the federated principal of the stacks' deploy and read roles. */
    readonly providerArn: pulumi.Output<string>;

    constructor(name: string, args: GithubOidcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:deployments:GithubOidc", name, {}, opts);
        if (args.mode === "create") {
            this.providerArn = new aws.iam.OpenIdConnectProvider(
                childName(name, "provider"),
                // No thumbprint: AWS trusts GitHub's issuer certificate through its own root CAs.
                { url: GITHUB_OIDC_URL, clientIdLists: [STS_AUDIENCE], tags: { Service: "membrane", ManagedBy: PROJECT } },
                { parent: this },
            ).arn;
        } else {
            this.providerArn = aws.iam.getOpenIdConnectProviderOutput({ url: GITHUB_OIDC_URL }, { parent: this }).apply((provider) => {
                if (!provider.clientIdLists.includes(STS_AUDIENCE)) {
                    throw new Error(
                        `${PROJECT}:githubOidcProvider is "existing", but the IAM OIDC provider ${provider.arn} lacks the audience ${STS_AUDIENCE}, ` +
                            `which configure-aws-credentials sends. Add it once: aws iam add-client-id-to-open-id-connect-provider ` +
                            `--open-id-connect-provider-arn ${provider.arn} --client-id ${STS_AUDIENCE}`,
                    );
                }
                return provider.arn;
            });
        }
        this.registerOutputs({ providerArn: this.providerArn });
    }
}
