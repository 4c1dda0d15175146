// `kubectl get secret membrane-secrets -n <namespace> -o json | npm run --silent k8s-secret-values`
//
// The vendor's Helm chart documents one way to give Membrane its variables: its `config:` map. The
// credentials (MONGO_URI, REDIS_URI or REDIS_CLUSTER_URI_1, SECRET, ENCRYPTION_SECRET) are in the
// Kubernetes Secret that External Secrets Operator writes from Secrets Manager; this turns that Secret
// into a `config:` values fragment on standard output, for `helm upgrade ... -f -` (Helm reads values
// from standard input for "-"), so the credentials go from the cluster to Helm without a file.
import { stringify } from "yaml";
import { isVariableName, SECRET_VARIABLES } from "../components/outputs/env";

export const USAGE = "usage: kubectl get secret membrane-secrets -n <namespace> -o json | npm run --silent k8s-secret-values";

export class SecretValuesError extends Error {}

/** `config:` values from a Kubernetes Secret's JSON (`kubectl get secret -o json`): every data key, decoded. */
export function secretValues(input: string): string {
    let secret: any;
    try {
        secret = JSON.parse(input);
    } catch {
        throw new SecretValuesError("standard input is not JSON: pipe kubectl get secret <name> -o json into it");
    }
    if (secret?.kind !== "Secret" || typeof secret.data !== "object" || secret.data === null) {
        throw new SecretValuesError(`expected a Kubernetes Secret with data (got kind ${JSON.stringify(secret?.kind)})`);
    }
    const names = Object.keys(secret.data).sort();
    const credentials = names.filter((n) => (SECRET_VARIABLES as readonly string[]).includes(n));
    if (credentials.length === 0) {
        throw new SecretValuesError(
            `the Secret holds none of Membrane's credentials (${SECRET_VARIABLES.join(", ")}): is it the one the ExternalSecret writes, and has External Secrets Operator synced it?`,
        );
    }
    const config: Record<string, string> = {};
    for (const name of names) {
        if (!isVariableName(name)) {
            throw new SecretValuesError(`the Secret's key ${JSON.stringify(name)} is not an environment variable name`);
        }
        const value = String(secret.data[name]);
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
            throw new SecretValuesError(`the Secret's ${name} is not base64, as a Secret's data is`);
        }
        config[name] = Buffer.from(value, "base64").toString("utf8");
    }
    // Every value a string: a YAML reader must not take "8.0" or "true" for a number or a boolean.
    return stringify({ config }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 });
}

/** The CLI: the Secret's JSON on standard input, the values fragment on standard output. Returns the exit code. */
export function main(argv: readonly string[], input: string, write: (s: string) => void, writeError: (s: string) => void): number {
    if (wantsHelp(argv)) {
        write(`${USAGE}\n`);
        return 0;
    }
    if (argv.length > 0) {
        writeError(`k8s-secret-values: unknown argument "${argv[0]}"\n${USAGE}`);
        return 2;
    }
    try {
        write(secretValues(input));
        return 0;
    } catch (e) {
        if (e instanceof SecretValuesError) {
            writeError(`k8s-secret-values: ${e.message}\n${USAGE}`);
            return 2;
        }
        throw e;
    }
}

/** `--help` or `-h` alone: the usage, without waiting for standard input. */
export const wantsHelp = (argv: readonly string[]) => argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h");

if (require.main === module && wantsHelp(process.argv.slice(2))) {
    process.exitCode = main(process.argv.slice(2), "", (s) => process.stdout.write(s), console.error);
} else if (require.main === module) {
    let input = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => (input += chunk));
    process.stdin.on("end", () => {
        process.exitCode = main(
            process.argv.slice(2),
            input,
            (s) => process.stdout.write(s),
            (s) => console.error(s),
        );
    });
}
