// Membrane's application secrets: SECRET signs JWTs, ENCRYPTION_SECRET encrypts every credential
// Membrane stores. Losing ENCRYPTION_SECRET makes all stored credentials unreadable, so its generator
// has fixed inputs (nothing configurable can replace it) and is protected in production.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { childName } from "../../lib/naming";

export interface AppSecretsArgs {
    /** Protect ENCRYPTION_SECRET's generator from deletion. Default false. */
    readonly production?: boolean;
    /** An existing SECRET to keep (from secret config); wins over the generated one. */
    readonly existingSecret?: pulumi.Input<string>;
    /** An existing ENCRYPTION_SECRET to keep (from secret config); wins over the generated one. */
    readonly existingEncryptionSecret?: pulumi.Input<string>;
}

// Membrane wants at least 32 characters; 64 alphanumerics (~380 bits) need no quoting in any .env format.
const GENERATOR = { length: 64, special: false, upper: true, lower: true, numeric: true } as const;

export class AppSecrets extends pulumi.ComponentResource {
    readonly secret: pulumi.Output<string>;
    readonly encryptionSecret: pulumi.Output<string>;

    constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:secrets:AppSecrets", name, {}, opts);
        // Both generators always exist, whether or not an existing value is supplied, so that removing
        // an override later goes back to the same generated value instead of a new one.
        const jwt = new random.RandomPassword(childName(name, "secret"), { ...GENERATOR }, { parent: this });
        const encryption = new random.RandomPassword(
            childName(name, "encryption-secret"),
            { ...GENERATOR },
            { parent: this, protect: args.production ?? false },
        );
        this.secret = pulumi.secret(pick(args.existingSecret, jwt.result));
        this.encryptionSecret = pulumi.secret(pick(args.existingEncryptionSecret, encryption.result));
        this.registerOutputs({ secret: this.secret, encryptionSecret: this.encryptionSecret });
    }
}

function pick(existing: pulumi.Input<string> | undefined, generated: pulumi.Output<string>): pulumi.Output<string> {
    return pulumi.all([existing, generated]).apply(([e, g]) => (e ? e : g));
}
