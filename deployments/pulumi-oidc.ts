// The account's IAM OIDC provider for Pulumi Cloud, created here or looked up: AWS allows one provider
// per URL in an account, so a second program creating it would fail.
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../lib/naming";
import { PROJECT, PULUMI_OIDC_URL } from "./config";
import { deploymentsAudience, escAudience, missingAudiences } from "./trust";

export interface PulumiOidcArgs {
    /** The Pulumi organization: its name and `aws:<name>` are the audiences. */
    readonly organization: string;
    /** `create` the provider, or use the `existing` one, which must list both audiences. */
    readonly mode: "create" | "existing";
}

export class PulumiOidc extends pulumi.ComponentResource {
    /** The provider's ARN: the deploy roles' federated principal. */
    readonly providerArn: pulumi.Output<string>;

    constructor(name: string, args: PulumiOidcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:deployments:PulumiOidc", name, {}, opts);
        const audiences = [deploymentsAudience(args.organization), escAudience(args.organization)];
        if (args.mode === "create") {
            this.providerArn = new aws.iam.OpenIdConnectProvider(
                childName(name, "provider"),
                // No thumbprint: AWS trusts the issuer's certificate through its own root CAs.
                { url: PULUMI_OIDC_URL, clientIdLists: audiences, tags: { Service: "membrane", ManagedBy: PROJECT } },
                { parent: this },
            ).arn;
        } else {
            this.providerArn = aws.iam.getOpenIdConnectProviderOutput({ url: PULUMI_OIDC_URL }, { parent: this }).apply((provider) => {
                const missing = missingAudiences(provider.clientIdLists, args.organization);
                if (missing.length > 0) {
                    throw new Error(
                        `${PROJECT}:oidcProvider is "existing", but the IAM OIDC provider ${provider.arn} lacks the audience${missing.length > 1 ? "s" : ""} ` +
                            `${missing.join(", ")} (AWS compares audiences case-sensitively). Add ${missing.length > 1 ? "them" : "it"} once: ` +
                            missing
                                .map(
                                    (a) =>
                                        `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${provider.arn} --client-id ${a}`,
                                )
                                .join(" && "),
                    );
                }
                return provider.arn;
            });
        }
        this.registerOutputs({ providerArn: this.providerArn });
    }
}
