// Lint: typescript-eslint's recommended rules (syntax only: the type-check is tsc's job in npm test).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "**/node_modules/", "**/*.js", "**/*.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // The engine and the policies read loosely typed provider data on purpose; each `any` is local.
            "@typescript-eslint/no-explicit-any": "off",
            // require() is how the program loads the SDK's untyped internals and the engine its child modules.
            "@typescript-eslint/no-require-imports": "off",
            // tsc reports unused locals and parameters (noUnusedLocals, noUnusedParameters, `_` ignored): this
            // rule repeated it, at half of the lint's rule time.
            "@typescript-eslint/no-unused-vars": "off",
        },
    },
);
