// AppSecrets alone. MEMBRANE_TEST_EXISTING=true supplies existing values as secrets, as index.ts does.
import * as pulumi from "@pulumi/pulumi";
import { AppSecrets } from "../../components/secrets/app-secrets";

const existing = process.env.MEMBRANE_TEST_EXISTING === "true";
const secrets = new AppSecrets("app", {
    production: process.env.MEMBRANE_TEST_PRODUCTION === "true",
    existingSecret: existing ? pulumi.secret("s".repeat(40)) : undefined,
    existingEncryptionSecret: existing ? pulumi.secret("e".repeat(40)) : undefined,
});

export const secret = secrets.secret;
export const encryptionSecret = secrets.encryptionSecret;
