// A Membrane stack's ESC environment: short-lived AWS credentials from the stack's deploy role, the
// Atlas service account as secrets, and the permissions boundary for the program's roles. The stack
// file imports it (`environment: [<escProject>/<stack>]`). Pure.
import { stringify } from "yaml";
import { ESC_SUBJECT_ATTRIBUTES } from "./trust";

/** The Membrane config key that carries the boundary into the program (see docs/deployments.md). */
export const BOUNDARY_CONFIG_KEY = "membrane:iamPermissionsBoundaryArn";
/** The Membrane config key that names the deploy role in the key policy of every KMS key the program creates. */
export const KEY_ADMINISTRATOR_CONFIG_KEY = "membrane:kmsKeyAdministratorArn";

export interface EscEnvironmentArgs {
    /** The deploy role the environment's `aws-login` assumes. */
    readonly roleArn: string;
    /** The assume-role session's name; shows in CloudTrail. */
    readonly sessionName: string;
    /** "XhYmZs". */
    readonly duration: string;
    /** The permissions boundary, given to the stack as `membrane:iamPermissionsBoundaryArn`. */
    readonly boundaryArn: string;
    /** The Atlas service account the stack's Atlas provider logs in with; absent: none. */
    readonly atlas?: { readonly clientId: string; readonly clientSecret: string };
}

/** The environment definition; the Atlas secret stays `fn::secret`, encrypted by ESC at rest. */
export function escEnvironmentDefinition(a: EscEnvironmentArgs): Record<string, unknown> {
    const values: Record<string, unknown> = {
        aws: {
            login: {
                "fn::open::aws-login": {
                    oidc: {
                        roleArn: a.roleArn,
                        sessionName: a.sessionName,
                        duration: a.duration,
                        subjectAttributes: [...ESC_SUBJECT_ATTRIBUTES],
                    },
                },
            },
        },
    };
    const variables: Record<string, string> = {
        AWS_ACCESS_KEY_ID: "${aws.login.accessKeyId}",
        AWS_SECRET_ACCESS_KEY: "${aws.login.secretAccessKey}",
        AWS_SESSION_TOKEN: "${aws.login.sessionToken}",
    };
    if (a.atlas) {
        values.atlas = { clientId: a.atlas.clientId, clientSecret: { "fn::secret": a.atlas.clientSecret } };
        variables.MONGODB_ATLAS_CLIENT_ID = "${atlas.clientId}";
        variables.MONGODB_ATLAS_CLIENT_SECRET = "${atlas.clientSecret}";
    }
    values.environmentVariables = variables;
    values.pulumiConfig = { [BOUNDARY_CONFIG_KEY]: a.boundaryArn, [KEY_ADMINISTRATOR_CONFIG_KEY]: a.roleArn };
    return { values };
}

export function renderEscEnvironment(a: EscEnvironmentArgs): string {
    return stringify(escEnvironmentDefinition(a), { lineWidth: 0 });
}
