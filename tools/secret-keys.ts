// Which config keys hold credentials, from the contracts that say so, never from a key's name: the
// program's own list (SECRET_KEYS, read with ConfigReader.secret) and each provider's, as its generated
// SDK marks them (`resourceInputs["secretKey"] = args?.secretKey ? pulumi.secret(...)` in provider.js).
import * as fs from "fs";
import { KNOWN_NAMESPACES } from "../lib/config-keys";
import { NAMESPACE, SECRET_KEYS } from "../lib/config-reader";

/**
 * Credentials of the Atlas provider that its schema does not mark sensitive, so its SDK passes them in the
 * clear (terraform-provider-mongodbatlas internal/provider/provider.go marks only private_key): the
 * service account's secret and token, and the AWS keys it may read its own credentials with.
 */
const UNMARKED_PROVIDER_CREDENTIALS = [
    "mongodbatlas:clientSecret",
    "mongodbatlas:accessToken",
    "mongodbatlas:awsSecretAccessKey",
    "mongodbatlas:awsSessionToken",
];

/** The provider config keys its SDK passes as secrets: `aws:secretKey`, `mongodbatlas:privateKey`, ... */
export function providerSecretKeys(): string[] {
    const keys: string[] = [];
    for (const ns of KNOWN_NAMESPACES.filter((n) => n !== NAMESPACE && n !== "pulumi")) {
        let source: string;
        try {
            source = fs.readFileSync(require.resolve(`@pulumi/${ns}/provider.js`), "utf8");
        } catch {
            continue;
        }
        for (const m of source.matchAll(/resourceInputs\["(\w+)"\] = args\?\.\1 \? pulumi\.secret\(/g)) {
            keys.push(`${ns}:${m[1]}`);
        }
    }
    return keys;
}

/** Every config key that holds a credential: the program's and the providers'. */
export function credentialKeys(): string[] {
    return [...new Set([...SECRET_KEYS.map((k) => `${NAMESPACE}:${k}`), ...providerSecretKeys(), ...UNMARKED_PROVIDER_CREDENTIALS])].sort();
}
